//! Typed operations' path to AWS: a service's one shared SDK client per factory, with the
//! request's scope stamped on each request.
//!
//! A process serving 100,000 scopes cannot afford an SDK client per scope (~20 KB and ~70 µs
//! to build each). The typed API therefore sends every scope's requests through one client per
//! service, whose isolation guard and identity cache read the scope from the request: each
//! send adds [`StampScope`], which puts a [`RequestScope`] into the request's config bag
//! before anything else runs. The shared client's guard rejects a request that carries none,
//! so a typed operation that forgot the stamp fails closed instead of going out unchecked.
//!
//! `raw()` still hands out an SDK client bound to one scope (built on first use and cached):
//! a caller's own requests carry no stamp, so their guard must know the scope by itself.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_types::config_bag::ConfigBag;

use super::{GuardedClients, Service};
use crate::credentials::RequestScope;
use crate::scope::AnyScope;

/// The interceptor a typed operation adds to each request it sends through a shared client:
/// stamps the request with its scope.
#[derive(Debug, Clone)]
pub(crate) struct StampScope(AnyScope);

impl Intercept for StampScope {
    fn name(&self) -> &'static str {
        "scoped_runtime::StampScope"
    }

    // `read_before_execution` is the first hook of a request: every other interceptor's hooks,
    // the guard's `read_before_serialization` and identity resolution come after it.
    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .store_put(RequestScope(self.0.clone()));
        Ok(())
    }
}

/// The scope stamped on the request being checked, as a shared client's guard reads it.
///
/// # Errors
///
/// `missing()`'s error if the request carries no stamp: it was sent through a shared client
/// without [`StampScope`], which only a bug in this crate can do.
pub(crate) fn request_scope<E>(
    cfg: &ConfigBag,
    missing: impl FnOnce() -> E,
) -> Result<&AnyScope, E> {
    cfg.load::<RequestScope>()
        .map(|scope| &scope.0)
        .ok_or_else(missing)
}

/// What a typed operation sends through: the service's shared client, the scope to stamp on
/// each request, and the scope's own guarded client for a caller who asks for `raw()`.
pub(crate) struct Sender<Svc: Service> {
    scope: AnyScope,
    clients: Arc<GuardedClients>,
    shared: Svc::Client,
    raw: OnceLock<Svc::Client>,
}

impl<Svc: Service> Sender<Svc> {
    pub(crate) fn new(scope: AnyScope, clients: Arc<GuardedClients>, shared: Svc::Client) -> Self {
        Self {
            scope,
            clients,
            shared,
            raw: OnceLock::new(),
        }
    }

    /// The service's shared client: every request sent through it must be stamped with
    /// [`stamp`](Self::stamp) (`.customize().interceptor(sender.stamp())`).
    pub(crate) fn client(&self) -> &Svc::Client {
        &self.shared
    }

    /// The interceptor that stamps a request with this sender's scope.
    pub(crate) fn stamp(&self) -> StampScope {
        StampScope(self.scope.clone())
    }

    /// Hands the scope's own guarded client over when the caller already has it.
    pub(crate) fn seed_raw(&self, raw: Svc::Client) {
        let _ = self.raw.set(raw);
    }

    /// The scope's own guarded client, for callers of `raw()`: built on first use and cached
    /// by the factory.
    pub(crate) fn raw(&self) -> &Svc::Client {
        self.raw
            .get_or_init(|| self.clients.guarded_any::<Svc>(&self.scope))
    }
}

impl<Svc: Service> Clone for Sender<Svc> {
    fn clone(&self) -> Self {
        Self {
            scope: self.scope.clone(),
            clients: Arc::clone(&self.clients),
            shared: self.shared.clone(),
            raw: self.raw.clone(),
        }
    }
}

impl<Svc: Service> fmt::Debug for Sender<Svc> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}
