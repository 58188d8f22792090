//! The summary of a level (figures, checks), accepted warnings, complaints,
//! and the minutes: canonical data, finalize into a locked revision, reopen.

use super::tally::{sheet_from_row, tally_outcome};
use super::{audit_row, by_reason_map, inventory_dto, inventory_of, short_hash, team_of, u32of, u64of};
use crate::convert::count_u32;
use crate::{clock, App, Error, ErrorCode, Result};
use serde_json::json;
use std::collections::BTreeMap;
use tobaucu_core::checks::{self, check_level, LevelFacts, RosterFacts, Severity, TallyState};
use tobaucu_core::count::{CountResult, Tally};
use tobaucu_core::election::Constituency;
use tobaucu_core::minutes::{
    AreaRef, CandidateLine, ComplaintLine, ConstituencyRef, ElectionRef, Explanation, Figures, IncidentLine, InventoryRef, LevelRef, Minutes, Opening, Person, TeamRef, Witness, CARRIED_CODES,
};
use tobaucu_core::percent::Percent;
use tobaucu_core::text::clean;
use tobaucu_ipc::{
    AcceptInput, CandidateResultDto, CheckDto, ComplaintDto, ComplaintInput, ComplaintResolveInput, ComplaintStatus, CountMethod, FinalizeResult, LevelCountState, MinutesStatus, RevisionDto,
    SummaryDto, TallySheetInput, TeamDto,
};
use tobaucu_store::{AcceptanceRow, ComplaintRow, CountRead, PaperRead, Read, RevisionRow};

/// The canonical data of a level's minutes, as printed.
pub struct MinutesData {
    pub data: Minutes,
    pub sha256: String,
    /// A locked revision (not a draft).
    pub locked: bool,
    /// Said on the paper of a revision a later correction replaced.
    pub superseded: Option<String>,
}

/// How a level was counted.
enum Method {
    None,
    Ballots(Tally),
    /// The entries and the decisions on their differing fields.
    Tally(Vec<TallySheetInput>, Vec<tobaucu_core::crosscheck::Decided>),
}

impl Method {
    fn kind(&self) -> CountMethod {
        match self {
            Method::None => CountMethod::None,
            Method::Ballots(_) => CountMethod::Ballots,
            Method::Tally(..) => CountMethod::Tally,
        }
    }
}

impl App {
    fn method(&self, r: &impl Read, level: &str, c: &Constituency) -> Result<Method> {
        let sheets = r.tally_entries(level)?;
        if !sheets.is_empty() {
            return Ok(Method::Tally(sheets.iter().map(|s| sheet_from_row(level, s)).collect::<Result<_>>()?, super::tally::decided(r, level)?));
        }
        let t = self.tally_of(r, level, c)?;
        if t.received() > 0 {
            return Ok(Method::Ballots(t));
        }
        Ok(Method::None)
    }

    // ---- summary and checks -----------------------------------------------

    fn count_result(method: &Method, c: &Constituency) -> (CountResult, TallyState) {
        match method {
            Method::None => (Tally::new(c.seats, c.candidates.len()).result(), TallyState::NotUsed),
            Method::Ballots(t) => (t.result(), TallyState::NotUsed),
            Method::Tally(sheets, decided) => tally_outcome(sheets, decided),
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
        let listed_per_level = listed.iter().map(|(code, n)| Ok((code.as_str(), u64of(*n)?))).collect::<Result<Vec<_>>>()?;
        let facts = LevelFacts {
            seats: c.seats,
            candidate_names: c.candidates.iter().map(|x| x.name.as_str()).collect(),
            listed: u64of(listed.get(level).copied().unwrap_or(0))?,
            participated: u64of(voted.get(level).copied().unwrap_or(0))?,
            inventory: inv_row.as_ref().map(inventory_of).transpose()?,
            result: Some(result.clone()),
            tally: tally_state,
            roster: RosterFacts {
                leader: team.leader.clone(),
                secretary: team.secretary.clone(),
                witnesses: team.witnesses.iter().map(|w| w.name.clone()).collect(),
                area_candidates: self.area_candidate_names()?,
            },
            other_levels,
            national_listed: tobaucu_core::minutes::national_listed(def, lv, c, listed_per_level),
        };
        let accepted: BTreeMap<String, String> = self.store.acceptances(level)?.into_iter().map(|a| (a.code, a.reason)).collect();
        // E02/E03 carried with an explanation after a recount.
        let explained: BTreeMap<String, String> = self.store.explanations(level)?.into_iter().map(|e| (e.code, e.reason)).collect();
        let found = check_level(&facts);
        let explained_codes: Vec<&str> = found.iter().filter(|k| explained.contains_key(k.code)).map(|k| k.code).collect();
        let may = checks::may_finalize(&found, &explained_codes);
        let checks_dto: Vec<CheckDto> = found
            .iter()
            .map(|k| {
                let reason = match k.severity {
                    Severity::Warning => accepted.get(k.code),
                    Severity::Error => explained.get(k.code).filter(|_| CARRIED_CODES.contains(&k.code)),
                };
                CheckDto {
                    code: k.code.to_owned(),
                    severity: crate::convert::severity(k.severity),
                    message: k.message.clone(),
                    next_step: k.next_step.to_owned(),
                    field: k.field.clone(),
                    accepted: reason.is_some(),
                    accepted_reason: reason.cloned(),
                }
            })
            .collect();
        let candidates: Vec<CandidateResultDto> = c
            .candidates
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let v = result.votes.get(i).copied().unwrap_or(0);
                let p = Percent::of(v, result.valid);
                Ok(CandidateResultDto { id: x.id.clone(), position: count_u32("vị trí trên phiếu", i + 1)?, name: x.name.clone(), votes: u32of(v)?, percent: p.as_f64(), percent_vi: p.vi() })
            })
            .collect::<Result<_>>()?;
        let revisions = self.store.revisions(level)?;
        let locked = revisions.last().is_some_and(|r| r.reopened.is_none());
        let mut s = SummaryDto {
            level: level.into(),
            level_name: lv.name.clone(),
            area: area.into(),
            constituency: c.id.clone(),
            constituency_name: c.name.clone(),
            seats: c.seats,
            voters_listed: u32of(facts.listed)?,
            voters_voted: u32of(facts.participated)?,
            ballots_issued: u32of(facts.inventory.map(|i| i.issued()).unwrap_or(0))?,
            ballots_received: u32of(result.received)?,
            ballots_valid: u32of(result.valid)?,
            ballots_invalid: u32of(result.invalid)?,
            invalid_by_reason: by_reason_map(&result.invalid_by_reason)?,
            votes: candidates.iter().map(|x| (x.id.clone(), x.votes)).collect(),
            percent: candidates.iter().map(|x| (x.id.clone(), x.percent)).collect(),
            ballots_by_kept: result.groups.as_ref().map(|g| g.iter().enumerate().map(|(i, n)| Ok(((i + 1).to_string(), u32of(*n)?))).collect::<Result<_>>()).transpose()?.unwrap_or_default(),
            candidates,
            checks: checks_dto,
            method: method.kind(),
            status: if locked { MinutesStatus::Final } else { MinutesStatus::Draft },
            may_finalize: may,
            inventory: inv_row.as_ref().map(inventory_dto).transpose()?,
            minutes_sha256: String::new(),
            revisions: revisions.iter().map(revision_dto).collect::<Result<_>>()?,
        };
        s.minutes_sha256 = match revisions.last() {
            Some(r) if locked => {
                locked_figures(&mut s, r)?;
                r.sha256.clone()
            }
            _ => {
                let data = self.minutes_data_of(&s, &team, revisions.len() as u32 + 1, &self.pending_reason(level)?)?;
                sha_hex(&data.to_canonical())
            }
        };
        Ok(s)
    }

    fn pending_reason(&self, level: &str) -> Result<String> {
        Ok(self.store.revisions(level)?.last().and_then(|r| r.reopened.as_ref().map(|(_, why)| why.clone())).unwrap_or_default())
    }

    /// The canonical data of a level's minutes: what the paper says and the
    /// SHA-256 printed on every page is taken over.
    fn minutes_data_of(&self, s: &SummaryDto, team: &TeamDto, revision: u32, reason: &str) -> Result<Minutes> {
        let def = self.def()?;
        let unit = self.store.unit()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let area = def.area(&s.area);
        let complaints: Vec<ComplaintLine> = self
            .complaints()?
            .into_iter()
            .filter(|c| c.level.as_deref().is_none_or(|l| l == s.level))
            .map(|c| ComplaintLine { id: c.id, complainant: c.complainant, content: c.content, status: c.status.as_str().to_owned(), outcome: c.outcome })
            .collect();
        let widen = |m: &BTreeMap<String, u32>| m.iter().map(|(k, v)| (k.clone(), u64::from(*v))).collect();
        let mut doc = Minutes {
            format: tobaucu_core::minutes::FORMAT_V2.to_owned(),
            election: ElectionRef {
                id: def.election.id.clone(),
                name: def.election.name.clone(),
                date: def.election.date.to_string(),
                mode: def.election.mode.as_str().to_owned(),
                definition_sha256: unit.election_sha256,
            },
            area: AreaRef { id: s.area.0.clone(), number: area.map(|a| a.number), name: area.map(|a| a.name.clone()), commune: area.map(|a| a.commune.clone()) },
            level: LevelRef { code: s.level.0.clone(), name: s.level_name.clone() },
            constituency: ConstituencyRef { id: s.constituency.clone(), name: s.constituency_name.clone(), seats: s.seats },
            team: TeamRef {
                leader: team.leader.clone(),
                secretary: team.secretary.clone(),
                members: team.members.clone(),
                witnesses: team.witnesses.iter().map(|w| Witness::Person(Person { name: w.name.clone(), address: w.address.clone() })).collect(),
            },
            figures: Figures {
                voters_listed: u64::from(s.voters_listed),
                voters_voted: u64::from(s.voters_voted),
                ballots_issued: u64::from(s.ballots_issued),
                ballots_received: u64::from(s.ballots_received),
                ballots_valid: u64::from(s.ballots_valid),
                ballots_invalid: u64::from(s.ballots_invalid),
                invalid_by_reason: widen(&s.invalid_by_reason),
                ballots_by_kept: widen(&s.ballots_by_kept),
            },
            inventory: s.inventory.as_ref().map(|i| InventoryRef { received: u64::from(i.received), unused: u64::from(i.unused), spoiled: u64::from(i.spoiled), issued: u64::from(i.issued) }),
            candidates: s.candidates.iter().map(|c| CandidateLine { id: c.id.clone(), position: c.position, name: c.name.clone(), votes: u64::from(c.votes), percent: c.percent_vi.clone() }).collect(),
            complaints,
            revision,
            correction_reason: reason.to_owned(),
            opening: Some(Opening { time: self.store.voting_time("opening")?, witnesses: self.store.opening_witnesses()?.into_iter().map(|p| Person { name: p.name, address: p.address }).collect() }),
            closing_time: self.store.voting_time("closing")?,
            incidents: self.store.incidents()?.into_iter().map(|i| IncidentLine { time: i.time, what: i.what, handled: i.handled }).collect(),
            recommendations: self.store.recommendations()?.into_iter().map(|r| r.text).collect(),
            explanations: accepted_once(&s.checks, tobaucu_ipc::Severity::Error),
            // Issue 15 item 5: accepted warnings travel signed.
            accepted: accepted_once(&s.checks, tobaucu_ipc::Severity::Warning),
            completed_at: None,
            round: c_round(def, &s.constituency),
        };
        doc.clean_texts();
        Ok(doc)
    }

    /// The data the minutes form prints: the locked revision's when final,
    /// otherwise the current draft.
    pub fn minutes_data(&self, level: &str) -> Result<(Minutes, String, bool)> {
        let m = self.minutes_revision_data(level, None)?;
        Ok((m.data, m.sha256, m.locked))
    }

    /// The data of one locked revision (`Some(n)`), or of the level's
    /// current minutes (`None`: the locked revision when final, otherwise
    /// the draft). A revision that a later one replaced says so.
    pub fn minutes_revision_data(&self, level: &str, revision: Option<u32>) -> Result<MinutesData> {
        let revisions = self.store.revisions(level)?;
        if let Some(n) = revision {
            self.count_ctx(level)?;
            let i = revisions
                .iter()
                .position(|r| r.revision == i64::from(n))
                .ok_or_else(|| Error::refused(ErrorCode::NoRevision, format!("cấp {level} không có bản biên bản số {n} (đã khóa {} bản)", revisions.len())))?;
            let r = &revisions[i];
            let data = locked_data(r)?;
            let superseded = match (revisions.get(i + 1), &r.reopened) {
                (Some(next), _) => Some(format!("BẢN NÀY ĐÃ ĐƯỢC THAY THẾ BỞI BẢN SỐ {}", next.revision)),
                (None, Some((_, why))) => Some(format!("BẢN NÀY ĐÃ ĐƯỢC MỞ ĐỂ SỬA: {why}")),
                (None, None) => None,
            };
            return Ok(MinutesData { data, sha256: r.sha256.clone(), locked: true, superseded });
        }
        let s = self.summary(level)?;
        if s.status == MinutesStatus::Final {
            if let Some(r) = revisions.last() {
                let data = locked_data(r)?;
                return Ok(MinutesData { data, sha256: r.sha256.clone(), locked: true, superseded: None });
            }
        }
        let team = self.team()?;
        let data = self.minutes_data_of(&s, &team, revisions.len() as u32 + 1, &self.pending_reason(level)?)?;
        let sha256 = sha_hex(&data.to_canonical());
        Ok(MinutesData { data, sha256, locked: false, superseded: None })
    }

    /// Accepts a warning with the Tổ trưởng's written reason (kept in the
    /// audit log; printed nowhere).
    pub fn accept_warning(&mut self, a: &AcceptInput) -> Result<SummaryDto> {
        self.count_ctx(&a.level)?;
        let reason = clean(&a.reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do chấp nhận cảnh báo"));
        }
        let code = a.code.trim().to_uppercase();
        let s = self.summary(&a.level)?;
        match s.checks.iter().find(|c| c.code == code) {
            Some(c) if c.severity == tobaucu_ipc::Severity::Warning => {}
            // Received above issued, issued above participants: after a
            // recount the Tổ trưởng may carry it into the minutes with a
            // written explanation, printed in item 7 (issue 12 §7).
            Some(_) if CARRIED_CODES.contains(&code.as_str()) => {
                if self.store.recounts(&a.level)? == 0 {
                    return Err(Error::refused(
                        ErrorCode::RecountRequired,
                        format!("{code} chỉ được ghi vào biên bản kèm giải trình sau khi Tổ đã kiểm lại phiếu; hãy kiểm lại rồi ghi: tobaucu count recount --level {}", a.level),
                    ));
                }
                let at = clock::stamp(self.now());
                self.store.write(|tx| {
                    Self::refuse_if_locked(tx, &a.level)?;
                    tx.upsert_explanation(&tobaucu_store::ExplanationRow { level: a.level.0.clone(), code: code.clone(), reason: reason.clone(), recorded_at: at.clone() })?;
                    tx.append_audit(&audit_row(
                        &at,
                        "count.explain",
                        format!("cấp {}, lỗi {code} ghi vào biên bản kèm giải trình", a.level),
                        &reason,
                        None,
                        Some(json!({"level": a.level, "code": code})),
                    ))?;
                    Ok::<_, Error>(())
                })?;
                return self.summary(&a.level);
            }
            Some(_) => return Err(Error::refused(ErrorCode::CheckIsError, format!("{code} là lỗi, không thể chấp nhận; phải sửa số liệu"))),
            None => return Err(Error::refused(ErrorCode::CheckNotFailed, format!("cấp {} hiện không có cảnh báo {code}", a.level))),
        }
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &a.level)?;
            tx.upsert_acceptance(&AcceptanceRow { level: a.level.0.clone(), code: code.clone(), reason: reason.clone(), accepted_at: at.clone() })?;
            tx.append_audit(&audit_row(&at, "count.accept", format!("cấp {}, cảnh báo {code}", a.level), &reason, None, None))?;
            Ok::<_, Error>(())
        })?;
        self.summary(&a.level)
    }

    // ---- complaints --------------------------------------------------------

    pub fn complaints(&self) -> Result<Vec<ComplaintDto>> {
        self.store.complaints()?.into_iter().map(complaint_dto).collect()
    }

    pub fn add_complaint(&mut self, c: &ComplaintInput) -> Result<ComplaintDto> {
        self.def()?;
        let content = clean(&c.content);
        if content.is_empty() {
            return Err(Error::refused(ErrorCode::Complaint, "cần ghi nội dung khiếu nại, tố cáo"));
        }
        if let Some(l) = &c.level {
            self.count_ctx(l)?;
        }
        let at = clock::stamp(self.now());
        let row = ComplaintRow {
            id: 0,
            level: c.level.clone().map(String::from),
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
            tx.append_audit(&audit_row(&at, "complaint.add", format!("khiếu nại số {id}"), "", None, Some(json!({"level": row.level, "complainant": row.complainant, "content": row.content}))))?;
            Ok::<_, Error>(id)
        })?;
        self.store.complaint(id)?.map(complaint_dto).ok_or_else(|| Error::Internal("khiếu nại vừa ghi không đọc lại được".into()))?
    }

    /// Settled by the team (with the outcome) or forwarded to the Ban bầu cử
    /// (with the team's opinion).
    pub fn resolve_complaint(&mut self, r: &ComplaintResolveInput) -> Result<ComplaintDto> {
        self.def()?;
        if r.status == ComplaintStatus::Received {
            return Err(Error::refused(ErrorCode::Complaint, "trạng thái phải là settled (đã giải quyết) hoặc forwarded (chuyển Ban bầu cử)"));
        }
        let outcome = clean(&r.outcome);
        if outcome.is_empty() {
            return Err(Error::refused(ErrorCode::Complaint, "cần ghi kết quả giải quyết hoặc ý kiến của Tổ khi chuyển"));
        }
        let id = i64::from(r.id);
        let at = clock::stamp(self.now());
        let levels = self.def()?.level_codes();
        self.store.write(|tx| {
            let c = tx.complaint(id)?.ok_or_else(|| Error::refused(ErrorCode::Complaint, format!("không có khiếu nại số {id}")))?;
            match &c.level {
                Some(l) => Self::refuse_if_locked(tx, l)?,
                None => {
                    for l in &levels {
                        Self::refuse_if_locked(tx, l)?;
                    }
                }
            }
            tx.resolve_complaint(id, r.status.as_str(), &outcome, &at)?;
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
        self.store.complaint(id)?.map(complaint_dto).ok_or_else(|| Error::Internal("khiếu nại không đọc lại được".into()))?
    }

    // ---- finalize ------------------------------------------------------------

    /// `finalize --level L`: locks the minutes as a new revision with its
    /// canonical data and SHA-256; refused while a blocking check fails.
    /// Needs the Tổ trưởng's passphrase once the unit has a signing key.
    pub fn finalize(&mut self, level: &str, pass: Option<&str>) -> Result<FinalizeResult> {
        let s = self.summary(level)?;
        if s.status == MinutesStatus::Final {
            return Err(Error::refused(ErrorCode::LevelFinalized, format!("biên bản cấp {level} đã khóa (bản số {})", s.revisions.len())));
        }
        let errors: Vec<&CheckDto> = s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Error && !c.accepted).collect();
        if !errors.is_empty() {
            return Err(Error::Refused {
                code: ErrorCode::ChecksFailed,
                message: format!("chưa thể hoàn tất biên bản cấp {level}: còn {} lỗi phải sửa", errors.len()),
                problems: errors.iter().map(|c| format!("{}: {} → {}", c.code, c.message, c.next_step)).collect(),
            });
        }
        // Counting happens on the main laptop (several desks, issue 14).
        self.refuse_on_desk("khóa biên bản")?;
        let desk_warning = self.desk_unmerged_warning()?;
        self.guard(pass, &format!("khóa biên bản cấp {level}"))?;
        let (mut data, _, _) = self.minutes_data(level)?;
        let revision = s.revisions.len() as u32 + 1;
        let reason = self.pending_reason(level)?;
        let at = clock::stamp(self.now());
        // "Biên bản này được hoàn thành vào hồi …" (Mẫu 18 note (8), Mẫu
        // 23 note (9): "thời điểm kết thúc việc kiểm phiếu"): the first
        // lock of the level. A later revision corrects the record but does
        // not move the end of the count.
        let first_lock = s.revisions.first().map(|r| r.finalized_at.clone());
        data.completed_at = Some(first_lock.unwrap_or_else(|| at.clone()));
        let text = data.to_canonical();
        let sha = sha_hex(&text);
        let warnings: Vec<String> = s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Warning).map(|c| c.code.clone()).collect();
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
            tx.append_audit(&audit_row(&at, "finalize", format!("biên bản cấp {level}, bản số {revision}"), &reason, None, Some(json!({"sha256": sha, "warnings": warnings}))))?;
            if let Some(w) = &desk_warning {
                tx.append_audit(&audit_row(&at, "desk.finalize_warning", format!("biên bản cấp {level}, bản số {revision}"), w, None, None))?;
            }
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(level);
        Ok(FinalizeResult {
            desk_warning,
            level: level.into(),
            revision,
            short_hash: short_hash(&sha),
            message: format!("Đã khóa biên bản kết quả kiểm phiếu cấp {level} (bản số {revision}, mã {}).", short_hash(&sha)),
            sha256: sha,
        })
    }

    /// Opens a correction of a finalized level: the locked revision stays as
    /// it is; the next finalize writes a new revision carrying `reason`.
    /// Guarded like [`App::finalize`] (issue 11 §8): once the unit has a
    /// signing key, mở bản sửa đổi needs the Tổ trưởng's passphrase.
    pub fn reopen(&mut self, level: &str, reason: &str, pass: Option<&str>) -> Result<SummaryDto> {
        self.count_ctx(level)?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do sửa biên bản đã khóa"));
        }
        // Refuse what would be refused anyway before asking for the key.
        if self.store.revisions(level)?.last().is_none_or(|r| r.reopened.is_some()) {
            return Err(Error::refused(ErrorCode::NotFinalized, format!("biên bản cấp {level} chưa khóa; cứ sửa trực tiếp")));
        }
        self.guard(pass, &format!("mở bản sửa đổi biên bản cấp {level}"))?;
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            let last =
                tx.revisions(level)?.pop().filter(|r| r.reopened.is_none()).ok_or_else(|| Error::refused(ErrorCode::NotFinalized, format!("biên bản cấp {level} chưa khóa; cứ sửa trực tiếp")))?;
            tx.insert_reopen(level, last.revision, &at, &reason)?;
            tx.append_audit(&audit_row(&at, "reopen", format!("biên bản cấp {level}, bản số {}", last.revision), &reason, None, Some(json!({"level": level, "revision": last.revision}))))?;
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
                code: l.code.clone().into(),
                name: l.name.clone(),
                method: s.method,
                status: s.status,
                inventory: s.inventory.is_some(),
                received: s.ballots_received,
                errors: crate::convert::count_u32("số lỗi", s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Error).count())?,
                warnings: crate::convert::count_u32("số cảnh báo", s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Warning && !c.accepted).count())?,
            });
        }
        Ok(out)
    }
}

/// The round a constituency stands for, when it is a later round.
fn c_round(def: &tobaucu_core::election::ElectionDefinition, constituency: &str) -> Option<tobaucu_core::minutes::RoundRef> {
    def.constituency(constituency).and_then(|c| c.round_of.as_ref()).map(|r| tobaucu_core::minutes::RoundRef { number: r.number, kind: r.kind.clone() })
}

/// A locked revision's data, read once and strictly: the stored text must
/// be the canonical minutes whose SHA-256 was locked (an edit behind the
/// app's back is refused, not shown).
fn locked_data(r: &RevisionRow) -> Result<Minutes> {
    if sha_hex(&r.data) != r.sha256 {
        return Err(Error::refused(
            ErrorCode::MinutesTampered,
            format!("dữ liệu biên bản đã khóa cấp {} bản số {} không khớp mã số liệu đã khóa: cơ sở dữ liệu đã bị sửa ngoài ứng dụng", r.level, r.revision),
        ));
    }
    Minutes::parse(r.data.as_bytes()).map_err(|e| Error::refused(ErrorCode::MinutesTampered, format!("dữ liệu biên bản đã khóa cấp {} bản số {}: {e}", r.level, r.revision)))
}

/// A final level reports the figures of its locked revision, whatever
/// changed in the database since (the paper and the JSON never disagree).
fn locked_figures(s: &mut SummaryDto, r: &RevisionRow) -> Result<()> {
    let m = locked_data(r)?;
    let f = &m.figures;
    s.voters_listed = u32of(f.voters_listed)?;
    s.voters_voted = u32of(f.voters_voted)?;
    s.ballots_issued = u32of(f.ballots_issued)?;
    s.ballots_received = u32of(f.ballots_received)?;
    s.ballots_valid = u32of(f.ballots_valid)?;
    s.ballots_invalid = u32of(f.ballots_invalid)?;
    let narrow = |x: &BTreeMap<String, u64>| -> Result<BTreeMap<String, u32>> { x.iter().map(|(k, v)| Ok((k.clone(), u32of(*v)?))).collect() };
    s.invalid_by_reason = narrow(&f.invalid_by_reason)?;
    s.ballots_by_kept = narrow(&f.ballots_by_kept)?;
    for (dto, c) in s.candidates.iter_mut().zip(&m.candidates) {
        dto.votes = u32of(c.votes)?;
        let p = Percent::of(c.votes, f.ballots_valid);
        dto.percent = p.as_f64();
        dto.percent_vi = p.vi();
    }
    s.votes = s.candidates.iter().map(|c| (c.id.clone(), c.votes)).collect();
    s.percent = s.candidates.iter().map(|c| (c.id.clone(), c.percent)).collect();
    Ok(())
}

fn sha_hex(s: &str) -> String {
    tobaucu_core::audit::sha256_hex(s.as_bytes())
}
fn revision_dto(r: &RevisionRow) -> Result<RevisionDto> {
    Ok(RevisionDto {
        revision: crate::convert::stored_u32("số lần hoàn tất biên bản", r.revision)?,
        finalized_at: r.finalized_at.clone(),
        reason: r.reason.clone(),
        sha256: r.sha256.clone(),
        reopened_at: r.reopened.as_ref().map(|x| x.0.clone()),
        reopen_reason: r.reopened.as_ref().map(|x| x.1.clone()),
    })
}

fn complaint_dto(c: ComplaintRow) -> Result<ComplaintDto> {
    let status = crate::convert::stored_word("trạng thái khiếu nại", &c.status, ComplaintStatus::parse)?;
    Ok(ComplaintDto {
        id: crate::convert::stored_u32("số khiếu nại", c.id)?,
        level: c.level.map(Into::into),
        received_at: c.received_at,
        complainant: c.complainant,
        content: c.content,
        status,
        status_vi: status.vi().to_owned(),
        outcome: c.outcome,
        resolved_at: c.resolved_at,
    })
}

/// The checks of `severity` accepted with a reason, one line per code (a
/// code raised for several candidates, as W04, is accepted once).
fn accepted_once(checks: &[CheckDto], severity: tobaucu_ipc::Severity) -> Vec<Explanation> {
    let by_code: BTreeMap<&str, &str> = checks.iter().filter(|c| c.severity == severity && c.accepted).filter_map(|c| Some((c.code.as_str(), c.accepted_reason.as_deref()?))).collect();
    by_code.into_iter().map(|(code, reason)| Explanation { code: code.to_owned(), reason: reason.to_owned() }).collect()
}
