//! Bundle reader and verifier: any bytes give a report with named checks,
//! never a panic, a hang, unbounded memory or a member name that escapes.
//! Verified against a commune board of the demo election, so valid-looking
//! inputs reach every check down to the results and the recount.
//!
//! Structure-aware mode (input starting with `FORGE`): the rest edits a real
//! team bundle of the demo (figures of its QH minutes, or the raw bytes of
//! a results member), which is then re-signed with that team's own key —
//! registered at the board — as a dishonest Tổ trưởng could (issue 11). A
//! valid signature then proves nothing: the invariant is that the board
//! accepts only minutes the team's own checks would have let it finalize.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

use ed25519_dalek::SigningKey;
use tobaucu_core::minutes::Minutes;

const DEF: &str = include_str!("../../assets/demo-election.json");

fn board() -> Option<tobaucu_app::App> {
    let mut a = tobaucu_app::App::open_in_memory().ok()?;
    a.setup(DEF, &tobaucu_app::UnitChoice::Board(tobaucu_app::UnitKind::Commune, "X0412".into())).ok()?;
    Some(a)
}

/// A demo team bundle, the team's key, and a board that registered it.
struct Forge {
    board: tobaucu_app::App,
    base: Vec<u8>,
    sk: SigningKey,
}

/// One team's real bundle, made in process with a key sealed cheaply (the
/// production Argon2 cost would make the first input take seconds).
fn forge() -> Option<Forge> {
    let dir = std::env::temp_dir().join(format!("tobaucu-fuzz-forge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    const AREA: &str = "X0412-KV01";
    const PASS: &str = "mật khẩu nhanh cho kiểm thử";
    let sk = SigningKey::from_bytes(&[7u8; 32]);
    let mut team = tobaucu_app::App::open(&dir.join("to.sqlite")).ok()?;
    team.setup(DEF, &tobaucu_app::UnitChoice::Area(AREA.into())).ok()?;
    team.store_key(AREA, &tobaucu_bundle::keys::seal(AREA, &sk, PASS, 8, 1, 1).ok()?).ok()?;
    team.import_voters("cu-tri.csv", tobaucu_app::DEMO_VOTERS_CSV.as_bytes(), &[], false, &mut |_, _| {}).ok()?;
    for stt in 1..=40u32 {
        let _ = team.checkin(stt, None, false);
    }
    team.set_team(&tobaucu_ipc::TeamInput {
        leader: Some("Nguyễn Văn Tổ".into()),
        secretary: Some("Lê Thị Ký".into()),
        members: None,
        witnesses: Some(vec!["Hoàng Văn Chứng".into(), "Đỗ Thị Kiến".into()]),
    })
    .ok()?;
    let def = tobaucu_core::election::parse(DEF).ok()?;
    let area = def.area(AREA)?.clone();
    for level in area.constituencies.keys() {
        let s = team.summary(level).ok()?;
        team.record_inventory(&tobaucu_ipc::InventoryInput { level: level.clone().into(), received: s.voters_voted + 5, unused: 5, spoiled: 0, issued: None }).ok()?;
        let text = "1 2\n2 3\n1\n".repeat(usize::try_from(s.voters_voted).ok()? / 3) + &"1\n".repeat(usize::try_from(s.voters_voted % 3).ok()?);
        team.count_ballots_file(level, "phieu.txt", text.as_bytes(), "Thư ký").ok()?;
        let s = team.summary(level).ok()?;
        for w in s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Warning) {
            team.accept_warning(&tobaucu_ipc::AcceptInput { level: level.clone().into(), code: w.code.clone(), reason: "kiểm thử".into() }).ok()?;
        }
        team.finalize(level, Some(PASS)).ok()?;
    }
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).ok()?;
    let e = team.export_bundle(&usb, Some(PASS)).ok()?;
    let base = std::fs::read(&e.path).ok()?;
    drop(team);
    let _ = std::fs::remove_dir_all(&dir);
    let mut board = board()?;
    board.keys_register(&tobaucu_bundle::fingerprint(&sk.verifying_key().to_bytes()), AREA).ok()?;
    Some(Forge { board, base, sk })
}

thread_local! {
    static BOARD: RefCell<Option<tobaucu_app::App>> = RefCell::new(board());
    static FORGE: RefCell<Option<Forge>> = const { RefCell::new(None) };
}

fn u64_at(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    for (x, y) in a.iter_mut().zip(b) {
        *x = *y;
    }
    u64::from_le_bytes(a)
}

/// Applies 9-byte edits (field, value) to the minutes.
fn edit(m: &mut Minutes, script: &[u8]) {
    for op in script.chunks(9) {
        let Some((&field, v)) = op.split_first() else { continue };
        // Small values and values near the top of the range are both
        // interesting: the high bit of the next byte picks a delta.
        let raw = u64_at(v);
        let f = &mut m.figures;
        let slot: Option<&mut u64> = match field % 16 {
            0 => Some(&mut f.voters_listed),
            1 => Some(&mut f.voters_voted),
            2 => Some(&mut f.ballots_issued),
            3 => Some(&mut f.ballots_received),
            4 => Some(&mut f.ballots_valid),
            5 => Some(&mut f.ballots_invalid),
            6 => f.invalid_by_reason.values_mut().nth(usize::from(field / 16) % 5),
            7 => f.ballots_by_kept.values_mut().nth(usize::from(field / 16) % 3),
            8..=12 => m.candidates.get_mut(usize::from(field % 16 - 8)).map(|c| &mut c.votes),
            13 => m.inventory.as_mut().map(|i| &mut i.received),
            14 => m.inventory.as_mut().map(|i| &mut i.issued),
            _ => None,
        };
        if let Some(s) = slot {
            *s = if field & 0x80 != 0 { s.wrapping_add(raw % 64).wrapping_sub(32) } else { raw };
        }
    }
    // A careful forger recomputes the percentages.
    let valid = m.figures.ballots_valid;
    for c in &mut m.candidates {
        c.percent = tobaucu_core::percent::Percent::of(c.votes, valid).vi();
    }
}

fn forged(f: &Forge, data: &[u8]) {
    let (mode, rest) = data.split_first().map_or((0, &[][..]), |(m, r)| (*m, r));
    let Some(bytes) = tobaucu_bundle::forge::reforge(&f.base, &f.sk, &|_, members| {
        if let Some((_, d)) = members.iter_mut().find(|(n, _)| n == "results/QH.json") {
            if mode % 2 == 0 {
                if let Ok(mut m) = Minutes::parse(d) {
                    edit(&mut m, rest);
                    *d = m.to_canonical().into_bytes();
                }
            } else {
                *d = rest.to_vec();
            }
        }
    }) else {
        return;
    };
    let Ok(r) = f.board.verify_bundle_bytes("forged.tbc", &bytes) else { return };
    assert_eq!(r.checks.len(), tobaucu_bundle::verify::CHECKS.len());
    if r.ok {
        // Accepted: the member is the canonical document and the team's
        // own checks pass on it.
        let mem = tobaucu_bundle::Mem(&bytes);
        let b = tobaucu_bundle::Bundle::open(&mem, tobaucu_bundle::Limits::default()).expect("accepted bundle opens");
        let doc = Minutes::parse(&b.read_member("results/QH.json").expect("member")).expect("accepted minutes parse strictly");
        let def = tobaucu_core::election::parse(DEF).expect("demo definition");
        let sha = tobaucu_core::audit::sha256_hex(DEF.as_bytes());
        let _ = sha;
        doc.well_formed().expect("accepted minutes are well formed");
        let found = doc.review_all(&def, &doc.election.definition_sha256, "X0412-KV01", "QH", &[]).expect("accepted minutes match the definition");
        assert!(found.iter().all(|c| c.severity != tobaucu_core::checks::Severity::Error), "accepted with errors: {found:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(rest) = data.strip_prefix(b"FORGE") {
        FORGE.with(|f| {
            let mut f = f.borrow_mut();
            if f.is_none() {
                // Without its base the mode would test nothing: say so.
                *f = Some(forge().expect("the structure-aware mode could not build its team bundle"));
            }
            if let Some(f) = f.as_ref() {
                forged(f, rest);
            }
        });
        return;
    }
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
