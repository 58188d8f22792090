//! Voter list importer, CSV (interfaces.md §3): any bytes are read or
//! refused with problems, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ctx = tobaucu_import::ImportContext {
        levels: vec![("QH".into(), "Quốc hội".into()), ("TINH".into(), "HĐND tỉnh".into()), ("XA".into(), "HĐND xã".into())],
        election_day: chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default(),
        level_columns: vec![],
    };
    let _ = tobaucu_import::read_voter_file("danh-sach.csv", data, &ctx, &mut |_, _| {});
});
