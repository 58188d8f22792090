//! Kiểm phiếu: the roster and witnesses, kiểm kê, ballot-by-ballot entry in
//! recorders' batches, the paper tally sheet entered twice, checks, accepted
//! warnings, complaints, the summary of each level (`interfaces.md` §5) and
//! finalizing it into a locked, hashed revision of the minutes.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::checks::{self, check_level, LevelFacts, RosterFacts, Severity, TallyState};
use tobaucu_core::count::{
    diff_entries, parse_ballots, parse_mark, Ballot, CountResult, InvalidReason, Inventory, Tally,
};
use tobaucu_core::election::{Constituency, ElectionDefinition, Level};
use tobaucu_core::percent::Percent;
use tobaucu_core::text::clean;
use tobaucu_ipc::{
    AcceptInput, BallotDto, BallotEntryResult, BallotsFileReport, BatchDto, CandidateResultDto,
    CheckDto, ComplaintDto, ComplaintInput, ComplaintResolveInput, FieldDiffDto, FinalizeResult,
    InventoryDto, InventoryInput, LevelCountState, LiveCandidateDto, LiveTallyDto, RevisionDto,
    SummaryDto, TallySheetInput, TallyStatusDto, TeamDto, TeamInput,
};
use tobaucu_store::{
    AcceptanceRow, AuditRow, BallotRow, ComplaintRow, CountRead, InventoryRow, Read, RevisionRow,
    TallyEntryRow,
};

use crate::{clock, App, Error, Result};

/// The most ballots one file may hold (4,000 voters is the legal maximum of
/// an area; leave room for a hospital area's extra lists).
const MAX_BALLOTS_PER_FILE: usize = 20_000;

fn u32of(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn u64of(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

fn audit_row(
    at: &str,
    action: &str,
    subject: String,
    reason: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditRow {
    crate::convert::audit_entry(
        at,
        action,
        subject,
        reason,
        before.map(|v| canonical_json(&v)),
        after.map(|v| canonical_json(&v)),
    )
}

/// A stored ballot back as a domain ballot.
fn ballot_of(row: &BallotRow) -> Ballot {
    if let Some(r) = row.invalid_reason.as_deref().and_then(InvalidReason::parse) {
        return Ballot::Invalid(r);
    }
    let kept = row
        .kept
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    Ballot::Valid(kept)
}

fn ballot_text(b: &Ballot) -> String {
    match b {
        Ballot::Valid(k) => format!(
            "Hợp lệ — giữ {} người: {}",
            k.len(),
            k.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ballot::Invalid(InvalidReason::AllStruck) => "Không hợp lệ — gạch hết tên".to_owned(),
        Ballot::Invalid(InvalidReason::TooMany) => {
            "Không hợp lệ — giữ quá số đại biểu được bầu".to_owned()
        }
        Ballot::Invalid(InvalidReason::NotOfficial) => "Không hợp lệ — không theo mẫu".to_owned(),
        Ballot::Invalid(InvalidReason::NoStamp) => "Không hợp lệ — không có dấu".to_owned(),
        Ballot::Invalid(InvalidReason::Added) => "Không hợp lệ — ghi thêm".to_owned(),
    }
}

fn ballot_dto(row: &BallotRow, b: &Ballot) -> BallotDto {
    BallotDto {
        seq: u32::try_from(row.seq).unwrap_or(0),
        batch_id: u32::try_from(row.batch_id).unwrap_or(0),
        valid: b.is_valid(),
        kept: match b {
            Ballot::Valid(k) => k.iter().map(|p| u32::from(*p)).collect(),
            Ballot::Invalid(_) => Vec::new(),
        },
        reason: match b {
            Ballot::Invalid(r) => Some(r.code().to_owned()),
            Ballot::Valid(_) => None,
        },
        text_vi: ballot_text(b),
    }
}

fn by_reason_map(counts: &[u64; 5]) -> BTreeMap<String, u32> {
    InvalidReason::ALL
        .iter()
        .map(|r| (r.code().to_owned(), u32of(counts[r.index()])))
        .collect()
}

fn inventory_of(row: &InventoryRow) -> Inventory {
    Inventory {
        received: u64of(row.received),
        unused: u64of(row.unused),
        spoiled: u64of(row.spoiled),
        issued_entered: row.issued.map(u64of),
    }
}

fn inventory_dto(row: &InventoryRow) -> InventoryDto {
    let inv = inventory_of(row);
    InventoryDto {
        level: row.level.clone(),
        received: u32of(inv.received),
        unused: u32of(inv.unused),
        spoiled: u32of(inv.spoiled),
        issued: u32of(inv.issued()),
        issued_entered: row.issued.is_some(),
        recorded_at: row.recorded_at.clone(),
    }
}

/// A tally sheet entry as stored (canonical JSON) ↔ figures.
fn sheet_json(s: &TallySheetInput) -> Value {
    json!({
        "received": s.received, "valid": s.valid, "invalid": s.invalid,
        "invalid_by_reason": s.invalid_by_reason, "groups": s.groups, "votes": s.votes,
    })
}

fn sheet_from_row(level: &str, row: &TallyEntryRow) -> TallySheetInput {
    let v: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let num = |k: &str| u32::try_from(v.get(k).and_then(Value::as_u64).unwrap_or(0)).unwrap_or(0);
    let list = |k: &str| -> Vec<u32> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| u32::try_from(x.as_u64().unwrap_or(0)).unwrap_or(0))
                    .collect()
            })
            .unwrap_or_default()
    };
    let reasons = v
        .get("invalid_by_reason")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        u32::try_from(x.as_u64().unwrap_or(0)).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    TallySheetInput {
        level: level.to_owned(),
        entry: u32::try_from(row.entry).unwrap_or(0),
        entered_by: row.entered_by.clone(),
        received: num("received"),
        valid: num("valid"),
        invalid: num("invalid"),
        invalid_by_reason: reasons,
        groups: list("groups"),
        votes: list("votes"),
    }
}

fn sheet_result(s: &TallySheetInput) -> CountResult {
    let mut by_reason = [0u64; 5];
    for r in InvalidReason::ALL {
        by_reason[r.index()] = u64::from(s.invalid_by_reason.get(r.code()).copied().unwrap_or(0));
    }
    CountResult {
        received: u64::from(s.received),
        valid: u64::from(s.valid),
        invalid: u64::from(s.invalid),
        invalid_by_reason: by_reason,
        groups: Some(s.groups.iter().map(|x| u64::from(*x)).collect()),
        votes: s.votes.iter().map(|x| u64::from(*x)).collect(),
    }
}

/// Short form of a hash for paper: the first 16 hex digits in groups of 4.
pub fn short_hash(sha: &str) -> String {
    sha.get(..16)
        .unwrap_or(sha)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The counting desk's running state of one level.
#[derive(Debug, Clone)]
pub(crate) struct LevelLive {
    /// `PRAGMA data_version` when read; −1 forces a re-read.
    version: i64,
    tally: Tally,
    batches: Vec<BatchDto>,
    last: Option<BallotDto>,
    /// The next ballot's sequence number.
    next_seq: i64,
    /// Minutes locked, or counted on a tally sheet: the desk refuses.
    locked: bool,
    tally_sheet: bool,
}

/// How a level was counted.
enum Method {
    None,
    Ballots(Tally),
    Tally(Vec<TallySheetInput>),
}

impl Method {
    fn name(&self) -> &'static str {
        match self {
            Method::None => "none",
            Method::Ballots(_) => "ballots",
            Method::Tally(_) => "tally",
        }
    }
}

impl App {
    /// The level, its constituency at this area, and the area id. Counting
    /// is the work of a polling team.
    fn count_ctx(&self, level: &str) -> Result<(&Level, &Constituency, String)> {
        let def = self.def()?;
        let unit = self
            .store
            .unit()?
            .ok_or_else(|| Error::refused("NOT_SET_UP", "cơ sở dữ liệu chưa được thiết lập"))?;
        if unit.kind != "area" {
            return Err(Error::refused(
                "NOT_A_TEAM",
                "kiểm phiếu chỉ làm tại tổ bầu cử; cơ sở dữ liệu này là của ban/ủy ban tổng hợp",
            ));
        }
        let lv = def.level(level).ok_or_else(|| {
            Error::refused(
                "UNKNOWN_LEVEL",
                format!(
                    "không có cấp bầu cử \"{level}\"; các cấp: {}",
                    def.level_codes().join(", ")
                ),
            )
        })?;
        let area = def.area(&unit.unit_id).ok_or_else(|| {
            Error::Internal(format!(
                "khu vực {} không có trong định nghĩa",
                unit.unit_id
            ))
        })?;
        let cid = area.constituencies.get(level).ok_or_else(|| {
            Error::refused(
                "UNKNOWN_LEVEL",
                format!("khu vực {} không bầu cấp {level}", area.id),
            )
        })?;
        let c = def.constituency(cid).ok_or_else(|| {
            Error::Internal(format!("đơn vị bầu cử {cid} không có trong định nghĩa"))
        })?;
        Ok((lv, c, area.id.clone()))
    }

    fn area_candidate_names(&self) -> Result<Vec<String>> {
        let def = self.def()?;
        let Some(unit) = self.store.unit()? else {
            return Ok(Vec::new());
        };
        let Some(area) = def.area(&unit.unit_id) else {
            return Ok(Vec::new());
        };
        Ok(area
            .constituencies
            .values()
            .filter_map(|c| def.constituency(c))
            .flat_map(|c| c.candidates.iter().map(|x| x.name.clone()))
            .collect())
    }

    /// Locked: the latest revision of the level's minutes is not reopened.
    fn is_locked(r: &impl Read, level: &str) -> Result<bool> {
        Ok(r.revisions(level)?
            .last()
            .is_some_and(|x| x.reopened.is_none()))
    }

    fn refuse_if_locked(r: &impl Read, level: &str) -> Result<()> {
        if Self::is_locked(r, level)? {
            return Err(Error::refused(
                "LEVEL_FINALIZED",
                format!("biên bản cấp {level} đã khóa (đã hoàn tất); muốn sửa phải mở bản sửa đổi có lý do: tobaucu count reopen --level {level} --reason \"…\""),
            ));
        }
        Ok(())
    }

    // ---- roster ------------------------------------------------------------

    /// Tổ bầu cử as recorded.
    pub fn team(&self) -> Result<TeamDto> {
        team_of(&self.store)
    }

    /// `team`: replaces the roles it names. A witness may not be a
    /// candidate of this area (`domain.md` §5 step 3).
    pub fn set_team(&mut self, input: &TeamInput) -> Result<TeamDto> {
        self.def()?;
        let clean_list = |v: &Vec<String>| -> Vec<String> {
            v.iter()
                .map(|s| clean(s))
                .filter(|s| !s.is_empty())
                .collect()
        };
        let leader = input.leader.as_deref().map(clean);
        let secretary = input.secretary.as_deref().map(clean);
        let members = input.members.as_ref().map(clean_list);
        let witnesses = input.witnesses.as_ref().map(clean_list);
        if let Some(w) = &witnesses {
            if w.len() > 2 {
                return Err(Error::refused(
                    "WITNESSES",
                    format!("chỉ mời hai cử tri chứng kiến, đã ghi {}", w.len()),
                ));
            }
            if w.len() == 2 && tobaucu_core::text::fold(&w[0]) == tobaucu_core::text::fold(&w[1]) {
                return Err(Error::refused(
                    "WITNESSES",
                    "hai cử tri chứng kiến phải là hai người khác nhau",
                ));
            }
            let cands = self.area_candidate_names()?;
            for name in w {
                if checks::witness_is_candidate(name, &cands) {
                    return Err(Error::refused(
                        "WITNESS_IS_CANDIDATE",
                        format!("{name} là người ứng cử tại khu vực bỏ phiếu này nên không được làm cử tri chứng kiến (Điều 73, Luật Bầu cử)"),
                    ));
                }
            }
        }
        for (what, v) in [("Tổ trưởng", &leader), ("Thư ký", &secretary)] {
            if v.as_deref() == Some("") {
                return Err(Error::refused(
                    "TEAM",
                    format!("tên {what} không được để trống"),
                ));
            }
        }
        let at = clock::stamp(clock::now());
        let store = &mut self.store;
        let before = team_of(store)?;
        let def_levels = self
            .def
            .as_ref()
            .map(|d| d.level_codes())
            .unwrap_or_default();
        store.write(|tx| {
            for l in &def_levels {
                Self::refuse_if_locked(tx, l)?;
            }
            if let Some(l) = &leader {
                tx.set_team_role("leader", std::slice::from_ref(l))?;
            }
            if let Some(s) = &secretary {
                tx.set_team_role("secretary", std::slice::from_ref(s))?;
            }
            if let Some(m) = &members {
                tx.set_team_role("member", m)?;
            }
            if let Some(w) = &witnesses {
                tx.set_team_role("witness", w)?;
            }
            let after = team_of(tx)?;
            tx.append_audit(&audit_row(
                &at,
                "team",
                "tổ bầu cử".into(),
                "",
                Some(team_json(&before)),
                Some(team_json(&after)),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.team()
    }

    // ---- kiểm kê ----------------------------------------------------------

    pub fn inventory(&self, level: &str) -> Result<Option<InventoryDto>> {
        self.count_ctx(level)?;
        Ok(self.store.inventory(level)?.as_ref().map(inventory_dto))
    }

    /// `count inventory`: the kiểm kê of a level, before the box is opened.
    /// Saved even when it does not balance (E09 says so).
    pub fn record_inventory(&mut self, i: &InventoryInput) -> Result<InventoryDto> {
        self.count_ctx(&i.level)?;
        let row = InventoryRow {
            level: i.level.clone(),
            received: i64::from(i.received),
            unused: i64::from(i.unused),
            spoiled: i64::from(i.spoiled),
            issued: i.issued.map(i64::from),
            recorded_at: clock::stamp(clock::now()),
        };
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &i.level)?;
            let before = tx.inventory(&i.level)?;
            tx.upsert_inventory(&row)?;
            tx.append_audit(&audit_row(
                &row.recorded_at,
                "count.inventory",
                format!("kiểm kê cấp {}", i.level),
                "",
                before.map(|b| json!({"received": b.received, "unused": b.unused, "spoiled": b.spoiled, "issued": b.issued})),
                Some(json!({"received": row.received, "unused": row.unused, "spoiled": row.spoiled, "issued": row.issued})),
            ))?;
            Ok::<_, Error>(())
        })?;
        Ok(inventory_dto(&row))
    }

    // ---- ballots ----------------------------------------------------------

    /// The live tally of a level, from the ballots not undone.
    fn tally_of(&self, r: &impl Read, level: &str, c: &Constituency) -> Result<Tally> {
        let mut t = Tally::new(c.seats, c.candidates.len());
        for row in r.ballots(level)? {
            if !row.undone {
                t.add(&ballot_of(&row));
            }
        }
        Ok(t)
    }

    fn method(&self, r: &impl Read, level: &str, c: &Constituency) -> Result<Method> {
        let sheets = r.tally_entries(level)?;
        if !sheets.is_empty() {
            return Ok(Method::Tally(
                sheets.iter().map(|s| sheet_from_row(level, s)).collect(),
            ));
        }
        let t = self.tally_of(r, level, c)?;
        if t.received() > 0 {
            return Ok(Method::Ballots(t));
        }
        Ok(Method::None)
    }

    /// Running totals for the counting desk.
    pub fn live_tally(&mut self, level: &str) -> Result<LiveTallyDto> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let live = self.live_state(level, &c)?;
        self.live_dto(level, &c, &live)
    }

    /// The desk's running state of a level (tally, batch subtotals, last
    /// ballot), cached and rebuilt from the database only when another
    /// connection changed it (`PRAGMA data_version`): entering a ballot stays
    /// O(1) however many ballots were counted before.
    fn live_state(&mut self, level: &str, c: &Constituency) -> Result<LevelLive> {
        let version = self.store.data_version()?;
        if let Some(l) = self.tallies.get(level) {
            if l.version == version {
                return Ok(l.clone());
            }
        }
        let mut tally = Tally::new(c.seats, c.candidates.len());
        let ballots = self.store.ballots(level)?;
        let mut batches: Vec<BatchDto> = self
            .store
            .batches(level)?
            .into_iter()
            .map(|b| BatchDto {
                id: u32::try_from(b.id).unwrap_or(0),
                recorder: b.recorder,
                source: b.source,
                created_at: b.created_at,
                ballots: 0,
                valid: 0,
                invalid: 0,
            })
            .collect();
        let mut last = None;
        let next_seq = ballots.last().map_or(0, |b| b.seq) + 1;
        for row in ballots.iter().filter(|b| !b.undone) {
            let b = ballot_of(row);
            tally.add(&b);
            if let Some(bd) = batches.iter_mut().find(|x| i64::from(x.id) == row.batch_id) {
                bd.ballots += 1;
                if b.is_valid() {
                    bd.valid += 1;
                } else {
                    bd.invalid += 1;
                }
            }
            last = Some(ballot_dto(row, &b));
        }
        let locked = Self::is_locked(&self.store, level)?;
        let tally_sheet = !self.store.tally_entries(level)?.is_empty();
        let l = LevelLive {
            version,
            tally,
            batches,
            last,
            next_seq,
            locked,
            tally_sheet,
        };
        self.tallies.insert(level.to_owned(), l.clone());
        Ok(l)
    }

    fn live_dto(&self, level: &str, c: &Constituency, l: &LevelLive) -> Result<LiveTallyDto> {
        let t = &l.tally;
        Ok(LiveTallyDto {
            level: level.to_owned(),
            seats: c.seats,
            received: u32of(t.received()),
            valid: u32of(t.valid),
            invalid: u32of(t.invalid()),
            invalid_by_reason: by_reason_map(&t.invalid_by_reason),
            groups: t.groups.iter().map(|x| u32of(*x)).collect(),
            candidates: c
                .candidates
                .iter()
                .enumerate()
                .map(|(i, x)| LiveCandidateDto {
                    position: u32::try_from(i + 1).unwrap_or(0),
                    id: x.id.clone(),
                    name: x.name.clone(),
                    votes: u32of(t.votes.get(i).copied().unwrap_or(0)),
                })
                .collect(),
            batches: l.batches.clone(),
            last: l.last.clone(),
            locked: l.locked,
        })
    }

    fn refuse_if_tally_sheet(r: &impl Read, level: &str) -> Result<()> {
        if !r.tally_entries(level)?.is_empty() {
            return Err(Error::refused(
                "METHOD_MIXED",
                format!("cấp {level} đã được nhập theo bảng kiểm phiếu giấy; không nhập thêm từng phiếu"),
            ));
        }
        Ok(())
    }

    /// Starts a recorder's batch at the desk.
    pub fn start_batch(&mut self, level: &str, recorder: &str) -> Result<BatchDto> {
        self.count_ctx(level)?;
        let recorder = clean(recorder);
        let at = clock::stamp(clock::now());
        let id = self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            Self::refuse_if_tally_sheet(tx, level)?;
            let id = tx.insert_batch(level, &recorder, "bàn kiểm phiếu", &at)?;
            tx.append_audit(&audit_row(
                &at,
                "count.batch",
                format!("cấp {level}, lượt {id}"),
                "",
                None,
                Some(json!({"recorder": recorder})),
            ))?;
            Ok::<_, Error>(id)
        })?;
        self.tallies.remove(level);
        Ok(BatchDto {
            id: u32::try_from(id).unwrap_or(0),
            recorder,
            source: "bàn kiểm phiếu".into(),
            created_at: at,
            ballots: 0,
            valid: 0,
            invalid: 0,
        })
    }

    /// One ballot typed at the desk (`1 3 5`, `-`, or `INVALID khong_co_dau`),
    /// stored as one durable row with the next sequence number.
    pub fn enter_ballot(
        &mut self,
        level: &str,
        batch: Option<u32>,
        line: &str,
    ) -> Result<BallotEntryResult> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let mark = match parse_mark(line, c.candidates.len()) {
            Ok(Some(m)) => m,
            Ok(None) => return Err(Error::refused("BALLOT_EMPTY", "chưa ghi gì: gõ số thứ tự các tên được giữ lại, \"-\" nếu gạch hết, hoặc phím lý do không hợp lệ")),
            Err(e) => return Err(Error::refused("BALLOT_INVALID_INPUT", e.0)),
        };
        let ballot = Ballot::decide(&mark, c.seats);
        let mut live = self.live_state(level, &c)?;
        let at = clock::stamp(clock::now());
        let known_batch = live.batches.last().map(|b| i64::from(b.id));
        let cached = (live.version, live.next_seq, live.locked, live.tally_sheet);
        let (row, new_batch) = self.store.write(|tx| {
            // The cached state is still right when no other connection
            // committed since it was read (checked inside the write lock).
            let seq = if tx.data_version()? == cached.0 {
                if cached.2 {
                    Self::refuse_if_locked(tx, level)?;
                }
                if cached.3 {
                    Self::refuse_if_tally_sheet(tx, level)?;
                }
                cached.1
            } else {
                Self::refuse_if_locked(tx, level)?;
                Self::refuse_if_tally_sheet(tx, level)?;
                tx.max_ballot_seq(level)? + 1
            };
            let mut new_batch = false;
            let batch_id = match (batch, known_batch) {
                (Some(b), _) => i64::from(b),
                (None, Some(b)) => b,
                (None, None) => {
                    new_batch = true;
                    tx.insert_batch(level, "", "bàn kiểm phiếu", &at)?
                }
            };
            let mut row = BallotRow {
                id: 0,
                level: level.to_owned(),
                seq,
                batch_id,
                kept: match &mark {
                    tobaucu_core::count::Mark::Kept(k) => {
                        let mut k = k.clone();
                        k.sort_unstable();
                        Some(
                            k.iter()
                                .map(|p| p.to_string())
                                .collect::<Vec<_>>()
                                .join(" "),
                        )
                    }
                    tobaucu_core::count::Mark::Invalid(_) => None,
                },
                invalid_reason: match &ballot {
                    Ballot::Invalid(r) => Some(r.code().to_owned()),
                    Ballot::Valid(_) => None,
                },
                at: at.clone(),
                undone: false,
            };
            row.id = tx.insert_ballot(&row).map_err(|e| match e {
                tobaucu_store::Error::Sqlite(rusqlite_err)
                    if rusqlite_err.to_string().contains("FOREIGN KEY") =>
                {
                    Error::refused("BATCH_UNKNOWN", format!("không có lượt nhập số {batch_id}"))
                }
                other => Error::from(other),
            })?;
            Ok::<_, Error>((row, new_batch))
        })?;
        let dto = ballot_dto(&row, &ballot);
        live.tally.add(&ballot);
        if new_batch {
            live.batches.push(BatchDto {
                id: u32::try_from(row.batch_id).unwrap_or(0),
                recorder: String::new(),
                source: "bàn kiểm phiếu".into(),
                created_at: at.clone(),
                ballots: 0,
                valid: 0,
                invalid: 0,
            });
        }
        match live
            .batches
            .iter_mut()
            .find(|b| i64::from(b.id) == row.batch_id)
        {
            Some(b) => {
                b.ballots += 1;
                if ballot.is_valid() {
                    b.valid += 1;
                } else {
                    b.invalid += 1;
                }
            }
            // A batch started by another window: read everything again.
            None => live.version = -1,
        }
        live.last = Some(dto.clone());
        live.next_seq = row.seq + 1;
        live.version = if live.version == -1 {
            -1
        } else {
            self.store.data_version()?
        };
        self.tallies.insert(level.to_owned(), live.clone());
        let message = format!("Phiếu số {}: {}", row.seq, dto.text_vi);
        let live = self.live_dto(level, &c, &live)?;
        Ok(BallotEntryResult {
            ballot: dto,
            live,
            message,
        })
    }

    /// Undo of the last ballot still counted (the row stays, marked).
    pub fn undo_ballot(&mut self, level: &str, reason: &str) -> Result<BallotEntryResult> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let reason = match clean(reason) {
            r if r.is_empty() => "Nhập nhầm".to_owned(),
            r => r,
        };
        let at = clock::stamp(clock::now());
        let row = self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            let last = tx.last_live_ballot(level)?.ok_or_else(|| {
                Error::refused(
                    "NOTHING_TO_UNDO",
                    format!("cấp {level} chưa có phiếu nào để hủy"),
                )
            })?;
            tx.undo_ballot(last.id, &at, &reason)?;
            tx.append_audit(&audit_row(
                &at,
                "count.ballot.undo",
                format!("cấp {level}, phiếu số {}", last.seq),
                &reason,
                Some(json!({"kept": last.kept, "invalid_reason": last.invalid_reason})),
                None,
            ))?;
            Ok::<_, Error>(last)
        })?;
        let b = ballot_of(&row);
        self.tallies.remove(level);
        let state = self.live_state(level, &c)?;
        let dto = ballot_dto(&row, &b);
        let message = format!("Đã hủy phiếu số {} ({})", row.seq, dto.text_vi);
        let live = self.live_dto(level, &c, &state)?;
        Ok(BallotEntryResult {
            ballot: dto,
            live,
            message,
        })
    }

    /// `count ballots --level L FILE`: appends every ballot of the file as
    /// one batch, or refuses the whole file with its line numbers.
    pub fn count_ballots_file(
        &mut self,
        level: &str,
        file_name: &str,
        bytes: &[u8],
        recorder: &str,
    ) -> Result<BallotsFileReport> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Error::refused(
                "BALLOTS_INVALID",
                format!("{file_name}, dòng {line}: tệp không phải văn bản UTF-8"),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let ballots =
            parse_ballots(text, c.candidates.len(), c.seats).map_err(|errs| Error::Refused {
                code: "BALLOTS_INVALID",
                message: format!(
                    "{file_name}: {} dòng không đọc được; chưa ghi phiếu nào",
                    errs.len()
                ),
                problems: errs
                    .iter()
                    .take(500)
                    .map(|e| format!("{file_name}, dòng {}: {}", e.line, e.message))
                    .collect(),
            })?;
        if ballots.len() > MAX_BALLOTS_PER_FILE {
            return Err(Error::refused(
                "BALLOTS_INVALID",
                format!(
                    "{file_name}: {} phiếu, vượt giới hạn {MAX_BALLOTS_PER_FILE} phiếu của một tệp",
                    ballots.len()
                ),
            ));
        }
        if ballots.is_empty() {
            return Err(Error::refused(
                "BALLOTS_INVALID",
                format!("{file_name}: tệp không có phiếu nào"),
            ));
        }
        let recorder = clean(recorder);
        let at = clock::stamp(clock::now());
        let digest: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let batch_id = self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            Self::refuse_if_tally_sheet(tx, level)?;
            let batch_id = tx.insert_batch(level, &recorder, file_name, &at)?;
            let first = tx.max_ballot_seq(level)? + 1;
            for (seq, b) in (first..).zip(ballots.iter()) {
                tx.insert_ballot(&BallotRow {
                    id: 0,
                    level: level.to_owned(),
                    seq,
                    batch_id,
                    kept: match b {
                        Ballot::Valid(k) => Some(k.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" ")),
                        Ballot::Invalid(InvalidReason::AllStruck) => Some(String::new()),
                        Ballot::Invalid(_) => None,
                    },
                    invalid_reason: match b {
                        Ballot::Invalid(r) => Some(r.code().to_owned()),
                        Ballot::Valid(_) => None,
                    },
                    at: at.clone(),
                    undone: false,
                })?;
            }
            tx.append_audit(&audit_row(&at, "count.ballots_file", format!("cấp {level}: {file_name}"), "", None,
                Some(json!({"file": file_name, "sha256": digest, "ballots": ballots.len(), "batch": batch_id}))))?;
            Ok::<_, Error>(batch_id)
        })?;
        self.tallies.remove(level);
        let t = self.live_state(level, &c)?.tally;
        let valid = ballots.iter().filter(|b| b.is_valid()).count();
        Ok(BallotsFileReport {
            level: level.to_owned(),
            file: file_name.to_owned(),
            batch_id: u32::try_from(batch_id).unwrap_or(0),
            ballots: u32::try_from(ballots.len()).unwrap_or(0),
            valid: u32::try_from(valid).unwrap_or(0),
            invalid: u32::try_from(ballots.len() - valid).unwrap_or(0),
            total_received: u32of(t.received()),
        })
    }

    // ---- tally sheet (double entry) ---------------------------------------

    /// One entry of the paper tally sheet. Two independent entries must
    /// agree field by field before the figures count (E10/E13).
    pub fn enter_tally(&mut self, s: &TallySheetInput) -> Result<TallyStatusDto> {
        let (_, c, _) = self.count_ctx(&s.level)?;
        let c = c.clone();
        if s.entry != 1 && s.entry != 2 {
            return Err(Error::refused("TALLY_ENTRY", "lần nhập phải là 1 hoặc 2"));
        }
        let mut problems = Vec::new();
        if s.votes.len() != c.candidates.len() {
            problems.push(format!(
                "cần số phiếu bầu của đủ {} người ứng cử, đã ghi {}",
                c.candidates.len(),
                s.votes.len()
            ));
        }
        if s.groups.len() > c.seats as usize {
            problems.push(format!(
                "chỉ có nhóm phiếu bầu 1 đến {} đại biểu, đã ghi {} nhóm",
                c.seats,
                s.groups.len()
            ));
        }
        for k in s.invalid_by_reason.keys() {
            if InvalidReason::parse(k).is_none() {
                problems.push(format!("lý do phiếu không hợp lệ \"{k}\" không có; dùng khong_theo_mau, khong_co_dau, qua_so_luong, gach_het, ghi_them"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Refused {
                code: "TALLY_INVALID",
                message: format!("bảng kiểm phiếu cấp {} chưa được ghi", s.level),
                problems,
            });
        }
        let mut sheet = s.clone();
        sheet.groups.resize(c.seats as usize, 0);
        sheet.entered_by = clean(&s.entered_by);
        let at = clock::stamp(clock::now());
        let data = canonical_json(&sheet_json(&sheet));
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &s.level)?;
            if tx.ballots(&s.level)?.iter().any(|b| !b.undone) {
                return Err(Error::refused(
                    "METHOD_MIXED",
                    format!(
                        "cấp {} đã được nhập từng phiếu; không nhập thêm bảng kiểm phiếu",
                        s.level
                    ),
                ));
            }
            let before = tx
                .tally_entries(&s.level)?
                .into_iter()
                .find(|e| e.entry == i64::from(s.entry));
            tx.upsert_tally_entry(&TallyEntryRow {
                level: s.level.clone(),
                entry: i64::from(s.entry),
                data: data.clone(),
                entered_by: sheet.entered_by.clone(),
                entered_at: at.clone(),
            })?;
            tx.append_audit(&crate::convert::audit_entry(
                &at,
                "count.tally",
                format!("bảng kiểm phiếu cấp {}, lần {}", s.level, s.entry),
                "",
                before.map(|b| b.data),
                Some(data.clone()),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(&s.level);
        self.tally_status(&s.level)
    }

    pub fn tally_status(&self, level: &str) -> Result<TallyStatusDto> {
        let (_, c, _) = self.count_ctx(level)?;
        let sheets: Vec<TallySheetInput> = self
            .store
            .tally_entries(level)?
            .iter()
            .map(|e| sheet_from_row(level, e))
            .collect();
        let names: Vec<&str> = c.candidates.iter().map(|x| x.name.as_str()).collect();
        let (agreed, differences, message) = match sheets.as_slice() {
            [] => (false, Vec::new(), "Chưa nhập bảng kiểm phiếu.".to_owned()),
            [one] => (
                false,
                Vec::new(),
                format!(
                    "Đã nhập lần {}; cần người thứ hai nhập độc lập lần {}.",
                    one.entry,
                    3 - one.entry
                ),
            ),
            [a, b, ..] => {
                let d = diff_entries(&sheet_result(a), &sheet_result(b));
                let dto: Vec<FieldDiffDto> = d
                    .iter()
                    .map(|x| FieldDiffDto {
                        field: x.field.clone(),
                        label: checks::field_vi(&x.field, &names),
                        first: u32of(x.first),
                        second: u32of(x.second),
                    })
                    .collect();
                if dto.is_empty() {
                    (
                        true,
                        dto,
                        "Hai lần nhập khớp nhau; số liệu được chấp nhận.".to_owned(),
                    )
                } else {
                    let m = format!(
                        "Hai lần nhập khác nhau ở {} mục; đối chiếu bảng giấy và nhập lại lần sai.",
                        dto.len()
                    );
                    (false, dto, m)
                }
            }
        };
        Ok(TallyStatusDto {
            level: level.to_owned(),
            entries: sheets.iter().map(|s| s.entry).collect(),
            agreed,
            differences,
            message,
            sheets,
        })
    }

    // ---- summary and checks -----------------------------------------------

    fn count_result(method: &Method, c: &Constituency) -> (CountResult, TallyState) {
        match method {
            Method::None => (
                Tally::new(c.seats, c.candidates.len()).result(),
                TallyState::NotUsed,
            ),
            Method::Ballots(t) => (t.result(), TallyState::NotUsed),
            Method::Tally(sheets) => match sheets.as_slice() {
                [one] => (sheet_result(one), TallyState::OneEntry),
                [a, b, ..] => {
                    let d = diff_entries(&sheet_result(a), &sheet_result(b));
                    if d.is_empty() {
                        (sheet_result(a), TallyState::Agreed)
                    } else {
                        (sheet_result(a), TallyState::Differ(d))
                    }
                }
                [] => (CountResult::default(), TallyState::NotUsed),
            },
        }
    }

    /// `count summary --level L`: the figures of the level's minutes and
    /// every failed check. When the level is final, the figures are those
    /// of the locked revision's data.
    pub fn summary(&self, level: &str) -> Result<SummaryDto> {
        let (lv, c, area) = self.count_ctx(level)?;
        let def = self.def()?;
        let listed = self.store.listed_per_level()?;
        let voted = self.store.voted_per_level()?;
        let inv_row = self.store.inventory(level)?;
        let method = self.method(&self.store, level, c)?;
        let (result, tally_state) = Self::count_result(&method, c);
        let team = team_of(&self.store)?;
        let mut other_levels = Vec::new();
        for l in &def.levels {
            if l.code == level {
                continue;
            }
            if let Ok((_, oc, _)) = self.count_ctx(&l.code) {
                let m = self.method(&self.store, &l.code, oc)?;
                if !matches!(m, Method::None) {
                    other_levels.push((l.code.clone(), Self::count_result(&m, oc).0));
                }
            }
        }
        let facts = LevelFacts {
            seats: c.seats,
            candidate_names: c.candidates.iter().map(|x| x.name.as_str()).collect(),
            listed: u64of(listed.get(level).copied().unwrap_or(0)),
            participated: u64of(voted.get(level).copied().unwrap_or(0)),
            inventory: inv_row.as_ref().map(inventory_of),
            result: Some(result.clone()),
            tally: tally_state,
            roster: RosterFacts {
                leader: team.leader.clone(),
                secretary: team.secretary.clone(),
                witnesses: team.witnesses.clone(),
                area_candidates: self.area_candidate_names()?,
            },
            other_levels,
        };
        let accepted: BTreeMap<String, String> = self
            .store
            .acceptances(level)?
            .into_iter()
            .map(|a| (a.code, a.reason))
            .collect();
        let found = check_level(&facts);
        let may = checks::may_finalize(&found);
        let checks_dto: Vec<CheckDto> = found
            .iter()
            .map(|k| CheckDto {
                code: k.code.to_owned(),
                severity: k.severity.as_str().to_owned(),
                message: k.message.clone(),
                next_step: k.next_step.to_owned(),
                field: k.field.clone(),
                accepted: k.severity == Severity::Warning && accepted.contains_key(k.code),
                accepted_reason: accepted
                    .get(k.code)
                    .filter(|_| k.severity == Severity::Warning)
                    .cloned(),
            })
            .collect();
        let candidates: Vec<CandidateResultDto> = c
            .candidates
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let v = result.votes.get(i).copied().unwrap_or(0);
                let p = Percent::of(v, result.valid);
                CandidateResultDto {
                    id: x.id.clone(),
                    position: u32::try_from(i + 1).unwrap_or(0),
                    name: x.name.clone(),
                    votes: u32of(v),
                    percent: p.as_f64(),
                    percent_vi: p.vi(),
                }
            })
            .collect();
        let revisions = self.store.revisions(level)?;
        let locked = revisions.last().is_some_and(|r| r.reopened.is_none());
        let mut s = SummaryDto {
            level: level.to_owned(),
            level_name: lv.name.clone(),
            area,
            constituency: c.id.clone(),
            constituency_name: c.name.clone(),
            seats: c.seats,
            voters_listed: u32of(facts.listed),
            voters_voted: u32of(facts.participated),
            ballots_issued: u32of(facts.inventory.map(|i| i.issued()).unwrap_or(0)),
            ballots_received: u32of(result.received),
            ballots_valid: u32of(result.valid),
            ballots_invalid: u32of(result.invalid),
            invalid_by_reason: by_reason_map(&result.invalid_by_reason),
            votes: candidates.iter().map(|x| (x.id.clone(), x.votes)).collect(),
            percent: candidates
                .iter()
                .map(|x| (x.id.clone(), x.percent))
                .collect(),
            ballots_by_kept: result
                .groups
                .as_ref()
                .map(|g| {
                    g.iter()
                        .enumerate()
                        .map(|(i, n)| ((i + 1).to_string(), u32of(*n)))
                        .collect()
                })
                .unwrap_or_default(),
            candidates,
            checks: checks_dto,
            method: method.name().to_owned(),
            status: if locked { "final" } else { "draft" }.to_owned(),
            may_finalize: may,
            inventory: inv_row.as_ref().map(inventory_dto),
            minutes_sha256: String::new(),
            revisions: revisions.iter().map(revision_dto).collect(),
        };
        s.minutes_sha256 = match revisions.last() {
            Some(r) if locked => {
                locked_figures(&mut s, &r.data);
                r.sha256.clone()
            }
            _ => {
                let data = self.minutes_data_of(
                    &s,
                    &team,
                    revisions.len() as u32 + 1,
                    &self.pending_reason(level)?,
                )?;
                sha_hex(&canonical_json(&data))
            }
        };
        Ok(s)
    }

    fn pending_reason(&self, level: &str) -> Result<String> {
        Ok(self
            .store
            .revisions(level)?
            .last()
            .and_then(|r| r.reopened.as_ref().map(|(_, why)| why.clone()))
            .unwrap_or_default())
    }

    /// The canonical data of a level's minutes: what the paper says and the
    /// SHA-256 printed on every page is taken over.
    fn minutes_data_of(
        &self,
        s: &SummaryDto,
        team: &TeamDto,
        revision: u32,
        reason: &str,
    ) -> Result<Value> {
        let def = self.def()?;
        let unit = self
            .store
            .unit()?
            .ok_or_else(|| Error::refused("NOT_SET_UP", "chưa thiết lập"))?;
        let area = def.area(&s.area);
        let complaints: Vec<Value> = self
            .complaints()?
            .into_iter()
            .filter(|c| c.level.as_deref().is_none_or(|l| l == s.level))
            .map(|c| json!({"id": c.id, "complainant": c.complainant, "content": c.content, "status": c.status, "outcome": c.outcome}))
            .collect();
        Ok(json!({
            "format": "tobaucu-minutes/1",
            "election": {"id": def.election.id, "name": def.election.name, "date": def.election.date.to_string(),
                         "mode": def.election.mode.as_str(), "definition_sha256": unit.election_sha256},
            "area": {"id": s.area, "number": area.map(|a| a.number), "name": area.map(|a| a.name.clone()),
                     "commune": area.map(|a| a.commune.clone())},
            "level": {"code": s.level, "name": s.level_name},
            "constituency": {"id": s.constituency, "name": s.constituency_name, "seats": s.seats},
            "team": team_json(team),
            "figures": {
                "voters_listed": s.voters_listed, "voters_voted": s.voters_voted,
                "ballots_issued": s.ballots_issued, "ballots_received": s.ballots_received,
                "ballots_valid": s.ballots_valid, "ballots_invalid": s.ballots_invalid,
                "invalid_by_reason": s.invalid_by_reason, "ballots_by_kept": s.ballots_by_kept,
            },
            "inventory": s.inventory.as_ref().map(|i| json!({"received": i.received, "unused": i.unused, "spoiled": i.spoiled, "issued": i.issued})),
            "candidates": s.candidates.iter().map(|c| json!({"id": c.id, "position": c.position, "name": c.name, "votes": c.votes, "percent": c.percent_vi})).collect::<Vec<_>>(),
            "complaints": complaints,
            "revision": revision,
            "correction_reason": reason,
        }))
    }

    /// The data the minutes form prints: the locked revision's when final,
    /// otherwise the current draft.
    pub fn minutes_data(&self, level: &str) -> Result<(Value, String, bool)> {
        let s = self.summary(level)?;
        let revisions = self.store.revisions(level)?;
        if s.status == "final" {
            if let Some(r) = revisions.last() {
                let v: Value =
                    serde_json::from_str(&r.data).map_err(|e| Error::Internal(e.to_string()))?;
                return Ok((v, r.sha256.clone(), true));
            }
        }
        let team = self.team()?;
        let data = self.minutes_data_of(
            &s,
            &team,
            revisions.len() as u32 + 1,
            &self.pending_reason(level)?,
        )?;
        let sha = sha_hex(&canonical_json(&data));
        Ok((data, sha, false))
    }

    /// Accepts a warning with the Tổ trưởng's written reason (kept in the
    /// audit log; printed nowhere).
    pub fn accept_warning(&mut self, a: &AcceptInput) -> Result<SummaryDto> {
        self.count_ctx(&a.level)?;
        let reason = clean(&a.reason);
        if reason.is_empty() {
            return Err(Error::refused(
                "REASON_REQUIRED",
                "cần ghi lý do chấp nhận cảnh báo",
            ));
        }
        let code = a.code.trim().to_uppercase();
        let s = self.summary(&a.level)?;
        match s.checks.iter().find(|c| c.code == code) {
            Some(c) if c.severity == "warning" => {}
            Some(_) => {
                return Err(Error::refused(
                    "CHECK_IS_ERROR",
                    format!("{code} là lỗi, không thể chấp nhận; phải sửa số liệu"),
                ))
            }
            None => {
                return Err(Error::refused(
                    "CHECK_NOT_FAILED",
                    format!("cấp {} hiện không có cảnh báo {code}", a.level),
                ))
            }
        }
        let at = clock::stamp(clock::now());
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &a.level)?;
            tx.upsert_acceptance(&AcceptanceRow {
                level: a.level.clone(),
                code: code.clone(),
                reason: reason.clone(),
                accepted_at: at.clone(),
            })?;
            tx.append_audit(&audit_row(
                &at,
                "count.accept",
                format!("cấp {}, cảnh báo {code}", a.level),
                &reason,
                None,
                None,
            ))?;
            Ok::<_, Error>(())
        })?;
        self.summary(&a.level)
    }

    // ---- complaints --------------------------------------------------------

    pub fn complaints(&self) -> Result<Vec<ComplaintDto>> {
        Ok(self
            .store
            .complaints()?
            .into_iter()
            .map(complaint_dto)
            .collect())
    }

    pub fn add_complaint(&mut self, c: &ComplaintInput) -> Result<ComplaintDto> {
        self.def()?;
        let content = clean(&c.content);
        if content.is_empty() {
            return Err(Error::refused(
                "COMPLAINT",
                "cần ghi nội dung khiếu nại, tố cáo",
            ));
        }
        if let Some(l) = &c.level {
            self.count_ctx(l)?;
        }
        let at = clock::stamp(clock::now());
        let row = ComplaintRow {
            id: 0,
            level: c.level.clone(),
            received_at: at.clone(),
            complainant: clean(&c.complainant),
            content,
            status: "received".into(),
            outcome: String::new(),
            resolved_at: None,
        };
        let levels = self.def()?.level_codes();
        let id = self.store.write(|tx| {
            match &row.level {
                Some(l) => Self::refuse_if_locked(tx, l)?,
                None => {
                    for l in &levels {
                        Self::refuse_if_locked(tx, l)?;
                    }
                }
            }
            let id = tx.insert_complaint(&row)?;
            tx.append_audit(&audit_row(&at, "complaint.add", format!("khiếu nại số {id}"), "", None,
                Some(json!({"level": row.level, "complainant": row.complainant, "content": row.content}))))?;
            Ok::<_, Error>(id)
        })?;
        self.store
            .complaint(id)?
            .map(complaint_dto)
            .ok_or_else(|| Error::Internal("khiếu nại vừa ghi không đọc lại được".into()))
    }

    /// Settled by the team (with the outcome) or forwarded to the Ban bầu cử
    /// (with the team's opinion).
    pub fn resolve_complaint(&mut self, r: &ComplaintResolveInput) -> Result<ComplaintDto> {
        self.def()?;
        if r.status != "settled" && r.status != "forwarded" {
            return Err(Error::refused(
                "COMPLAINT",
                "trạng thái phải là settled (đã giải quyết) hoặc forwarded (chuyển Ban bầu cử)",
            ));
        }
        let outcome = clean(&r.outcome);
        if outcome.is_empty() {
            return Err(Error::refused(
                "COMPLAINT",
                "cần ghi kết quả giải quyết hoặc ý kiến của Tổ khi chuyển",
            ));
        }
        let id = i64::from(r.id);
        let at = clock::stamp(clock::now());
        let levels = self.def()?.level_codes();
        self.store.write(|tx| {
            let c = tx.complaint(id)?.ok_or_else(|| {
                Error::refused("COMPLAINT", format!("không có khiếu nại số {id}"))
            })?;
            match &c.level {
                Some(l) => Self::refuse_if_locked(tx, l)?,
                None => {
                    for l in &levels {
                        Self::refuse_if_locked(tx, l)?;
                    }
                }
            }
            tx.resolve_complaint(id, &r.status, &outcome, &at)?;
            tx.append_audit(&audit_row(
                &at,
                "complaint.resolve",
                format!("khiếu nại số {id}"),
                "",
                Some(json!({"status": c.status, "outcome": c.outcome})),
                Some(json!({"status": r.status, "outcome": outcome})),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.store
            .complaint(id)?
            .map(complaint_dto)
            .ok_or_else(|| Error::Internal("khiếu nại không đọc lại được".into()))
    }

    // ---- finalize ------------------------------------------------------------

    /// `finalize --level L`: locks the minutes as a new revision with its
    /// canonical data and SHA-256; refused while a blocking check fails.
    pub fn finalize(&mut self, level: &str) -> Result<FinalizeResult> {
        let s = self.summary(level)?;
        if s.status == "final" {
            return Err(Error::refused(
                "LEVEL_FINALIZED",
                format!(
                    "biên bản cấp {level} đã khóa (bản số {})",
                    s.revisions.len()
                ),
            ));
        }
        let errors: Vec<&CheckDto> = s.checks.iter().filter(|c| c.severity == "error").collect();
        if !errors.is_empty() {
            return Err(Error::Refused {
                code: "CHECKS_FAILED",
                message: format!(
                    "chưa thể hoàn tất biên bản cấp {level}: còn {} lỗi phải sửa",
                    errors.len()
                ),
                problems: errors
                    .iter()
                    .map(|c| format!("{}: {} → {}", c.code, c.message, c.next_step))
                    .collect(),
            });
        }
        let (data, sha, _) = self.minutes_data(level)?;
        let revision = s.revisions.len() as u32 + 1;
        let reason = self.pending_reason(level)?;
        let at = clock::stamp(clock::now());
        let text = canonical_json(&data);
        let warnings: Vec<String> = s
            .checks
            .iter()
            .filter(|c| c.severity == "warning")
            .map(|c| c.code.clone())
            .collect();
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            tx.insert_revision(&RevisionRow {
                level: level.to_owned(),
                revision: i64::from(revision),
                finalized_at: at.clone(),
                reason: reason.clone(),
                data: text.clone(),
                sha256: sha.clone(),
                reopened: None,
            })?;
            tx.append_audit(&audit_row(
                &at,
                "finalize",
                format!("biên bản cấp {level}, bản số {revision}"),
                &reason,
                None,
                Some(json!({"sha256": sha, "warnings": warnings})),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(level);
        Ok(FinalizeResult {
            level: level.to_owned(),
            revision,
            short_hash: short_hash(&sha),
            message: format!(
                "Đã khóa biên bản kết quả kiểm phiếu cấp {level} (bản số {revision}, mã {}).",
                short_hash(&sha)
            ),
            sha256: sha,
        })
    }

    /// Opens a correction of a finalized level: the locked revision stays as
    /// it is; the next finalize writes a new revision carrying `reason`.
    pub fn reopen(&mut self, level: &str, reason: &str) -> Result<SummaryDto> {
        self.count_ctx(level)?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(
                "REASON_REQUIRED",
                "cần ghi lý do sửa biên bản đã khóa",
            ));
        }
        let at = clock::stamp(clock::now());
        self.store.write(|tx| {
            let last = tx
                .revisions(level)?
                .pop()
                .filter(|r| r.reopened.is_none())
                .ok_or_else(|| {
                    Error::refused(
                        "NOT_FINALIZED",
                        format!("biên bản cấp {level} chưa khóa; cứ sửa trực tiếp"),
                    )
                })?;
            tx.insert_reopen(level, last.revision, &at, &reason)?;
            tx.append_audit(&audit_row(
                &at,
                "reopen",
                format!("biên bản cấp {level}, bản số {}", last.revision),
                &reason,
                None,
                None,
            ))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(level);
        self.summary(level)
    }

    /// The counting overview: one line per level.
    pub fn count_overview(&self) -> Result<Vec<LevelCountState>> {
        let def = self.def()?;
        let mut out = Vec::new();
        for l in &def.levels {
            let Ok(s) = self.summary(&l.code) else {
                continue;
            };
            out.push(LevelCountState {
                code: l.code.clone(),
                name: l.name.clone(),
                method: s.method.clone(),
                status: s.status.clone(),
                inventory: s.inventory.is_some(),
                received: s.ballots_received,
                errors: u32::try_from(s.checks.iter().filter(|c| c.severity == "error").count())
                    .unwrap_or(0),
                warnings: u32::try_from(
                    s.checks
                        .iter()
                        .filter(|c| c.severity == "warning" && !c.accepted)
                        .count(),
                )
                .unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// The definition (for the forms).
    pub fn definition(&self) -> Result<&ElectionDefinition> {
        self.def()
    }
}

/// A final level reports the figures of its locked revision, whatever
/// changed in the database since (the paper and the JSON never disagree).
fn locked_figures(s: &mut SummaryDto, data: &str) {
    let Ok(v) = serde_json::from_str::<Value>(data) else { return };
    let f = &v["figures"];
    let n = |k: &str| u32::try_from(f[k].as_u64().unwrap_or(0)).unwrap_or(0);
    s.voters_listed = n("voters_listed");
    s.voters_voted = n("voters_voted");
    s.ballots_issued = n("ballots_issued");
    s.ballots_received = n("ballots_received");
    s.ballots_valid = n("ballots_valid");
    s.ballots_invalid = n("ballots_invalid");
    let map = |x: &Value| -> BTreeMap<String, u32> {
        x.as_object()
            .map(|m| m.iter().map(|(k, c)| (k.clone(), u32::try_from(c.as_u64().unwrap_or(0)).unwrap_or(0))).collect())
            .unwrap_or_default()
    };
    s.invalid_by_reason = map(&f["invalid_by_reason"]);
    s.ballots_by_kept = map(&f["ballots_by_kept"]);
    if let Some(cands) = v["candidates"].as_array() {
        for (dto, c) in s.candidates.iter_mut().zip(cands) {
            dto.votes = u32::try_from(c["votes"].as_u64().unwrap_or(0)).unwrap_or(0);
            let p = Percent::of(u64::from(dto.votes), u64::from(s.ballots_valid));
            dto.percent = p.as_f64();
            dto.percent_vi = p.vi();
        }
        s.votes = s.candidates.iter().map(|c| (c.id.clone(), c.votes)).collect();
        s.percent = s.candidates.iter().map(|c| (c.id.clone(), c.percent)).collect();
    }
}

fn sha_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn team_of(r: &impl Read) -> Result<TeamDto> {
    let mut t = TeamDto::default();
    for m in r.team()? {
        match m.role.as_str() {
            "leader" => t.leader = Some(m.name),
            "secretary" => t.secretary = Some(m.name),
            "member" => t.members.push(m.name),
            _ => t.witnesses.push(m.name),
        }
    }
    Ok(t)
}

fn team_json(t: &TeamDto) -> Value {
    json!({"leader": t.leader, "secretary": t.secretary, "members": t.members, "witnesses": t.witnesses})
}

fn revision_dto(r: &RevisionRow) -> RevisionDto {
    RevisionDto {
        revision: u32::try_from(r.revision).unwrap_or(0),
        finalized_at: r.finalized_at.clone(),
        reason: r.reason.clone(),
        sha256: r.sha256.clone(),
        reopened_at: r.reopened.as_ref().map(|x| x.0.clone()),
        reopen_reason: r.reopened.as_ref().map(|x| x.1.clone()),
    }
}

fn complaint_dto(c: ComplaintRow) -> ComplaintDto {
    let status_vi = match c.status.as_str() {
        "settled" => "Tổ đã giải quyết",
        "forwarded" => "Đã chuyển Ban bầu cử",
        _ => "Đã nhận, chưa giải quyết",
    };
    ComplaintDto {
        id: u32::try_from(c.id).unwrap_or(0),
        level: c.level,
        received_at: c.received_at,
        complainant: c.complainant,
        content: c.content,
        status: c.status,
        status_vi: status_vi.to_owned(),
        outcome: c.outcome,
        resolved_at: c.resolved_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{UnitChoice, DEMO_AREA, DEMO_ELECTION};

    fn open(path: &std::path::Path) -> App {
        App::open(path).unwrap_or_else(|e| panic!("{e}"))
    }

    // The desk's cached state follows changes made by another connection
    // (a second window, or the CLI on the same file).
    #[test]
    fn two_connections_keep_sequence_and_totals() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Internal(e.to_string()))?;
        let path = dir.path().join("t.sqlite");
        let mut a = open(&path);
        a.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()))?;
        let mut b = open(&path);
        assert_eq!(a.enter_ballot("XA", None, "1 2")?.ballot.seq, 1);
        assert_eq!(b.enter_ballot("XA", None, "3")?.ballot.seq, 2);
        let r = a.enter_ballot("XA", None, "-")?;
        assert_eq!(r.ballot.seq, 3);
        assert_eq!((r.live.received, r.live.valid, r.live.invalid), (3, 2, 1));
        b.undo_ballot("XA", "nhầm")?;
        let live = a.live_tally("XA")?;
        assert_eq!((live.received, live.valid), (2, 2));
        // Locked by the other connection (a revision written as finalize
        // writes it): the desk with its cached state refuses too.
        b.store.write(|tx| {
            tx.insert_revision(&RevisionRow {
                level: "XA".into(),
                revision: 1,
                finalized_at: "2026-03-15T21:00:00+07:00".into(),
                reason: String::new(),
                data: "{}".into(),
                sha256: "0".repeat(64),
                reopened: None,
            })?;
            Ok::<_, Error>(())
        })?;
        let e = a.enter_ballot("XA", None, "1").err().map(|e| e.code());
        assert_eq!(e, Some("LEVEL_FINALIZED"));
        Ok(())
    }
}
