//! What the `voter_spreadsheet` fuzz target runs, shared with the test that
//! replays every committed seed (so a seed that would crash fails
//! `cargo test` every time, not only when the fuzzer happens to reach it),
//! and an allocator that makes an oversized allocation a clear,
//! reproducible abort instead of whatever the machine's memory allows.
//!
//! Not used by the app itself.
//!
//! `CappedAlloc`: one allocation above 512 MiB, or more than 1 GiB
//! allocated at once, aborts with a message naming the size; the fuzz
//! target and this crate's unit tests run under it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{ImportContext, ImportedList, Problem};

/// Largest single allocation [`CappedAlloc`] lets through. Reading the
/// biggest list the importer accepts needs far less (its largest block is
/// under 100 MB); a request above this is a size taken from the input.
pub const MAX_ONE_ALLOCATION: usize = 512 << 20;

/// Most memory [`CappedAlloc`] lets be allocated at once, all threads
/// together: many allocations that each pass the first cap (a long string
/// copied into a million cells) are caught here, at the same point on every
/// run — libFuzzer's `-rss_limit_mb` is sampled by a timer, so whether it
/// fires can depend on the machine's speed.
pub const MAX_LIVE: usize = 1 << 30;

/// The system allocator, except that one allocation above
/// [`MAX_ONE_ALLOCATION`], or more than [`MAX_LIVE`] bytes allocated at
/// once, aborts the process with a message naming the size. Install it as
/// `#[global_allocator]` in tests and fuzz targets: "asks for 10 PB" then
/// fails the same way on every machine, and so does "asks for 16 GB", which
/// an ordinary allocator might grant.
pub struct CappedAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Aborts with `what` and `size`, allocating nothing.
fn abort_with(what: &[u8], size: usize) -> ! {
    let mut msg = [0u8; 200];
    let mut n = 0;
    let mut put = |bytes: &[u8]| {
        for &b in bytes {
            if let Some(slot) = msg.get_mut(n) {
                *slot = b;
                n += 1;
            }
        }
    };
    put(b"\ntobaucu-import CappedAlloc: ");
    put(what);
    let mut digits = [0u8; 20];
    let mut d = digits.len();
    let mut v = size;
    loop {
        d -= 1;
        if let Some(slot) = digits.get_mut(d) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || d == 0 {
            break;
        }
    }
    put(digits.get(d..).unwrap_or_default());
    put(b" bytes: a size taken from the input?\n");
    let _ = std::io::stderr().write_all(msg.get(..n).unwrap_or_default());
    std::process::abort();
}

/// Counts `size` more bytes, or aborts past a cap.
fn grow(size: usize) {
    if size > MAX_ONE_ALLOCATION {
        abort_with(b"one allocation above the 512 MiB cap: ", size);
    }
    let live = LIVE.fetch_add(size, Ordering::Relaxed).saturating_add(size);
    if live > MAX_LIVE {
        abort_with(b"more than 1 GiB allocated at once: ", live);
    }
}

fn shrink(size: usize) {
    LIVE.fetch_sub(size, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; the
// wrapper only counts, and refuses (by aborting) before calling it.
unsafe impl GlobalAlloc for CappedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            shrink(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            shrink(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grow(new_size);
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        // The old block is freed if it moved, kept if this failed.
        shrink(if p.is_null() { new_size } else { layout.size() });
        p
    }
}

/// The fuzz target's body: the first byte picks the format (0 .xlsx, 1 .xls,
/// 2 .ods, modulo 3), the rest is the file. `None` for an empty input.
pub fn voter_spreadsheet(data: &[u8]) -> Option<Result<ImportedList, Vec<Problem>>> {
    let (&pick, rest) = data.split_first()?;
    let name = match pick % 3 {
        0 => "danh-sach.xlsx",
        1 => "danh-sach.xls",
        _ => "danh-sach.ods",
    };
    let ctx = ImportContext {
        levels: vec![("QH".into(), "Quốc hội".into()), ("TINH".into(), "HĐND tỉnh".into()), ("XA".into(), "HĐND xã".into())],
        election_day: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default(),
        level_columns: vec![],
    };
    Some(crate::read_voter_file(name, rest, &ctx, &mut |_, _| {}))
}

/// Whether a panic at this source file is in a third-party reader under
/// ours (zip, its decompressors, quick-xml): the importer contains those
/// (`catch_unwind`, a refusal with a message). A panic anywhere else is
/// ours, and a bug.
pub fn is_library_panic(file: &str) -> bool {
    ["/zip-", "quick-xml", "quick_xml", "flate2", "zlib-rs", "crc32fast"].iter().any(|lib| file.contains(lib))
}
