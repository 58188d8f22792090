//! Voter list importer, spreadsheets (.xlsx, .xls, .ods: zip and OLE
//! containers, decompression included): never a panic, a hang or unbounded
//! memory. The first byte picks the format. The body is
//! `tobaucu_import::fuzzing::voter_spreadsheet`, which
//! `src-tauri/crates/import/tests/fuzz_seeds.rs` replays on every committed
//! seed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tobaucu_import::fuzzing::{self, CappedAlloc};

/// One allocation above 512 MiB aborts with a message naming its size: a
/// size taken from the input is a finding on every machine, whatever
/// memory it has (without a sanitizer libFuzzer's -malloc_limit_mb does
/// not apply).
#[global_allocator]
static ALLOC: CappedAlloc = CappedAlloc;

/// Panics inside the third-party readers (zip, its decompressors,
/// quick-xml) are contained by the importer (`catch_unwind`, a refusal with
/// a message): they unwind to it. Any other panic — ours — still aborts and
/// is a crash.
fn contain_library_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if fuzzing::is_library_panic(info.location().map(|l| l.file()).unwrap_or("")) {
                return;
            }
            fuzzer_hook(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    contain_library_panics();
    let _ = fuzzing::voter_spreadsheet(data);
});
