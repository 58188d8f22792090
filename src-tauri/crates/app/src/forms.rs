//! Printed forms: builds each form's data from the database and hands it
//! with the form's layout (`forms/*.json`) to `tobaucu-forms`. Files are
//! written atomically (temporary name, fsync, rename) and read back.

use std::path::Path;

use chrono::{Datelike, Timelike};
use serde_json::{json, Value};
use tobaucu_core::election::LevelKind;
use tobaucu_core::percent::Percent;
use tobaucu_core::voter::VoterStatus;
use tobaucu_forms::{render_many, svg_pages, Meta, Rendered};
use tobaucu_ipc::{FormOutput, FormPreview};
use tobaucu_store::Read;

use crate::count::short_hash;
use crate::{clock, App, Error, Result};

/// The forms `tobaucu forms FORM` knows.
pub const FORMS: &[&str] = &[
    "voter-list",
    "voter-cards",
    "minutes",
    "inventory",
    "turnout",
    "key-registration",
    "board-minutes",
    "board-status",
    "checkin-list",
];

fn layout(name: &str) -> Result<&'static str> {
    tobaucu_forms::layout(name).ok_or_else(|| Error::Internal(format!("thiếu mẫu {name}")))
}

/// "Xã Thiệu Ngọc" → "Thiệu Ngọc".
fn short_place(name: &str) -> String {
    for p in [
        "Xã ",
        "Phường ",
        "Thị trấn ",
        "Đặc khu ",
        "Tỉnh ",
        "Thành phố ",
    ] {
        if let Some(rest) = name.strip_prefix(p) {
            return rest.to_owned();
        }
    }
    name.to_owned()
}

/// A short column title for a level: "Quốc hội", "HĐND tỉnh", "HĐND xã".
fn level_short(kind: LevelKind, name: &str, code: &str) -> String {
    if kind == LevelKind::NationalAssembly {
        return "Quốc hội".into();
    }
    let n = tobaucu_core::text::fold(name);
    for (key, label) in [
        (" tinh", "HĐND tỉnh"),
        ("thanh pho", "HĐND tỉnh"),
        (" huyen", "HĐND huyện"),
        (" xa ", "HĐND xã"),
        (" phuong", "HĐND xã"),
        ("dac khu", "HĐND xã"),
    ] {
        if n.contains(key) {
            return label.into();
        }
    }
    format!("HĐND ({code})")
}

fn vi_stamp(stamp: &str) -> String {
    clock::vi_time(stamp)
}

impl App {
    /// Fields every form of this area shares: issuer, places, election day.
    pub(crate) fn common_data(&self) -> Result<serde_json::Map<String, Value>> {
        let def = self.def()?;
        let unit = self
            .store
            .unit()?
            .ok_or_else(|| Error::refused("NOT_SET_UP", "chưa thiết lập"))?;
        let area = def.area(&unit.unit_id);
        let commune_id = area
            .map(|a| a.commune.clone())
            .unwrap_or_else(|| unit.unit_id.clone());
        let commune = def.unit(&commune_id);
        let commune_name = commune.map(|u| u.name.clone()).unwrap_or_default();
        let mut province_name = String::new();
        let mut cur = commune.and_then(|u| u.parent.clone());
        while let Some(p) = cur {
            let Some(u) = def.unit(&p) else { break };
            province_name = u.name.clone();
            if u.kind.as_str() == "province" {
                break;
            }
            cur = u.parent.clone();
        }
        let d = def.election.date;
        let mut m = serde_json::Map::new();
        m.insert(
            "issuer_top".into(),
            Value::String(commune_name.to_uppercase()),
        );
        m.insert(
            "issuer".into(),
            Value::String(match area {
                Some(a) => format!("TỔ BẦU CỬ SỐ {}", a.number),
                None => "BAN BẦU CỬ".into(),
            }),
        );
        m.insert("commune_name".into(), Value::String(commune_name.clone()));
        m.insert(
            "commune_upper".into(),
            Value::String(commune_name.to_uppercase()),
        );
        m.insert(
            "commune_short".into(),
            Value::String(short_place(&commune_name)),
        );
        m.insert("province_name".into(), Value::String(province_name));
        m.insert("area_number".into(), json!(area.map(|a| a.number)));
        m.insert("area_name".into(), json!(area.map(|a| a.name.clone())));
        m.insert(
            "election_title".into(),
            Value::String(def.election.name.to_uppercase()),
        );
        m.insert("day".into(), json!(d.day()));
        m.insert("month".into(), json!(d.month()));
        m.insert("year".into(), json!(d.year().to_string()));
        Ok(m)
    }

    fn meta(&self, title: &str, subject: &str, identifier: &str) -> Meta {
        let now = clock::now();
        Meta {
            title: title.to_owned(),
            subject: subject.to_owned(),
            identifier: identifier.to_owned(),
            created: (
                now.year(),
                u8::try_from(now.month()).unwrap_or(1),
                u8::try_from(now.day()).unwrap_or(1),
                u8::try_from(now.hour()).unwrap_or(0),
                u8::try_from(now.minute()).unwrap_or(0),
                u8::try_from(now.second()).unwrap_or(0),
            ),
        }
    }

    fn team_fields(&self, m: &mut serde_json::Map<String, Value>, team: &Value) {
        let s = |k: &str| team.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let dots = "..............................";
        let mut roster = Vec::new();
        let leader = s("leader");
        let secretary = s("secretary");
        roster.push(json!({"name": if leader.is_empty() { dots.into() } else { leader.clone() }, "role": "Tổ trưởng"}));
        roster.push(json!({"name": if secretary.is_empty() { dots.into() } else { secretary.clone() }, "role": "Thư ký"}));
        for mem in team
            .get("members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            roster.push(json!({"name": mem, "role": "Ủy viên"}));
        }
        let witnesses: Vec<String> = team
            .get("witnesses")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let wtext = match witnesses.as_slice() {
            [a, b, ..] => format!("Ông/Bà {a} và Ông/Bà {b}"),
            [a] => format!("Ông/Bà {a} và Ông/Bà {dots}"),
            [] => format!("Ông/Bà {dots} và Ông/Bà {dots}"),
        };
        m.insert("roster".into(), Value::Array(roster));
        m.insert("witnesses_text".into(), Value::String(wtext));
        m.insert("leader".into(), Value::String(leader));
        m.insert("secretary".into(), Value::String(secretary));
        m.insert(
            "witness1".into(),
            Value::String(witnesses.first().cloned().unwrap_or_default()),
        );
        m.insert(
            "witness2".into(),
            Value::String(witnesses.get(1).cloned().unwrap_or_default()),
        );
    }

    /// "Mốc nhật ký: mục số N · CODE" of the finalize entry that locked the
    /// minutes whose data hash is `sha` (empty when none is found).
    fn finalize_anchor(&self, sha: &str) -> Result<String> {
        use tobaucu_store::BundleRead;
        let rows = self.store.audit_chain()?;
        let hit = rows.iter().rev().find(|r| r.entry.action == "finalize" && r.entry.after.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()).is_some_and(|v| v.get("sha256").and_then(Value::as_str) == Some(sha)));
        Ok(hit.map(|r| format!("Mốc nhật ký khi khóa biên bản: mục số {} · {}", r.entry.id, short_hash(&r.hash))).unwrap_or_default())
    }

    /// The data of one level's minutes (from the locked revision when final).
    pub fn minutes_form_data(
        &self,
        level: &str,
        revision: Option<u32>,
    ) -> Result<(Value, &'static str)> {
        let md = self.minutes_revision_data(level, revision)?;
        let canon = serde_json::to_value(&md.data).map_err(|e| Error::Internal(e.to_string()))?;
        let (sha, final_) = (md.sha256, md.locked);
        let def = self.def()?;
        let lv = def
            .level(level)
            .ok_or_else(|| Error::refused("UNKNOWN_LEVEL", format!("không có cấp {level}")))?;
        let form = if lv.kind == LevelKind::NationalAssembly {
            "minutes-qh"
        } else {
            "minutes-hdnd"
        };
        let mut m = self.common_data()?;
        let g = |path: &[&str]| -> u64 {
            let mut v = &canon;
            for p in path {
                v = v.get(*p).unwrap_or(&Value::Null);
            }
            v.as_u64().unwrap_or(0)
        };
        let f = |k: &str| g(&["figures", k]);
        let (listed, voted, received, valid) = (
            f("voters_listed"),
            f("voters_voted"),
            f("ballots_received"),
            f("ballots_valid"),
        );
        // Parts of one whole add up to 100% (domain.md §5, Percentages).
        let valid_p = Percent::of(valid, received);
        let invalid_p = if received == 0 {
            Percent(0)
        } else {
            Percent(10_000u64.saturating_sub(valid_p.0))
        };
        m.insert("level_code".into(), json!(level));
        m.insert("level_name".into(), json!(lv.name));
        m.insert("level_title".into(), json!(lv.name.to_uppercase()));
        m.insert(
            "constituency_name".into(),
            canon
                .pointer("/constituency/name")
                .cloned()
                .unwrap_or(Value::Null),
        );
        m.insert(
            "seats".into(),
            canon
                .pointer("/constituency/seats")
                .cloned()
                .unwrap_or(Value::Null),
        );
        for k in [
            "voters_listed",
            "voters_voted",
            "ballots_issued",
            "ballots_received",
            "ballots_valid",
            "ballots_invalid",
        ] {
            m.insert(k.into(), json!(f(k)));
        }
        m.insert(
            "voted_percent".into(),
            json!(Percent::of(voted, listed).vi()),
        );
        m.insert("valid_percent".into(), json!(valid_p.vi()));
        m.insert("invalid_percent".into(), json!(invalid_p.vi()));
        m.insert(
            "candidates".into(),
            canon
                .get("candidates")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
        );
        let complaints: Vec<Value> = canon
            .get("complaints")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| {
                let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                let who = if s("complainant").is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s("complainant"))
                };
                let outcome = match s("status").as_str() {
                    "settled" => format!(" — Tổ bầu cử đã giải quyết: {}", s("outcome")),
                    "forwarded" => {
                        format!(" — Đã chuyển Ban bầu cử; ý kiến của Tổ: {}", s("outcome"))
                    }
                    _ => " — Chưa giải quyết".to_owned(),
                };
                json!({"text": format!("{}{who}{outcome}", s("content"))})
            })
            .collect();
        m.insert("complaints".into(), Value::Array(complaints));
        self.team_fields(&mut m, canon.get("team").unwrap_or(&Value::Null));
        let revision = g(&["revision"]);
        m.insert("draft".into(), json!(!final_));
        m.insert(
            "revision_text".into(),
            json!(if final_ {
                format!("Bản số {revision}")
            } else {
                "Bản nháp".to_owned()
            }),
        );
        m.insert(
            "correction_reason".into(),
            canon
                .get("correction_reason")
                .cloned()
                .unwrap_or(Value::Null),
        );
        m.insert("superseded".into(), json!(md.superseded));
        m.insert("sha256".into(), json!(sha));
        // After export, the printed minutes carry a QR code and the short
        // code of the bundle holding this revision, so the board can match
        // the paper to the file.
        let (qr, code) = self.bundle_mark(level, final_)?;
        m.insert("bundle_footer".into(), json!(if code.is_empty() { String::new() } else { format!(" · Gói {code}") }));
        m.insert("bundle_qr".into(), json!(qr));
        m.insert("bundle_code".into(), json!(code));
        m.insert("sha_short".into(), json!(short_hash(&sha)));
        // The log's entry that locked this revision, printed: cutting or
        // rewriting the log afterwards shows against the paper
        // (`audit verify --anchor N:CODE`).
        m.insert("audit_anchor".into(), json!(if final_ { self.finalize_anchor(&sha)? } else { String::new() }));
        Ok((Value::Object(m), form))
    }

    fn inventory_data(&self, level: Option<&str>) -> Result<Value> {
        let def = self.def()?;
        let mut m = self.common_data()?;
        let mut rows = Vec::new();
        let mut imbalances = Vec::new();
        for l in &def.levels {
            if level.is_some_and(|x| x != l.code) {
                continue;
            }
            // A level not yet counted prints with dotted blanks to fill by hand.
            let Some(inv) = self.inventory(&l.code)? else {
                let dots = "..........";
                rows.push(
                    json!({"level_name": format!("Phiếu bầu {}", l.name), "received": dots,
                                 "issued": dots, "unused": dots, "spoiled": dots}),
                );
                continue;
            };
            rows.push(json!({"level_name": format!("Phiếu bầu {}", l.name), "received": inv.received, "issued": inv.issued,
                             "unused": inv.unused, "spoiled": inv.spoiled}));
            let s = self.summary(&l.code)?;
            for c in s.checks.iter().filter(|c| c.code == "E09") {
                imbalances.push(json!({"text": format!("{} — {}", l.name, c.message)}));
            }
        }
        m.insert("levels".into(), Value::Array(rows));
        m.insert("imbalances".into(), Value::Array(imbalances));
        let team =
            serde_json::to_value(self.team()?).map_err(|e| Error::Internal(e.to_string()))?;
        self.team_fields(&mut m, &team);
        Ok(Value::Object(m))
    }

    /// Danh sách cử tri đã nhận phiếu: every listed voter with the time of
    /// each level's check-in (printed with every backup).
    fn checkin_list_data(&self) -> Result<Value> {
        let def = self.def()?;
        let mut m = self.common_data()?;
        let voters = self.store.voters()?;
        let mut times: std::collections::HashMap<(i64, String), String> = std::collections::HashMap::new();
        for c in self.store.live_checkins()? {
            times.insert((c.voter_id, c.level.clone()), c.at.get(11..16).unwrap_or("").to_owned());
        }
        let level_columns: Vec<Value> = def.levels.iter().map(|l| json!({"code": l.code, "title": level_short(l.kind, &l.name, &l.code)})).collect();
        let mut listed = vec![0u64; def.levels.len()];
        let mut voted = vec![0u64; def.levels.len()];
        let rows: Vec<Value> = voters
            .iter()
            .filter(|v| matches!(VoterStatus::parse(&v.status), Some(VoterStatus::Active)))
            .map(|v| {
                let marks: Vec<String> = def
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        if !v.levels.contains(&l.code) {
                            return "—".to_owned();
                        }
                        listed[i] += 1;
                        match times.get(&(v.id, l.code.clone())) {
                            Some(t) => {
                                voted[i] += 1;
                                t.clone()
                            }
                            None => String::new(),
                        }
                    })
                    .collect();
                let birth = v.birth_date.split('-').rev().collect::<Vec<_>>().join("/");
                json!({"stt": v.stt, "name": v.name, "birth": birth, "id_number": v.id_number.clone().unwrap_or_default(), "marks": marks})
            })
            .collect();
        m.insert("voters".into(), Value::Array(rows));
        m.insert("level_columns".into(), Value::Array(level_columns));
        m.insert(
            "level_totals".into(),
            Value::Array(def.levels.iter().enumerate().map(|(i, l)| json!({"title": level_short(l.kind, &l.name, &l.code), "listed": listed[i], "voted": voted[i]})).collect()),
        );
        m.insert("backup_at".into(), json!(crate::clock::vi_time(&crate::clock::stamp(crate::clock::now()))));
        Ok(Value::Object(m))
    }

    fn voter_list_data(&self) -> Result<Value> {
        let def = self.def()?;
        let mut m = self.common_data()?;
        let voters = self.store.voters()?;
        let listed: Vec<_> = voters
            .iter()
            .filter(|v| {
                matches!(
                    VoterStatus::parse(&v.status),
                    Some(VoterStatus::Active | VoterStatus::VotesElsewhere)
                )
            })
            .collect();
        let level_columns: Vec<Value> = def
            .levels
            .iter()
            .map(|l| json!({"code": l.code, "title": level_short(l.kind, &l.name, &l.code)}))
            .collect();
        let mut male = 0u64;
        let mut per_level = vec![0u64; def.levels.len()];
        let rows: Vec<Value> = listed
            .iter()
            .map(|v| {
                let is_male = v.gender == "Nam";
                if is_male {
                    male += 1;
                }
                let elsewhere = v.status == "elsewhere";
                let marks: Vec<&str> = def
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        if v.levels.contains(&l.code) && !elsewhere {
                            per_level[i] += 1;
                            "x"
                        } else {
                            ""
                        }
                    })
                    .collect();
                let birth = v.birth_date.split('-').rev().collect::<Vec<_>>().join("/");
                json!({"stt": v.stt, "name": v.name, "birth": birth, "male": if is_male { "x" } else { "" },
                       "female": if is_male { "" } else { "x" }, "ethnicity": v.ethnicity,
                       "id_number": v.id_number.clone().unwrap_or_default(), "residence": v.residence,
                       "marks": marks, "note": v.note})
            })
            .collect();
        m.insert("total".into(), json!(rows.len()));
        m.insert("male_count".into(), json!(male));
        m.insert("female_count".into(), json!(rows.len() as u64 - male));
        m.insert(
            "level_totals".into(),
            Value::Array(
                def.levels
                    .iter()
                    .zip(&per_level)
                    .map(|(l, n)| json!({"title": if l.kind == LevelKind::NationalAssembly { "đại biểu Quốc hội".to_owned() } else { format!("đại biểu {}", level_short(l.kind, &l.name, &l.code)) }, "count": n}))
                    .collect(),
            ),
        );
        m.insert("level_columns".into(), Value::Array(level_columns));
        m.insert("voters".into(), Value::Array(rows));
        Ok(Value::Object(m))
    }

    fn voter_cards_data(&self) -> Result<Value> {
        let mut m = self.common_data()?;
        let voters: Vec<Value> = self
            .store
            .voters()?
            .iter()
            .filter(|v| v.status == "active")
            .map(|v| {
                let birth = v.birth_date.split('-').rev().collect::<Vec<_>>().join("/");
                json!({"stt": v.stt, "name": v.name, "birth": birth, "gender": v.gender,
                       "id_number": v.id_number.clone().unwrap_or_else(|| "..........................".into()),
                       "residence": v.residence})
            })
            .collect();
        m.insert("voters".into(), Value::Array(voters));
        Ok(Value::Object(m))
    }

    fn turnout_data(&self) -> Result<Value> {
        let mut m = self.common_data()?;
        let v = self.turnout_view()?;
        m.insert(
            "levels".into(),
            Value::Array(v.levels.iter().map(|l| json!({"name": l.name, "listed": l.voters_listed, "voted": l.voters_voted, "percent": l.percent_vi})).collect()),
        );
        m.insert(
            "snapshots".into(),
            Value::Array(
                v.snapshots
                    .iter()
                    .map(|s| {
                        let levels: Vec<String> = s.levels.iter().map(|l| format!("{}: {}/{} ({}%)", l.code, l.voters_voted, l.voters_listed, l.percent_vi)).collect();
                        json!({"name": s.name, "time": vi_stamp(&s.taken_at), "levels_text": levels.join("; ")})
                    })
                    .collect(),
            ),
        );
        let mut cum = 0u32;
        m.insert(
            "hourly".into(),
            Value::Array(
                v.hourly
                    .iter()
                    .map(|h| {
                        cum += h.count;
                        json!({"label": format!("{:02}:00 – {:02}:59", h.hour, h.hour), "count": h.count, "cumulative": cum})
                    })
                    .collect(),
            ),
        );
        m.insert(
            "printed_at".into(),
            json!(vi_stamp(&clock::stamp(clock::now()))),
        );
        m.insert(
            "leader".into(),
            json!(self.team()?.leader.unwrap_or_default()),
        );
        Ok(Value::Object(m))
    }

    /// A form's filled layouts (one per level for `minutes`) and its
    /// document information. `level` narrows `minutes` and `inventory` to
    /// one level (default: every level).
    fn form_parts(
        &self,
        form: &str,
        level: Option<&str>,
        revision: Option<u32>,
    ) -> Result<(Vec<(&'static str, Value)>, Meta)> {
        let def = self.def()?;
        if let Some(l) = level.filter(|_| form != "board-minutes") {
            if def.level(l).is_none() {
                return Err(Error::refused(
                    "UNKNOWN_LEVEL",
                    format!(
                        "không có cấp bầu cử \"{l}\"; các cấp: {}",
                        def.level_codes().join(", ")
                    ),
                ));
            }
        }
        let area = self.unit_row()?.map(|u| u.unit_id).unwrap_or_default();
        Ok(match form {
            "minutes" => {
                let levels: Vec<String> = match level {
                    Some(l) => vec![l.to_owned()],
                    None => def.level_codes(),
                };
                let mut parts = Vec::new();
                for l in &levels {
                    let (data, name) = self.minutes_form_data(l, revision)?;
                    parts.push((layout(name)?, data));
                }
                let hashes: Vec<&str> = parts
                    .iter()
                    .filter_map(|(_, d)| d.get("sha256").and_then(Value::as_str))
                    .collect();
                let meta = self.meta(
                    &format!("Biên bản kết quả kiểm phiếu — {area}"),
                    &levels.join(", "),
                    &hashes.join(" "),
                );
                (parts, meta)
            }
            "inventory" => (
                vec![(layout("inventory")?, self.inventory_data(level)?)],
                self.meta(&format!("Biên bản kiểm kê phiếu bầu — {area}"), "", ""),
            ),
            "voter-list" => (
                vec![(layout("voter-list")?, self.voter_list_data()?)],
                self.meta(&format!("Danh sách cử tri — {area}"), "", ""),
            ),
            "voter-cards" => (
                vec![(layout("voter-cards")?, self.voter_cards_data()?)],
                self.meta(&format!("Thẻ cử tri — {area}"), "", ""),
            ),
            "turnout" => (
                vec![(layout("turnout")?, self.turnout_data()?)],
                self.meta(&format!("Báo cáo cử tri đi bầu — {area}"), "", ""),
            ),
            "key-registration" => (
                vec![(layout("key-registration")?, self.key_registration_data()?)],
                self.meta(&format!("Phiếu đăng ký khóa ký — {area}"), "", ""),
            ),
            "board-minutes" => (
                self.board_minutes_parts(level)?,
                self.meta(&format!("Biên bản xác định kết quả bầu cử — {area}"), "", ""),
            ),
            "checkin-list" => (
                vec![(layout("checkin-list")?, self.checkin_list_data()?)],
                self.meta(&format!("Danh sách cử tri đã nhận phiếu — {area}"), "", ""),
            ),
            "board-status" => (
                vec![(layout("board-status")?, self.board_status_data()?)],
                self.meta(&format!("Tình hình nhận gói kết quả — {area}"), "", ""),
            ),
            other => {
                return Err(Error::refused(
                    "UNKNOWN_FORM",
                    format!(
                        "không có biểu mẫu \"{other}\"; chọn một trong: {}",
                        FORMS.join(", ")
                    ),
                ))
            }
        })
    }

    /// Renders a form to PDF bytes.
    pub fn render_form(
        &self,
        form: &str,
        level: Option<&str>,
        revision: Option<u32>,
    ) -> Result<Rendered> {
        let (parts, meta) = self.form_parts(form, level, revision)?;
        let refs: Vec<(&str, &Value)> = parts.iter().map(|(l, d)| (*l, d)).collect();
        let r = render_many(&refs, &meta).map_err(|e| Error::Internal(e.to_string()))?;
        if !r.missing_glyphs.is_empty() {
            return Err(Error::Internal(format!(
                "phông chữ thiếu ký tự: {:?}",
                r.missing_glyphs
            )));
        }
        Ok(r)
    }

    /// The first `max_pages` pages of a form as SVG, laid out by the same
    /// engine as the PDF: the app's preview is the printed page.
    pub fn preview_form(
        &self,
        form: &str,
        level: Option<&str>,
        revision: Option<u32>,
        max_pages: usize,
    ) -> Result<FormPreview> {
        let (parts, meta) = self.form_parts(form, level, revision)?;
        let refs: Vec<(&str, &Value)> = parts.iter().map(|(l, d)| (*l, d)).collect();
        let p = svg_pages(&refs, max_pages).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(FormPreview {
            form: form.to_owned(),
            title: meta.title,
            total_pages: u32::try_from(p.total).unwrap_or(0),
            pages: p.pages,
        })
    }

    /// `forms FORM --out FILE.pdf`: renders and writes atomically.
    pub fn write_form(
        &self,
        form: &str,
        level: Option<&str>,
        revision: Option<u32>,
        out: &Path,
    ) -> Result<FormOutput> {
        let r = self.render_form(form, level, revision)?;
        crate::fsio::write_atomic(out, &r.bytes)?;
        Ok(FormOutput {
            form: form.to_owned(),
            level: level.map(str::to_owned),
            path: out.display().to_string(),
            title: r.title,
            version: r.version,
            pages: u32::try_from(r.pages).unwrap_or(0),
            bytes: u32::try_from(r.bytes.len()).unwrap_or(0),
        })
    }
}

impl App {
    /// The folder printed forms are saved in: `ban-in/` next to the database.
    pub fn print_dir(&self) -> std::path::PathBuf {
        self.beside_db("ban-in")
    }

    /// A folder next to the database (`ban-in/`, `khoa/`, `goi/`), or in
    /// the temporary folder for an in-memory database.
    pub(crate) fn beside_db(&self, name: &str) -> std::path::PathBuf {
        match self.db_path.parent() {
            Some(d) if self.db_path != Path::new(":memory:") && !d.as_os_str().is_empty() => d.join(name),
            _ => std::env::temp_dir().join(format!("tobaucu-{name}")),
        }
    }

    /// Renders a form into `ban-in/` under a name with the level and time
    /// (the app's "In / Lưu PDF").
    pub fn save_form(
        &self,
        form: &str,
        level: Option<&str>,
        revision: Option<u32>,
    ) -> Result<FormOutput> {
        let dir = self.print_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e))?;
        let now = clock::now();
        let name = format!(
            "{form}{}{}-{}.pdf",
            level.map(|l| format!("-{l}")).unwrap_or_default(),
            revision.map(|r| format!("-ban{r}")).unwrap_or_default(),
            now.format("%Y%m%d-%H%M%S")
        );
        self.write_form(form, level, revision, &dir.join(name))
    }
}

impl App {
    /// The QR payload and short code of the last exported bundle, when the
    /// level's locked revision is older than that export.
    fn bundle_mark(&self, level: &str, locked: bool) -> Result<(String, String)> {
        use tobaucu_store::{BundleRead, CountRead};
        if !locked {
            return Ok((String::new(), String::new()));
        }
        let Some(e) = self.store.exports()?.into_iter().last() else {
            return Ok((String::new(), String::new()));
        };
        let finalized = self.store.revisions(level)?.last().map(|r| r.finalized_at.clone()).unwrap_or_default();
        if e.created_at < finalized {
            return Ok((String::new(), String::new()));
        }
        let unit = self.unit_row()?.map(|u| u.unit_id).unwrap_or_default();
        Ok((format!("TOBAUCU-BUNDLE:{unit}:{}:{}", e.sequence, e.sha256), format!("{} · gói số {}", short_hash(&e.sha256), e.sequence)))
    }

    /// Data of the key registration sheet (phiếu đăng ký khóa ký).
    fn key_registration_data(&self) -> Result<Value> {
        let k = self.keys_show()?;
        let mut m = self.common_data()?;
        let def = self.def()?;
        let unit_name = def.area(&k.unit_id).map(|a| format!("Khu vực bỏ phiếu số {} ({})", a.number, a.name)).or_else(|| def.unit(&k.unit_id).map(|u| u.name.clone())).unwrap_or_default();
        m.insert("unit_id".into(), json!(k.unit_id));
        m.insert("unit_name".into(), json!(unit_name));
        m.insert("fingerprint".into(), json!(k.fingerprint));
        m.insert("public_key".into(), json!(k.public_key));
        m.insert("public_key_1".into(), json!(k.public_key.get(..32).unwrap_or("")));
        m.insert("public_key_2".into(), json!(k.public_key.get(32..).unwrap_or("")));
        m.insert("created_at".into(), json!(clock::vi_time(&k.created_at)));
        m.insert("election_name".into(), json!(def.election.name));
        m.insert("leader".into(), json!(self.team().ok().and_then(|t| t.leader).unwrap_or_default()));
        m.insert("key_qr".into(), json!(format!("TOBAUCU-KEY:{}:{}", k.unit_id, k.public_key)));
        Ok(Value::Object(m))
    }
}
