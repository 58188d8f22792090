//! Biên bản kết quả kiểm phiếu as data: the one typed document a team's
//! locked minutes are, written once (canonical JSON, whose SHA-256 is the
//! code printed on every page and signed in the bundle) and read once, by
//! [`Minutes::parse`], which accepts only the canonical bytes of a
//! well-formed document (no duplicate or unknown key, no other spacing or
//! order; `results/<LEVEL>.json` in a bundle).
//!
//! A board never trusts figures because they are signed: [`Minutes::review`]
//! runs on a received document the same checks the team had to pass before
//! finalizing (`checks::check_level`, E01–E15), plus what the definition
//! says about the area, and bounds every figure by what one polling area
//! can hold.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::canonical::canonical_json;
use crate::checks::{check_level, Check, LevelFacts, RosterFacts, Severity, TallyState};
use crate::count::{CountResult, InvalidReason, Inventory};
use crate::election::{split_round_code, Constituency, ElectionDefinition, Level, LevelKind};
use crate::percent::Percent;

/// The first format of the minutes data (bundles made before the 2026
/// paper facts were recorded still verify).
pub const FORMAT_V1: &str = "tobaucu-minutes/1";
/// The format written today: adds the facts of NQ 40's Mẫu 18/23 (opening
/// check and its witnesses, voting times, witnesses' addresses, incidents,
/// recommendations, explanations of E02/E03, completion time).
pub const FORMAT_V2: &str = "tobaucu-minutes/2";

/// The most any figure of one polling area can be. Art. 11 puts an area at
/// 300–4,000 voters; ballot papers received include spares. A figure above
/// this is impossible, whoever signed it (check E15).
pub const MAX_AREA_FIGURE: u64 = 10_000;

/// The errors a Tổ may carry into its minutes with a written explanation,
/// once a recount is recorded (issue 12 §7): received above issued (E02)
/// and issued above voters who took part (E03). Every other error blocks.
pub const CARRIED_CODES: [&str; 2] = ["E02", "E03"];

/// The election as the minutes name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionRef {
    pub id: String,
    pub name: String,
    pub date: String,
    pub mode: String,
    pub definition_sha256: String,
}

/// Khu vực bỏ phiếu as the minutes name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaRef {
    pub id: String,
    pub number: Option<u32>,
    pub name: Option<String>,
    pub commune: Option<String>,
}

/// Cấp bầu cử.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRef {
    pub code: String,
    pub name: String,
}

/// Đơn vị bầu cử.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstituencyRef {
    pub id: String,
    pub name: String,
    pub seats: u32,
}

/// A person named on the paper, with their "nơi ở hiện nay" when recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub address: Option<String>,
}

/// A counting witness: a name alone (format 1) or a person (format 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Witness {
    Name(String),
    Person(Person),
}

impl Witness {
    pub fn name(&self) -> &str {
        match self {
            Witness::Name(n) => n,
            Witness::Person(p) => &p.name,
        }
    }

    pub fn address(&self) -> Option<&str> {
        match self {
            Witness::Name(_) => None,
            Witness::Person(p) => p.address.as_deref(),
        }
    }
}

/// Tổ bầu cử: Tổ trưởng, Thư ký, ủy viên, cử tri chứng kiến việc kiểm phiếu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TeamRef {
    pub leader: Option<String>,
    pub secretary: Option<String>,
    pub members: Vec<String>,
    pub witnesses: Vec<Witness>,
}

/// Kiểm tra hòm phiếu trước khi bỏ phiếu: when voting started and the two
/// voters who witnessed the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// "HH:MM" on election day.
    pub time: Option<String>,
    pub witnesses: Vec<Person>,
}

/// An event of the day or night and how the Tổ handled it (item 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentLine {
    pub time: Option<String>,
    pub what: String,
    pub handled: String,
}

/// E02/E03 carried into the minutes after a recount, with the Tổ trưởng's
/// written explanation (printed in item 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    pub code: String,
    pub reason: String,
}

/// The figures of the minutes (interfaces §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub ballots_issued: u64,
    pub ballots_received: u64,
    pub ballots_valid: u64,
    pub ballots_invalid: u64,
    /// Invalid ballots per ground of Art. 74, by code (all five).
    pub invalid_by_reason: BTreeMap<String, u64>,
    /// n_k, "phiếu bầu k đại biểu", keyed "1"…"S"; empty when not known.
    pub ballots_by_kept: BTreeMap<String, u64>,
}

/// Kiểm kê as the minutes carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryRef {
    pub received: u64,
    pub unused: u64,
    pub spoiled: u64,
    pub issued: u64,
}

/// One candidate's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateLine {
    pub id: String,
    pub position: u32,
    pub name: String,
    pub votes: u64,
    /// Percent of valid ballots, Vietnamese style ("52,13").
    pub percent: String,
}

/// A complaint and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintLine {
    pub id: u32,
    pub complainant: String,
    pub content: String,
    pub status: String,
    pub outcome: String,
}

/// The minutes of one level of one area (`tobaucu-minutes/1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minutes {
    pub format: String,
    pub election: ElectionRef,
    pub area: AreaRef,
    pub level: LevelRef,
    pub constituency: ConstituencyRef,
    pub team: TeamRef,
    pub figures: Figures,
    pub inventory: Option<InventoryRef>,
    pub candidates: Vec<CandidateLine>,
    pub complaints: Vec<ComplaintLine>,
    pub revision: u32,
    pub correction_reason: String,
    // Format 2 (absent in format 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<Opening>,
    /// "HH:MM": the Tổ trưởng declared voting over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_time: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentLine>,
    /// Những vấn đề chưa giải quyết được và kiến nghị.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub explanations: Vec<Explanation>,
    /// Cảnh báo Tổ trưởng đã chấp nhận (W01–W08), each with the written
    /// reason: signed with the figures, shown at the board per area and
    /// printed in item 7 (issue 15 item 5). Absent in older documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<Explanation>,
    /// RFC 3339: when the minutes were completed (locked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// A later round (bầu cử lại / bầu cử thêm): its number (2) and kind;
    /// `level` and `constituency` are then the round's own codes ("XA.v2",
    /// "XA-04.v2", `election::add_round`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundRef>,
}

/// The round a document is of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRef {
    pub number: u32,
    /// `revote` or `additional`.
    pub kind: String,
}

impl Minutes {
    /// The canonical JSON text (what is hashed, signed and stored).
    pub fn to_canonical(&self) -> String {
        // Serialising plain structs and maps of strings and integers cannot
        // fail; a failure would give `null`, which `parse` refuses.
        crate::canonical::to_canonical(self).unwrap_or_else(|_| canonical_json(&serde_json::Value::default()))
    }

    /// Reads minutes data, accepting only the canonical bytes of a
    /// well-formed document of a known format.
    pub fn parse(bytes: &[u8]) -> Result<Minutes, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "không phải UTF-8".to_owned())?;
        let m: Minutes = serde_json::from_str(text).map_err(|e| format!("không đúng cấu trúc biên bản ({e})"))?;
        match m.format.as_str() {
            FORMAT_V2 => {}
            FORMAT_V1 if m.is_v1_shaped() => {}
            FORMAT_V1 => return Err(format!("định dạng \"{FORMAT_V1}\" không có các mục của mẫu 2026")),
            other => return Err(format!("định dạng \"{other}\" không được hỗ trợ (cần \"{FORMAT_V2}\")")),
        }
        if m.to_canonical() != text {
            return Err("không ở dạng chuẩn (khóa lặp lại, thứ tự hoặc khoảng trắng khác): dữ liệu đã ký phải là đúng một cách viết".into());
        }
        Ok(m)
    }

    /// A format-1 document has none of format 2's fields.
    fn is_v1_shaped(&self) -> bool {
        self.opening.is_none()
            && self.closing_time.is_none()
            && self.incidents.is_empty()
            && self.recommendations.is_empty()
            && self.explanations.is_empty()
            && self.accepted.is_empty()
            && self.completed_at.is_none()
            && self.round.is_none()
            && self.team.witnesses.iter().all(|w| matches!(w, Witness::Name(_)))
    }

    /// Every free text the Tổ typed (names, addresses, events, complaints,
    /// recommendations, explanations, the correction's reason), mutably.
    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        let mut out: Vec<&mut String> = Vec::new();
        let t = &mut self.team;
        out.extend(t.leader.as_mut());
        out.extend(t.secretary.as_mut());
        out.extend(t.members.iter_mut());
        for w in &mut t.witnesses {
            match w {
                Witness::Name(n) => out.push(n),
                Witness::Person(p) => {
                    out.push(&mut p.name);
                    out.extend(p.address.as_mut());
                }
            }
        }
        for p in self.opening.iter_mut().flat_map(|o| o.witnesses.iter_mut()) {
            out.push(&mut p.name);
            out.extend(p.address.as_mut());
        }
        for i in &mut self.incidents {
            out.push(&mut i.what);
            out.push(&mut i.handled);
        }
        for c in &mut self.complaints {
            out.push(&mut c.complainant);
            out.push(&mut c.content);
            out.push(&mut c.outcome);
        }
        out.extend(self.recommendations.iter_mut());
        out.extend(self.explanations.iter_mut().map(|e| &mut e.reason));
        out.extend(self.accepted.iter_mut().map(|e| &mut e.reason));
        out.push(&mut self.correction_reason);
        out
    }

    /// Normalises every free text as on entry ([`crate::text::clean`]):
    /// the team does this before locking, so what is signed is what
    /// `well_formed` accepts.
    pub fn clean_texts(&mut self) {
        for t in self.free_texts_mut() {
            let c = crate::text::clean(t);
            if *t != c {
                *t = c;
            }
        }
    }

    /// The counting witnesses' names.
    pub fn witness_names(&self) -> Vec<String> {
        self.team.witnesses.iter().map(|w| w.name().to_owned()).collect()
    }

    /// The codes the Tổ carried into the minutes with an explanation.
    pub fn explained(&self) -> Vec<&str> {
        self.explanations.iter().map(|e| e.code.as_str()).collect()
    }

    /// The warnings the Tổ accepted, as "W01 (lý do)" lines for people.
    pub fn accepted_lines(&self) -> Vec<String> {
        self.accepted.iter().map(|a| format!("{}: {}", a.code, a.reason)).collect()
    }

    /// The counted figures as the checks see them.
    pub fn count_result(&self) -> CountResult {
        let f = &self.figures;
        let mut by_reason = [0u64; 5];
        for r in InvalidReason::ALL {
            by_reason[r.index()] = f.invalid_by_reason.get(r.code()).copied().unwrap_or(0);
        }
        let groups = if f.ballots_by_kept.is_empty() { None } else { Some((1..=self.constituency.seats).map(|k| f.ballots_by_kept.get(&k.to_string()).copied().unwrap_or(0)).collect()) };
        CountResult { received: f.ballots_received, valid: f.ballots_valid, invalid: f.ballots_invalid, invalid_by_reason: by_reason, groups, votes: self.candidates.iter().map(|c| c.votes).collect() }
    }

    /// The facts the team's checks looked at, as far as the minutes carry
    /// them. The double entry of a tally sheet (E10, E13) is the team's own
    /// affair and is not visible here.
    pub fn level_facts<'a>(&'a self, area_candidates: Vec<String>, other_levels: Vec<(String, CountResult)>) -> LevelFacts<'a> {
        let inventory = self.inventory.map(|i| Inventory { received: i.received, unused: i.unused, spoiled: i.spoiled, issued_entered: Some(i.issued) });
        LevelFacts {
            seats: self.constituency.seats,
            candidate_names: self.candidates.iter().map(|c| c.name.as_str()).collect(),
            listed: self.figures.voters_listed,
            participated: self.figures.voters_voted,
            inventory,
            result: Some(self.count_result()),
            tally: TallyState::NotUsed,
            roster: RosterFacts { leader: self.team.leader.clone(), secretary: self.team.secretary.clone(), witnesses: self.witness_names(), area_candidates },
            other_levels,
            national_listed: None,
        }
    }

    /// Every number of the document, named, for the bound check.
    fn numbers(&self) -> Vec<(String, u64)> {
        let f = &self.figures;
        let mut out = vec![
            ("voters_listed".to_owned(), f.voters_listed),
            ("voters_voted".to_owned(), f.voters_voted),
            ("ballots_issued".to_owned(), f.ballots_issued),
            ("ballots_received".to_owned(), f.ballots_received),
            ("ballots_valid".to_owned(), f.ballots_valid),
            ("ballots_invalid".to_owned(), f.ballots_invalid),
        ];
        out.extend(f.invalid_by_reason.iter().map(|(k, v)| (format!("invalid_by_reason.{k}"), *v)));
        out.extend(f.ballots_by_kept.iter().map(|(k, v)| (format!("ballots_by_kept.{k}"), *v)));
        if let Some(i) = self.inventory {
            out.extend([
                ("inventory.received".to_owned(), i.received),
                ("inventory.unused".to_owned(), i.unused),
                ("inventory.spoiled".to_owned(), i.spoiled),
                ("inventory.issued".to_owned(), i.issued),
            ]);
        }
        out.extend(self.candidates.iter().map(|c| (format!("candidates.{}.votes", c.position), c.votes)));
        out
    }

    /// What the document must say of itself whoever wrote it: figures
    /// within [`MAX_AREA_FIGURE`], the five grounds named once each, groups
    /// keyed 1…S, positions 1…n, percentages recomputed, the issued figure
    /// the kiểm kê's. Returns the first problem.
    pub fn well_formed(&self) -> Result<(), String> {
        for (name, v) in self.numbers() {
            if v > MAX_AREA_FIGURE {
                return Err(format!("{name} = {v}: vượt {MAX_AREA_FIGURE}, không thể có ở một khu vực bỏ phiếu (E15)"));
            }
        }
        let f = &self.figures;
        let grounds: Vec<&str> = InvalidReason::ALL.iter().map(|r| r.code()).collect();
        if f.invalid_by_reason.len() != grounds.len() || !grounds.iter().all(|g| f.invalid_by_reason.contains_key(*g)) {
            return Err(format!("figures.invalid_by_reason phải có đúng năm lý do của Điều 74 ({})", grounds.join(", ")));
        }
        let seats = self.constituency.seats;
        if seats == 0 || seats > 100 {
            return Err(format!("constituency.seats = {seats}: không hợp lệ"));
        }
        if !f.ballots_by_kept.is_empty() {
            let expected: Vec<String> = (1..=seats).map(|k| k.to_string()).collect();
            let mut keys: Vec<&String> = f.ballots_by_kept.keys().collect();
            keys.sort_by_key(|k| k.parse::<u32>().unwrap_or(u32::MAX));
            if !keys.iter().map(|k| k.as_str()).eq(expected.iter().map(String::as_str)) {
                return Err(format!("figures.ballots_by_kept phải có các nhóm 1…{seats}"));
            }
        }
        for (i, c) in self.candidates.iter().enumerate() {
            if usize::try_from(c.position).ok() != i.checked_add(1) {
                return Err(format!("candidates[{i}].position = {}: phải là {}", c.position, i + 1));
            }
            let p = Percent::of(c.votes, f.ballots_valid).vi();
            if c.percent != p {
                return Err(format!("candidates[{i}].percent = \"{}\": tính lại được \"{p}\"", c.percent));
            }
        }
        for e in &self.explanations {
            if !CARRIED_CODES.contains(&e.code.as_str()) || e.reason.trim().is_empty() || self.explanations.iter().filter(|x| x.code == e.code).count() > 1 {
                return Err(format!("explanations: chỉ {} được mang vào biên bản, mỗi mã một lần, kèm lời giải trình", CARRIED_CODES.join(", ")));
            }
        }
        // Text as entry leaves it: NFC, no control or invisible character
        // (a witness named U+200B, or a candidate's name with a word
        // joiner, would pass for someone else), no empty signer.
        let mut copy = self.clone();
        if copy.free_texts_mut().iter().any(|t| crate::text::clean(t) != **t) {
            return Err("văn bản trong biên bản chưa được chuẩn hóa (ký tự điều khiển, ký tự vô hình hoặc khoảng trắng thừa)".into());
        }
        // Bản số 1 is the first lock; every later revision says why the one
        // before it was corrected.
        match (self.revision, self.correction_reason.is_empty()) {
            (0, _) => return Err("revision phải từ 1".into()),
            (1, false) => return Err("bản số 1 không có lý do sửa (correction_reason phải để trống)".into()),
            (r, true) if r > 1 => return Err(format!("bản số {r} phải ghi lý do sửa bản trước (correction_reason)")),
            _ => {}
        }
        let t = &self.team;
        let names = t.leader.iter().chain(t.secretary.iter()).chain(t.members.iter()).map(String::as_str).chain(t.witnesses.iter().map(Witness::name));
        if names.chain(self.opening.iter().flat_map(|o| o.witnesses.iter().map(|p| p.name.as_str()))).any(str::is_empty) {
            return Err("biên bản có tên thành viên Tổ hoặc cử tri chứng kiến để trống".into());
        }
        for a in &self.accepted {
            let warning_code = a.code.len() == 3 && a.code.starts_with('W') && a.code[1..].bytes().all(|b| b.is_ascii_digit());
            if !warning_code || a.reason.trim().is_empty() || self.accepted.iter().filter(|x| x.code == a.code).count() > 1 {
                return Err("accepted: chỉ cảnh báo (mã W..) được chấp nhận, mỗi mã một lần, kèm lý do".into());
            }
        }
        let hhmm = |t: &str| t.len() == 5 && t.as_bytes()[2] == b':' && t[..2].parse::<u8>().is_ok_and(|h| h < 24) && t[3..].parse::<u8>().is_ok_and(|m| m < 60);
        let times = self.opening.iter().filter_map(|o| o.time.as_deref()).chain(self.closing_time.as_deref()).chain(self.incidents.iter().filter_map(|i| i.time.as_deref()));
        for t in times {
            if !hhmm(t) {
                return Err(format!("giờ \"{t}\" không đúng dạng HH:MM"));
            }
        }
        if let Some(inv) = self.inventory {
            if inv.issued != f.ballots_issued {
                return Err(format!("figures.ballots_issued ({}) khác số phiếu phát ra trong kiểm kê ({})", f.ballots_issued, inv.issued));
            }
        } else if f.ballots_issued != 0 {
            return Err("figures.ballots_issued có giá trị nhưng biên bản không có kiểm kê".into());
        }
        Ok(())
    }

    /// A received document judged as the team's app judged it before
    /// finalizing: the errors of `check_level` (E01–E15) refuse it;
    /// the warnings are returned for the board to show. `def` is the
    /// receiving side's election definition, `area`/`level` where the
    /// document claims to come from, `siblings` the same area's other
    /// levels (for W05).
    pub fn review(&self, def: &ElectionDefinition, definition_sha256: &str, area: &str, level: &str, siblings: &[&Minutes]) -> Result<Vec<Check>, String> {
        let found = self.review_all(def, definition_sha256, area, level, siblings)?;
        let explained = self.explained();
        let errors: Vec<String> = found.iter().filter(|k| k.severity == Severity::Error && !explained.contains(&k.code)).map(|k| format!("{}: {}", k.code, k.message)).collect();
        if !errors.is_empty() {
            return Err(format!("số liệu không qua được kiểm tra mà Tổ bầu cử phải qua trước khi khóa biên bản — {}", errors.join(" ")));
        }
        Ok(found)
    }

    /// [`Minutes::review`] of a draft (a rehearsal bundle may carry
    /// minutes not yet locked): the structure and the definition must hold,
    /// and every check is returned, errors included, to be shown.
    pub fn review_all(&self, def: &ElectionDefinition, definition_sha256: &str, area: &str, level: &str, siblings: &[&Minutes]) -> Result<Vec<Check>, String> {
        self.well_formed()?;
        let e = &self.election;
        if e.id != def.election.id || e.definition_sha256 != definition_sha256 || e.mode != def.election.mode.as_str() {
            return Err(format!("biên bản thuộc cuộc bầu cử {} ({}, định nghĩa {}…) khác cuộc bầu cử ở đây", e.id, e.mode, e.definition_sha256.get(..12).unwrap_or("")));
        }
        let a = def.area(area).ok_or_else(|| format!("khu vực {area} không có trong định nghĩa"))?;
        if self.area.id != a.id || self.area.number != Some(a.number) || self.area.name.as_deref() != Some(a.name.as_str()) || self.area.commune.as_deref() != Some(a.commune.as_str()) {
            return Err(format!("biên bản ghi khu vực {} khác khu vực {area} của định nghĩa", self.area.id));
        }
        let lv = def.level(level).ok_or_else(|| format!("cấp {level} không có trong định nghĩa"))?;
        if self.level.code != lv.code || self.level.name != lv.name {
            return Err(format!("biên bản ghi cấp {} khác cấp {level} của định nghĩa", self.level.code));
        }
        let cid = a.constituencies.get(level).ok_or_else(|| format!("khu vực {area} không bầu cấp {level}"))?;
        let c = def.constituency(cid).ok_or_else(|| format!("đơn vị bầu cử {cid} không có trong định nghĩa"))?;
        if self.constituency.id != c.id || self.constituency.name != c.name || self.constituency.seats != c.seats {
            return Err(format!("biên bản ghi đơn vị bầu cử {} ({} đại biểu) khác định nghĩa ({cid}, {} đại biểu) (A01)", self.constituency.id, self.constituency.seats, c.seats));
        }
        let same_list = self.candidates.len() == c.candidates.len() && self.candidates.iter().zip(&c.candidates).all(|(x, d)| x.id == d.id && x.name == d.name);
        if !same_list {
            return Err(format!("danh sách người ứng cử của biên bản khác danh sách của đơn vị bầu cử {cid} trong định nghĩa (A01)"));
        }
        let area_candidates: Vec<String> = a.constituencies.values().filter_map(|id| def.constituency(id)).flat_map(|c| c.candidates.iter().map(|x| x.name.clone())).collect();
        let others: Vec<(String, CountResult)> = siblings.iter().filter(|s| s.level.code != level).map(|s| (s.level.code.clone(), s.count_result())).collect();
        // The round a document says it is of is the one its constituency
        // stands for (a first-round document with a `round` would leave
        // the area out of its round unnoticed).
        let round = c.round_of.as_ref().map(|r| RoundRef { number: r.number, kind: r.kind.clone() });
        if self.round != round {
            return Err(format!(
                "biên bản ghi vòng bầu cử {} khác vòng của đơn vị bầu cử {cid} trong định nghĩa ({})",
                self.round.as_ref().map_or("1".to_owned(), |r| format!("{} ({})", r.number, r.kind)),
                round.as_ref().map_or("1".to_owned(), |r| format!("{} ({})", r.number, r.kind))
            ));
        }
        let mut facts = self.level_facts(area_candidates, others);
        facts.national_listed = national_listed(def, lv, c, siblings.iter().map(|s| (s.level.code.as_str(), s.figures.voters_listed)));
        Ok(check_level(&facts))
    }
}

/// For E16: the listed voters of the Quốc hội level among `listed`
/// (the same area's levels), when `lv` is a council level of the first
/// round (a later round lists the voters of its own constituency only).
pub fn national_listed<'a>(def: &ElectionDefinition, lv: &Level, c: &Constituency, listed: impl IntoIterator<Item = (&'a str, u64)>) -> Option<(String, u64)> {
    if lv.kind != LevelKind::Council || c.round_of.is_some() {
        return None;
    }
    listed.into_iter().find(|(code, _)| def.level(code).is_some_and(|l| l.kind == LevelKind::NationalAssembly) && split_round_code(code).is_none()).map(|(code, n)| (code.to_owned(), n))
}

#[cfg(test)]
mod tests;
