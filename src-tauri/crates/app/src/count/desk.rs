//! The counting desk: ballots typed one by one in recorders' batches, the
//! running state of each level, undo, and ballots files.
//!
//! The running state of each level is cached and read again only when
//! `PRAGMA data_version` says another connection wrote.

use super::{audit_row, by_reason_map, u32of};
use crate::convert::{count_u32, stored_u32};
use crate::{clock, App, Error, ErrorCode, Result};
use serde_json::json;
use sha2::{Digest, Sha256};
use tobaucu_core::count::{parse_ballots, parse_mark, Ballot, InvalidReason, Tally};
use tobaucu_core::election::Constituency;
use tobaucu_core::text::clean;
use tobaucu_ipc::{BallotDto, BallotEntryResult, BallotsFileReport, BatchDto, LiveCandidateDto, LiveTallyDto};
use tobaucu_store::{BallotRow, CountRead, Positions, Read};

/// The most ballots one file may hold (4,000 voters is the legal maximum of
/// an area; leave room for a hospital area's extra lists).
const MAX_BALLOTS_PER_FILE: usize = 20_000;

/// A stored ballot back as a domain ballot of constituency `c`: a valid
/// one keeps 1 to `seats` names, each on the ballot (what the desk and a
/// ballots file accept). Any other row was written outside the app: refused
/// (DB_CORRUPT), never counted as the votes it happens to spell.
pub(super) fn ballot_of(row: &BallotRow, c: &Constituency) -> Result<Ballot> {
    let damaged = |why: &str| Error::refused(ErrorCode::DbCorrupt, format!("phiếu số {} cấp {} trong cơ sở dữ liệu {why}: tệp có thể đã bị sửa ngoài ứng dụng; không cộng", row.seq, row.level));
    if let Some(code) = row.invalid_reason.as_deref() {
        return InvalidReason::parse(code).map(Ballot::Invalid).ok_or_else(|| damaged(&format!("ghi lý do không hợp lệ lạ \"{code}\"")));
    }
    let kept = row.kept.as_ref().map(|k| k.0.clone()).unwrap_or_default();
    if kept.is_empty() || u32::try_from(kept.len()).map_or(true, |n| n > c.seats) {
        return Err(damaged(&format!("là phiếu hợp lệ giữ lại {} người (cần từ 1 đến {})", kept.len(), c.seats)));
    }
    if kept.iter().any(|p| usize::from(*p) > c.candidates.len()) {
        return Err(damaged(&format!("giữ lại người ở vị trí không có trên phiếu (phiếu có {} người)", c.candidates.len())));
    }
    Ok(Ballot::Valid(kept))
}

fn ballot_text(b: &Ballot) -> String {
    match b {
        Ballot::Valid(k) => format!("Hợp lệ — giữ {} người: {}", k.len(), k.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")),
        Ballot::Invalid(InvalidReason::AllStruck) => "Không hợp lệ — gạch hết tên".to_owned(),
        Ballot::Invalid(InvalidReason::TooMany) => "Không hợp lệ — giữ quá số đại biểu được bầu".to_owned(),
        Ballot::Invalid(InvalidReason::NotOfficial) => "Không hợp lệ — không theo mẫu".to_owned(),
        Ballot::Invalid(InvalidReason::NoStamp) => "Không hợp lệ — không có dấu".to_owned(),
        Ballot::Invalid(InvalidReason::Added) => "Không hợp lệ — ghi thêm".to_owned(),
    }
}

fn ballot_dto(row: &BallotRow, b: &Ballot) -> Result<BallotDto> {
    Ok(BallotDto {
        seq: stored_u32("số thứ tự phiếu", row.seq)?,
        batch_id: stored_u32("số lượt nhập phiếu", row.batch_id)?.into(),
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
    })
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

impl App {
    // ---- ballots ----------------------------------------------------------

    /// The live tally of a level, from the ballots not undone.
    pub(super) fn tally_of(&self, r: &impl Read, level: &str, c: &Constituency) -> Result<Tally> {
        let mut t = Tally::new(c.seats, c.candidates.len());
        for row in r.ballots(level)? {
            if !row.undone {
                t.add(&ballot_of(&row, c)?);
            }
        }
        Ok(t)
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
            .map(|b| Ok(BatchDto { id: stored_u32("số lượt nhập phiếu", b.id)?, recorder: b.recorder, source: b.source, created_at: b.created_at, ballots: 0, valid: 0, invalid: 0 }))
            .collect::<Result<_>>()?;
        let mut last = None;
        let next_seq = ballots.last().map_or(0, |b| b.seq) + 1;
        for row in ballots.iter().filter(|b| !b.undone) {
            let b = ballot_of(row, c)?;
            tally.add(&b);
            if let Some(bd) = batches.iter_mut().find(|x| i64::from(x.id) == row.batch_id) {
                bd.ballots += 1;
                if b.is_valid() {
                    bd.valid += 1;
                } else {
                    bd.invalid += 1;
                }
            }
            last = Some(ballot_dto(row, &b)?);
        }
        let locked = Self::is_locked(&self.store, level)?;
        let tally_sheet = !self.store.tally_entries(level)?.is_empty();
        let l = LevelLive { version, tally, batches, last, next_seq, locked, tally_sheet };
        self.tallies.insert(level.to_owned(), l.clone());
        Ok(l)
    }

    fn live_dto(&self, level: &str, c: &Constituency, l: &LevelLive) -> Result<LiveTallyDto> {
        let t = &l.tally;
        Ok(LiveTallyDto {
            level: level.into(),
            seats: c.seats,
            received: u32of(t.received())?,
            valid: u32of(t.valid)?,
            invalid: u32of(t.invalid())?,
            invalid_by_reason: by_reason_map(&t.invalid_by_reason)?,
            groups: t.groups.iter().map(|x| u32of(*x)).collect::<Result<_>>()?,
            candidates: c
                .candidates
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    Ok(LiveCandidateDto { position: count_u32("vị trí trên phiếu", i + 1)?, id: x.id.clone(), name: x.name.clone(), votes: u32of(t.votes.get(i).copied().unwrap_or(0))? })
                })
                .collect::<Result<_>>()?,
            batches: l.batches.clone(),
            last: l.last.clone(),
            locked: l.locked,
        })
    }

    fn refuse_if_tally_sheet(r: &impl Read, level: &str) -> Result<()> {
        if !r.tally_entries(level)?.is_empty() {
            return Err(Error::refused(ErrorCode::MethodMixed, format!("cấp {level} đã được nhập theo bảng kiểm phiếu giấy; không nhập thêm từng phiếu")));
        }
        Ok(())
    }

    /// Starts a recorder's batch at the desk.
    pub fn start_batch(&mut self, level: &str, recorder: &str) -> Result<BatchDto> {
        self.count_ctx(level)?;
        let recorder = clean(recorder);
        let at = clock::stamp(self.now());
        let id = self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            Self::refuse_if_tally_sheet(tx, level)?;
            let id = tx.insert_batch(level, &recorder, "bàn kiểm phiếu", &at)?;
            tx.append_audit(&audit_row(&at, "count.batch", format!("cấp {level}, lượt {id}"), "", None, Some(json!({"recorder": recorder}))))?;
            Ok::<_, Error>(id)
        })?;
        self.tallies.remove(level);
        Ok(BatchDto { id: stored_u32("số lượt nhập phiếu", id)?, recorder, source: "bàn kiểm phiếu".into(), created_at: at, ballots: 0, valid: 0, invalid: 0 })
    }

    /// One ballot typed at the desk (`1 3 5`, `-`, or `INVALID khong_co_dau`),
    /// stored as one durable row with the next sequence number.
    pub fn enter_ballot(&mut self, level: &str, batch: Option<u32>, line: &str) -> Result<BallotEntryResult> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let mark = match parse_mark(line, c.candidates.len()) {
            Ok(Some(m)) => m,
            Ok(None) => return Err(Error::refused(ErrorCode::BallotEmpty, "chưa ghi gì: gõ số thứ tự các tên được giữ lại, \"-\" nếu gạch hết, hoặc phím lý do không hợp lệ")),
            Err(e) => return Err(Error::refused(ErrorCode::BallotInvalidInput, e.to_string())),
        };
        let ballot = Ballot::decide(&mark, c.seats);
        let mut live = self.live_state(level, &c)?;
        let at = clock::stamp(self.now());
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
                        Some(Positions(k))
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
            row.id = tx.insert_ballot(&row).map_err(|e| if e.is_foreign_key() { Error::refused(ErrorCode::BatchUnknown, format!("không có lượt nhập số {batch_id}")) } else { Error::from(e) })?;
            // Every change is in the chained log, each ballot too.
            tx.append_audit(&audit_row(
                &at,
                "count.ballot",
                format!("cấp {level}, phiếu số {seq}"),
                "",
                None,
                Some(json!({"kept": row.kept.as_ref().map(Positions::text), "invalid_reason": row.invalid_reason, "batch": batch_id, "level": level})),
            ))?;
            Ok::<_, Error>((row, new_batch))
        })?;
        let dto = ballot_dto(&row, &ballot)?;
        live.tally.add(&ballot);
        if new_batch {
            live.batches.push(BatchDto {
                id: stored_u32("số lượt nhập phiếu", row.batch_id)?,
                recorder: String::new(),
                source: "bàn kiểm phiếu".into(),
                created_at: at.clone(),
                ballots: 0,
                valid: 0,
                invalid: 0,
            });
        }
        match live.batches.iter_mut().find(|b| i64::from(b.id) == row.batch_id) {
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
        live.version = if live.version == -1 { -1 } else { self.store.data_version()? };
        self.tallies.insert(level.to_owned(), live.clone());
        let message = format!("Phiếu số {}: {}", row.seq, dto.text_vi);
        let live = self.live_dto(level, &c, &live)?;
        Ok(BallotEntryResult { ballot: dto, live, message })
    }

    /// Undo of the last ballot still counted (the row stays, marked).
    pub fn undo_ballot(&mut self, level: &str, reason: &str) -> Result<BallotEntryResult> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let reason = match clean(reason) {
            r if r.is_empty() => "Nhập nhầm".to_owned(),
            r => r,
        };
        let at = clock::stamp(self.now());
        let row = self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            let last = tx.last_live_ballot(level)?.ok_or_else(|| Error::refused(ErrorCode::NothingToUndo, format!("cấp {level} chưa có phiếu nào để hủy")))?;
            tx.undo_ballot(last.id, &at, &reason)?;
            tx.append_audit(&audit_row(
                &at,
                "count.ballot.undo",
                format!("cấp {level}, phiếu số {}", last.seq),
                &reason,
                Some(json!({"kept": last.kept.as_ref().map(Positions::text), "invalid_reason": last.invalid_reason})),
                Some(json!({"level": level})),
            ))?;
            Ok::<_, Error>(last)
        })?;
        let b = ballot_of(&row, &c)?;
        self.tallies.remove(level);
        let state = self.live_state(level, &c)?;
        let dto = ballot_dto(&row, &b)?;
        let message = format!("Đã hủy phiếu số {} ({})", row.seq, dto.text_vi);
        let live = self.live_dto(level, &c, &state)?;
        Ok(BallotEntryResult { ballot: dto, live, message })
    }

    /// `count ballots --level L FILE`: appends every ballot of the file as
    /// one batch, or refuses the whole file with its line numbers.
    pub fn count_ballots_file(&mut self, level: &str, file_name: &str, bytes: &[u8], recorder: &str) -> Result<BallotsFileReport> {
        let (_, c, _) = self.count_ctx(level)?;
        let c = c.clone();
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Error::refused(ErrorCode::BallotsInvalid, format!("{file_name}, dòng {line}: tệp không phải văn bản UTF-8"))
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let ballots = parse_ballots(text, c.candidates.len(), c.seats).map_err(|errs| Error::Refused {
            code: ErrorCode::BallotsInvalid,
            message: format!("{file_name}: {} dòng không đọc được; chưa ghi phiếu nào", errs.len()),
            problems: errs.iter().take(500).map(|e| format!("{file_name}, dòng {}: {}", e.line, e.message)).collect(),
        })?;
        if ballots.len() > MAX_BALLOTS_PER_FILE {
            return Err(Error::refused(ErrorCode::BallotsInvalid, format!("{file_name}: {} phiếu, vượt giới hạn {MAX_BALLOTS_PER_FILE} phiếu của một tệp", ballots.len())));
        }
        if ballots.is_empty() {
            return Err(Error::refused(ErrorCode::BallotsInvalid, format!("{file_name}: tệp không có phiếu nào")));
        }
        let recorder = clean(recorder);
        let at = clock::stamp(self.now());
        let digest: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
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
                        Ballot::Valid(k) => Some(Positions(k.clone())),
                        Ballot::Invalid(InvalidReason::AllStruck) => Some(Positions::default()),
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
            tx.append_audit(&audit_row(
                &at,
                "count.ballots_file",
                format!("cấp {level}: {file_name}"),
                "",
                None,
                Some(json!({"file": file_name, "sha256": digest, "ballots": ballots.len(), "batch": batch_id, "level": level})),
            ))?;
            Ok::<_, Error>(batch_id)
        })?;
        self.tallies.remove(level);
        let t = self.live_state(level, &c)?.tally;
        let valid = ballots.iter().filter(|b| b.is_valid()).count();
        Ok(BallotsFileReport {
            level: level.into(),
            file: file_name.to_owned(),
            batch_id: stored_u32("số lượt nhập phiếu", batch_id)?.into(),
            ballots: count_u32("số phiếu của tệp", ballots.len())?,
            valid: count_u32("số phiếu hợp lệ của tệp", valid)?,
            invalid: count_u32("số phiếu không hợp lệ của tệp", ballots.len().saturating_sub(valid))?,
            total_received: u32of(t.received())?,
        })
    }
}
