//! Not public API: the guard's check on its own, for the benchmarks (`benches/guard.rs`).

use aws_smithy_runtime_api::client::interceptors::context::Input;

use crate::error::IsolationViolation;
use crate::scope::Capsule;

/// What the isolation guard decides for `input` sent by a client of `capsule`.
///
/// # Errors
///
/// The violation the guard would reject the request with.
pub fn check_capsule_request(capsule: &Capsule, input: &Input) -> Result<(), IsolationViolation> {
    super::check_request(capsule, input, || "unknown")
}
