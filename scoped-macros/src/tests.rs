//! Unit tests of the parser and validator on `parse_quote!` input, and expansion snapshots of
//! one entity per scope.
//!
//! The snapshots live in `tests/expand/*.expanded.rs`. After a deliberate change to the
//! generated code, re-bless them with `SCOPED_BLESS=1 cargo test -p scoped-macros` and read
//! the diff before committing.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse_quote;

use crate::ast::{IdArg, KeyInput, TableInput};
use crate::expand;
use crate::scope::ScopeKind;
use crate::valid::default_entity_tag;

fn table_input(kind: ScopeKind, args: TokenStream, item: TokenStream) -> TableInput {
    TableInput::from_syn(kind, args, item).unwrap()
}

fn key_error(input: TokenStream) -> String {
    match KeyInput::from_syn(input).and_then(KeyInput::validate) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn table_argument_is_one_string_literal() {
    let lead = quote!(
        struct Lead;
    );
    let input = table_input(ScopeKind::Capsule, quote!("crm"), lead.clone());
    assert_eq!(input.base.as_ref().unwrap().value(), "crm");
    assert_eq!(input.validate().unwrap(), "crm");

    for args in [quote!(), quote!(crm), quote!("crm", "sales")] {
        let input = table_input(ScopeKind::Capsule, args, lead.clone());
        let error = input.validate().unwrap_err().to_string();
        assert!(error.contains("`#[capsule_table(\"crm\")]`"), "{error}");
    }
}

#[test]
fn base_names_are_checked_in_the_runtimes_words() {
    let input = table_input(
        ScopeKind::Tenant,
        quote!("CRM"),
        quote!(
            struct Lead;
        ),
    );
    assert_eq!(
        input.validate().unwrap_err().to_string(),
        "invalid base table name \"CRM\": must start with one of lowercase ASCII letters and \
         digits, found 'C'"
    );
}

#[test]
fn a_second_table_attribute_is_taken_off_and_reported() {
    let input = table_input(
        ScopeKind::Capsule,
        quote!("crm"),
        quote! {
            #[scoped_runtime::tenant_table("crm")]
            #[derive(Debug, scoped_runtime::ScopedKey)]
            struct Lead { #[scoped(id)] id: String }
        },
    );
    assert!(input.derives_key);
    assert_eq!(input.other_tables.len(), 1);
    assert_eq!(input.item.attrs.len(), 1, "only the derive stays");
    let error = input.validate().unwrap_err().to_string();
    assert!(error.contains("cannot also be a tenant entity"), "{error}");
}

#[test]
fn tables_bind_structs_only() {
    for item in [
        quote!(
            enum Stage {
                New,
            }
        ),
        quote!(
            union Bits {
                a: u32,
            }
        ),
        quote!(
            struct Record<T>(T);
        ),
        quote!(
            fn lead() {}
        ),
    ] {
        assert!(TableInput::from_syn(ScopeKind::Platform, quote!("events"), item).is_err());
    }
}

#[test]
fn default_entity_tags() {
    for (name, tag) in [
        ("Lead", "LEAD"),
        ("LeadNote", "LEAD_NOTE"),
        ("HTTPRequest", "HTTP_REQUEST"),
        ("Order2Item", "ORDER2_ITEM"),
        ("r#Type", "TYPE"),
    ] {
        assert_eq!(default_entity_tag(name), tag);
    }
}

#[test]
fn id_arguments_follow_the_field_type() {
    let cases: [(syn::Type, IdArg); 7] = [
        (parse_quote!(String), IdArg::Text),
        (parse_quote!(&'static str), IdArg::Text),
        (parse_quote!(std::sync::Arc<str>), IdArg::Text),
        (parse_quote!(Cow<'static, str>), IdArg::Text),
        (parse_quote!(u64), IdArg::Integer),
        (parse_quote!(uuid::Uuid), IdArg::Ref),
        (parse_quote!(Box<[u8]>), IdArg::Ref),
    ];
    for (ty, arg) in cases {
        assert_eq!(IdArg::of(&ty), arg, "{}", quote!(#ty));
    }
}

#[test]
fn keys_read_tag_ids_and_table_hint() {
    let key = KeyInput::from_syn(quote! {
        #[__scoped_table(tenant, "notifications")]
        #[scoped(entity = "HOOK")]
        pub struct Webhook {
            #[scoped(id)]
            webhook_id: u64,
            url: String,
            #[scoped(id)]
            attempt: String,
        }
    })
    .and_then(KeyInput::validate)
    .unwrap();
    assert_eq!(key.tag, "HOOK");
    let ids: Vec<String> = key.ids.iter().map(|id| id.name.to_string()).collect();
    assert_eq!(ids, ["webhook_id", "attempt"]);
    let table = key.table.unwrap();
    assert_eq!(
        (table.kind, table.base.as_str()),
        (ScopeKind::Tenant, "notifications")
    );
}

#[test]
fn key_errors_name_the_fix() {
    let no_id = key_error(quote!(
        struct Lead {
            id: String,
        }
    ));
    assert!(no_id.contains("mark the field or fields"), "{no_id}");
    let unknown = key_error(quote! {
        #[scoped(entiy = "LEAD")]
        struct Lead { #[scoped(id)] id: String }
    });
    assert!(unknown.contains("Did you mean `entity`?"), "{unknown}");
    let tag = key_error(quote! {
        #[scoped(entity = "lead")]
        struct Lead { #[scoped(id)] id: String }
    });
    assert!(tag.starts_with("invalid entity tag \"lead\": "), "{tag}");
    let reserved = key_error(quote!(
        struct Tenant {
            #[scoped(id)]
            id: String,
        }
    ));
    assert!(
        reserved.contains("name one with `#[scoped(entity"),
        "{reserved}"
    );
    let tuple = key_error(quote!(
        struct Lead(#[scoped(id)] String);
    ));
    assert!(tuple.contains("is a tuple struct"), "{tuple}");
    let path = key_error(quote! {
        #[scoped(entity = LEAD)]
        struct Lead { #[scoped(id)] id: String }
    });
    assert!(
        path.contains("takes the entity tag as one string literal"),
        "{path}"
    );
    let seven = key_error(quote! {
        struct Reading {
            #[scoped(id)] a: u8, #[scoped(id)] b: u8, #[scoped(id)] c: u8, #[scoped(id)] d: u8,
            #[scoped(id)] e: u8, #[scoped(id)] f: u8, #[scoped(id)] g: u8,
        }
    });
    assert!(
        seven.contains("has 7 id fields, and a partition key has at most 6"),
        "{seven}"
    );
}

#[test]
fn a_table_attribute_after_another_under_any_name_is_reported() {
    // What the first table attribute leaves on a struct that does not derive `ScopedKey`.
    let input = table_input(
        ScopeKind::Capsule,
        quote!("sales"),
        quote! {
            #[::scoped_runtime::__private::__scoped_bound(capsule, "crm")]
            struct Lead { id: String }
        },
    );
    assert!(input.item.attrs.is_empty(), "the hint is taken off");
    let error = input.validate().unwrap_err().to_string();
    assert!(
        error.contains("`#[capsule_table]` is given twice"),
        "{error}"
    );
    // What it leaves on one that does: kept for the derive.
    let input = table_input(
        ScopeKind::Tenant,
        quote!("crm"),
        quote! {
            #[derive(scoped_runtime::ScopedKey)]
            #[__scoped_table(capsule, "crm")]
            struct Lead { #[scoped(id)] id: String }
        },
    );
    assert_eq!(input.item.attrs.len(), 2, "the hint stays for the derive");
    let error = input.validate().unwrap_err().to_string();
    assert!(
        error.contains(
            "is already a capsule entity (`#[capsule_table]`), so it cannot also be a tenant entity"
        ),
        "{error}"
    );
    // Expanded, the second attribute adds no second `Table` impl.
    let expanded = expand::table_attribute(
        ScopeKind::Tenant,
        quote!("crm"),
        quote! {
            #[::scoped_runtime::__private::__scoped_bound(capsule, "crm")]
            struct Lead { id: String }
        },
    )
    .to_string();
    assert!(!expanded.contains("Table for"), "{expanded}");
}

/// The table attribute's output, then the derive's output on the struct it left.
fn expand_entity(kind: ScopeKind, args: TokenStream, item: TokenStream) -> String {
    let table = expand::table_attribute(kind, args, item);
    let file: syn::File = syn::parse2(table.clone()).unwrap();
    let strukt = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(item) => Some(item),
            _ => None,
        })
        .unwrap();
    let derive: syn::File = syn::parse2(expand::derive_scoped_key(quote!(#strukt))).unwrap();
    format!(
        "// #[{}] expands to:\n\n{}\n// and #[derive(ScopedKey)] on that struct to:\n\n{}",
        kind.attribute(),
        prettyplease::unparse(&file),
        prettyplease::unparse(&derive)
    )
}

pub(crate) fn assert_snapshot(name: &str, actual: &str) {
    let path = format!(
        "{}/tests/expand/{name}.expanded.rs",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("SCOPED_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {path}; create it with SCOPED_BLESS=1"));
    assert!(
        expected == actual,
        "expansion of {name} changed; re-bless with SCOPED_BLESS=1 after reading the diff:\n{actual}"
    );
}

#[test]
fn expansion_snapshots() {
    let capsule = expand_entity(
        ScopeKind::Capsule,
        quote!("crm"),
        quote! {
            /// A sales lead.
            #[derive(ScopedKey)]
            #[scoped(entity = "LEAD")]
            pub struct Lead {
                /// The lead's id.
                #[scoped(id)]
                pub lead_id: String,
                pub name: String,
            }
        },
    );
    assert_snapshot("capsule", &capsule);
    let tenant = expand_entity(
        ScopeKind::Tenant,
        quote!("notifications"),
        quote! {
            #[derive(ScopedKey)]
            #[serde(rename_all = "camelCase")]
            pub(crate) struct WebhookDelivery {
                #[scoped(id)]
                pub webhook_id: u64,
                #[scoped(id)]
                pub attempt: Box<str>,
            }
        },
    );
    assert_snapshot("tenant", &tenant);
    let platform = expand_entity(
        ScopeKind::Platform,
        quote!("events"),
        quote! {
            /// A platform event.
            #[derive(ScopedKey)]
            pub struct Event {
                #[scoped(id)]
                pub event_id: uuid::Uuid,
            }
        },
    );
    assert_snapshot("platform", &platform);
    let indexed = expand_entity(
        ScopeKind::Tenant,
        quote!(
            "hooks",
            index(AllHooks),
            index(ByOwner, name = "owner", sort_key, shards = 2)
        ),
        quote! {
            /// A webhook, listed in `all_hooks` and, when it has an owner, in `owner`.
            #[derive(ScopedKey)]
            #[scoped(entity = "HOOK", index(AllHooks, ByOwner(partition(owner), sort(created))))]
            pub struct Hook {
                #[scoped(id)]
                pub hook_id: String,
                #[scoped(unique)]
                pub url: String,
                pub owner: Option<String>,
                pub created: u64,
            }
        },
    );
    assert_snapshot("indexes", &indexed);
}

fn serialized(input: TokenStream) -> (Vec<(String, String, bool)>, bool) {
    let key = KeyInput::from_syn(input)
        .and_then(KeyInput::validate)
        .unwrap();
    let fields = key
        .attributes
        .fields
        .into_iter()
        .map(|field| (field.name, field.field, field.id))
        .collect();
    (fields, key.attributes.open)
}

fn names(input: TokenStream) -> Vec<String> {
    serialized(input)
        .0
        .into_iter()
        .map(|(name, ..)| name)
        .collect()
}

#[test]
fn serialized_field_names_follow_serde() {
    let (fields, open) = serialized(quote! {
        #[derive(Serialize)]
        struct Lead {
            #[scoped(id)]
            lead_id: String,
            #[serde(rename = "fullName")]
            name: String,
            #[serde(rename(serialize = "ser", deserialize = "de"))]
            both: u32,
            #[serde(rename(deserialize = "only_de"))]
            de_only: u32,
            #[serde(skip)]
            cache: u32,
            #[serde(default, skip_serializing)]
            secret: u32,
            #[serde(skip_serializing_if = "Option::is_none", alias = "typ")]
            r#type: Option<String>,
        }
    });
    let lead = |name: &str, field: &str, id| (name.to_owned(), field.to_owned(), id);
    assert_eq!(
        fields,
        [
            lead("lead_id", "lead_id", true),
            lead("fullName", "name", false),
            lead("ser", "both", false),
            lead("de_only", "de_only", false),
            lead("type", "type", false),
        ]
    );
    assert!(!open);
}

#[test]
fn rename_all_applies_every_serde_case() {
    for (rule, expected) in [
        ("lowercase", ["lead_id", "first_contact"]),
        ("UPPERCASE", ["LEAD_ID", "FIRST_CONTACT"]),
        ("PascalCase", ["LeadId", "FirstContact"]),
        ("camelCase", ["leadId", "firstContact"]),
        ("snake_case", ["lead_id", "first_contact"]),
        ("SCREAMING_SNAKE_CASE", ["LEAD_ID", "FIRST_CONTACT"]),
        ("kebab-case", ["lead-id", "first-contact"]),
        ("SCREAMING-KEBAB-CASE", ["LEAD-ID", "FIRST-CONTACT"]),
    ] {
        let input = quote! {
            #[serde(deny_unknown_fields, rename_all = #rule)]
            struct Lead { #[scoped(id)] lead_id: String, first_contact: u64 }
        };
        assert_eq!(names(input), expected, "{rule}");
        let split = quote! {
            #[serde(rename_all(deserialize = "UPPERCASE", serialize = #rule))]
            struct Lead { #[scoped(id)] lead_id: String, first_contact: u64 }
        };
        assert_eq!(names(split), expected, "{rule}, split form");
    }
    // A field's own rename wins over the struct's rule.
    let renamed = quote! {
        #[serde(rename_all = "camelCase")]
        struct Lead { #[scoped(id)] lead_id: String, #[serde(rename = "x_y")] first_contact: u64 }
    };
    assert_eq!(names(renamed), ["leadId", "x_y"]);
}

#[test]
fn flattened_and_transparent_entities_have_open_attributes() {
    let (fields, open) = serialized(quote! {
        struct Lead {
            #[scoped(id)]
            lead_id: String,
            #[serde(flatten)]
            extra: std::collections::HashMap<String, String>,
        }
    });
    assert_eq!(fields, [("lead_id".into(), "lead_id".into(), true)]);
    assert!(open);
    for container in [quote!(transparent), quote!(into = "LeadRecord")] {
        let (_, open) = serialized(quote! {
            #[serde(#container)]
            struct Lead { #[scoped(id)] lead_id: String }
        });
        assert!(open, "{container}");
    }
    // A serde attribute we cannot read is serde's to report; the list is open meanwhile.
    let (_, open) = serialized(quote! {
        #[serde(rename_all = "Title Case")]
        struct Lead { #[scoped(id)] lead_id: String }
    });
    assert!(open);
}

/// Every `#[doc = "…"]` string on the items of `file`, their fields, and the items of impls
/// and `const _: () = { … };` blocks in it.
fn doc_strings(file: &syn::File) -> Vec<String> {
    fn docs_of(attrs: &[syn::Attribute], out: &mut Vec<String>) {
        for attr in attrs {
            if let syn::Meta::NameValue(meta) = &attr.meta
                && meta.path.is_ident("doc")
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(doc),
                    ..
                }) = &meta.value
            {
                out.push(doc.value());
            }
        }
    }
    fn walk(items: &[syn::Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Struct(item) => {
                    docs_of(&item.attrs, out);
                    for field in &item.fields {
                        docs_of(&field.attrs, out);
                    }
                }
                syn::Item::Impl(item) => {
                    for inner in &item.items {
                        match inner {
                            syn::ImplItem::Const(c) => docs_of(&c.attrs, out),
                            syn::ImplItem::Fn(f) => docs_of(&f.attrs, out),
                            syn::ImplItem::Type(t) => docs_of(&t.attrs, out),
                            _ => {}
                        }
                    }
                }
                syn::Item::Const(item) => {
                    if let syn::Expr::Block(block) = &*item.expr {
                        let items: Vec<syn::Item> = block
                            .block
                            .stmts
                            .iter()
                            .filter_map(|stmt| match stmt {
                                syn::Stmt::Item(item) => Some(item.clone()),
                                _ => None,
                            })
                            .collect();
                        walk(&items, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, &mut out);
    out
}

/// The docs the table attribute and then the derive generate for `item`.
fn generated_docs(kind: ScopeKind, args: TokenStream, item: TokenStream) -> Vec<String> {
    let table: syn::File = syn::parse2(expand::table_attribute(kind, args, item)).unwrap();
    let strukt = table
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(item) => Some(item),
            _ => None,
        })
        .unwrap();
    let derive: syn::File = syn::parse2(expand::derive_scoped_key(quote!(#strukt))).unwrap();
    let mut docs = doc_strings(&table);
    docs.extend(doc_strings(&derive));
    docs
}

#[test]
fn entity_docs_name_the_tag_the_ids_and_the_table() {
    let docs = generated_docs(
        ScopeKind::Capsule,
        quote!("crm"),
        quote! {
            /// A sales lead.
            #[derive(ScopedKey)]
            #[scoped(entity = "LEAD")]
            pub struct Lead {
                /// The lead's id.
                #[scoped(id)]
                pub lead_id: String,
                /// Its name.
                pub name: String,
                #[scoped(id)]
                pub undocumented: u64,
            }
        },
    );
    let all = docs.join("\n---\n");
    let has = |text: &str| docs.iter().any(|doc| doc.contains(text));
    // `Entity::TAG` on the entity's page shows the entity's own tag.
    assert!(
        has("`LEAD`: `Lead`'s tag in its partition keys, \
             `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}#{undocumented}`"),
        "{all}"
    );
    // The struct's docs name the key, its id fields and its tag.
    assert!(
        has("is built from its id fields `lead_id`, `undocumented` (entity tag `LEAD`)"),
        "{all}"
    );
    // A documented id field is marked; an undocumented one stays undocumented (missing_docs).
    assert_eq!(
        docs.iter().filter(|doc| doc.contains("*Key id*")).count(),
        1,
        "{all}"
    );
    assert!(
        has("`lead_id`, an id; `name`; `undocumented`, an id"),
        "{all}"
    );
    assert!(has("`{capsule_code}_crm` (e.g. `PRODUS_crm`)"), "{all}");

    let platform = generated_docs(
        ScopeKind::Platform,
        quote!("audit"),
        quote! {
            /// An audit record.
            #[derive(ScopedKey)]
            pub struct AuditRecord { #[scoped(id)] pub record_id: String }
        },
    );
    let all = platform.join("\n---\n");
    assert!(
        !all.contains("e.g."),
        "the platform's table is the same everywhere: {all}"
    );
    assert!(all.contains("stored in table `audit` and"), "{all}");
    assert!(
        all.contains(
            "`AUDIT_RECORD`: `AuditRecord`'s tag in its partition keys, `AUDIT_RECORD#{record_id}`"
        ),
        "{all}"
    );
}
