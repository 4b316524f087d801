//! The three data scopes as the macros see them: attribute name, runtime type, and the table
//! and key patterns the generated docs state.

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The scope a table attribute binds an entity to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Platform,
    Tenant,
    Capsule,
}

impl ScopeKind {
    pub(crate) const ALL: [Self; 3] = [Self::Platform, Self::Tenant, Self::Capsule];

    /// The attribute that binds an entity to this scope: `capsule_table`.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Self::Platform => "platform_table",
            Self::Tenant => "tenant_table",
            Self::Capsule => "capsule_table",
        }
    }

    /// The scope for an attribute name, if it is one of the table attributes.
    pub(crate) fn from_attribute(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.attribute() == name)
    }

    /// The word the docs use: `capsule`.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::Tenant => "tenant",
            Self::Capsule => "capsule",
        }
    }

    /// The runtime's scope type, e.g. `Capsule`.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::Platform => "Platform",
            Self::Tenant => "Tenant",
            Self::Capsule => "Capsule",
        }
    }

    /// The runtime's scope type as an absolute path.
    pub(crate) fn type_path(self) -> TokenStream {
        let name = syn::Ident::new(self.type_name(), Span::call_site());
        quote!(::scoped_runtime::__private::#name)
    }

    /// The pattern of this scope's table names with base `base`: `{capsule_code}_crm`.
    pub(crate) fn table_pattern(self, base: &str) -> String {
        match self {
            Self::Platform => base.to_owned(),
            Self::Tenant => format!("{{tenant_id}}_{base}"),
            Self::Capsule => format!("{{capsule_code}}_{base}"),
        }
    }

    /// The key prefix this scope writes before the entity tag.
    pub(crate) fn key_prefix(self) -> &'static str {
        match self {
            Self::Platform => "",
            Self::Tenant => "TENANT#{tenant_id}#",
            Self::Capsule => "TENANT#{tenant_id}#CAPSULE#{capsule_id}#",
        }
    }

    /// An example table name with base `base`, for the generated docs.
    pub(crate) fn table_example(self, base: &str) -> String {
        match self {
            Self::Platform => base.to_owned(),
            Self::Tenant => format!("tenant-123_{base}"),
            Self::Capsule => format!("PRODUS_{base}"),
        }
    }

    /// How a caller gets a client of this scope.
    pub(crate) fn factory_call(self) -> &'static str {
        match self {
            Self::Platform => "factory.platform_dynamodb()",
            Self::Tenant => "factory.tenant_dynamodb(&tenant)",
            Self::Capsule => "factory.capsule_dynamodb(&capsule)",
        }
    }
}
