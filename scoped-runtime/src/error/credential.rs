//! [`CredentialError`]: credentials for a role that could not be obtained.

/// Credentials for a role could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// STS refused in a way retrying cannot fix (access denied, malformed policy…). The refusal
    /// is remembered for a few seconds so a stampede of requests does not repeat it.
    #[error("sts:AssumeRole on {role_arn} was refused ({code}): {message}")]
    Refused {
        /// The role asked for.
        role_arn: String,
        /// STS's error code.
        code: String,
        /// STS's message.
        message: String,
    },
    /// STS failed in a way a retry may fix (throttling, 5xx, network).
    #[error("sts:AssumeRole on {role_arn} failed: {message}")]
    Unavailable {
        /// The role asked for.
        role_arn: String,
        /// What went wrong.
        message: String,
    },
    /// STS did not answer within the load timeout.
    #[error("sts:AssumeRole on {role_arn} did not answer within {timeout:?}")]
    Timeout {
        /// The role asked for.
        role_arn: String,
        /// The load timeout.
        timeout: std::time::Duration,
    },
}
