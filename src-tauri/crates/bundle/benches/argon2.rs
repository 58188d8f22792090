//! Argon2id cost of one unlock (issue 11 §8): one sealing — one key
//! derivation plus an encryption that costs nothing beside it — at several
//! (memory, passes) settings, one lane, on this machine
//! (`cargo bench -p tobaucu-bundle --bench argon2`). The measured table and
//! the choice for new keys are in `tobaucu_bundle::keys` beside
//! `ARGON2_M_KIB`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use tobaucu_bundle::keys;

/// (MiB, passes).
const SETTINGS: &[(u32, u32)] = &[(19, 2), (64, 1), (64, 2), (64, 3), (128, 1), (128, 2), (128, 3), (256, 1), (256, 2)];

fn derivation(c: &mut Criterion) {
    let sk = SigningKey::from_bytes(&[1u8; 32]);
    let mut g = c.benchmark_group("argon2id");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(4));
    for &(mib, t) in SETTINGS {
        g.bench_function(format!("m{mib}MiB_t{t}_p1"), |b| b.iter(|| black_box(keys::seal("X0412-KV01", &sk, "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ", mib * 1024, t, 1))));
    }
    g.finish();
}

criterion_group!(benches, derivation);
criterion_main!(benches);
