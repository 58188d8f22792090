//! Ban bầu cử at a board: what the board records for each constituency's
//! minutes (biên bản xác định kết quả bầu cử, Mẫu 19/HĐBC-QH and
//! 24/HĐBC-HĐND of NQ 40/NQ-HĐBCQG) — the Ban's roster (Trưởng ban, Phó
//! Trưởng ban, Ủy viên), the meeting's time and place, the events, the
//! complaints the Ban settled or forwarded, the attached documents — and
//! the rounds it declares (bầu cử lại, Art. 80; bầu cử thêm, Art. 79).
//! Every change is one transaction with its audit entry.

use crate::ErrorCode;
use chrono::{NaiveDate, NaiveTime};
use serde_json::{json, Value};
use tobaucu_core::election::ElectionDefinition;
use tobaucu_core::minutes::ComplaintLine;
use tobaucu_core::results::{next_round, RoundKind};
use tobaucu_core::text::{clean, fold};
use tobaucu_ipc::{BoardFactsDto, BoardNoteInput, BoardTeamInput, RoundDeclaredDto, TeamComplaintDto};
use tobaucu_store::{BoardMeetingRow, BoardRead, BoardRoundRow};

use super::results::AreaNotes;
use crate::convert::audit_entry;
use crate::forms::{explanation_text, incident_text};
use crate::{clock, App, Error, Result};

/// "Tổ bầu cử khu vực bỏ phiếu số 4 (Thôn Tràng Sơn)": the team that
/// recorded something in its minutes, as the Ban's minutes name it.
fn team_of(def: &ElectionDefinition, area: &str) -> String {
    match def.area(area) {
        Some(a) => format!("Tổ bầu cử khu vực bỏ phiếu số {} ({})", a.number, a.name),
        None => format!("Tổ bầu cử khu vực bỏ phiếu {area}"),
    }
}

/// "X0412-KV04#1": a complaint of an area's minutes, as `board-note
/// --ban-settled`/`--ban-forwarded` name it.
fn reference(area: &str, id: u32) -> String {
    format!("{area}#{id}")
}

/// "Tổ bầu cử khu vực bỏ phiếu số 1 (Thôn Chẩn Xuyên 1): nội dung —
/// người khiếu nại, tố cáo: …; kết quả giải quyết (or ý kiến của Tổ bầu
/// cử): …" for a complaint of an area's minutes.
pub(crate) fn complaint_text(def: &ElectionDefinition, area: &str, c: &ComplaintLine) -> String {
    let mut s = format!("{}: {}", team_of(def, area), c.content);
    if !c.complainant.is_empty() {
        s.push_str(&format!(" — người khiếu nại, tố cáo: {}", c.complainant));
    }
    if !c.outcome.is_empty() {
        let what = if c.status == "forwarded" { "ý kiến của Tổ bầu cử" } else { "kết quả giải quyết" };
        s.push_str(&format!("; {what}: {}", c.outcome));
    }
    s
}

fn clean_list(v: &[String]) -> Vec<String> {
    v.iter().map(|s| clean(s)).filter(|s| !s.is_empty()).collect()
}

/// `HH:MM` (00:00–23:59).
fn parse_time(s: &str) -> Result<String> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| Error::refused(ErrorCode::Usage, format!("giờ họp \"{s}\" phải có dạng GIỜ:PHÚT, ví dụ 08:30")))?;
    Ok(t.format("%H:%M").to_string())
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    tobaucu_core::voter::parse_date(s.trim()).ok_or_else(|| Error::refused(ErrorCode::Usage, format!("ngày họp \"{s}\" phải có dạng dd/mm/yyyy hoặc yyyy-mm-dd")))
}

impl App {
    /// A constituency touched by this board's areas (one of `results`).
    fn constituency_here(&self, id: &str) -> Result<&tobaucu_core::election::Constituency> {
        self.board()?;
        let def = self.def()?;
        let c = def.constituency(id).ok_or_else(|| Error::refused(ErrorCode::UnknownConstituency, format!("không có đơn vị bầu cử \"{id}\" trong định nghĩa bầu cử")))?;
        let scope = self.areas_in_scope()?;
        if !scope.iter().any(|a| a.constituencies.values().any(|x| x == id)) {
            return Err(Error::refused(ErrorCode::NotHere, format!("đơn vị bầu cử {id} không có khu vực bỏ phiếu nào thuộc đơn vị này")));
        }
        Ok(c)
    }

    /// Round 1, or a round declared for the constituency.
    fn round_here(&self, id: &str, round: Option<u32>) -> Result<u32> {
        let n = round.unwrap_or(1);
        if n == 1 || self.store.board_rounds()?.iter().any(|r| r.constituency_id == id && r.number == i64::from(n)) {
            return Ok(n);
        }
        Err(Error::refused(ErrorCode::UnknownRound, format!("đơn vị bầu cử {id} chưa có vòng bầu cử số {n} (công bố bằng tobaucu round declare)")))
    }

    /// What this board has recorded for a constituency's Ban and a round,
    /// with what the round's area minutes say (events, complaints).
    pub fn board_facts(&self, constituency: &str, round: Option<u32>) -> Result<BoardFactsDto> {
        self.constituency_here(constituency)?;
        let round = self.round_here(constituency, round)?;
        let notes = self.checked()?.computed.iter().find(|k| k.info.id == constituency).map(|k| k.notes.clone()).unwrap_or_default();
        self.facts_with(constituency, round, &notes)
    }

    /// [`App::board_facts`] with the areas' notes (those of other rounds
    /// are skipped).
    pub(crate) fn facts_with(&self, constituency: &str, round: u32, notes: &[AreaNotes]) -> Result<BoardFactsDto> {
        let def = self.def()?;
        let c = def.constituency(constituency).ok_or_else(|| Error::Internal(format!("thiếu {constituency}")))?;
        let decisions = self.store.board_team_complaints(constituency, i64::from(round))?;
        let mut team_events = Vec::new();
        let mut team_settled = Vec::new();
        let mut team_forwarded = Vec::new();
        for n in notes.iter().filter(|n| n.round == round) {
            let team = team_of(def, &n.area);
            team_events.extend(n.incidents.iter().map(|i| format!("{team}: {}", incident_text(i))));
            team_events.extend(n.explanations.iter().map(|e| format!("{team}: {}", explanation_text(e))));
            team_events.extend(n.recommendations.iter().map(|r| format!("{team} kiến nghị: {r}")));
            for x in &n.complaints {
                match x.status.as_str() {
                    "settled" => team_settled.push(complaint_text(def, &n.area, x)),
                    // Forwarded, or left unsettled in the minutes: the
                    // Tổ did not settle it, so it is the Ban's (Luật Bầu
                    // cử, Art. 25(2): "chuyển đến Ban bầu cử tương ứng").
                    _ => {
                        let d = decisions.iter().find(|d| d.area_id == n.area && d.complaint_id == i64::from(x.id));
                        team_forwarded.push(TeamComplaintDto {
                            reference: reference(&n.area, x.id),
                            text: complaint_text(def, &n.area, x),
                            decision: d.map(|d| d.decision.clone()),
                            how: d.map(|d| d.text.clone()),
                        });
                    }
                }
            }
        }
        let mut dto = BoardFactsDto {
            constituency: constituency.to_owned(),
            name: c.name.clone(),
            round,
            leader: None,
            deputies: vec![],
            members: vec![],
            meeting_date: None,
            meeting_time: None,
            place: None,
            events: None,
            settled: vec![],
            forwarded: vec![],
            attached: vec![],
            team_events,
            team_settled,
            team_forwarded,
        };
        for m in self.store.board_roster(constituency)? {
            match m.role.as_str() {
                "leader" => dto.leader = Some(m.name),
                "deputy" => dto.deputies.push(m.name),
                _ => dto.members.push(m.name),
            }
        }
        if let Some(m) = self.store.board_meeting(constituency, i64::from(round))? {
            dto.meeting_date = m.meeting_date;
            dto.meeting_time = m.meeting_time;
            dto.place = m.place;
            dto.events = m.events;
        }
        for n in self.store.board_notes(constituency, i64::from(round))? {
            match n.kind.as_str() {
                "settled" => dto.settled.push(n.text),
                "forwarded" => dto.forwarded.push(n.text),
                _ => dto.attached.push(n.text),
            }
        }
        Ok(dto)
    }

    /// `team --constituency ID [--leader] [--deputy]… [--member]… [--place]
    /// [--time HH:MM [--date D]]` at a board: the Ban's roster and the
    /// meeting of a round's minutes. What is named replaces what was
    /// recorded; one person holds one role.
    pub fn set_board_team(&mut self, input: &BoardTeamInput) -> Result<BoardFactsDto> {
        let cid = input.constituency.clone();
        self.constituency_here(&cid)?;
        let round = self.round_here(&cid, input.round)?;
        let leader = input.leader.as_deref().map(clean);
        if leader.as_deref() == Some("") {
            return Err(Error::refused(ErrorCode::Team, "tên Trưởng ban không được để trống"));
        }
        let deputies = input.deputies.as_deref().map(clean_list);
        let members = input.members.as_deref().map(clean_list);
        if input.date.is_some() && input.time.is_none() {
            return Err(Error::refused(ErrorCode::Usage, "--date đi cùng --time (giờ họp lập biên bản)"));
        }
        let time = input.time.as_deref().map(parse_time).transpose()?;
        let date = input.date.as_deref().map(parse_day).transpose()?;
        let place = input.place.as_deref().map(clean);
        let before = self.board_facts(&cid, Some(round))?;
        // One person, one role in the Ban.
        let after_leader = leader.clone().or(before.leader.clone());
        let after_deputies = deputies.clone().unwrap_or_else(|| before.deputies.clone());
        let after_members = members.clone().unwrap_or_else(|| before.members.clone());
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (name, role) in after_leader.iter().map(|n| (n, "Trưởng ban")).chain(after_deputies.iter().map(|n| (n, "Phó Trưởng ban"))).chain(after_members.iter().map(|n| (n, "Ủy viên"))) {
            let key = fold(name);
            if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                return Err(Error::refused(ErrorCode::Team, format!("{name} đã được ghi là {other}; mỗi người chỉ giữ một vai trong Ban bầu cử")));
            }
            seen.push((key, role));
        }
        let meeting = (time.is_some() || place.is_some()).then(|| {
            let (d, t) = match &time {
                Some(t) => (Some(date.unwrap_or_else(|| self.now().date_naive()).format("%Y-%m-%d").to_string()), Some(t.clone())),
                None => (before.meeting_date.clone(), before.meeting_time.clone()),
            };
            BoardMeetingRow {
                constituency_id: cid.clone(),
                round: i64::from(round),
                meeting_date: d,
                meeting_time: t,
                place: match &place {
                    Some(p) if p.is_empty() => None,
                    Some(p) => Some(p.clone()),
                    None => before.place.clone(),
                },
                events: before.events.clone(),
            }
        });
        let at = clock::stamp(self.now());
        let before_json = facts_json(&before);
        self.store.write(|tx| {
            if let Some(l) = &leader {
                tx.set_board_role(&cid, "leader", std::slice::from_ref(l))?;
            }
            if let Some(d) = &deputies {
                tx.set_board_role(&cid, "deputy", d)?;
            }
            if let Some(m) = &members {
                tx.set_board_role(&cid, "member", m)?;
            }
            if let Some(m) = &meeting {
                tx.upsert_board_meeting(m)?;
            }
            let after = json!({"leader": after_leader, "deputies": after_deputies, "members": after_members, "round": round,
                               "meeting_date": meeting.as_ref().map_or(before.meeting_date.clone(), |m| m.meeting_date.clone()),
                               "meeting_time": meeting.as_ref().map_or(before.meeting_time.clone(), |m| m.meeting_time.clone()),
                               "place": meeting.as_ref().map_or(before.place.clone(), |m| m.place.clone())});
            tx.append_audit(&audit_entry(&at, "board.team", format!("Ban bầu cử {cid}"), "", Some(before_json.to_string()), Some(after.to_string())))?;
            Ok::<_, Error>(())
        })?;
        self.board_facts(&cid, Some(round))
    }

    /// `board-note --constituency ID [--round N] [--events T] [--settled T]…
    /// [--forwarded T]… [--attached T]… [--ban-settled REF=T]…
    /// [--ban-forwarded REF=T]…`: items d, e, g and the attached documents
    /// of a round's minutes, and the Ban's decision on each complaint its
    /// teams forwarded (settled: item e; forwarded on: item g). What is
    /// named replaces what was recorded; an empty text clears it.
    pub fn board_note(&mut self, input: &BoardNoteInput) -> Result<BoardFactsDto> {
        let cid = input.constituency.clone();
        self.constituency_here(&cid)?;
        let round = self.round_here(&cid, input.round)?;
        if input.events.is_none() && input.settled.is_none() && input.forwarded.is_none() && input.attached.is_none() && input.decisions.is_empty() {
            return self.board_facts(&cid, Some(round));
        }
        let before = self.board_facts(&cid, Some(round))?;
        let mut decisions: Vec<Decision> = Vec::new();
        for d in &input.decisions {
            let r = d.reference.trim();
            let Some(x) = before.team_forwarded.iter().find(|x| x.reference == r) else {
                let known: Vec<&str> = before.team_forwarded.iter().map(|x| x.reference.as_str()).collect();
                let known = if known.is_empty() { "không có khiếu nại, tố cáo nào do Tổ bầu cử chuyển đến".to_owned() } else { format!("có: {}", known.join(", ")) };
                return Err(Error::refused(
                    ErrorCode::UnknownComplaint,
                    format!("\"{r}\" không phải khiếu nại, tố cáo do Tổ bầu cử chuyển đến Ban bầu cử của đơn vị bầu cử {cid}, vòng {round} ({known})"),
                ));
            };
            let kind = match d.decision.as_str() {
                "settled" => "settled",
                "forwarded" => "forwarded",
                other => return Err(Error::refused(ErrorCode::Usage, format!("quyết định \"{other}\": chọn settled (Ban bầu cử đã giải quyết) hoặc forwarded (chuyển Ủy ban bầu cử)"))),
            };
            let (area, number) = x.reference.rsplit_once('#').ok_or_else(|| Error::Internal(format!("mã khiếu nại {}", x.reference)))?;
            let number: i64 = number.parse().map_err(|_| Error::Internal(format!("mã khiếu nại {}", x.reference)))?;
            let text = clean(&d.text);
            decisions.push(Decision { area: area.to_owned(), number, what: (!text.is_empty()).then_some((kind, text)) });
        }
        let events = input.events.as_deref().map(clean);
        let lists: Vec<(&str, Vec<String>)> =
            [("settled", &input.settled), ("forwarded", &input.forwarded), ("attached", &input.attached)].into_iter().filter_map(|(k, v)| v.as_deref().map(|v| (k, clean_list(v)))).collect();
        let meeting = events.as_ref().map(|e| BoardMeetingRow {
            constituency_id: cid.clone(),
            round: i64::from(round),
            meeting_date: before.meeting_date.clone(),
            meeting_time: before.meeting_time.clone(),
            place: before.place.clone(),
            events: (!e.is_empty()).then(|| e.clone()),
        });
        let at = clock::stamp(self.now());
        let mut after = serde_json::Map::new();
        after.insert("round".into(), json!(round));
        if let Some(e) = &events {
            after.insert("events".into(), json!(e));
        }
        for (k, v) in &lists {
            after.insert((*k).into(), json!(v));
        }
        if !decisions.is_empty() {
            let list: Vec<Value> = decisions
                .iter()
                .map(|d| {
                    Ok(json!({"reference": reference(&d.area, crate::convert::stored_u32("số khiếu nại", d.number)?), "decision": d.what.as_ref().map(|w| w.0), "text": d.what.as_ref().map(|w| &w.1)}))
                })
                .collect::<Result<_>>()?;
            after.insert("decisions".into(), Value::Array(list));
        }
        let before_json = facts_json(&before);
        self.store.write(|tx| {
            if let Some(m) = &meeting {
                tx.upsert_board_meeting(m)?;
            }
            for (k, v) in &lists {
                tx.set_board_notes(&cid, i64::from(round), k, v)?;
            }
            for d in &decisions {
                tx.set_board_team_complaint(&cid, i64::from(round), &d.area, d.number, d.what.as_ref().map(|(k, t)| (*k, t.as_str())))?;
            }
            tx.append_audit(&audit_entry(&at, "board.note", format!("Ban bầu cử {cid}, vòng {round}"), "", Some(before_json.to_string()), Some(Value::Object(after).to_string())))?;
            Ok::<_, Error>(())
        })?;
        self.board_facts(&cid, Some(round))
    }

    /// `round declare --constituency ID --kind revote|additional`: the
    /// board declares the round the first round's result calls for — a
    /// re-vote only when `revote_due`, an additional vote only when
    /// `additional_vote_due` (`tobaucu_core::results::next_round`) — once
    /// per constituency, where every area of it lies under this board. The
    /// round's seats and candidates are kept as declared; logged.
    pub fn declare_round(&mut self, constituency: &str, kind: &str) -> Result<RoundDeclaredDto> {
        self.constituency_here(constituency)?;
        let kind = match RoundKind::parse(kind) {
            Some(k @ (RoundKind::Revote | RoundKind::Additional)) => k,
            _ => return Err(Error::refused(ErrorCode::Usage, format!("--kind \"{kind}\": chọn revote (bầu cử lại) hoặc additional (bầu cử thêm)"))),
        };
        let checked = self.checked()?;
        let k = checked.computed.iter().find(|k| k.info.id == constituency).ok_or_else(|| Error::Internal(format!("thiếu {constituency}")))?;
        if !k.decided_here {
            return Err(Error::refused(ErrorCode::NotDecidedHere, format!("đơn vị bầu cử {constituency} có khu vực bỏ phiếu ngoài đơn vị này; kết quả và {} do cấp trên xác định", kind.vi())));
        }
        if let Some(r) = k.rounds.first() {
            return Err(Error::refused(
                ErrorCode::RoundExists,
                format!(
                    "đơn vị bầu cử {constituency} đã công bố {} (vòng số {}, {}); luật không có vòng bầu cử nào sau đó (Điều 79 khoản 4, Điều 80 khoản 3)",
                    r.info.kind.vi(),
                    r.info.number,
                    clock::vi_time(&r.declared_at)
                ),
            ));
        }
        let round = next_round(&k.info, &k.first, kind).map_err(|e| Error::refused(ErrorCode::RoundNotDue, e))?;
        let ids: Vec<String> = round.candidates.iter().map(|x| x.id.clone()).collect();
        let at = clock::stamp(self.now());
        let row = BoardRoundRow {
            constituency_id: constituency.to_owned(),
            number: i64::from(round.number),
            kind: kind.code().into(),
            seats: i64::from(round.seats),
            candidates: serde_json::to_string(&ids).map_err(|e| Error::Internal(e.to_string()))?,
            declared_at: at.clone(),
        };
        let after = json!({"number": round.number, "kind": kind.code(), "seats": round.seats, "candidates": ids,
                           "first_round": {"voters_listed": k.first.voters_listed, "voters_voted": k.first.voters_voted, "elected": k.first.elected}});
        self.store.write(|tx| {
            tx.insert_board_round(&row)?;
            tx.append_audit(&audit_entry(&at, "round.declare", format!("{} ở đơn vị bầu cử {constituency}", kind.vi()), "", None, Some(after.to_string())))?;
            Ok::<_, Error>(())
        })?;
        // The round is a level of its own from now on (its teams' minutes).
        self.reload_definition()?;
        let message = match kind {
            RoundKind::Revote => format!("Đã công bố bầu cử lại ở đơn vị bầu cử {constituency} (vòng số {}): {} đại biểu, {} người ứng cử như lần đầu; kết quả bầu cử lại được công nhận dù số cử tri đi bầu chưa quá một nửa (Điều 80 khoản 3).", round.number, round.seats, ids.len()),
            _ => format!("Đã công bố bầu cử thêm ở đơn vị bầu cử {constituency} (vòng số {}): bầu {} đại biểu còn thiếu trong {} người ứng cử chưa trúng cử ở lần đầu (Điều 79); không có bầu cử thêm lần thứ hai.", round.number, round.seats, ids.len()),
        };
        Ok(RoundDeclaredDto { constituency: constituency.to_owned(), number: round.number, kind: kind.code().into(), seats: round.seats, candidates: ids, declared_at: at, message })
    }
}

/// The Ban's decision on one complaint a Tổ forwarded, as `board-note`
/// records it.
struct Decision {
    area: String,
    /// The complaint's number in the area's minutes.
    number: i64,
    /// `settled`/`forwarded` and the Ban's text; none takes it back.
    what: Option<(&'static str, String)>,
}

/// The audit form of what was recorded.
fn facts_json(f: &BoardFactsDto) -> Value {
    json!({"leader": f.leader, "deputies": f.deputies, "members": f.members, "round": f.round, "meeting_date": f.meeting_date,
           "meeting_time": f.meeting_time, "place": f.place, "events": f.events, "settled": f.settled, "forwarded": f.forwarded, "attached": f.attached,
           "decisions": f.team_forwarded.iter().filter(|x| x.decision.is_some()).map(|x| json!({"reference": x.reference, "decision": x.decision, "text": x.how})).collect::<Vec<_>>()})
}
