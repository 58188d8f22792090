//! Replays every committed seed of the `voter_spreadsheet` fuzz target
//! (`fuzz/corpus/voter_spreadsheet/`) through the code the target runs
//! (`tobaucu_import::fuzzing::voter_spreadsheet`), under the same capped
//! allocator. A seed that once crashed the importer fails `cargo test`
//! every time, not only when the fuzzer's run happens to reach it.

use std::sync::atomic::{AtomicUsize, Ordering};

use tobaucu_import::fuzzing::{self, CappedAlloc};

/// One allocation above 512 MiB aborts this test binary with a message.
#[global_allocator]
static ALLOC: CappedAlloc = CappedAlloc;

/// Panics in our code (the importer turns them into a refusal, so they
/// must be counted here to be seen).
static OUR_PANICS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn every_committed_seed_is_read_or_refused_without_panic_or_huge_allocation() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fuzz/corpus/voter_spreadsheet");
    let mut seeds: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")).flatten().map(|e| e.path()).collect();
    seeds.sort();
    assert!(seeds.len() >= 9, "{seeds:?}");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map_or("", |l| l.file());
        if !fuzzing::is_library_panic(file) {
            OUR_PANICS.fetch_add(1, Ordering::SeqCst);
        }
        default_hook(info);
    }));
    let mut read = 0;
    for seed in &seeds {
        let bytes = std::fs::read(seed).unwrap_or_else(|e| panic!("{seed:?}: {e}"));
        let started = std::time::Instant::now();
        if let Some(Ok(_)) = fuzzing::voter_spreadsheet(&bytes) {
            read += 1;
        }
        assert_eq!(OUR_PANICS.load(Ordering::SeqCst), 0, "{seed:?} panicked");
        // libFuzzer's -timeout is 10 s; a seed must be far from it.
        assert!(started.elapsed().as_secs() < 5, "{seed:?} took {:?}", started.elapsed());
    }
    // The real lists (mau31.xlsx/.xls/.ods, and the .xlsx/.ods stored
    // uncompressed so that the fuzzer mutates their XML) are read.
    assert!(read >= 5, "{read} of {} seeds read", seeds.len());
}
