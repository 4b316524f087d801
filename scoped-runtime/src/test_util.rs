//! Hooks for this workspace's benchmarks and tests, behind the `test-util` feature: parts of
//! the runtime on their own (a warm credential cache, the isolation guard's check, a
//! collection's decoding), so that a benchmark measures one thing. Not a stable API; the
//! default build does not contain it.

pub use crate::credentials::bench::WarmRoles;

#[cfg(feature = "dynamodb")]
pub use crate::dynamodb::guard::bench::check_capsule_request;

#[cfg(feature = "dynamodb")]
pub use crate::dynamodb::ops::decode_collection;
