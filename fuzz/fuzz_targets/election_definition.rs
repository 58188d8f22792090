//! The election definition parser (interfaces.md §2): any bytes give a
//! definition or diagnostics, never a panic; a definition it accepts has
//! consistent lookups.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(def) = tobaucu_core::election::parse(text) {
        for a in &def.areas {
            assert!(def.area(&a.id).is_some());
            for cid in a.constituencies.values() {
                assert!(def.constituency(cid).is_some());
            }
        }
    }
});
