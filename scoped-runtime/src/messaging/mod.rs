//! What SQS and SNS share, without knowing either: the base-name types of queues and topics,
//! the sealed scope checks of their typed clients, and the pure rules of the `scoped.scope`
//! message attribute and of batches (strings in, strings or `Result` out, no SDK types).
//!
//! A service imports no other service (docs/layout.md), so the parts the two messaging
//! services have in common live here, in the core; each service keeps its SDK-typed glue.
//! The base-name types and scope checks are public types of each service (`QueueBase`,
//! `CapsuleMessage`, `TopicBase`, `CapsuleNotification`…), so they are written by the macros
//! below, once, and declared in the service that owns them.

pub(crate) mod attribute;
pub(crate) mod batch;

use crate::scope::AnyScope;

/// Declares a base-name type (`QueueBase`, `TopicBase`): a `&'static str` checked at compile
/// time by a `scoped_rules` const fn, with `from_static`, `as_str`, `Debug` and `Display`.
macro_rules! base_name {
    ($(#[$doc:meta])* $name:ident, check = $check:path, by = $by:literal $(,)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(&'static str);

        impl $name {
            #[doc = concat!("A base checked at compile time (in a `const`): the ", $by, " build theirs so.")]
            ///
            /// # Panics
            ///
            /// If `value` breaks the rule (at compile time in a `const`).
            #[must_use]
            #[allow(
                clippy::panic,
                reason = "a const's compile-time error; the attributes check the base before they reach it"
            )]
            pub const fn from_static(value: &'static str) -> Self {
                match $check(value) {
                    Ok(()) => Self(value),
                    Err(rule) => panic!("{}", rule.summary()),
                }
            }

            /// The base as a string.
            #[must_use]
            pub const fn as_str(&self) -> &'static str {
                self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(self.0, f)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.0)
            }
        }
    };
}
pub(crate) use base_name;

/// Declares the sealed scope checks of a typed messaging client: a seal module `in_scope`
/// with `InScope<ClientScope, ItemScope>`, implemented only where the two are one scope, and,
/// for each scope, a public trait (`CapsuleMessage<MessageScope>`) implemented exactly for the
/// `$bound` types of that scope, whose error names the type's scope and the client to use.
///
/// The client methods bound their type by the scope's trait alone (`M: Queue +
/// CapsuleMessage<<M as Queue>::Scope>`, no `Scope = Capsule` equality), so a type of another
/// scope gets that one error, naming both scopes, and no type-mismatch error before it.
macro_rules! scope_checks {
    (
        bound = $bound:ident,
        param = $param:ident,
        label = $label:literal,
        generic_note = $generic_note:literal,
        sealed = $sealed:literal;
        $(
            $(#[$doc:meta])*
            $trait:ident, $scope:ident,
            message = $message:literal,
            note = $note:literal;
        )+
    ) => {
        /// The seal of the scope checks: implemented by the runtime only.
        pub(crate) mod in_scope {
            /// `ClientScope` and the type's scope are the same scope.
            #[diagnostic::on_unimplemented(
                message = "scope checks cannot be implemented by hand: `{Self}` belongs to the `{ItemScope}` scope, not the `{ClientScope}` one",
                label = "hand-written scope check",
                note = "`scoped_runtime` implements the scope checks for exactly the types of each scope; remove this impl and use a client of the type's own scope"
            )]
            pub trait InScope<ClientScope, ItemScope> {}

            impl<T: super::$bound<Scope = S>, S: crate::scope::Scope> InScope<S, S> for T {}
        }

        $(
            $(#[$doc])*
            ///
            #[doc = $sealed]
            #[diagnostic::on_unimplemented(
                message = $message,
                label = $label,
                note = $note,
                note = $generic_note
            )]
            pub trait $trait<$param>: $bound + in_scope::InScope<$scope, $param> {}

            impl<T: $bound<Scope = $scope>> $trait<$scope> for T {}
        )+
    };
}
pub(crate) use scope_checks;

/// The account a scope's queues and topics are in, as far as a guard can know it when the
/// scope's client is built: the account of the role the scope's clients sign as. `None` for a
/// scope that signs with the factory's own credentials: their account is known only to STS
/// (`GetCallerIdentity`, a request), not to the SDK configuration a guard is built from.
pub(crate) fn scope_account(scope: &AnyScope) -> Option<String> {
    scope
        .signing_role()
        .map(|role| role.role_arn.account_id().to_owned())
}

/// Whether the account `found` in a queue URL or an ARN is the one the request may reach,
/// `expected`, when that is known; if not, `(found, expected)` for the error.
pub(crate) fn check_account(expected: Option<&str>, found: &str) -> Result<(), (String, String)> {
    match expected {
        Some(expected) if expected != found => Err((found.to_owned(), expected.to_owned())),
        _ => Ok(()),
    }
}

/// The first error of type `T` in `error`'s chain of sources, if there is one: how a
/// service's violation type is found inside an SDK error.
pub(crate) fn find_in<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        next = error.source();
    }
    None
}
