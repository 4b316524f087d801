//! Errors: each names the offending value and the rule it broke.
//!
//! One file per layer of the core: scopes (`scope`), keys (`key`), the isolation guard
//! (`isolation`), credentials (`credential`), the factory's configuration (`config`). Each
//! service has its own error that wraps them (DynamoDB's is [`Error`](crate::Error)).

mod config;
mod credential;
mod isolation;
mod key;
mod scope;

pub use config::ConfigError;
pub use credential::CredentialError;
pub use isolation::IsolationViolation;
pub use key::KeyError;
pub use scope::ScopeError;
