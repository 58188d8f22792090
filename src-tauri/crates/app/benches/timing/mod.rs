//! What the call-by-call benchmarks share: whether criterion runs them in
//! earnest (`--bench`) or as a smoke test, and p50/p99 of samples.

#![allow(dead_code)]

use std::time::Duration;

/// True under `cargo bench`; false when `cargo test` runs the bench once.
pub fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

pub fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints and returns p50 and p99 of `samples`.
pub fn report(name: &str, samples: &[Duration]) -> (Duration, Duration) {
    let p50 = percentile(samples.to_vec(), 0.50);
    let p99 = percentile(samples.to_vec(), 0.99);
    eprintln!("{name:<52} p50 {:>10.3?}   p99 {:>10.3?}   (n = {})", p50, p99, samples.len());
    (p50, p99)
}
