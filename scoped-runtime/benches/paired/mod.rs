//! Paired timing of a raw SDK call against the typed call that replaces it, against a real
//! endpoint: criterion's alternating halves, and back-to-back pairs whose median difference
//! cancels out the machine's changing load. Shared by the benches that need an endpoint.

use std::future::Future;
use std::time::{Duration, Instant};

/// Times `pairs` pairs of `raw` and `typed`, each pair back to back in alternating order, and
/// prints `{label}: …` with the medians, the median per-pair difference and its ratio.
pub(crate) async fn paired<F1, Fut1, F2, Fut2>(label: &str, pairs: usize, raw: F1, typed: F2)
where
    F1: Fn() -> Fut1,
    Fut1: Future<Output = ()>,
    F2: Fn() -> Fut2,
    Fut2: Future<Output = ()>,
{
    let mut raws = Vec::with_capacity(pairs);
    let mut typeds = Vec::with_capacity(pairs);
    let mut differences = Vec::with_capacity(pairs);
    for i in 0..pairs {
        let (r, t) = if i % 2 == 0 {
            let r = micros(raw()).await;
            (r, micros(typed()).await)
        } else {
            let t = micros(typed()).await;
            (micros(raw()).await, t)
        };
        raws.push(r);
        typeds.push(t);
        differences.push(t - r);
    }
    let (raw, typed, difference) = (median(raws), median(typeds), median(differences));
    println!(
        "{label}: {pairs} pairs, raw median {raw:.0} µs, typed median {typed:.0} µs, median \
         per-pair difference {difference:+.1} µs ({:+.2}% of raw, ratio {:.3})",
        100.0 * difference / raw,
        (raw + difference) / raw
    );
}

/// How long `call` takes, in microseconds.
async fn micros(call: impl Future<Output = ()>) -> f64 {
    let start = Instant::now();
    call.await;
    start.elapsed().as_secs_f64() * 1e6
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Which call of a pair [`alternating`] times.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timed {
    First,
    Second,
}

/// Runs `first` then `second`, `iters` times; the time the `timed` one took.
pub(crate) async fn alternating<F1, Fut1, F2, Fut2>(
    iters: u64,
    timed: Timed,
    first: F1,
    second: F2,
) -> Duration
where
    F1: Fn() -> Fut1,
    Fut1: Future<Output = ()>,
    F2: Fn() -> Fut2,
    Fut2: Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        first().await;
        let between = Instant::now();
        second().await;
        total += match timed {
            Timed::First => between - start,
            Timed::Second => between.elapsed(),
        };
    }
    total
}
