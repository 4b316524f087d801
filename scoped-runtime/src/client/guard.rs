//! The interceptor every service's isolation guard runs in: it finds the request's scope (the
//! client's own, or the one a typed operation stamped on the request) and hands the request
//! to the service's check ([`CheckRequest`]) before it is serialized, signed or sent.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, Input,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::request::request_scope;
use crate::scope::AnyScope;

/// A service's isolation check: one per service module, which only this crate writes.
pub(crate) trait CheckRequest: fmt::Debug + Send + Sync + 'static {
    /// What the check needs of one scope (its table prefix, bucket and key prefix, queue
    /// names…): computed once for a scope's own client, per request for a shared client.
    type Scoped: fmt::Debug + Send + Sync + 'static;
    /// Why a request is rejected.
    type Violation: std::error::Error + Send + Sync + 'static;
    /// The interceptor's name, as the SDK reports it.
    const NAME: &'static str;

    /// What the check needs of `scope`.
    fn scoped(&self, scope: &AnyScope) -> Self::Scoped;

    /// Checks one request's input, of operation `operation`, against `scope`.
    ///
    /// # Errors
    ///
    /// The violation that names what lies outside the scope.
    fn check(scope: &Self::Scoped, operation: &str, input: &Input) -> Result<(), Self::Violation>;

    /// The violation of a request that reached a shared client without a stamped scope.
    fn unscoped(operation: &str) -> Self::Violation;
}

/// The isolation guard of one SDK client: bound to one scope (`raw()` clients), or reading each
/// request's stamped scope (a service's shared client), which it requires.
pub(crate) struct Guard<C: CheckRequest> {
    scope: GuardScope<C>,
}

enum GuardScope<C: CheckRequest> {
    /// A scope's own client: every request is checked against this scope, whatever it
    /// carries.
    Fixed(C::Scoped),
    /// A shared client: every request against the scope stamped on it, none without.
    Stamped(C),
}

impl<C: CheckRequest> Guard<C> {
    /// The guard of `scope`'s own client.
    pub(crate) fn of_scope(check: &C, scope: &AnyScope) -> Self {
        Self {
            scope: GuardScope::Fixed(check.scoped(scope)),
        }
    }

    /// The guard of a shared client.
    pub(crate) fn per_request(check: C) -> Self {
        Self {
            scope: GuardScope::Stamped(check),
        }
    }
}

impl<C: CheckRequest> fmt::Debug for Guard<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct(C::NAME);
        match &self.scope {
            GuardScope::Fixed(scope) => out.field("scope", scope),
            GuardScope::Stamped(check) => out.field("stamped", check),
        };
        out.finish()
    }
}

impl<C: CheckRequest> Intercept for Guard<C> {
    fn name(&self) -> &'static str {
        C::NAME
    }

    // `read_before_serialization` runs after every interceptor's `modify_before_serialization`,
    // so what the check sees is what the SDK serializes.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let cfg: &ConfigBag = cfg;
        let operation = cfg.load::<Metadata>().map_or("unknown", Metadata::name);
        let checked = match &self.scope {
            GuardScope::Fixed(scope) => C::check(scope, operation, context.input()),
            GuardScope::Stamped(check) => {
                let scope = request_scope(cfg, || C::unscoped(operation))?;
                C::check(&check.scoped(scope), operation, context.input())
            }
        };
        checked.map_err(BoxError::from)
    }
}

#[cfg(test)]
mod tests {
    //! The guard from the side of a request that should not get through, with a check that
    //! accepts only tenant `t1`: a shared client's request without a stamp, one stamped with
    //! another scope, and a stamp on a scope's own client, which must not change its scope.

    use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;

    use super::*;
    use crate::credentials::RequestScope;
    use crate::scope::Tenant;

    #[derive(Debug, PartialEq, Eq, thiserror::Error)]
    enum Refused {
        #[error("no scope")]
        Unscoped,
        #[error("scope {0}")]
        Foreign(String),
    }

    #[derive(Debug)]
    struct OnlyT1;

    impl CheckRequest for OnlyT1 {
        type Scoped = AnyScope;
        type Violation = Refused;
        const NAME: &'static str = "OnlyT1";

        fn scoped(&self, scope: &AnyScope) -> AnyScope {
            scope.clone()
        }

        fn check(scope: &AnyScope, _operation: &str, _input: &Input) -> Result<(), Refused> {
            match scope {
                AnyScope::Tenant(tenant) if tenant.id().as_str() == "t1" => Ok(()),
                other => Err(Refused::Foreign(format!("{other:?}"))),
            }
        }

        fn unscoped(_operation: &str) -> Refused {
            Refused::Unscoped
        }
    }

    fn tenant(id: &str) -> AnyScope {
        match Tenant::new(id, "Acme") {
            Ok(tenant) => AnyScope::Tenant(tenant),
            Err(err) => panic!("{err}"),
        }
    }

    /// What `guard` answers a request stamped with `stamp` (or not stamped).
    fn run(guard: &Guard<OnlyT1>, stamp: Option<AnyScope>) -> Result<(), Refused> {
        let context = InterceptorContext::new(Input::erase(()));
        let components = match RuntimeComponentsBuilder::for_tests().build() {
            Ok(components) => components,
            Err(err) => panic!("{err}"),
        };
        let mut cfg = ConfigBag::base();
        if let Some(scope) = stamp {
            cfg.interceptor_state().store_put(RequestScope(scope));
        }
        let context = BeforeSerializationInterceptorContextRef::from(&context);
        match guard.read_before_serialization(&context, &components, &mut cfg) {
            Ok(()) => Ok(()),
            Err(err) => match err.downcast::<Refused>() {
                Ok(refused) => Err(*refused),
                Err(other) => panic!("not the check's error: {other}"),
            },
        }
    }

    #[test]
    fn a_shared_client_rejects_a_request_without_a_stamp() {
        assert_eq!(
            run(&Guard::per_request(OnlyT1), None),
            Err(Refused::Unscoped)
        );
    }

    #[test]
    fn a_shared_client_checks_the_stamped_scope() {
        let guard = Guard::per_request(OnlyT1);
        assert_eq!(run(&guard, Some(tenant("t1"))), Ok(()));
        assert!(matches!(
            run(&guard, Some(tenant("t10"))),
            Err(Refused::Foreign(_))
        ));
    }

    #[test]
    fn a_stamp_does_not_change_a_scope_bound_guard() {
        let bound_to_t10 = Guard::of_scope(&OnlyT1, &tenant("t10"));
        assert!(matches!(
            run(&bound_to_t10, Some(tenant("t1"))),
            Err(Refused::Foreign(_))
        ));
        assert!(matches!(run(&bound_to_t10, None), Err(Refused::Foreign(_))));
        let bound_to_t1 = Guard::of_scope(&OnlyT1, &tenant("t1"));
        assert_eq!(run(&bound_to_t1, Some(tenant("t10"))), Ok(()));
    }
}
