//! The `ProvideCredentials` implementation installed in role-signed SDK clients.

use std::sync::Arc;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};

use super::cache::Shared;
use super::entry::RoleEntry;

/// Reads one role's entry. Warm reads complete synchronously, without boxing a future.
#[derive(Debug, Clone)]
pub(crate) struct CachedRoleCredentials {
    entry: Arc<RoleEntry>,
    shared: Arc<Shared>,
}

impl CachedRoleCredentials {
    pub(crate) fn new(entry: Arc<RoleEntry>, shared: Arc<Shared>) -> Self {
        Self { entry, shared }
    }
}

impl ProvideCredentials for CachedRoleCredentials {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        if let Some(credentials) = self.entry.try_hot(&self.shared) {
            return provider::future::ProvideCredentials::ready(Ok(credentials));
        }
        provider::future::ProvideCredentials::new(async move {
            self.entry
                .load_now(&self.shared)
                .await
                .map_err(CredentialsError::provider_error)
        })
    }
}
