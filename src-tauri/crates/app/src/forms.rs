//! Printed forms: builds each form's data from the database and hands it
//! with the form's layout (`forms/*.json`) to `tobaucu-forms`. Files are
//! written atomically (temporary name, fsync, rename) and read back.
//!
//! In rehearsal every form's data carries `watermark`, which the renderer
//! draws on every page. Minutes printed after export carry the bundle's QR
//! code and short code (128 bits); locked minutes print the log anchor of
//! their finalize entry (`audit verify --anchor N:CODE`). The voter list's
//! signer (`PrintChoices`, `ListSigner`) is not in the database: the caller
//! passes it.

use crate::ErrorCode;
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
pub const FORMS: &[&str] = &["voter-list", "voter-cards", "minutes", "inventory", "turnout", "key-registration", "board-minutes", "board-status", "checkin-list", "zero-report", "official-switch"];

/// Who signs the voter list for the commune's Ủy ban nhân dân (Mẫu số
/// 31/HĐBC): the Chủ tịch — the form's block "TM. ỦY BAN NHÂN DÂN (***) /
/// CHỦ TỊCH" —, or a Phó Chủ tịch signing for the Chủ tịch, as the form's
/// last note lays it out: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ
/// TỊCH". The database does not hold who signs: the person printing says
/// it (`tobaucu forms voter-list --signer vice-chair`, the print screen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSigner {
    #[default]
    Chair,
    ViceChair,
}

impl ListSigner {
    /// "chair" / "chu-tich", "vice-chair" / "pho-chu-tich" (any case, with
    /// or without diacritics).
    pub fn parse(s: &str) -> Option<ListSigner> {
        let f = tobaucu_core::text::fold(s).replace(['-', '_'], " ");
        match f.trim() {
            "chair" | "chu tich" => Some(ListSigner::Chair),
            "vice chair" | "pho chu tich" | "kt chu tich" => Some(ListSigner::ViceChair),
            _ => None,
        }
    }
}

/// What a printed form takes that the database does not hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrintChoices {
    /// Who signs the voter list (Mẫu 31/HĐBC).
    pub signer: ListSigner,
}

impl PrintChoices {
    /// The choices with the voter list's signer as typed ("chair",
    /// "vice-chair"; none: the Chủ tịch); refused when it is neither.
    pub fn with_signer(signer: Option<&str>) -> Result<PrintChoices> {
        let mut c = PrintChoices::default();
        if let Some(s) = signer {
            c.signer = ListSigner::parse(s)
                .ok_or_else(|| Error::refused(ErrorCode::FieldInvalid, format!("người ký \"{s}\" không hợp lệ: chair (CHỦ TỊCH) hoặc vice-chair (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)")))?;
        }
        Ok(c)
    }
}

fn layout(name: &str) -> Result<&'static str> {
    tobaucu_forms::layout(name).ok_or_else(|| Error::Internal(format!("thiếu mẫu {name}")))
}

/// "Xã Thiệu Ngọc" → "Thiệu Ngọc".
fn short_place(name: &str) -> String {
    for p in ["Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Tỉnh ", "Thành phố "] {
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
    for (key, label) in [(" tinh", "HĐND tỉnh"), ("thanh pho", "HĐND tỉnh"), (" huyen", "HĐND huyện"), (" xa ", "HĐND xã"), (" phuong", "HĐND xã"), ("dac khu", "HĐND xã")] {
        if n.contains(key) {
            return label.into();
        }
    }
    format!("HĐND ({code})")
}

/// The council a level elects, from the level's name in the definition
/// ("Đại biểu HĐND tỉnh Thanh Hóa nhiệm kỳ 2026-2031"): its place ("tỉnh
/// Thanh Hóa"), its khóa when the name says it, and its term.
struct CouncilName {
    place: String,
    khoa: Option<String>,
    term: String,
}

impl CouncilName {
    fn of(level_name: &str) -> CouncilName {
        let mut rest = level_name.trim().to_owned();
        for p in ["Đại biểu ", "đại biểu "] {
            if let Some(r) = rest.strip_prefix(p) {
                rest = r.to_owned();
            }
        }
        for p in ["HĐND ", "Hội đồng nhân dân ", "hội đồng nhân dân "] {
            if let Some(r) = rest.strip_prefix(p) {
                rest = r.to_owned();
            }
        }
        let mut term = "2026-2031".to_owned();
        if let Some(i) = rest.find("nhiệm kỳ") {
            term = rest[i + "nhiệm kỳ".len()..].trim().to_owned();
            rest = rest[..i].trim().to_owned();
        }
        let mut khoa = None;
        if let Some(i) = rest.find("khóa") {
            khoa = Some(rest[i + "khóa".len()..].trim().to_owned()).filter(|k| !k.is_empty());
            rest = rest[..i].trim().to_owned();
        }
        CouncilName { place: rest, khoa, term }
    }
}

/// A level as Mẫu 31/HĐBC names it: its rank in the form's order (tỉnh,
/// huyện, xã), the title of its column and the wording of its footer line
/// ("Cử tri tham gia bầu cử …: … người;", the colon after ĐBQH only, as the form has it). A council whose tier the name
/// does not show keeps its own name.
fn council_tier(l: &tobaucu_core::election::Level) -> (u8, String, String) {
    if l.kind == LevelKind::NationalAssembly {
        return (0, "Bầu cử ĐBQH".into(), "ĐBQH".into());
    }
    let n = format!(" {} ", tobaucu_core::text::fold(&l.name));
    let has = |k: &str| n.contains(k);
    if has(" tinh ") || has(" thanh pho ") {
        (1, "Tỉnh, thành phố".into(), "đại biểu HĐND tỉnh, thành phố".into())
    } else if has(" huyen ") || has(" quan ") || has(" thi xa ") {
        (2, "Huyện, quận, thị xã".into(), "đại biểu HĐND huyện, quận, thị xã".into())
    } else if has(" xa ") || has(" phuong ") || has(" dac khu ") || has(" thi tran ") {
        (3, "Xã/phường, đặc khu".into(), "đại biểu HĐND xã, phường, đặc khu".into())
    } else {
        let place = CouncilName::of(&l.name).place;
        (4, place.clone(), format!("đại biểu HĐND {place}"))
    }
}

/// The title lines of Mẫu 31/HĐBC from the election's name: "Bầu cử đại
/// biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ
/// 2026-2031" → "BẦU CỬ ĐẠI BIỂU QUỐC HỘI KHÓA XVI" / "VÀ BẦU CỬ ĐẠI BIỂU
/// HỘI ĐỒNG NHÂN DÂN CÁC CẤP NHIỆM KỲ 2026-2031".
fn election_title_lines(name: &str) -> Vec<String> {
    let name = name.trim();
    match name.split_once(" và ") {
        Some((first, rest)) => {
            let rest = rest.trim();
            let rest = if tobaucu_core::text::fold(rest).starts_with("bau cu") { rest.to_owned() } else { format!("bầu cử {rest}") };
            vec![first.to_uppercase(), format!("VÀ {}", rest.to_uppercase())]
        }
        None => vec![name.to_uppercase()],
    }
}

/// A stored birth ("YYYY-MM-DD" or "YYYY") as forms print it: "05/07/1960"
/// or the year alone.
fn birth_vi(stored: &str) -> String {
    tobaucu_core::voter::BirthDate::from_iso(stored).map_or_else(|| stored.to_owned(), |b| b.vi())
}

/// "Đại biểu …" → "đại biểu …" inside a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "HH:MM" → ("HH", "MM"), or the form's dots when not recorded.
fn split_hhmm(t: Option<&str>) -> (String, String) {
    match t.and_then(|t| t.split_once(':')) {
        Some((h, m)) => (h.to_owned(), m.to_owned()),
        None => ("........".to_owned(), "........".to_owned()),
    }
}

/// What an error carried into the minutes means.
fn carried_vi(code: &str) -> &'static str {
    match code {
        "E02" => "số phiếu thu vào nhiều hơn số phiếu phát ra",
        "E03" => "số phiếu phát ra nhiều hơn số cử tri đã tham gia bỏ phiếu",
        _ => "",
    }
}

/// "Ông" or "Bà" for a candidate of `c` by the gender the definition
/// gives, "Ông/Bà" when the candidate is not found: how every minutes
/// (the Tổ's Mẫu 18/23, the Ban's Mẫu 19/24) names a candidate.
pub(crate) fn candidate_title(c: Option<&tobaucu_core::election::Constituency>, id: &str) -> &'static str {
    c.and_then(|c| c.candidates.iter().find(|d| d.id == id)).map_or("Ông/Bà", |d| match d.gender {
        tobaucu_core::voter::Gender::Female => "Bà",
        tobaucu_core::voter::Gender::Male => "Ông",
    })
}

/// An incident of a Tổ's minutes as printed: "Lúc 10:05: Mất điện …
/// Cách giải quyết: …" (Mẫu 18/23 item 6; the Ban's item d quotes it).
pub(crate) fn incident_text(i: &tobaucu_core::minutes::IncidentLine) -> String {
    let at = i.time.as_deref().map(|t| format!("Lúc {t}: ")).unwrap_or_default();
    let how = if i.handled.is_empty() { String::new() } else { format!(" Cách giải quyết: {}", i.handled) };
    format!("{at}{}.{how}", i.what.trim_end_matches('.'))
}

/// An error a Tổ carried into its minutes after a recount, with its
/// explanation: "E02 (số phiếu thu vào nhiều hơn số phiếu phát ra): …".
pub(crate) fn explanation_text(e: &tobaucu_core::minutes::Explanation) -> String {
    format!("{} ({}): {}", e.code, carried_vi(&e.code), e.reason)
}

/// "Gồm …" of a constituency: the communes whose areas name it (the
/// National Assembly's and the province council's constituencies), or, for
/// a commune council's constituency, its areas (thôn, tổ dân phố) —
/// footnote (1)/(2) of Mẫu 18/23.
fn constituency_includes(def: &tobaucu_core::election::ElectionDefinition, c: &tobaucu_core::election::Constituency, commune_council: bool) -> String {
    let areas: Vec<&tobaucu_core::election::Area> = def.areas.iter().filter(|a| a.constituencies.values().any(|x| *x == c.id)).collect();
    let mut communes: Vec<String> = Vec::new();
    for a in &areas {
        let name = def.unit(&a.commune).map_or_else(|| a.commune.clone(), |u| u.name.clone());
        if !communes.contains(&name) {
            communes.push(name);
        }
    }
    if commune_council {
        areas.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ")
    } else {
        communes.join(", ")
    }
}

fn vi_stamp(stamp: &str) -> String {
    clock::vi_time(stamp)
}

impl App {
    /// Fields every form of this area shares: issuer, places, election day.
    pub(crate) fn common_data(&self) -> Result<serde_json::Map<String, Value>> {
        let def = self.def()?;
        let unit = self.store.unit()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let area = def.area(&unit.unit_id);
        let commune_id = area.map(|a| a.commune.clone()).unwrap_or_else(|| unit.unit_id.clone());
        let commune = def.unit(&commune_id);
        let commune_name = commune.map(|u| u.name.clone()).unwrap_or_default();
        let mut province_name = String::new();
        let mut cur = commune.and_then(|u| u.parent.clone());
        while let Some(p) = cur {
            let Some(u) = def.unit(&p) else { break };
            province_name = u.name.clone();
            if u.kind == tobaucu_core::election::UnitKind::Province {
                break;
            }
            cur = u.parent.clone();
        }
        let d = def.election.date;
        let mut m = serde_json::Map::new();
        m.insert("issuer_top".into(), Value::String(commune_name.to_uppercase()));
        m.insert(
            "issuer".into(),
            Value::String(match area {
                Some(a) => format!("TỔ BẦU CỬ SỐ {}", a.number),
                None => "BAN BẦU CỬ".into(),
            }),
        );
        m.insert("commune_name".into(), Value::String(commune_name.clone()));
        m.insert("commune_upper".into(), Value::String(commune_name.to_uppercase()));
        m.insert("commune_short".into(), Value::String(short_place(&commune_name)));
        // The header's "Tỉnh/Thành phố: …", "Xã/Phường/Đặc khu: …" take
        // the bare name (the label already says which kind); mid-sentence a
        // commune is "xã Thiệu Ngọc", lower case.
        m.insert("province_short".into(), Value::String(short_place(&province_name)));
        m.insert("commune_lower".into(), Value::String(lower_first(&commune_name)));
        m.insert("province_name".into(), Value::String(province_name));
        m.insert("area_number".into(), json!(area.map(|a| a.number)));
        m.insert("area_name".into(), json!(area.map(|a| a.name.clone())));
        m.insert("election_title".into(), Value::String(def.election.name.to_uppercase()));
        m.insert("day".into(), json!(d.day()));
        m.insert("month".into(), json!(d.month()));
        m.insert("year".into(), json!(d.year().to_string()));
        Ok(m)
    }

    fn meta(&self, title: &str, subject: &str, identifier: &str) -> Meta {
        let now = self.now();
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

    /// "Mốc nhật ký: mục số N · CODE" of the finalize entry that locked the
    /// minutes whose data hash is `sha` (empty when none is found).
    fn finalize_anchor(&self, sha: &str) -> Result<String> {
        use tobaucu_store::BundleRead;
        let rows = self.store.audit_chain()?;
        let hit = rows.iter().rev().find(|r| {
            r.entry.action == "finalize" && r.entry.after.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()).is_some_and(|v| v.get("sha256").and_then(Value::as_str) == Some(sha))
        });
        Ok(hit.map(|r| format!("Mốc nhật ký khi khóa biên bản: mục số {} · {}", r.entry.id, short_hash(&r.hash))).unwrap_or_default())
    }

    /// The data of one level's minutes (from the locked revision when final).
    pub fn minutes_form_data(&self, level: &str, revision: Option<u32>) -> Result<(Value, &'static str)> {
        let md = self.minutes_revision_data(level, revision)?;
        let doc = &md.data;
        let (sha, final_) = (md.sha256.clone(), md.locked);
        let def = self.def()?;
        let lv = def.level(level).ok_or_else(|| Error::refused(ErrorCode::UnknownLevel, format!("không có cấp {level}")))?;
        // A later round prints under its base level, with its own line.
        let round = def.constituency(&doc.constituency.id).and_then(|c| c.round_of.clone());
        let lv = round.as_ref().and_then(|r| def.level(&r.level)).unwrap_or(lv);
        let qh = lv.kind == LevelKind::NationalAssembly;
        let form = if qh { "minutes-qh" } else { "minutes-hdnd" };
        let mut m = self.common_data()?;
        let f = &doc.figures;
        // Parts of one whole add up to 100% (domain.md §5, Percentages).
        let valid_p = Percent::of(f.ballots_valid, f.ballots_received);
        let invalid_p = if f.ballots_received == 0 { Percent(0) } else { Percent(10_000u64.saturating_sub(valid_p.0)) };
        let dots = "..............................";
        let council = CouncilName::of(&lv.name);
        m.insert("round_title".into(), json!(round.as_ref().map_or(String::new(), |r| format!("({} — VÒNG {})", if r.kind == "revote" { "BẦU CỬ LẠI" } else { "BẦU CỬ THÊM" }, r.number))));
        m.insert("level_code".into(), json!(level));
        m.insert("level_name".into(), json!(lv.name));
        m.insert("level_title".into(), json!(lv.name.to_uppercase()));
        m.insert("level_lower".into(), json!(lower_first(&lv.name)));
        m.insert("council".into(), json!(council.place));
        m.insert("council_upper".into(), json!(council.place.to_uppercase()));
        m.insert("khoa".into(), json!(council.khoa.clone().unwrap_or_else(|| "........".into())));
        m.insert("term".into(), json!(council.term));
        m.insert("province_upper".into(), json!(m.get("province_name").and_then(Value::as_str).unwrap_or("").to_uppercase()));
        let c = def.constituency(&doc.constituency.id);
        m.insert("constituency_name".into(), json!(doc.constituency.name));
        m.insert("constituency_number".into(), json!(c.map(|c| c.number.to_string()).unwrap_or_else(|| "....".into())));
        let commune_council = level_short(lv.kind, &lv.name, &lv.code) == "HĐND xã";
        m.insert("includes".into(), json!(c.map(|c| constituency_includes(def, c, commune_council)).unwrap_or_default()));
        m.insert("seats".into(), json!(doc.constituency.seats));
        m.insert("candidate_count".into(), json!(doc.candidates.len()));
        for (k, v) in [
            ("voters_listed", f.voters_listed),
            ("voters_voted", f.voters_voted),
            ("ballots_issued", f.ballots_issued),
            ("ballots_received", f.ballots_received),
            ("ballots_valid", f.ballots_valid),
            ("ballots_invalid", f.ballots_invalid),
        ] {
            m.insert(k.into(), json!(v));
        }
        m.insert("voted_percent".into(), json!(Percent::of(f.voters_voted, f.voters_listed).vi()));
        m.insert("valid_percent".into(), json!(valid_p.vi()));
        m.insert("invalid_percent".into(), json!(invalid_p.vi()));
        // "Ông/Bà … được n phiếu/V phiếu hợp lệ", in ballot order.
        let cands: Vec<Value> = doc
            .candidates
            .iter()
            .map(|x| {
                let title = candidate_title(c, &x.id);
                json!({"position": x.position, "title": title, "name": x.name, "votes": x.votes, "percent": x.percent})
            })
            .collect();
        m.insert("candidates".into(), Value::Array(cands));
        // The roster: Tổ trưởng, Thư ký, Ủy viên.
        let mut roster = vec![
            json!({"name": doc.team.leader.clone().unwrap_or_else(|| dots.into()), "role": "Tổ trưởng"}),
            json!({"name": doc.team.secretary.clone().unwrap_or_else(|| dots.into()), "role": "Thư ký"}),
        ];
        roster.extend(doc.team.members.iter().map(|x| json!({"name": x, "role": "Ủy viên"})));
        m.insert("roster".into(), Value::Array(roster));
        // A fact not recorded prints as the form's dotted line.
        let people = |list: Vec<(String, Option<String>)>| -> Value {
            let mut v: Vec<Value> = list.into_iter().map(|(n, a)| json!({"name": n, "address": a.unwrap_or_else(|| dots.into())})).collect();
            while v.len() < 2 {
                v.push(json!({"name": dots, "address": dots}));
            }
            Value::Array(v)
        };
        let opening = doc.opening.clone().unwrap_or_default();
        m.insert("opening_witnesses".into(), people(opening.witnesses.iter().map(|p| (p.name.clone(), p.address.clone())).collect()));
        m.insert("counting_witnesses".into(), people(doc.team.witnesses.iter().map(|w| (w.name().to_owned(), w.address().map(str::to_owned))).collect()));
        let (oh, om) = split_hhmm(opening.time.as_deref());
        let (ch, cm) = split_hhmm(doc.closing_time.as_deref());
        m.insert("open_h".into(), json!(oh));
        m.insert("open_m".into(), json!(om));
        m.insert("close_h".into(), json!(ch));
        m.insert("close_m".into(), json!(cm));
        let done = doc.completed_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&clock::ict()));
        // Not locked yet: dotted, but the year is the form's "năm 2026".
        let year = def.election.date.year().to_string();
        let dd = |f: &str| done.map_or_else(|| if f == "%Y" { year.clone() } else { "....".to_owned() }, |t| t.format(f).to_string());
        for (k, f) in [("done_h", "%H"), ("done_m", "%M"), ("done_day", "%-d"), ("done_month", "%-m"), ("done_year", "%Y")] {
            m.insert(k.into(), json!(dd(f)));
        }
        // Item 6: what happened and how it was handled; complaints too.
        let mut events: Vec<Value> = doc.incidents.iter().map(|i| json!({"text": incident_text(i)})).collect();
        let mut pending: Vec<Value> = Vec::new();
        for c in &doc.complaints {
            let who = if c.complainant.is_empty() { String::new() } else { format!(" của {}", c.complainant) };
            match c.status.as_str() {
                "settled" => events.push(json!({"text": format!("Khiếu nại, tố cáo{who}: {}. Tổ bầu cử đã giải quyết: {}", c.content, c.outcome)})),
                "forwarded" => {
                    events.push(json!({"text": format!("Khiếu nại, tố cáo{who}: {}. Đã chuyển Ban bầu cử.", c.content)}));
                    pending.push(json!({"text": format!("Khiếu nại, tố cáo{who} chuyển Ban bầu cử: {}. Ý kiến của Tổ: {}", c.content, c.outcome)}));
                }
                _ => pending.push(json!({"text": format!("Khiếu nại, tố cáo{who} chưa giải quyết: {}", c.content)})),
            }
        }
        // Item 7: what the Tổ could not settle, its recommendations, and
        // the figures it carried with an explanation after a recount.
        pending.extend(doc.recommendations.iter().map(|r| json!({"text": r})));
        pending.extend(doc.explanations.iter().map(|e| json!({"text": explanation_text(e)})));
        // Warnings the Tổ trưởng accepted, with the reason (issue 15 item 5).
        pending.extend(doc.accepted.iter().map(|a| json!({"text": format!("Cảnh báo {} đã được Tổ trưởng chấp nhận. Lý do: {}", a.code, a.reason)})));
        m.insert("events".into(), Value::Array(events));
        m.insert("pending".into(), Value::Array(pending));
        m.insert("leader".into(), json!(doc.team.leader.clone().unwrap_or_default()));
        m.insert("secretary".into(), json!(doc.team.secretary.clone().unwrap_or_default()));
        m.insert("witness1".into(), json!(doc.team.witnesses.first().map(|w| w.name().to_owned()).unwrap_or_default()));
        m.insert("witness2".into(), json!(doc.team.witnesses.get(1).map(|w| w.name().to_owned()).unwrap_or_default()));
        let revision = doc.revision;
        m.insert("draft".into(), json!(!final_));
        m.insert("revision_text".into(), json!(if final_ { format!("Bản số {revision}") } else { "Bản nháp".to_owned() }));
        m.insert("correction_reason".into(), json!(doc.correction_reason));
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

    /// Mẫu 32/HĐBC: one record of the kiểm kê for every level, totals with
    /// "trong đó" per level, the witnesses with their addresses, the time
    /// voting ended, the 05 copies and the sealed envelopes per Ban.
    /// (`level` is accepted for the command line's sake; the form is one.)
    fn inventory_data(&self, level: Option<&str>) -> Result<Value> {
        let _level = level;
        let def = self.def()?;
        let mut m = self.common_data()?;
        let dots = "..........";
        let area = def.area(&self.count_ctx_any()?);
        let mut rows = Vec::new();
        let mut imbalances = Vec::new();
        let mut totals: Option<[u64; 4]> = Some([0; 4]);
        let mut bans = Vec::new();
        let mut envelopes = Vec::new();
        // The election day's kiểm kê, or (`--level` naming it) a later
        // round's own.
        let round_asked = _level.filter(|l| tobaucu_core::election::split_round_code(l).is_some());
        for l in &def.levels {
            let is_round = tobaucu_core::election::split_round_code(&l.code).is_some();
            if round_asked.map_or(is_round, |r| r != l.code) {
                continue;
            }
            let Some(cid) = area.and_then(|a| a.constituencies.get(&l.code)) else { continue };
            let short = level_short(l.kind, &l.name, &l.code);
            let phrase = if l.kind == LevelKind::NationalAssembly { "đại biểu Quốc hội".to_owned() } else { format!("đại biểu {}", short.replacen("HĐND ", "HĐND cấp ", 1)) };
            let council = CouncilName::of(&l.name);
            let number = def.constituency(cid).map_or_else(|| "....".to_owned(), |c| c.number.to_string());
            if l.kind == LevelKind::NationalAssembly {
                bans.push(json!({"text": format!("Ban bầu cử đại biểu Quốc hội, đơn vị bầu cử số {number} (kèm theo số phiếu bầu cử đại biểu Quốc hội đã được niêm phong);")}));
                envelopes.push(json!({"text": "Phiếu bầu đại biểu Quốc hội chưa sử dụng hoặc gạch hỏng."}));
            } else {
                bans.push(json!({"text": format!("Ban bầu cử đại biểu Hội đồng nhân dân {}, đơn vị bầu cử số {number} (kèm theo số phiếu bầu cử {} đã được niêm phong);", council.place, phrase.replacen("HĐND", "Hội đồng nhân dân", 1))}));
                envelopes.push(json!({"text": format!("Phiếu bầu đại biểu Hội đồng nhân dân {} chưa sử dụng hoặc gạch hỏng.", council.place)}));
            }
            // A level not yet counted prints with dotted blanks to fill by hand.
            let Some(inv) = self.inventory(&l.code)? else {
                totals = None;
                rows.push(json!({"phrase": phrase, "received": dots, "issued": dots, "unused": dots, "spoiled": dots}));
                continue;
            };
            if let Some(t) = totals.as_mut() {
                for (k, v) in [inv.received, inv.issued, inv.spoiled, inv.unused].into_iter().enumerate() {
                    t[k] = t[k].saturating_add(u64::from(v));
                }
            }
            rows.push(json!({"phrase": phrase, "received": inv.received, "issued": inv.issued, "unused": inv.unused, "spoiled": inv.spoiled}));
            let s = self.summary(&l.code)?;
            for c in s.checks.iter().filter(|c| c.code == "E09") {
                imbalances.push(json!({"text": format!("{} — {}", l.name, c.message)}));
            }
        }
        // "Trong đó:" leads the first line of each breakdown.
        for (i, r) in rows.iter_mut().enumerate() {
            if let Some(o) = r.as_object_mut() {
                o.insert("lead".into(), json!(if i == 0 { "Trong đó: " } else { "" }));
            }
        }
        let total = |k: usize| totals.map_or_else(|| json!(dots), |t| json!(t[k]));
        m.insert("total_received".into(), total(0));
        m.insert("total_issued".into(), total(1));
        m.insert("total_spoiled".into(), total(2));
        m.insert("total_unused".into(), total(3));
        m.insert("levels".into(), Value::Array(rows));
        m.insert("imbalances".into(), Value::Array(imbalances));
        let copies = bans.len() + 2;
        m.insert("copies".into(), json!(format!("{copies:02}")));
        m.insert("bans".into(), Value::Array(bans));
        m.insert("envelopes".into(), Value::Array(envelopes));
        let title = def.election.name.trim().strip_prefix("Bầu cử ").unwrap_or(def.election.name.trim()).to_owned();
        // Two title lines as the form has them, broken before "VÀ" rather
        // than wherever the width runs out ("… CÁC / CẤP …").
        m.insert("election_subject_upper".into(), json!(title.to_uppercase().replacen(" VÀ ", "\nVÀ ", 1)));
        m.insert("election_subject".into(), json!(title));
        let facts = self.day_facts()?;
        let (ch, cm) = split_hhmm(facts.closing_time.as_deref());
        m.insert("close_h".into(), json!(ch));
        m.insert("close_m".into(), json!(cm));
        let team = self.team()?;
        let mut w: Vec<Value> = team.witnesses.iter().map(|p| json!({"name": p.name, "address": p.address.clone().unwrap_or_else(|| "..............................".into())})).collect();
        while w.len() < 2 {
            w.push(json!({"name": "..............................", "address": "..............................".to_owned()}));
        }
        m.insert("counting_witnesses".into(), Value::Array(w));
        m.insert("leader".into(), json!(team.leader.unwrap_or_default()));
        m.insert("secretary".into(), json!(team.secretary.unwrap_or_default()));
        m.insert("witness1".into(), json!(team.witnesses.first().map(|p| p.name.clone()).unwrap_or_default()));
        m.insert("witness2".into(), json!(team.witnesses.get(1).map(|p| p.name.clone()).unwrap_or_default()));
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
                json!({"stt": v.stt, "name": v.name, "birth": birth_vi(&v.birth_date), "id_number": v.id_number.clone().unwrap_or_default(), "marks": marks})
            })
            .collect();
        m.insert("voters".into(), Value::Array(rows));
        m.insert("level_columns".into(), Value::Array(level_columns));
        m.insert(
            "level_totals".into(),
            Value::Array(def.levels.iter().enumerate().map(|(i, l)| json!({"title": level_short(l.kind, &l.name, &l.code), "listed": listed[i], "voted": voted[i]})).collect()),
        );
        m.insert("backup_at".into(), json!(crate::clock::vi_time(&crate::clock::stamp(self.now()))));
        // Where this copy stops: after a restore, the paper list takes over
        // from this check-in (issue 16 §4).
        let last = self.last_checkin_text()?;
        let count = self.store.checked_in_voters()?;
        m.insert(
            "last_checkin".into(),
            json!(match last {
                Some(l) => format!("Lượt nhận phiếu cuối cùng trong bản sao lưu này: {l} — đã có {} cử tri nhận phiếu.", tobaucu_forms::thousands(count)),
                None => "Bản sao lưu này chưa có cử tri nào nhận phiếu.".to_owned(),
            }),
        );
        Ok(Value::Object(m))
    }

    /// Danh sách cử tri as Nghị quyết 40/NQ-HĐBCQG, Mẫu số 31/HĐBC: columns
    /// (1)–(11) in the form's order — họ và tên, ngày tháng năm sinh (a year
    /// alone as the year), Nam, Nữ, số căn cước, dân tộc, nơi cư trú
    /// (thường trú 7a, tạm trú 7b, nơi ở hiện tại 7c), one column per level
    /// (ĐBQH first, then the councils under "Bầu cử đại biểu HĐND"), ghi
    /// chú — "X" where the voter votes and "0" in the other level cells, the
    /// "Tổng số" row, the footer counts by sex and per level.
    fn voter_list_data(&self, signer: ListSigner) -> Result<Value> {
        let def = self.def()?;
        let mut m = self.common_data()?;
        let voters = self.store.voters()?;
        let listed: Vec<_> = voters.iter().filter(|v| matches!(VoterStatus::parse(&v.status), Some(VoterStatus::Active | VoterStatus::VotesElsewhere))).collect();
        // The form's order: (8) ĐBQH, then the councils from the province down.
        // (Later rounds' levels are not columns of the list: the same voters.)
        let mut levels: Vec<&tobaucu_core::election::Level> = def.levels.iter().filter(|l| tobaucu_core::election::split_round_code(&l.code).is_none()).collect();
        levels.sort_by_key(|l| (l.kind != LevelKind::NationalAssembly, council_tier(l).0));
        let qh_levels: Vec<_> = levels.iter().filter(|l| l.kind == LevelKind::NationalAssembly).copied().collect();
        let council_levels: Vec<_> = levels.iter().filter(|l| l.kind != LevelKind::NationalAssembly).copied().collect();
        let mut male = 0u64;
        let mut counts: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
        let rows: Vec<Value> = listed
            .iter()
            .map(|v| {
                let is_male = v.gender == "Nam";
                if is_male {
                    male += 1;
                }
                let elsewhere = v.status == "elsewhere";
                let mut mark = |l: &tobaucu_core::election::Level| -> &'static str {
                    if v.levels.contains(&l.code) && !elsewhere {
                        *counts.entry(l.code.clone()).or_default() += 1;
                        "X"
                    } else {
                        "0"
                    }
                };
                let qh_marks: Vec<&str> = qh_levels.iter().map(|l| mark(l)).collect();
                let council_marks: Vec<&str> = council_levels.iter().map(|l| mark(l)).collect();
                json!({"stt": v.stt, "name": v.name, "birth": birth_vi(&v.birth_date),
                       "male": if is_male { "X" } else { "" }, "female": if is_male { "" } else { "X" },
                       "id_number": v.id_number.clone().unwrap_or_default(), "ethnicity": v.ethnicity,
                       "permanent": v.residence, "temporary": v.residence_temporary, "current": v.residence_current,
                       "qh_marks": qh_marks, "council_marks": council_marks,
                       // Column (11) holds only the form's cases; the team's own
                       // remarks stay in the app (core::list_note).
                       "note": tobaucu_core::list_note::printed(&v.note, elsewhere)})
            })
            .collect();
        let count = |l: &tobaucu_core::election::Level| counts.get(&l.code).copied().unwrap_or(0);
        // Columns (8), (9), … are numbered in print order; Ghi chú follows.
        let mut number = 7;
        let mut column = |l: &tobaucu_core::election::Level| {
            number += 1;
            json!({"code": l.code, "title": council_tier(l).1, "number": number})
        };
        let qh_columns: Vec<Value> = qh_levels.iter().map(|l| column(l)).collect();
        let council_columns: Vec<Value> = council_levels.iter().map(|l| column(l)).collect();
        m.insert("note_number".into(), json!(number + 1));
        m.insert("qh_columns".into(), Value::Array(qh_columns));
        m.insert("council_columns".into(), Value::Array(council_columns));
        m.insert("qh_totals".into(), json!(qh_levels.iter().map(|l| count(l)).collect::<Vec<_>>()));
        m.insert("council_totals".into(), json!(council_levels.iter().map(|l| count(l)).collect::<Vec<_>>()));
        m.insert("total".into(), json!(rows.len()));
        m.insert("male_count".into(), json!(male));
        m.insert("female_count".into(), json!(rows.len() as u64 - male));
        m.insert(
            "level_lines".into(),
            Value::Array(levels.iter().map(|l| json!({"title": council_tier(l).2, "colon": if l.kind == LevelKind::NationalAssembly { ":" } else { "" }, "count": count(l)})).collect()),
        );
        m.insert("title_lines".into(), Value::Array(election_title_lines(&def.election.name).into_iter().map(|t| json!({"line": t})).collect()));
        // A fact not recorded prints as the form's dotted line.
        let dots = |v: Option<Value>| v.filter(|v| !v.is_null() && v.as_str() != Some("")).unwrap_or_else(|| json!(".........."));
        let lower = |k: &str| m.get(k).and_then(Value::as_str).map(|c| json!(lower_first(c)));
        let area_number = dots(m.get("area_number").cloned());
        let commune = dots(lower("commune_name"));
        let province = dots(lower("province_name"));
        m.insert("kv_number".into(), area_number);
        m.insert("commune_lower".into(), commune);
        m.insert("province_lower".into(), province);
        m.insert("voters".into(), Value::Array(rows));
        m.insert("vice_chair".into(), json!(signer == ListSigner::ViceChair));
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
                // A year of birth alone prints as the year (Mẫu 31/HĐBC).
                json!({"stt": v.stt, "name": v.name, "birth": birth_vi(&v.birth_date), "gender": v.gender,
                       "id_number": v.id_number.clone().unwrap_or_else(|| "..........................".into()),
                       "residence": tobaucu_core::voter::listed_residence(&v.residence, &v.residence_temporary, &v.residence_current)})
            })
            .collect();
        m.insert("voters".into(), Value::Array(voters));
        Ok(Value::Object(m))
    }

    fn turnout_data(&self) -> Result<Value> {
        let mut m = self.common_data()?;
        let v = self.turnout_view()?;
        m.insert("levels".into(), Value::Array(v.levels.iter().map(|l| json!({"name": l.name, "listed": l.voters_listed, "voted": l.voters_voted, "percent": l.percent_vi})).collect()));
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
        m.insert("printed_at".into(), json!(vi_stamp(&clock::stamp(self.now()))));
        m.insert("leader".into(), json!(self.team()?.leader.unwrap_or_default()));
        Ok(Value::Object(m))
    }

    /// A form's filled layouts (one per level for `minutes`) and its
    /// document information. `level` narrows `minutes` and `inventory` to
    /// one level (default: every level).
    fn form_parts(&self, form: &str, level: Option<&str>, revision: Option<u32>, choices: PrintChoices) -> Result<(Vec<(&'static str, Value)>, Meta)> {
        let (mut parts, meta) = self.form_parts_of(form, level, revision, choices)?;
        // Diễn tập: every page of every form says so (drawn by the
        // renderer at the top of each page).
        if self.rehearsal {
            for (_, data) in &mut parts {
                if let Value::Object(m) = data {
                    m.insert("watermark".into(), json!(crate::rehearsal::REHEARSAL_MARK));
                }
            }
        }
        Ok((parts, meta))
    }

    fn form_parts_of(&self, form: &str, level: Option<&str>, revision: Option<u32>, choices: PrintChoices) -> Result<(Vec<(&'static str, Value)>, Meta)> {
        let def = self.def()?;
        if let Some(l) = level.filter(|_| form != "board-minutes") {
            if def.level(l).is_none() {
                return Err(Error::refused(ErrorCode::UnknownLevel, format!("không có cấp bầu cử \"{l}\"; các cấp: {}", def.level_codes().join(", "))));
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
                let hashes: Vec<&str> = parts.iter().filter_map(|(_, d)| d.get("sha256").and_then(Value::as_str)).collect();
                let meta = self.meta(&format!("Biên bản kết quả kiểm phiếu — {area}"), &levels.join(", "), &hashes.join(" "));
                (parts, meta)
            }
            "inventory" => (vec![(layout("inventory")?, self.inventory_data(level)?)], self.meta(&format!("Biên bản kiểm kê phiếu bầu — {area}"), "", "")),
            "voter-list" => (vec![(layout("voter-list")?, self.voter_list_data(choices.signer)?)], self.meta(&format!("Danh sách cử tri — {area}"), "", "")),
            "voter-cards" => (vec![(layout("voter-cards")?, self.voter_cards_data()?)], self.meta(&format!("Thẻ cử tri — {area}"), "", "")),
            "turnout" => (vec![(layout("turnout")?, self.turnout_data()?)], self.meta(&format!("Báo cáo cử tri đi bầu — {area}"), "", "")),
            "key-registration" => (vec![(layout("key-registration")?, self.key_registration_data()?)], self.meta(&format!("Phiếu đăng ký khóa ký — {area}"), "", "")),
            "board-minutes" => (self.board_minutes_parts(level)?, self.meta(&format!("Biên bản xác định kết quả bầu cử — {area}"), "", "")),
            "checkin-list" => (vec![(layout("checkin-list")?, self.checkin_list_data()?)], self.meta(&format!("Danh sách cử tri đã nhận phiếu — {area}"), "", "")),
            "board-status" => (vec![(layout("board-status")?, self.board_status_data()?)], self.meta(&format!("Tình hình nhận gói kết quả — {area}"), "", "")),
            "zero-report" => (vec![(layout("zero-report")?, self.zero_report_data()?)], self.meta(&format!("Báo cáo số không trước khi mở hòm phiếu — {area}"), "", "")),
            "official-switch" => (vec![(layout("official-switch")?, self.official_switch_data()?)], self.meta(&format!("Biên bản chuyển từ diễn tập sang chính thức — {area}"), "", "")),
            other => return Err(Error::refused(ErrorCode::UnknownForm, format!("không có biểu mẫu \"{other}\"; chọn một trong: {}", FORMS.join(", ")))),
        })
    }

    /// Renders a form to PDF bytes.
    pub fn render_form(&self, form: &str, level: Option<&str>, revision: Option<u32>) -> Result<Rendered> {
        self.render_form_with(form, level, revision, PrintChoices::default())
    }

    /// [`App::render_form`] with the choices the database does not hold.
    pub fn render_form_with(&self, form: &str, level: Option<&str>, revision: Option<u32>, choices: PrintChoices) -> Result<Rendered> {
        let (parts, meta) = self.form_parts(form, level, revision, choices)?;
        let refs: Vec<(&str, &Value)> = parts.iter().map(|(l, d)| (*l, d)).collect();
        let r = render_many(&refs, &meta).map_err(|e| Error::Internal(e.to_string()))?;
        if !r.missing_glyphs.is_empty() {
            return Err(Error::Internal(format!("phông chữ thiếu ký tự: {:?}", r.missing_glyphs)));
        }
        Ok(r)
    }

    /// The first `max_pages` pages of a form as SVG, laid out by the same
    /// engine as the PDF: the app's preview is the printed page.
    pub fn preview_form(&self, form: &str, level: Option<&str>, revision: Option<u32>, max_pages: usize) -> Result<FormPreview> {
        self.preview_form_with(form, level, revision, max_pages, PrintChoices::default())
    }

    /// [`App::preview_form`] with the choices the database does not hold.
    pub fn preview_form_with(&self, form: &str, level: Option<&str>, revision: Option<u32>, max_pages: usize, choices: PrintChoices) -> Result<FormPreview> {
        let (parts, meta) = self.form_parts(form, level, revision, choices)?;
        let refs: Vec<(&str, &Value)> = parts.iter().map(|(l, d)| (*l, d)).collect();
        let p = svg_pages(&refs, max_pages).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(FormPreview { form: form.to_owned(), title: meta.title, total_pages: u32::try_from(p.total).unwrap_or(0), pages: p.pages })
    }

    /// `forms FORM --out FILE.pdf`: renders and writes atomically.
    pub fn write_form(&self, form: &str, level: Option<&str>, revision: Option<u32>, out: &Path) -> Result<FormOutput> {
        self.write_form_with(form, level, revision, PrintChoices::default(), out)
    }

    /// [`App::write_form`] with the choices the database does not hold.
    pub fn write_form_with(&self, form: &str, level: Option<&str>, revision: Option<u32>, choices: PrintChoices, out: &Path) -> Result<FormOutput> {
        let r = self.render_form_with(form, level, revision, choices)?;
        crate::fsio::write_atomic(out, &r.bytes)?;
        let warnings = if form == "voter-list" { self.voter_list_warnings()? } else { Vec::new() };
        Ok(FormOutput {
            form: form.to_owned(),
            level: level.map(Into::into),
            path: out.display().to_string(),
            title: r.title,
            version: r.version,
            pages: u32::try_from(r.pages).unwrap_or(0),
            bytes: u32::try_from(r.bytes.len()).unwrap_or(0),
            warnings,
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
    pub fn save_form(&self, form: &str, level: Option<&str>, revision: Option<u32>) -> Result<FormOutput> {
        self.save_form_with(form, level, revision, PrintChoices::default())
    }

    /// [`App::save_form`] with the choices the database does not hold.
    pub fn save_form_with(&self, form: &str, level: Option<&str>, revision: Option<u32>, choices: PrintChoices) -> Result<FormOutput> {
        let dir = self.print_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e))?;
        let now = self.now();
        let name = format!("{form}{}{}-{}.pdf", level.map(|l| format!("-{l}")).unwrap_or_default(), revision.map(|r| format!("-ban{r}")).unwrap_or_default(), now.format("%Y%m%d-%H%M%S"));
        self.write_form_with(form, level, revision, choices, &dir.join(name))
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
