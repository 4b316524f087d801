//! The objects attribute on `quote!` input: its rules, and an expansion snapshot
//! (`tests/expand/objects.expanded.rs`, re-blessed with `SCOPED_BLESS=1`).

use proc_macro2::TokenStream;
use quote::quote;

use super::objects_attribute;
use super::parse::ObjectsInput;
use crate::scope::ScopeKind;

fn error(args: TokenStream, item: TokenStream) -> String {
    match ObjectsInput::from_syn(ScopeKind::Capsule, args, item) {
        Err(error) => error.to_string(),
        Ok(input) => match input.validate() {
            Ok(_) => panic!("expected an error"),
            Err(error) => error.to_string(),
        },
    }
}

#[test]
fn collection_names_follow_the_rule() {
    let item = quote!(
        struct Upload {
            #[scoped(id)]
            id: String,
        }
    );
    for bad in ["up/loads", "..", "Uploads", ""] {
        let message = error(quote!(#bad), item.clone());
        assert!(message.contains("object collection"), "{bad}: {message}");
    }
    let message = error(quote!(uploads), item);
    assert!(
        message.contains("#[capsule_objects(\"uploads\")]"),
        "{message}"
    );
}

#[test]
fn an_object_type_needs_named_id_fields_and_no_generics() {
    let message = error(
        quote!("uploads"),
        quote!(
            struct Upload {
                name: String,
            }
        ),
    );
    assert!(
        message.contains("at least one `#[scoped(id)]`"),
        "{message}"
    );
    let message = error(
        quote!("uploads"),
        quote!(
            struct Upload(String);
        ),
    );
    assert!(message.contains("named fields"), "{message}");
    let message = error(
        quote!("uploads"),
        quote!(
            struct Upload<T> {
                #[scoped(id)]
                id: T,
            }
        ),
    );
    assert!(message.contains("generic"), "{message}");
}

#[test]
fn on_error_the_struct_is_kept_without_its_markers() {
    let out = objects_attribute(
        ScopeKind::Capsule,
        quote!("Bad"),
        quote!(
            struct Upload {
                #[scoped(id)]
                id: String,
            }
        ),
    )
    .to_string();
    assert!(
        out.contains("struct Upload") && out.contains("compile_error"),
        "{out}"
    );
    assert!(!out.contains("scoped"), "{out}");
}

#[test]
fn expansion_snapshot() {
    let out = objects_attribute(
        ScopeKind::Capsule,
        quote!("uploads"),
        quote! {
            /// A file attached to a lead.
            pub struct Attachment {
                #[scoped(id)]
                pub lead_id: String,
                #[scoped(id)]
                pub version: u32,
                pub size: u64,
            }
        },
    );
    let file: syn::File = syn::parse2(out).unwrap();
    let text = format!(
        "// #[capsule_objects(\"uploads\")] expands to:\n\n{}",
        prettyplease::unparse(&file)
    );
    crate::tests::assert_snapshot("objects", &text);
}
