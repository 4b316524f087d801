//! Loading credentials with `sts:AssumeRole`.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};

use super::cache::{LoadCredentials, LoadFailure, LoadFuture, Loaded};
use crate::error::CredentialError;
use crate::role::RoleSpec;

const PROVIDER_NAME: &str = "scoped-role-cache";

/// Error codes STS returns for requests that fail the same way however often they are sent.
const PERMANENT_CODES: [&str; 7] = [
    "AccessDenied",
    "AccessDeniedException",
    "MalformedPolicyDocument",
    "PackedPolicyTooLarge",
    "RegionDisabledException",
    "InvalidParameterValue",
    "ValidationError",
];

/// Calls `sts:AssumeRole` with the factory's own STS client.
#[derive(Debug)]
pub(crate) struct StsLoader {
    sts: aws_sdk_sts::Client,
}

impl StsLoader {
    pub(crate) fn new(sts: aws_sdk_sts::Client) -> Self {
        Self { sts }
    }

    async fn assume(&self, spec: &RoleSpec) -> Result<Loaded, LoadFailure> {
        let role_arn = spec.role_arn.as_str();
        let policy_arns = (!spec.policy_arns.is_empty()).then(|| {
            spec.policy_arns
                .iter()
                .map(|arn| PolicyDescriptorType::builder().arn(arn.as_str()).build())
                .collect()
        });
        let tags = if spec.tags.is_empty() {
            None
        } else {
            let tags = spec
                .tags
                .iter()
                .map(|tag| Tag::builder().key(tag.key).value(&*tag.value).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| LoadFailure {
                    permanent: true,
                    error: CredentialError::Unavailable {
                        role_arn: role_arn.to_owned(),
                        message: format!("a session tag cannot be sent: {err}"),
                    },
                })?;
            Some(tags)
        };
        let output = self
            .sts
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(spec.session_name.as_str())
            .set_external_id(spec.external_id.as_ref().map(|id| id.as_str().to_owned()))
            .duration_seconds(i32::try_from(spec.duration.as_secs()).unwrap_or(i32::MAX))
            .set_policy(spec.policy.as_deref().map(str::to_owned))
            .set_policy_arns(policy_arns)
            .set_tags(tags)
            .send()
            .await
            .map_err(|err| classify(role_arn, &err))?;
        let unavailable = |message: String| LoadFailure {
            permanent: false,
            error: CredentialError::Unavailable {
                role_arn: role_arn.to_owned(),
                message,
            },
        };
        let credentials = output
            .credentials()
            .ok_or_else(|| unavailable("the response carried no credentials".to_owned()))?;
        let expiration = SystemTime::try_from(*credentials.expiration())
            .map_err(|err| unavailable(format!("unreadable Expiration: {err}")))?;
        let valid_for = expiration
            .duration_since(SystemTime::now())
            .map_err(|_| unavailable(format!("credentials expired on arrival ({expiration:?})")))?;
        Ok(Loaded {
            credentials: Credentials::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                Some(credentials.session_token().to_owned()),
                Some(expiration),
                PROVIDER_NAME,
            ),
            valid_for,
        })
    }
}

impl LoadCredentials for StsLoader {
    fn load<'a>(&'a self, spec: &'a RoleSpec) -> LoadFuture<'a> {
        Box::pin(self.assume(spec))
    }
}

/// Sorts an SDK error into a refusal retrying cannot fix or a failure worth retrying.
fn classify<E, R>(role_arn: &str, err: &SdkError<E, R>) -> LoadFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let role_arn = role_arn.to_owned();
    if let Some(service) = err.as_service_error() {
        let code = service.code().unwrap_or("Unknown").to_owned();
        let message = service.message().unwrap_or_default().to_owned();
        if PERMANENT_CODES.contains(&code.as_str()) {
            return LoadFailure {
                permanent: true,
                error: CredentialError::Refused {
                    role_arn,
                    code,
                    message,
                },
            };
        }
        return LoadFailure {
            permanent: false,
            error: CredentialError::Unavailable {
                role_arn,
                message: format!("{code}: {message}"),
            },
        };
    }
    LoadFailure {
        permanent: matches!(err, SdkError::ConstructionFailure(_)),
        error: CredentialError::Unavailable {
            role_arn,
            message: error_chain(err),
        },
    }
}

/// The error and its sources on one line (the SDK's `Display` shows only the outermost).
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
