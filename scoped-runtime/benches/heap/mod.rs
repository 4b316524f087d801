//! What the memory benchmarks share: a counting allocator, heap bytes per kept item, and
//! credentials shaped like the ones STS issues.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

/// Counts heap bytes in use.
#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

/// The length of a real STS session token for an assumed role (they run 600–1,100 characters).
pub(crate) const TOKEN_LEN: usize = 800;

/// Heap bytes per item that `build` keeps alive, over `count` items.
#[allow(clippy::cast_precision_loss, reason = "byte counts far below 2^52")]
pub(crate) fn heap_per_item<T>(count: usize, build: impl FnOnce() -> T) -> (f64, T) {
    let before = ALLOCATOR.allocated();
    let kept = build();
    let bytes = ALLOCATOR.allocated().saturating_sub(before);
    (bytes as f64 / count as f64, kept)
}

/// Credentials shaped like those STS issues for role `n`: a 20-character key id, a
/// 40-character secret and a session token of [`TOKEN_LEN`] bytes.
pub(crate) fn sts_like_credentials(n: usize) -> Credentials {
    Credentials::new(
        format!("ASIA{n:016}"),
        "s".repeat(40),
        Some("t".repeat(TOKEN_LEN)),
        Some(SystemTime::now() + Duration::from_secs(3600)),
        "bench",
    )
}
