//! A credentials provider that assumes an IAM role through STS.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials};

use crate::role::{ExternalId, RoleArn, SessionName};

const PROVIDER_NAME: &str = "scoped-assume-role";

/// Calls `sts:AssumeRole` with the factory's STS client each time it is asked for credentials;
/// the SDK client it is installed in caches what it returns until the credential's expiry.
#[derive(Debug)]
pub(crate) struct AssumeRoleProvider {
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) role_arn: RoleArn,
    pub(crate) session_name: SessionName,
    pub(crate) external_id: Option<ExternalId>,
}

impl AssumeRoleProvider {
    async fn assume(&self) -> Result<Credentials, CredentialsError> {
        let output = self
            .sts
            .assume_role()
            .role_arn(self.role_arn.as_str())
            .role_session_name(self.session_name.as_str())
            .set_external_id(self.external_id.as_ref().map(|id| id.as_str().to_owned()))
            .send()
            .await
            .map_err(CredentialsError::provider_error)?;
        let credentials = output.credentials().ok_or_else(|| {
            CredentialsError::unhandled(format!(
                "AssumeRole of {} returned no credentials",
                self.role_arn
            ))
        })?;
        let expiry =
            SystemTime::try_from(*credentials.expiration()).map_err(CredentialsError::unhandled)?;
        Ok(Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_owned()),
            Some(expiry),
            PROVIDER_NAME,
        ))
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.assume())
    }
}
