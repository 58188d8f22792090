//! A synthetic board for benchmarks and tests of the board's day (issue
//! 15): the definition of `bundles.rs` (10 areas per commune, a QH
//! constituency per 500 areas, a provincial one per 100, a commune one per
//! commune) and, per area, the three minutes documents its team would have
//! locked (format 2, figures that pass every check the board re-runs).
//! Included with `#[path]` by `benches/board_day.rs` and the crate's tests.

#![allow(dead_code)]

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tobaucu_core::count::InvalidReason;
use tobaucu_core::minutes::*;
use tobaucu_core::percent::Percent;

pub use tobaucu_core::audit::hex;

/// A definition with `n` areas (see the module's doc).
pub fn definition(n: usize) -> String {
    let communes = n.div_ceil(10);
    let cands = |prefix: &str, k: usize| -> Vec<Value> {
        (1..=k).map(|i| json!({"id": format!("{prefix}-{i}"), "name": format!("Người ứng cử {prefix} số {i}"), "birth_date": format!("19{}-01-0{}", 60 + i, 1 + i % 9), "gender": if i % 2 == 0 { "Nữ" } else { "Nam" }})).collect()
    };
    let mut units = vec![json!({"id": "P", "kind": "province", "name": "Tỉnh Thử Nghiệm"})];
    let mut cons = Vec::new();
    for c in 0..communes {
        units.push(json!({"id": format!("C{c}"), "kind": "commune", "name": format!("Xã Số {c}"), "parent": "P"}));
        cons.push(json!({"id": format!("XA-{c}"), "level": "XA", "number": 1, "name": format!("Đơn vị bầu cử số 1 xã {c}"), "seats": 5, "candidates": cands(&format!("XA{c}"), 8)}));
    }
    for q in 0..n.div_ceil(500) {
        cons.push(json!({"id": format!("QH-{q}"), "level": "QH", "number": q + 1, "name": format!("Đơn vị bầu cử số {}", q + 1), "seats": 3, "candidates": cands(&format!("QH{q}"), 5)}));
    }
    for t in 0..n.div_ceil(100) {
        cons.push(json!({"id": format!("TINH-{t}"), "level": "TINH", "number": t + 1, "name": format!("Đơn vị bầu cử số {}", t + 1), "seats": 3, "candidates": cands(&format!("TINH{t}"), 5)}));
    }
    let areas: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("A{i}"), "number": i % 10 + 1, "name": format!("Thôn {i}"), "commune": format!("C{}", i / 10),
                        "constituencies": {"QH": format!("QH-{}", i / 500), "TINH": format!("TINH-{}", i / 100), "XA": format!("XA-{}", i / 10)}})
        })
        .collect();
    json!({
        "format": "tobaucu-election/1",
        "election": {"id": "BC-BENCH", "name": "Bầu cử thử nghiệm hiệu năng", "date": "2026-03-15", "mode": "official"},
        "levels": [{"code": "QH", "name": "Đại biểu Quốc hội khóa XVI"}, {"code": "TINH", "name": "Đại biểu HĐND tỉnh"}, {"code": "XA", "name": "Đại biểu HĐND xã"}],
        "units": units, "constituencies": cons, "areas": areas,
    })
    .to_string()
}

/// A small xorshift generator: the same draws on every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m
    }
}

/// Area `i`'s three minutes documents (QH, TINH, XA): ballots drawn at
/// random and tallied as the team's desk would, so every figure holds.
pub fn area_minutes(def: &Value, def_sha: &str, i: usize) -> Vec<Minutes> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
    let level_names = [("QH", "Đại biểu Quốc hội khóa XVI"), ("TINH", "Đại biểu HĐND tỉnh"), ("XA", "Đại biểu HĐND xã")];
    let mut out = Vec::new();
    for (code, cid, seats, n) in [("QH", format!("QH-{}", i / 500), 3u32, 5usize), ("TINH", format!("TINH-{}", i / 100), 3, 5), ("XA", format!("XA-{}", i / 10), 5, 8)] {
        let voters = 480 + rng.next(40);
        // Ballots drawn one by one and counted as the desk counts them
        // (without the desk's allocations: this runs 15 million times).
        let mut votes = vec![0u64; n];
        let mut groups = vec![0u64; seats as usize];
        let mut gach_het = 0u64;
        for _ in 0..voters {
            let mut k = 0usize;
            for (p, v) in votes.iter_mut().enumerate() {
                if k < seats as usize && rng.next(100) < 70 - 8 * (p as u64 + 1) {
                    *v += 1;
                    k += 1;
                }
            }
            if k == 0 {
                gach_het += 1;
            } else {
                groups[k - 1] += 1;
            }
        }
        let mut by_reason = [0u64; 5];
        if let Some(g) = InvalidReason::parse("gach_het") {
            by_reason[g.index()] = gach_het;
        }
        let r = tobaucu_core::count::CountResult { received: voters, valid: voters - gach_het, invalid: gach_het, invalid_by_reason: by_reason, groups: Some(groups), votes };
        let c = def["constituencies"].as_array().into_iter().flatten().find(|c| c["id"] == cid.as_str()).cloned().unwrap_or_default();
        let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
        out.push(Minutes {
            format: FORMAT_V2.into(),
            election: ElectionRef {
                id: "BC-BENCH".into(), name: "Bầu cử thử nghiệm hiệu năng".into(), date: "2026-03-15".into(), mode: "official".into(), definition_sha256: def_sha.into()
            },
            area: AreaRef { id: format!("A{i}"), number: Some(u32::try_from(i % 10 + 1).unwrap_or(1)), name: Some(format!("Thôn {i}")), commune: Some(format!("C{}", i / 10)) },
            level: LevelRef { code: code.into(), name: level_names.iter().find(|l| l.0 == code).map_or("", |l| l.1).into() },
            constituency: ConstituencyRef { id: cid.clone(), name: s(&c["name"]), seats },
            team: TeamRef {
                leader: Some("Tổ trưởng".into()),
                secretary: Some("Thư ký".into()),
                members: vec![],
                witnesses: vec![Witness::Person(Person { name: "Cử tri Một".into(), address: None }), Witness::Person(Person { name: "Cử tri Hai".into(), address: None })],
            },
            figures: Figures {
                // One list for every level of the area (E16: no council level lists more than the Quốc hội).
                voters_listed: 530,
                voters_voted: voters,
                ballots_issued: voters,
                ballots_received: r.received,
                ballots_valid: r.valid,
                ballots_invalid: r.invalid,
                invalid_by_reason: InvalidReason::ALL.iter().map(|g| (g.code().to_owned(), r.invalid_by_reason[g.index()])).collect(),
                ballots_by_kept: r.groups.iter().flatten().enumerate().map(|(k, v)| ((k + 1).to_string(), *v)).collect(),
            },
            inventory: Some(InventoryRef { received: voters + 12, unused: 12, spoiled: 0, issued: voters }),
            candidates: c["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(k, x)| {
                    let v = r.votes.get(k).copied().unwrap_or(0);
                    CandidateLine { id: s(&x["id"]), position: u32::try_from(k + 1).unwrap_or(0), name: s(&x["name"]), votes: v, percent: Percent::of(v, r.valid).vi() }
                })
                .collect(),
            complaints: vec![],
            revision: 1,
            correction_reason: String::new(),
            opening: None,
            closing_time: None,
            incidents: vec![],
            recommendations: vec![],
            explanations: vec![],
            round: None,
            accepted: if i.is_multiple_of(97) { vec![Explanation { code: "W01".into(), reason: format!("Tổ {i} đã xem lại từng phiếu") }] } else { vec![] },
            completed_at: Some("2026-03-15T21:00:00+07:00".into()),
        });
    }
    out
}

/// SHA-256 of a text, hex.
pub fn sha(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Stores each area's minutes in a real bundle (signed, its bytes in the
/// bundle store, its import in the log), as an import leaves them: the
/// board checks its data against the bundles and the log before it sums
/// (`bundle/integrity.rs`), so a board made without them would sum nothing.
pub fn store_board(store: &mut tobaucu_store::Store, def: &Value, def_sha: &str, docs: &[Vec<Minutes>]) -> Result<(), tobaucu_store::Error> {
    let sk = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let election = def["election"]["id"].as_str().unwrap_or_default().to_owned();
    store.write(|tx| {
        for (i, levels) in docs.iter().enumerate() {
            let members: Vec<(String, Vec<u8>)> = levels.iter().map(|m| (format!("results/{}.json", m.level.code), m.to_canonical().into_bytes())).collect();
            let manifest = tobaucu_bundle::Manifest {
                app_version: "0.1.0".into(),
                created_at: "2026-03-15T22:00:00+07:00".into(),
                election_id: election.clone(),
                definition_sha256: def_sha.to_owned(),
                mode: tobaucu_core::election::Mode::Official,
                unit_id: format!("A{i}"),
                unit_kind: "area".into(),
                levels: levels.iter().map(|m| tobaucu_bundle::LevelEntry { code: m.level.code.clone(), final_: true, revision: 1, minutes_sha256: sha(&m.to_canonical()) }).collect(),
                sequence: 1,
                previous_sha256: None,
                public_key: [0; 32],
                audit_head: sha("nhật ký"),
                members: vec![],
            };
            let (bytes, id) = tobaucu_bundle::container::write(manifest, &members, &sk).map_err(|e| tobaucu_store::Error::Pack(e.to_string()))?;
            let row = tobaucu_store::BundleRow {
                id: 0,
                sha256: id.clone(),
                unit_id: format!("A{i}"),
                unit_kind: "area".into(),
                sequence: 1,
                created_at: "2026-03-15T22:00:00+07:00".into(),
                imported_at: "2026-03-15T23:00:00+07:00".into(),
                file_name: format!("A{i}-goi001.tbc"),
                manifest: "{}".into(),
                report: "{}".into(),
                superseded_by: None,
            };
            let bid = tx.insert_bundle(&row, &bytes, &tobaucu_core::audit::sha256_hex(&bytes))?;
            for m in levels {
                let data = m.to_canonical();
                tx.insert_area_result(&tobaucu_store::AreaResultRow {
                    bundle_id: bid,
                    area_id: m.area.id.clone(),
                    level: m.level.code.clone(),
                    constituency_id: m.constituency.id.clone(),
                    final_: true,
                    minutes_sha256: sha(&data),
                    data,
                })?;
            }
            let after = json!({"sha256": id}).to_string();
            tx.append_audit(&tobaucu_store::AuditRow {
                id: 0,
                at: "2026-03-15T23:00:00+07:00".into(),
                action: "bundle.import".into(),
                subject: format!("gói số 1 của A{i}"),
                reason: String::new(),
                before: None,
                after: Some(after),
            })?;
        }
        Ok::<_, tobaucu_store::Error>(())
    })
}
