//! Voter list importer, spreadsheets (.xlsx, .xls, .ods: zip and OLE
//! containers, decompression included): never a panic, a hang or unbounded
//! memory. The first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// Panics inside the third-party readers (calamine, zip, quick-xml) are
/// contained by the importer (`catch_unwind`, a refusal with a message):
/// they unwind to it. Any other panic — ours — still aborts and is a crash.
fn contain_library_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file()).unwrap_or("");
            if ["calamine", "/zip-", "quick-xml", "quick_xml"].iter().any(|c| file.contains(c)) {
                return;
            }
            fuzzer_hook(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    contain_library_panics();
    let Some((&pick, rest)) = data.split_first() else { return };
    let name = match pick % 3 {
        0 => "danh-sach.xlsx",
        1 => "danh-sach.xls",
        _ => "danh-sach.ods",
    };
    let ctx = tobaucu_import::ImportContext {
        levels: vec![("QH".into(), "Quốc hội".into()), ("TINH".into(), "HĐND tỉnh".into()), ("XA".into(), "HĐND xã".into())],
        election_day: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default(),
        level_columns: vec![],
    };
    let _ = tobaucu_import::read_voter_file(name, rest, &ctx, &mut |_, _| {});
});
