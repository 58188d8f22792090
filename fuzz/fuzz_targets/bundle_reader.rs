//! Bundle reader and verifier: any bytes give a report with named checks,
//! never a panic, a hang, unbounded memory or a member name that escapes.
//! Verified against a commune board of the demo election, so valid-looking
//! inputs reach every check down to the results and the recount.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static BOARD: RefCell<Option<tobaucu_app::App>> = RefCell::new({
        let mut app = tobaucu_app::App::open_in_memory().ok();
        if let Some(a) = app.as_mut() {
            let def = include_str!("../../assets/demo-election.json");
            let _ = a.setup(def, &tobaucu_app::UnitChoice::Board(tobaucu_app::UnitKind::Commune, "X0412".into()));
        }
        app
    });
}

fuzz_target!(|data: &[u8]| {
    // The frame alone, with small limits.
    let mem = tobaucu_bundle::Mem(data);
    if let Ok(b) = tobaucu_bundle::Bundle::open(&mem, tobaucu_bundle::Limits::default()) {
        for m in &b.manifest.members {
            assert!(tobaucu_bundle::container::safe_name(&m.name), "unsafe name accepted: {:?}", m.name);
            assert!(!m.name.contains(".."));
        }
    }
    BOARD.with(|b| {
        if let Some(app) = b.borrow().as_ref() {
            if let Ok(r) = app.verify_bundle_bytes("fuzz.tbc", data) {
                assert_eq!(r.checks.len(), tobaucu_bundle::verify::CHECKS.len());
            }
        }
    });
});
