//! Nhiều bàn phát phiếu (issue 14): several check-in desks of one Tổ on
//! one voter list, without internet.
//!
//! The main laptop (desk 1, where counting happens) sets up a group of
//! desks and issues each desk its credentials, in a **desk package** (USB)
//! or over the local network after the pairing code shown on its screen.
//! Every desk appends its own events (`tobaucu_core::desk`); this module
//! keeps them in the database, signs this desk's, verifies and merges
//! others' (over the network, [`service`], or from a file on a USB stick:
//! the same [`App::desk_merge_events`]), and keeps the `checkin` and
//! `voter` tables equal to the replay of every event held.

pub mod service;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::desk::{self as rules, Body, DeskId, Event, EventId, Hlc, Log, Offer, MAIN_DESK, MAX_DESKS};
use tobaucu_desk::cert::Cert;
use tobaucu_desk::DeskKeys;
use tobaucu_ipc::desk::{AnomalyCheckinDto, AnomalyDto, DeskJoinResult, DeskMergeReport, DeskPeerDto, DeskRefusalDto, DeskStatusDto};
use tobaucu_store::{AuditRow, DeskEventRow, DeskRead, DeskSelfRow, Read, Tx, VoterRow};

use crate::{clock, App, Error, Result};
use tobaucu_ipc::ErrorCode;

/// File formats.
pub const PACKAGE_FORMAT: &str = "tobaucu-desk-package/1";
pub const EVENTS_FORMAT: &str = "tobaucu-desk-events/1";
/// The largest package or events file read (a list of 10,000 voters and
/// every event of a day is well under this).
const MAX_FILE: u64 = 256 * 1024 * 1024;
/// How long a pairing code is good for, and how many wrong tries it takes.
pub const PAIRING_MINUTES: i64 = 10;
pub const PAIRING_TRIES: i64 = 5;

/// This database's desk, loaded once.
pub(crate) struct DeskCtx {
    pub desk: DeskId,
    pub main: bool,
    pub name: String,
    pub group: String,
    pub keys: DeskKeys,
    pub cert: Cert,
    pub authority: Option<ed25519_dalek::SigningKey>,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

fn now_ms() -> u64 {
    u64::try_from(clock::now().timestamp_millis()).unwrap_or(0)
}

fn desk_of(n: i64) -> DeskId {
    u32::try_from(n).unwrap_or(0)
}

/// A stored event back to the core's type.
pub(crate) fn event_of(r: &DeskEventRow) -> Result<Event> {
    let body: Value = serde_json::from_str(&r.body).map_err(internal)?;
    Event::from_value(&json!({
        "desk": r.desk, "seq": r.seq, "hlc": [r.hlc_ms, r.hlc_count], "at": r.at,
        "body": body, "prev": r.prev, "hash": r.hash, "sig": r.sig,
    }))
    .map_err(|e| Error::Internal(format!("sự kiện {}:{} trong cơ sở dữ liệu không đọc được: {e}", r.desk, r.seq)))
}

/// An event as its stored row; numbers beyond SQLite's integers are refused
/// (`Event::from_value` already bounds what arrives).
fn row_of(e: &Event) -> Result<DeskEventRow> {
    let big = |what: &str| Error::refused(ErrorCode::DeskFileInvalid, format!("sự kiện {}: {what} quá lớn; không có gì được thay đổi", e.id));
    Ok(DeskEventRow {
        desk: i64::from(e.id.desk),
        seq: i64::try_from(e.id.seq).map_err(|_| big("số thứ tự"))?,
        hlc_ms: i64::try_from(e.hlc.ms).map_err(|_| big("đồng hồ"))?,
        hlc_count: i64::from(e.hlc.count),
        at: e.at.clone(),
        kind: e.body.kind().to_owned(),
        stt: i64::from(e.body.stt()),
        body: e.body_json(),
        prev: e.prev.clone(),
        hash: e.hash.clone(),
        sig: e.sig.clone(),
    })
}

/// A later round's level (`XA.v2`) of one of the election's levels.
fn is_round_level(known: &BTreeSet<String>, l: &str) -> bool {
    l.split_once(".v").is_some_and(|(base, n)| known.contains(base) && n.parse::<u32>().is_ok_and(|n| n >= 2))
}

/// The live check-in events of voter `stt` for `levels` as `r` holds them
/// (the targets of an undo made here, read in the undo's transaction).
pub(crate) fn live_targets(r: &impl DeskRead, stt: u32, levels: &[String]) -> Result<Vec<EventId>> {
    let mut log = Log::new();
    for row in r.desk_events_of(i64::from(stt))? {
        // Only this voter's events: the chains are partial, so offer
        // without the chain rules by replaying the bodies directly.
        log_insert_unchecked(&mut log, event_of(&row)?);
    }
    let st = rules::replay(&log, None);
    let mut out: BTreeSet<EventId> = BTreeSet::new();
    for l in levels {
        if let Some(c) = st.checkins.get(&(stt, l.clone())) {
            out.insert(c.id);
        }
        for a in st.anomalies.iter().filter(|a| a.stt == stt && &a.level == l) {
            out.extend(a.checkins.iter().map(|c| c.id));
        }
    }
    Ok(out.into_iter().collect())
}

/// A voter row as the record a `voter` event carries (canonical JSON).
pub(crate) fn voter_record(v: &VoterRow) -> String {
    canonical_json(&json!({
        "stt": v.stt, "name": v.name, "birth_date": v.birth_date, "gender": v.gender, "ethnicity": v.ethnicity,
        "id_number": v.id_number, "residence": v.residence, "residence_temporary": v.residence_temporary,
        "residence_current": v.residence_current, "note": v.note, "status": v.status, "certificate": v.certificate,
        "mobile_box": v.mobile_box, "added_at": v.added_at, "levels": v.levels,
    }))
}

fn voter_from_record(text: &str) -> Result<VoterRow> {
    let v: Value = serde_json::from_str(text).map_err(|e| Error::refused(ErrorCode::DeskBadRecord, format!("bản ghi cử tri không đọc được ({e})")))?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| Error::refused(ErrorCode::DeskBadRecord, format!("bản ghi cử tri thiếu trường {k}")));
    let opt = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(VoterRow {
        id: 0,
        stt: v.get("stt").and_then(Value::as_i64).filter(|n| *n >= 1).ok_or_else(|| Error::refused(ErrorCode::DeskBadRecord, "bản ghi cử tri thiếu số thứ tự"))?,
        name: s("name")?,
        birth_date: s("birth_date")?,
        gender: s("gender")?,
        ethnicity: s("ethnicity")?,
        id_number: opt("id_number"),
        residence: s("residence")?,
        residence_temporary: s("residence_temporary")?,
        residence_current: s("residence_current")?,
        note: s("note")?,
        status: s("status")?,
        certificate: opt("certificate"),
        mobile_box: v.get("mobile_box").and_then(Value::as_bool).unwrap_or(false),
        added_at: s("added_at")?,
        levels: v.get("levels").and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default(),
    })
}

/// What a desk-event file or package reports about its integrity: the
/// SHA-256 of its canonical body, in `sha256`.
fn sealed(mut body: Value) -> Vec<u8> {
    let sha = tobaucu_core::audit::sha256_hex(canonical_json(&body).as_bytes());
    if let Some(o) = body.as_object_mut() {
        o.insert("sha256".into(), Value::String(sha));
    }
    let mut text = canonical_json(&body);
    text.push('\n');
    text.into_bytes()
}

fn unseal(bytes: &[u8], what: &str) -> Result<Value> {
    let bad = |why: String| Error::refused(ErrorCode::DeskFileInvalid, format!("{what}: {why}; không có gì được thay đổi"));
    let text = std::str::from_utf8(bytes).map_err(|_| bad("không phải văn bản UTF-8".into()))?;
    let mut v: Value = serde_json::from_str(text.trim_end()).map_err(|e| bad(format!("không phải JSON ({e})")))?;
    let sha = v.as_object_mut().and_then(|o| o.remove("sha256")).and_then(|s| s.as_str().map(str::to_owned)).ok_or_else(|| bad("thiếu mã kiểm tra sha256".into()))?;
    if tobaucu_core::audit::sha256_hex(canonical_json(&v).as_bytes()) != sha {
        return Err(bad("tệp bị hỏng hoặc bị sửa (mã kiểm tra không khớp)".into()));
    }
    Ok(v)
}

/// Notes that desk `from` was heard from (its hello, or a merge of its
/// events) by a desk put back from a backup (migration 0020), and releases
/// the hold once the desks that hold all of its own chain were heard from
/// and it has at least as much of that chain as any desk said it holds: a
/// desk needs the main laptop (which holds every desk's events it was
/// sent), the main laptop needs every other desk. A lagging desk, or a
/// file of one, does not release a desk; nor does a file written before
/// the hold began (`made_at`: an old export left on the stick). Inside the
/// caller's transaction; returns whether it was released.
pub(crate) fn release_hold(tx: &Tx<'_>, own: DeskId, from: DeskId, made_at: Option<&str>, at: &str, via: &str) -> Result<bool> {
    let Some(c) = tx.desk_clock()? else { return Ok(false) };
    let Some(since) = c.held_since.clone() else { return Ok(false) };
    if from == own || made_at.is_some_and(|m| m < since.as_str()) {
        return Ok(false);
    }
    let mut heard = heard_of(&c);
    if heard.insert(from) {
        tx.set_desk_held_heard(&heard.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))?;
    }
    let head = c.head_seq;
    if !awaited(tx, own, &heard)?.is_empty() || head < c.known_own {
        return Ok(false);
    }
    tx.release_desk_hold()?;
    tx.append_audit(&audit(at, "desk.caught_up", format!("bàn {own}"), "", json!({"held_since": since, "events": head, "heard": heard, "via": via})))?;
    Ok(true)
}

/// The desks a held desk still waits to hear from: the main laptop for a
/// desk; every other desk of the group for the main laptop (a desk issued
/// but never heard from included: a backup older than its first contact
/// cannot tell whether it holds the main laptop's events).
fn awaited<R: DeskRead>(r: &R, own: DeskId, heard: &BTreeSet<DeskId>) -> Result<Vec<(DeskId, String)>> {
    let peers = r.desk_peers()?;
    let needed: Vec<(DeskId, String)> = if own == MAIN_DESK { peers.iter().map(|p| (desk_of(p.desk), p.name.clone())).filter(|(d, _)| *d != own).collect() } else { vec![(MAIN_DESK, String::new())] };
    Ok(needed.into_iter().filter(|(d, _)| !heard.contains(d)).collect())
}

fn heard_of(c: &tobaucu_store::DeskClock) -> BTreeSet<DeskId> {
    c.held_heard.split_whitespace().filter_map(|d| d.parse().ok()).collect()
}

/// [`held_why`] of this desk as stored, naming the desks it still waits
/// for (read only when it is held).
pub(crate) fn hold_text<R: DeskRead>(r: &R, own: DeskId, main: bool) -> Result<Option<String>> {
    let Some(c) = r.desk_clock()? else { return Ok(None) };
    let head = c.head_seq;
    let waiting = if c.held_since.is_some() { awaited(r, own, &heard_of(&c))? } else { Vec::new() };
    Ok(held_why(&c, head, main, &waiting))
}

/// Why this desk makes no event now, if it is held: put back from a backup
/// and not caught up (`waiting`: the desks not heard from yet), or behind
/// its own chain as another desk said (a copy of the file put back by
/// hand, a package joined again).
pub(crate) fn held_why(c: &tobaucu_store::DeskClock, head: i64, main: bool, waiting: &[(DeskId, String)]) -> Option<String> {
    let who = if main { "máy chính" } else { "bàn này" };
    let from = if main { "từ mọi bàn khác" } else { "từ máy chính" };
    let how = format!(
        "Hãy bật đồng bộ (màn hình Nhiều bàn, hoặc \"tobaucu desk serve\") để lấy lại các sự kiện ấy {from}, hoặc nhập tệp sự kiện {} (\"tobaucu desk merge TỆP\"); xong là phát phiếu lại được",
        if main { "của từng bàn" } else { "của máy chính" }
    );
    if let Some(since) = &c.held_since {
        let wait = match waiting {
            [] => String::new(),
            // By name and number, as the desks know themselves.
            ds => format!(
                ". Còn chờ: {}",
                ds.iter()
                    .map(|(d, name)| match (*d == MAIN_DESK, name.is_empty()) {
                        (true, _) => "máy chính".to_owned(),
                        (false, true) => format!("bàn số {d}"),
                        (false, false) => format!("{name} (bàn số {d})"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Some(format!(
            "máy này chạy trên một bản sao lưu (lúc {}) nên có thể thiếu những sự kiện {who} đã gửi các bàn khác sau đó: chưa phát phiếu ở máy này. {how}{wait}",
            clock::vi_time(since)
        ));
    }
    (c.known_own > head).then(|| {
        format!("các bàn khác giữ {} sự kiện của {who}, máy này chỉ còn {head} (tệp dữ liệu được chép lại từ bản cũ, hoặc gói bàn được nhận lại): chưa phát phiếu ở máy này. {how}", c.known_own)
    })
}

/// Audit action of a merged check-in the list here would not have allowed.
pub(crate) const FLAGGED: &str = "checkin.desk.flagged";

/// What a merge or the status says of flagged check-ins ("" if none).
fn flagged_note(n: usize) -> String {
    if n == 0 {
        return String::new();
    }
    format!(" Có {n} lượt nhận phiếu từ bàn khác mà danh sách ở máy này không cho phép (cử tri không có trong danh sách, không bầu ở đây, hoặc không bầu cấp đó): vẫn tính vì phiếu đã phát; Tổ trưởng xem lý do trong nhật ký (\"tobaucu audit\", mục {FLAGGED}).")
}

fn audit(at: &str, action: &str, subject: String, reason: &str, after: Value) -> AuditRow {
    AuditRow { id: 0, at: at.to_owned(), action: action.to_owned(), subject, reason: reason.to_owned(), before: None, after: Some(after.to_string()) }
}

/// The result of merging events (network or USB).
#[derive(Debug, Clone, Default)]
pub(crate) struct Merged {
    pub added: usize,
    pub known: usize,
    /// Events that must come after others not yet here (sent again later).
    pub gaps: usize,
    pub anomalies: usize,
    /// Check-ins merged that the list here would not have allowed.
    pub flagged: usize,
    /// Per desk: how many it now holds.
    pub have: BTreeMap<DeskId, u64>,
}

impl App {
    /// This database's desk (cached), if it belongs to a group.
    pub(crate) fn desk_ctx(&mut self) -> Result<Option<&DeskCtx>> {
        if self.desk.is_none() {
            let Some(row) = self.store.desk_self()? else { return Ok(None) };
            let keys = DeskKeys::from_hex(&row.sign_secret, &row.noise_secret).ok_or_else(|| internal("khóa của bàn trong cơ sở dữ liệu không đọc được"))?;
            let cert = Cert::from_value(&serde_json::from_str(&row.cert).map_err(internal)?).map_err(internal)?;
            let authority = match &row.authority_secret {
                Some(s) => Some(ed25519_dalek::SigningKey::from_bytes(&tobaucu_desk::unhex::<32>(s).ok_or_else(|| internal("khóa máy chính không đọc được"))?)),
                None => None,
            };
            self.desk = Some(Box::new(DeskCtx { desk: desk_of(row.desk), main: row.role == "main", name: row.name, group: row.group_id, keys, cert, authority }));
        }
        Ok(self.desk.as_deref())
    }

    /// Whether this database belongs to a group of desks.
    pub fn desk_enabled(&mut self) -> Result<bool> {
        Ok(self.desk_ctx()?.is_some())
    }

    /// Refuses on a desk what only the main laptop does.
    pub(crate) fn refuse_on_desk(&mut self, what: &str) -> Result<()> {
        if let Some(c) = self.desk_ctx()? {
            if !c.main {
                return Err(Error::refused(ErrorCode::DeskNotMain, format!("máy này là {} (bàn phát phiếu số {}); {what} chỉ làm trên máy chính của Tổ trưởng", c.name, c.desk)));
            }
        }
        Ok(())
    }

    /// Appends an event of this desk inside a transaction: numbered after
    /// the desk's head, stamped by the clock, hash-chained, signed.
    pub(crate) fn desk_emit(tx: &Tx<'_>, ctx: &DeskCtx, at: &str, body: Body) -> Result<Event> {
        let c = tx.desk_clock()?.ok_or_else(|| internal("desk_self"))?;
        if held_why(&c, c.head_seq, ctx.main, &[]).is_some() {
            let why = hold_text(tx, ctx.desk, ctx.main)?.unwrap_or_default();
            return Err(Error::refused(ErrorCode::DeskHeld, why));
        }
        // The clock is the later of what was seen of other desks (stored)
        // and this desk's own last event: one page fewer to write per
        // check-in than storing the clock each time.
        let stamp = |ms: i64, count: i64| Hlc { ms: u64::try_from(ms).unwrap_or(0), count: u32::try_from(count).unwrap_or(0), desk: ctx.desk };
        let last = stamp(c.ms, c.count).max(stamp(c.head_ms, c.head_count));
        let hlc = Hlc::tick(last, now_ms(), ctx.desk);
        let mut e = Event::new(ctx.desk, (u64::try_from(c.head_seq).unwrap_or(0), &c.head_hash), hlc, at, body);
        e.sig = ctx.keys.sign_event(&e.hash);
        tx.insert_desk_event(&row_of(&e)?, at)?;
        Ok(e)
    }

    /// Every event held, as a log.
    pub(crate) fn desk_log(&self) -> Result<Log> {
        let mut log = Log::new();
        for r in self.store.desk_events()? {
            let e = event_of(&r)?;
            if !matches!(log.offer(e), Offer::Added) {
                return Err(Error::Internal(format!("chuỗi sự kiện của bàn {} trong cơ sở dữ liệu bị đứt ở số {}", r.desk, r.seq)));
            }
        }
        Ok(log)
    }

    /// Certificates known, by desk.
    pub(crate) fn desk_certs(&self) -> Result<BTreeMap<DeskId, Cert>> {
        let mut out = BTreeMap::new();
        for p in self.store.desk_peers()? {
            if let Ok(c) = serde_json::from_str::<Value>(&p.cert).map_err(|e| e.to_string()).and_then(|v| Cert::from_value(&v)) {
                out.insert(desk_of(p.desk), c);
            }
        }
        Ok(out)
    }

    /// Sets up the group on the main laptop (first desk package): the
    /// authority key, the main laptop's own keys and certificate, and the
    /// check-ins made so far as the main laptop's first events.
    fn desk_setup_main(&mut self) -> Result<()> {
        self.require_area_pub()?;
        if self.store.desk_self()?.is_some() {
            return Ok(());
        }
        let unit = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let at = clock::stamp(self.now());
        let authority = ed25519_dalek::SigningKey::from_bytes(&tobaucu_desk::random::<32>().map_err(internal)?);
        let group = tobaucu_desk::hex(&tobaucu_desk::random::<16>().map_err(internal)?);
        let keys = DeskKeys::generate().map_err(internal)?;
        let cert = Cert {
            group: group.clone(),
            unit: unit.unit_id.clone(),
            election: unit.election_id.clone(),
            election_sha256: unit.election_sha256.clone(),
            desk: MAIN_DESK,
            name: "Máy chính".into(),
            sign_key: keys.sign_public_hex(),
            noise_key: keys.noise_public_hex(),
            authority: String::new(),
            issued_at: at.clone(),
            sig: String::new(),
        }
        .sign(&authority);
        let row = DeskSelfRow {
            role: "main".into(),
            desk: i64::from(MAIN_DESK),
            name: cert.name.clone(),
            group_id: group.clone(),
            authority_public: tobaucu_desk::hex(authority.verifying_key().as_bytes()),
            authority_secret: Some(tobaucu_desk::hex(&authority.to_bytes())),
            sign_secret: keys.sign_hex(),
            noise_secret: keys.noise_hex(),
            cert: cert.to_value().to_string(),
            enabled: true,
            listen: String::new(),
            peers: String::new(),
            hlc_ms: 0,
            hlc_count: 0,
            list_version: 0,
            created_at: at.clone(),
        };
        let live = self.store.live_checkins_by_stt()?;
        let ctx = DeskCtx { desk: MAIN_DESK, main: true, name: cert.name.clone(), group: group.clone(), keys, cert: cert.clone(), authority: Some(authority) };
        self.store.write(|tx| {
            tx.insert_desk_self(&row)?;
            tx.upsert_desk_peer(i64::from(MAIN_DESK), &cert.name, &cert.to_value().to_string())?;
            // Check-ins made before: one event per voter, as they stand.
            let mut by_voter: BTreeMap<i64, Vec<(String, String, bool)>> = BTreeMap::new();
            for (stt, level, at, mobile, _, _) in &live {
                by_voter.entry(*stt).or_default().push((level.clone(), at.clone(), *mobile));
            }
            for (stt, ls) in &by_voter {
                let first_at = ls.iter().map(|(_, a, _)| a.clone()).min().unwrap_or_default();
                let levels: Vec<String> = ls.iter().map(|(l, _, _)| l.clone()).collect();
                let e = Self::desk_emit(tx, &ctx, &first_at, Body::Checkin { stt: u32::try_from(*stt).unwrap_or(0), levels: levels.clone(), mobile_box: ls.iter().any(|x| x.2) })?;
                let v = tx.voter_by_stt(*stt)?.ok_or_else(|| internal("cử tri"))?;
                for l in &levels {
                    tx.stamp_checkin_desk(v.id, l, i64::from(MAIN_DESK), i64::try_from(e.id.seq).unwrap_or(0))?;
                }
            }
            tx.append_audit(&audit(&at, "desk.setup", format!("nhóm bàn {}", &group[..8]), "", json!({"group": group, "authority": row.authority_public, "checkins_before": by_voter.len()})))?;
            Ok::<_, Error>(())
        })?;
        self.desk = Some(Box::new(ctx));
        Ok(())
    }

    fn require_area_pub(&self) -> Result<()> {
        match self.unit_row()? {
            Some(u) if u.kind == "area" => Ok(()),
            Some(u) => Err(Error::refused(ErrorCode::NotATeam, format!("cơ sở dữ liệu này của {} {}, không phải của một tổ bầu cử; nhiều bàn phát phiếu chỉ dùng ở tổ bầu cử", u.kind, u.unit_id))),
            None => Err(Error::refused(ErrorCode::NotSetUp, "cơ sở dữ liệu chưa được thiết lập; hãy thiết lập tổ bầu cử và nhập danh sách cử tri trước")),
        }
    }

    /// Issues a new desk's certificate (main only): the next free number.
    fn desk_issue(&mut self, name: &str, sign_key: &str, noise_key: &str, via: &str) -> Result<Cert> {
        self.desk_setup_main()?;
        // A main laptop put back from a backup may not know every number
        // it issued since: none is issued until it has caught up.
        if let Some(why) = self.desk_held_why()? {
            return Err(Error::refused(ErrorCode::DeskHeld, why));
        }
        let ctx = self.desk_ctx()?.ok_or_else(|| internal("desk"))?;
        let authority = ctx.authority.as_ref().ok_or_else(|| Error::refused(ErrorCode::DeskNotMain, "chỉ máy chính cấp chứng nhận bàn"))?.clone();
        let base = ctx.cert.clone();
        let used: BTreeSet<DeskId> = self.store.desk_peers()?.iter().map(|p| desk_of(p.desk)).collect();
        let desk = (2..=MAX_DESKS).find(|d| !used.contains(d)).ok_or_else(|| Error::refused(ErrorCode::DeskFull, format!("nhóm đã có {} bàn, không cấp thêm", MAX_DESKS)))?;
        let name = {
            let n = tobaucu_core::text::clean(name);
            if n.is_empty() {
                format!("Bàn {desk}")
            } else {
                n.chars().take(40).collect()
            }
        };
        let at = clock::stamp(self.now());
        let cert = Cert { desk, name: name.clone(), sign_key: sign_key.to_owned(), noise_key: noise_key.to_owned(), issued_at: at.clone(), ..base }.sign(&authority);
        let text = cert.to_value().to_string();
        self.store.write(|tx| {
            tx.upsert_desk_peer(i64::from(desk), &name, &text)?;
            tx.append_audit(&audit(&at, "desk.issue", format!("bàn {desk} — {name}"), "", json!({"desk": desk, "name": name, "sign_key": sign_key, "noise_key": noise_key, "via": via})))?;
            Ok::<_, Error>(())
        })?;
        Ok(cert)
    }

    /// The package's content (without the desk's secret keys).
    fn desk_package_body(&self, cert: &Cert) -> Result<Value> {
        let unit = self.store.unit()?.ok_or_else(|| internal("unit"))?;
        let voters: Vec<String> = self.store.voters()?.iter().map(voter_record).collect();
        let events: Vec<Value> = self.store.desk_events()?.iter().map(|r| event_of(r).map(|e| e.to_value())).collect::<Result<_>>()?;
        let certs: Vec<Value> = self.desk_certs()?.values().map(Cert::to_value).collect();
        let addrs: Vec<Value> = self.store.desk_peers()?.iter().filter(|p| !p.addr.is_empty()).map(|p| json!([p.desk, p.addr])).collect();
        Ok(json!({
            "format": PACKAGE_FORMAT, "election_json": unit.election_json, "area": unit.unit_id,
            "cert": cert.to_value(), "certs": certs, "voters": voters, "events": events, "addrs": addrs,
            "created_at": clock::stamp(self.now()),
            "rehearsal": self.rehearsal,
        }))
    }

    /// `desk package --out DIR`: a new desk's package (main laptop).
    pub fn desk_package(&mut self, out_dir: &Path, name: &str) -> Result<DeskJoinResult> {
        self.refuse_on_desk("làm gói bàn")?;
        self.require_area_pub()?;
        if self.store.voter_count()? == 0 {
            return Err(Error::refused(ErrorCode::NoVoters, "danh sách cử tri còn trống; hãy nhập danh sách trước khi làm gói bàn"));
        }
        let keys = DeskKeys::generate().map_err(internal)?;
        let cert = self.desk_issue(name, &keys.sign_public_hex(), &keys.noise_public_hex(), "usb")?;
        let mut body = self.desk_package_body(&cert)?;
        if let Some(o) = body.as_object_mut() {
            o.insert("secret".into(), json!({"sign": keys.sign_hex(), "noise": keys.noise_hex()}));
        }
        let bytes = sealed(body);
        let unit = self.unit_row()?.map(|u| u.unit_id).unwrap_or_default();
        let path = out_dir.join(format!("ban-{}-{unit}.tbban", cert.desk));
        crate::fsio::write_atomic(&path, &bytes)?;
        let at = clock::stamp(self.now());
        let sha = tobaucu_core::audit::sha256_hex(&bytes);
        self.store.write(|tx| {
            tx.append_audit(&audit(&at, "desk.package", format!("bàn {} — {}", cert.desk, cert.name), "", json!({"desk": cert.desk, "file": path.display().to_string(), "sha256": sha})))?;
            Ok::<_, Error>(())
        })?;
        Ok(DeskJoinResult {
            desk: cert.desk,
            name: cert.name.clone(),
            path: Some(path.display().to_string()),
            message: format!(
                "Đã làm gói cho {} (bàn số {}): {}. Mang tệp này sang máy bàn và chạy \"tobaucu desk join {}\" (hoặc mở bằng ứng dụng); tệp chứa khóa của bàn — xóa khỏi USB sau khi dùng.",
                cert.name,
                cert.desk,
                path.display(),
                path.display()
            ),
        })
    }

    /// `desk join PACKAGE`: makes this (empty) database a desk of the group.
    pub fn desk_join_file(&mut self, path: &Path) -> Result<DeskJoinResult> {
        let bytes = crate::fsio::read_regular(path, MAX_FILE)?;
        let v = unseal(&bytes, &path.display().to_string())?;
        let secret = v.get("secret").cloned().ok_or_else(|| Error::refused(ErrorCode::DeskFileInvalid, format!("{}: không phải gói bàn (thiếu khóa của bàn)", path.display())))?;
        let s = |k: &str| secret.get(k).and_then(Value::as_str).map(str::to_owned).unwrap_or_default();
        let keys = DeskKeys::from_hex(&s("sign"), &s("noise")).ok_or_else(|| Error::refused(ErrorCode::DeskFileInvalid, format!("{}: khóa của bàn không đọc được", path.display())))?;
        self.desk_join_package(&v, keys, &format!("gói {}", path.display()))
    }

    /// Joins from a package's content and this desk's keys (USB or network).
    pub(crate) fn desk_join_package(&mut self, v: &Value, keys: DeskKeys, via: &str) -> Result<DeskJoinResult> {
        let bad = |why: &str| Error::refused(ErrorCode::DeskFileInvalid, format!("gói bàn không hợp lệ: {why}; không có gì được thay đổi"));
        if v.get("format").and_then(Value::as_str) != Some(PACKAGE_FORMAT) {
            return Err(bad("không đúng định dạng gói bàn"));
        }
        if self.store.unit()?.is_some() || self.store.voter_count()? > 0 {
            return Err(Error::refused(ErrorCode::NotEmpty, format!("tệp dữ liệu {} đã có dữ liệu; máy bàn cần một tệp dữ liệu mới (ví dụ --db ban.sqlite)", self.db_path.display())));
        }
        let cert = Cert::from_value(v.get("cert").ok_or_else(|| bad("thiếu chứng nhận bàn"))?).map_err(|e| bad(&e))?;
        if !cert.signature_ok() || cert.sign_key != keys.sign_public_hex() || cert.noise_key != keys.noise_public_hex() || cert.desk == MAIN_DESK {
            return Err(bad("chứng nhận không khớp khóa của bàn"));
        }
        let election_json = v.get("election_json").and_then(Value::as_str).ok_or_else(|| bad("thiếu định nghĩa bầu cử"))?;
        let area = v.get("area").and_then(Value::as_str).ok_or_else(|| bad("thiếu khu vực bỏ phiếu"))?;
        let (unit, _def) = self.prepare_unit(election_json, &crate::UnitChoice::Area(area.to_owned()))?;
        if unit.election_sha256 != cert.election_sha256 || unit.unit_id != cert.unit || unit.election_id != cert.election {
            return Err(bad("định nghĩa bầu cử khác với chứng nhận"));
        }
        let mut certs = BTreeMap::new();
        for c in v.get("certs").and_then(Value::as_array).into_iter().flatten() {
            let c = Cert::from_value(c).map_err(|e| bad(&e))?;
            if c.belongs(&cert) {
                certs.insert(c.desk, c);
            }
        }
        certs.insert(cert.desk, cert.clone());
        if !certs.contains_key(&MAIN_DESK) {
            return Err(bad("thiếu chứng nhận của máy chính"));
        }
        let mut voters = Vec::new();
        for r in v.get("voters").and_then(Value::as_array).into_iter().flatten() {
            voters.push(voter_from_record(r.as_str().ok_or_else(|| bad("bản ghi cử tri"))?)?);
        }
        let mut events = Vec::new();
        for e in v.get("events").and_then(Value::as_array).into_iter().flatten() {
            events.push(Event::from_value(e).map_err(|e| bad(&e))?);
        }
        let mut log = Log::new();
        for e in &events {
            let c = certs.get(&e.id.desk).ok_or_else(|| bad("sự kiện của bàn không có chứng nhận"))?;
            if !tobaucu_desk::event_sig_ok(&c.sign_key, &e.hash, &e.sig) {
                return Err(bad(&format!("chữ ký sự kiện {} sai", e.id)));
            }
            match log.offer(e.clone()) {
                Offer::Added => {}
                o => return Err(bad(&format!("sự kiện {}: {o:?}", e.id))),
            }
        }
        let addrs: Vec<(i64, String)> = v.get("addrs").and_then(Value::as_array).into_iter().flatten().filter_map(|a| Some((a.get(0)?.as_i64()?, a.get(1)?.as_str()?.to_owned()))).collect();
        let at = clock::stamp(self.now());
        let authority_public = cert.authority.clone();
        let row = DeskSelfRow {
            role: "desk".into(),
            desk: i64::from(cert.desk),
            name: cert.name.clone(),
            group_id: cert.group.clone(),
            authority_public,
            authority_secret: None,
            sign_secret: keys.sign_hex(),
            noise_secret: keys.noise_hex(),
            cert: cert.to_value().to_string(),
            enabled: true,
            listen: String::new(),
            peers: String::new(),
            hlc_ms: 0,
            hlc_count: 0,
            list_version: 0,
            created_at: at.clone(),
        };
        let state = rules::replay(&log, None);
        let n_voters = voters.len();
        let n_events = log.len();
        // A desk of a rehearsing main laptop rehearses too (every page it
        // prints says so; the switch to official is the main laptop's).
        let rehearsal = v.get("rehearsal").and_then(Value::as_bool).unwrap_or(false);
        self.store.write(|tx| {
            if rehearsal {
                // Before the unit row: the schema refuses it afterwards.
                tx.insert_rehearsal(&at)?;
            }
            tx.insert_unit(&unit)?;
            tx.append_audit(&audit(&at, "setup", format!("area {}", unit.unit_id), "", json!({"election": unit.election_id, "election_sha256": unit.election_sha256, "rehearsal": rehearsal})))?;
            for vr in &voters {
                tx.insert_voter(vr)?;
            }
            tx.insert_desk_self(&row)?;
            for (d, c) in &certs {
                tx.upsert_desk_peer(i64::from(*d), &c.name, &c.to_value().to_string())?;
            }
            for (d, a) in &addrs {
                tx.set_desk_peer_contact(*d, "never", None, None, Some(a))?;
            }
            let mut max = Hlc::default();
            for e in log.events() {
                tx.insert_desk_event(&row_of(e)?, &at)?;
                max = max.max(e.hlc);
            }
            tx.set_desk_clock(i64::try_from(max.ms).unwrap_or(0), i64::from(max.count))?;
            let stts: BTreeSet<u32> = voters.iter().filter_map(|v| u32::try_from(v.stt).ok()).chain(state.voters.keys().copied()).collect();
            materialize(tx, &state, &stts, &at)?;
            tx.append_audit(&audit(
                &at,
                "desk.join",
                format!("bàn {} — {}", cert.desk, cert.name),
                "",
                json!({"desk": cert.desk, "group": cert.group, "via": via, "voters": n_voters, "events": n_events}),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.load_definition()?;
        self.desk = None;
        self.index = None;
        Ok(DeskJoinResult {
            desk: cert.desk,
            name: cert.name.clone(),
            path: None,
            message: format!(
                "Máy này là {} (bàn phát phiếu số {}) của tổ {}: {} cử tri, {} sự kiện đã nhận. Bật nhiều bàn (\"tobaucu desk serve\" hoặc màn hình Nhiều bàn) để đồng bộ với các bàn khác.",
                cert.name, cert.desk, cert.unit, n_voters, n_events
            ),
        })
    }

    /// Verifies and merges events from another desk (network or USB): the
    /// signatures against the certificates known, the chains against the
    /// log held; refused as a whole when any is altered, forged, forked or
    /// from an unknown desk; merged in one durable transaction with their
    /// audit entries, the state replayed for the voters they touch.
    /// `made_at`: when the file was written (its signed `created_at`);
    /// None for what a peer sends live.
    pub(crate) fn desk_merge_events(&mut self, incoming: Vec<Event>, from: DeskId, made_at: Option<&str>, via: &str) -> Result<Merged> {
        let me = self
            .desk_ctx()?
            .map(|c| (c.desk, c.main))
            .ok_or_else(|| Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào; hãy làm gói bàn (máy chính) hoặc nhận gói bàn (máy bàn) trước"))?;
        let certs = self.desk_certs()?;
        // Levels are the election's: a check-in or undo naming another
        // level is refused with its file (nothing merged).
        let known_levels: BTreeSet<String> = self.def()?.levels.iter().map(|l| l.code.clone()).collect();
        for e in &incoming {
            let levels: &[String] = match &e.body {
                Body::Checkin { levels, .. } | Body::Undo { levels, .. } => levels,
                Body::Resolve { level, .. } => std::slice::from_ref(level),
                Body::Voter { .. } => &[],
            };
            if let Some(l) = levels.iter().find(|l| !known_levels.contains(l.as_str()) && !is_round_level(&known_levels, l)) {
                return Err(Error::refused(ErrorCode::DeskFileInvalid, format!("sự kiện {} ({via}) ghi cấp \"{l}\" không có trong cuộc bầu cử; không có gì được thay đổi", e.id)));
            }
        }
        for e in &incoming {
            let c = certs
                .get(&e.id.desk)
                .ok_or_else(|| Error::refused(ErrorCode::DeskUnknown, format!("sự kiện {} của một bàn không có trong nhóm (không có chứng nhận); không có gì được thay đổi", e.id)))?;
            if !tobaucu_desk::event_sig_ok(&c.sign_key, &e.hash, &e.sig) {
                return Err(Error::refused(ErrorCode::DeskForged, format!("sự kiện {} ({via}) có chữ ký sai: bị sửa hoặc giả mạo; không có gì được thay đổi", e.id)));
            }
        }
        let at = clock::stamp(self.now());
        let mut out = Merged::default();
        let names: BTreeMap<DeskId, String> = certs.iter().map(|(d, c)| (*d, c.name.clone())).collect();
        self.store.write(|tx| {
            // The log as it stands inside this transaction.
            let mut log = Log::new();
            for r in tx.desk_events()? {
                log_insert_unchecked(&mut log, event_of(&r)?);
            }
            let verdicts = log.judge(&incoming);
            if let Some((e, Offer::Refused(why))) = incoming.iter().zip(&verdicts).find(|(_, o)| matches!(o, Offer::Refused(_))) {
                return Err(Error::refused(ErrorCode::DeskRefused, format!("sự kiện {} ({via}) bị từ chối: {why}; không có gì được thay đổi", e.id)));
            }
            let added: Vec<Event> = incoming.iter().zip(&verdicts).filter(|(_, o)| matches!(o, Offer::Added)).map(|(e, _)| e.clone()).collect();
            out.known = verdicts.iter().filter(|o| matches!(o, Offer::Known)).count();
            out.gaps = verdicts.iter().filter(|o| matches!(o, Offer::Gap { .. })).count();
            out.added = added.len();
            if !added.is_empty() {
                let stts: BTreeSet<u32> = added
                    .iter()
                    .flat_map(|e| {
                        let mut v = vec![e.body.stt()];
                        if let Body::Undo { targets, .. } = &e.body {
                            v.extend(targets.iter().filter_map(|t| log.get(*t).map(|x| x.body.stt())));
                        }
                        v
                    })
                    .collect();
                let before = rules::replay(&log, Some(&stts));
                let open_before: BTreeSet<(u32, String)> = before.open_anomalies().map(|a| (a.stt, a.level.clone())).collect();
                let mut me_row = tx.desk_self()?.ok_or_else(|| internal("desk_self"))?;
                let mut clock_now = Hlc { ms: u64::try_from(me_row.hlc_ms).unwrap_or(0), count: u32::try_from(me_row.hlc_count).unwrap_or(0), desk: me.0 };
                let wall = now_ms();
                for e in &added {
                    log.offer(e.clone());
                    tx.insert_desk_event(&row_of(e)?, &at)?;
                    clock_now = Hlc::observe(clock_now, e.hlc, wall);
                }
                tx.set_desk_clock(i64::try_from(clock_now.ms).unwrap_or(i64::MAX), i64::from(clock_now.count))?;
                let after = rules::replay(&log, Some(&stts));
                let list_changed = materialize(tx, &after, &stts, &at)?;
                if list_changed {
                    tx.bump_list_version()?;
                    me_row.list_version += 1;
                }
                // The audit log: each event merged (personal: redacted in
                // bundles), each new double check-in, and per desk a
                // summary that names the desk and its chain's head.
                for e in &added {
                    let (action, reason, extra) = match &e.body {
                        Body::Checkin { levels, mobile_box, .. } => ("checkin.desk", String::new(), json!({"levels": levels, "mobile_box": mobile_box})),
                        Body::Undo { levels, targets, reason, .. } => {
                            ("checkin.desk.undo", reason.clone(), json!({"levels": levels, "targets": targets.iter().map(|t| t.to_string()).collect::<Vec<_>>()}))
                        }
                        Body::Voter { .. } => ("voter.desk", String::new(), json!({})),
                        Body::Resolve { level, keep, reason, .. } => ("checkin.desk.resolve", reason.clone(), json!({"level": level, "keep": keep.map(|k| k.to_string())})),
                    };
                    let mut after_v = json!({"desk": e.id.desk, "seq": e.id.seq, "at": e.at, "hash": e.hash});
                    if let (Some(o), Some(x)) = (after_v.as_object_mut(), extra.as_object()) {
                        o.extend(x.clone());
                    }
                    tx.append_audit(&audit(&at, action, format!("cử tri số {}", e.body.stt()), &reason, after_v))?;
                }
                // A check-in the list here would not have allowed (a voter
                // not on it, not voting here, or a level not theirs): the
                // ballot was handed out, so it counts, but it is flagged for
                // the Tổ trưởng — the same rule the desk should have applied
                // (a list correction made meanwhile, or a tampered desk).
                for e in &added {
                    let Body::Checkin { stt, levels, .. } = &e.body else { continue };
                    let why = match tx.voter_by_stt(i64::from(*stt))? {
                        None => Some(format!("không có cử tri số {stt} trong danh sách")),
                        Some(v) => match crate::convert::status_of(&v).map(|st| tobaucu_core::voter::checkin_levels(st, &v.levels, &[], Some(levels))) {
                            Ok(Ok(_)) => None,
                            Ok(Err(tobaucu_core::voter::CheckinRefusal::NotVoting(st))) => Some(format!("cử tri số {stt} — {} — {}", v.name, st.vi())),
                            Ok(Err(tobaucu_core::voter::CheckinRefusal::NotEntitled(ls))) => {
                                Some(format!("cử tri số {stt} — {} — không bầu cấp {} (danh sách ghi {})", v.name, ls.join(", "), v.levels.join(", ")))
                            }
                            Ok(Err(_)) => None,
                            Err(err) => Some(err.to_string()),
                        },
                    };
                    if let Some(why) = why {
                        out.flagged += 1;
                        tx.append_audit(&audit(&at, FLAGGED, format!("cử tri số {stt}"), &why, json!({"desk": e.id.desk, "seq": e.id.seq, "levels": levels})))?;
                    }
                }
                for a in after.open_anomalies().filter(|a| !open_before.contains(&(a.stt, a.level.clone()))) {
                    out.anomalies += 1;
                    let who: Vec<String> = a.checkins.iter().map(|c| format!("bàn {} lúc {}", c.id.desk, clock::vi_time(&c.at))).collect();
                    tx.append_audit(&audit(
                        &at,
                        "checkin.anomaly",
                        format!("cử tri số {}", a.stt),
                        "",
                        json!({"level": a.level, "checkins": a.checkins.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(), "desks": who}),
                    ))?;
                }
                let mut per_desk: BTreeMap<DeskId, (u64, u64, u64, u64, String)> = BTreeMap::new();
                for e in &added {
                    let x = per_desk.entry(e.id.desk).or_insert((e.id.seq, e.id.seq, 0, 0, String::new()));
                    x.0 = x.0.min(e.id.seq);
                    x.1 = x.1.max(e.id.seq);
                    match e.body {
                        Body::Checkin { .. } => x.2 += 1,
                        Body::Undo { .. } => x.3 += 1,
                        _ => {}
                    }
                }
                for (d, (from, to, ci, un, _)) in per_desk {
                    let head = log.head(d).1.to_owned();
                    let name = names.get(&d).cloned().unwrap_or_default();
                    tx.append_audit(&audit(&at, "desk.merge", format!("bàn {d} — {name}"), "", json!({"desk": d, "from": from, "to": to, "head": head, "checkins": ci, "undos": un, "via": via})))?;
                    tx.raise_desk_known(i64::from(d), i64::try_from(to).unwrap_or(0))?;
                }
            }
            out.have = log.version();
            release_hold(tx, me.0, from, made_at, &at, via)?;
            Ok::<_, Error>(())
        })?;
        if out.added > 0 {
            self.index = None;
            self.tallies.clear();
        }
        Ok(out)
    }

    /// `desk export --out DIR`: every event this desk holds, in one file
    /// signed with this desk's key, for the USB path.
    pub fn desk_export(&mut self, out_dir: &Path) -> Result<DeskMergeReport> {
        let ctx = self.desk_ctx()?.ok_or_else(|| Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào"))?;
        let (desk, name, cert) = (ctx.desk, ctx.name.clone(), ctx.cert.clone());
        let events: Vec<Value> = self.store.desk_events()?.iter().map(|r| event_of(r).map(|e| e.to_value())).collect::<Result<_>>()?;
        let certs: Vec<Value> = self.desk_certs()?.values().map(Cert::to_value).collect();
        let at = clock::stamp(self.now());
        let body = json!({"format": EVENTS_FORMAT, "from": cert.to_value(), "certs": certs, "events": events, "created_at": at});
        let sig = self.desk_ctx()?.map(|c| c.keys.sign_event(&tobaucu_core::audit::sha256_hex(canonical_json(&body).as_bytes()))).unwrap_or_default();
        let mut body = body;
        if let Some(o) = body.as_object_mut() {
            o.insert("sig".into(), Value::String(sig));
        }
        let n = events_len(&body);
        let bytes = sealed(body);
        let unit = cert.unit.clone();
        let stamp: String = at.chars().filter(char::is_ascii_digit).take(14).collect();
        let path = out_dir.join(format!("su-kien-ban-{desk}-{unit}-{stamp}.tbsk"));
        crate::fsio::write_atomic(&path, &bytes)?;
        self.store.write(|tx| {
            tx.append_audit(&audit(
                &at,
                "desk.export",
                format!("bàn {desk} — {name}"),
                "",
                json!({"file": path.display().to_string(), "events": n, "sha256": tobaucu_core::audit::sha256_hex(&bytes)}),
            ))?;
            Ok::<_, Error>(())
        })?;
        Ok(DeskMergeReport {
            files: vec![path.display().to_string()],
            added: 0,
            known: u32::try_from(n).unwrap_or(u32::MAX),
            anomalies: 0,
            message: format!("Đã ghi {n} sự kiện của nhóm bàn vào {}. Mang sang máy chính và chạy \"tobaucu desk merge {}\".", path.display(), path.display()),
        })
    }

    /// `desk merge FILE…`: events from USB, each file all or nothing.
    pub fn desk_merge_files(&mut self, files: &[PathBuf]) -> Result<DeskMergeReport> {
        let mut flagged = 0usize;
        let mine = self
            .desk_ctx()?
            .map(|c| c.cert.clone())
            .ok_or_else(|| Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào; hãy làm gói bàn (máy chính) hoặc nhận gói bàn (máy bàn) trước"))?;
        let mut rep = DeskMergeReport { files: Vec::new(), added: 0, known: 0, anomalies: 0, message: String::new() };
        for f in files {
            let name = f.display().to_string();
            let bytes = crate::fsio::read_regular(f, MAX_FILE)?;
            let v = unseal(&bytes, &name)?;
            if v.get("format").and_then(Value::as_str) != Some(EVENTS_FORMAT) {
                return Err(Error::refused(ErrorCode::DeskFileInvalid, format!("{name}: không phải tệp sự kiện bàn ({EVENTS_FORMAT})")));
            }
            let from = Cert::from_value(v.get("from").unwrap_or(&Value::Null)).map_err(|e| Error::refused(ErrorCode::DeskFileInvalid, format!("{name}: {e}")))?;
            if let Err(m) = from.judge(&mine, &tobaucu_desk::unhex::<32>(&from.noise_key).unwrap_or_default()) {
                let at = clock::stamp(self.now());
                self.store.write(|tx| {
                    tx.insert_desk_refusal(&tobaucu_store::DeskRefusalRow { at: at.clone(), addr: name.clone(), code: m.code().as_str().into(), detail: m.vi() })?;
                    tx.append_audit(&audit(&at, "desk.refuse", format!("tệp {name}"), &m.vi(), json!({"code": m.code().as_str(), "desk": from.desk, "unit": from.unit, "election": from.election})))?;
                    Ok::<_, Error>(())
                })?;
                return Err(Error::refused(m.code(), format!("{name}: {}", m.vi())));
            }
            let mut signed = v.clone();
            let sig = signed.as_object_mut().and_then(|o| o.remove("sig")).and_then(|s| s.as_str().map(str::to_owned)).unwrap_or_default();
            if !tobaucu_desk::event_sig_ok(&from.sign_key, &tobaucu_core::audit::sha256_hex(canonical_json(&signed).as_bytes()), &sig) {
                return Err(Error::refused(ErrorCode::DeskForged, format!("{name}: chữ ký của bàn {} trên tệp sai (tệp bị sửa); không có gì được thay đổi", from.desk)));
            }
            // Certificates carried (desks the main laptop issued).
            let known = self.desk_certs()?;
            let mut new_certs = Vec::new();
            for c in v.get("certs").and_then(Value::as_array).into_iter().flatten() {
                if let Ok(c) = Cert::from_value(c) {
                    if c.belongs(&mine) && !known.contains_key(&c.desk) {
                        new_certs.push(c);
                    }
                }
            }
            if !new_certs.is_empty() {
                self.store.write(|tx| {
                    for c in &new_certs {
                        tx.upsert_desk_peer(i64::from(c.desk), &c.name, &c.to_value().to_string())?;
                    }
                    Ok::<_, Error>(())
                })?;
            }
            let mut events = Vec::new();
            for e in v.get("events").and_then(Value::as_array).into_iter().flatten() {
                events.push(Event::from_value(e).map_err(|e| Error::refused(ErrorCode::DeskFileInvalid, format!("{name}: {e}")))?);
            }
            let made_at = v.get("created_at").and_then(Value::as_str).map(str::to_owned);
            let m = self.desk_merge_events(events, from.desk, Some(made_at.as_deref().unwrap_or("")), &format!("tệp {name}"))?;
            // Counts for the message, summed over files without wrapping.
            let add = |total: u32, n: usize| u32::try_from(n).ok().and_then(|n| total.checked_add(n)).unwrap_or(u32::MAX);
            rep.added = add(rep.added, m.added);
            rep.known = add(rep.known, m.known);
            rep.anomalies = add(rep.anomalies, m.anomalies);
            flagged = flagged.saturating_add(m.flagged);
            rep.files.push(name);
        }
        rep.message = format!(
            "Đã hợp nhất {} tệp: {} sự kiện mới, {} đã có{}.",
            rep.files.len(),
            rep.added,
            rep.known,
            if rep.anomalies > 0 { format!("; {} lượt cử tri nhận phiếu hai lần (tính theo từng cấp) — xem \"tobaucu desk anomalies\"", rep.anomalies) } else { String::new() }
        ) + &flagged_note(flagged);
        Ok(rep)
    }

    /// `desk status --release-hold --reason R`: the Tổ trưởng lets a held
    /// desk (put back from a backup, or behind its own chain) check voters
    /// in again without catching up — when the desks that would hold its
    /// missing events are gone for good. Its next event may fork its chain
    /// (the others then refuse it, and its later check-ins travel only by
    /// paper), so the reason is required and kept in the audit log.
    pub fn desk_release_hold(&mut self, reason: &str) -> Result<DeskStatusDto> {
        let reason = crate::voters::need_reason(reason)?;
        let (own, main) = self.desk_ctx()?.map(|c| (c.desk, c.main)).ok_or_else(|| Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào"))?;
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            let c = tx.desk_clock()?.ok_or_else(|| internal("desk_self"))?;
            let head = c.head_seq;
            if held_why(&c, head, main, &[]).is_none() {
                return Err(Error::refused(ErrorCode::NothingToResolve, "máy này không bị giữ: vẫn phát phiếu bình thường"));
            }
            tx.release_desk_hold()?;
            tx.set_desk_known(i64::from(own), head)?;
            tx.append_audit(&audit(&at, "desk.release", format!("bàn {own}"), &reason, json!({"held_since": c.held_since, "claimed": c.known_own, "events": head})))?;
            Ok::<_, Error>(())
        })?;
        self.desk_status()
    }

    /// Why this laptop makes no event now, if it is held ([`held_why`]).
    pub(crate) fn desk_held_why(&mut self) -> Result<Option<String>> {
        let Some((own, main)) = self.desk_ctx()?.map(|c| (c.desk, c.main)) else { return Ok(None) };
        hold_text(&self.store, own, main)
    }

    /// `desk status`: this desk, every other desk, refusals, anomalies.
    pub fn desk_status(&mut self) -> Result<DeskStatusDto> {
        let Some(ctx) = self.desk_ctx()? else {
            return Ok(DeskStatusDto {
                enabled: false,
                role: String::new(),
                desk: 0,
                name: String::new(),
                group: String::new(),
                listen: String::new(),
                peers_config: String::new(),
                pairing_code: None,
                pairing_expires: None,
                desks: Vec::new(),
                refusals: Vec::new(),
                anomalies_open: 0,
                flagged: 0,
                unmerged_warning: None,
                held: None,
                message: "Máy này chưa dùng nhiều bàn: một máy, một bàn phát phiếu.".into(),
            });
        };
        let (me, main, name, group) = (ctx.desk, ctx.main, ctx.name.clone(), ctx.group.clone());
        let self_row = self.store.desk_self()?.ok_or_else(|| internal("desk_self"))?;
        let log = self.desk_log()?;
        let state = rules::replay(&log, None);
        let have = log.version();
        let mut desks = Vec::new();
        for p in self.store.desk_peers()? {
            let d = desk_of(p.desk);
            let t = state.desks.get(&d).cloned().unwrap_or_default();
            let held = have.get(&d).copied().unwrap_or(0);
            let known = u64::try_from(p.known_seq).unwrap_or(0).max(held);
            desks.push(DeskPeerDto {
                desk: d,
                name: p.name.clone(),
                this: d == me,
                status: if d == me { "self".into() } else { p.status.clone() },
                since: p.since.clone(),
                last_seen: p.last_seen.clone(),
                addr: p.addr.clone(),
                events: held,
                unmerged: known.saturating_sub(held),
                voters: t.voters,
                checkins: t.checkins,
                last_event_at: t.last_at.clone(),
            });
        }
        let refusals = self.store.desk_refusals(20)?.into_iter().map(|r| DeskRefusalDto { at: r.at, addr: r.addr, code: r.code, detail: r.detail }).collect();
        let pairing = if main { self.store.desk_pairing()? } else { None };
        let now = clock::stamp(self.now());
        let pairing = pairing.filter(|(_, exp, fails)| exp.as_str() > now.as_str() && *fails < PAIRING_TRIES);
        let anomalies_open = u32::try_from(state.open_anomalies().count()).unwrap_or(u32::MAX);
        let flagged = u32::try_from(self.store.audit_count(FLAGGED)?).unwrap_or(u32::MAX);
        let warning = if main { self.desk_unmerged_warning()? } else { None };
        let connected = desks.iter().filter(|d| d.status == "connected").count();
        Ok(DeskStatusDto {
            enabled: self_row.enabled,
            role: if main { "main".into() } else { "desk".into() },
            desk: me,
            name: name.clone(),
            group,
            listen: self_row.listen,
            peers_config: self_row.peers,
            pairing_code: pairing.as_ref().and_then(|(c, _, _)| Some(format!("{}-{}", c.get(..4)?, c.get(4..)?))),
            pairing_expires: pairing.map(|(_, e, _)| e),
            message: format!("{name} (bàn số {me}); {} bàn khác đang kết nối; {} lượt cử tri nhận phiếu hai lần (theo cấp) chưa xử lý.", connected, anomalies_open)
                + &flagged_note(usize::try_from(flagged).unwrap_or(usize::MAX)),
            flagged,
            desks,
            refusals,
            anomalies_open,
            unmerged_warning: warning,
            held: hold_text(&self.store, me, main)?,
        })
    }

    /// The per-desk column of the turnout screen: voters per desk, each
    /// desk's contact (empty with one desk).
    pub fn desk_turnout(&self) -> Result<Vec<tobaucu_ipc::desk::DeskTurnoutDto>> {
        let Some(me) = self.store.desk_self()?.map(|d| desk_of(d.desk)) else { return Ok(Vec::new()) };
        let counts: BTreeMap<Option<i64>, i64> = self.store.live_voters_per_desk()?.into_iter().collect();
        Ok(self
            .store
            .desk_peers()?
            .into_iter()
            .map(|p| tobaucu_ipc::desk::DeskTurnoutDto {
                desk: desk_of(p.desk),
                name: p.name,
                this: desk_of(p.desk) == me,
                voters: u64::try_from(counts.get(&Some(p.desk)).copied().unwrap_or(0)).unwrap_or(0),
                status: if desk_of(p.desk) == me { "self".into() } else { p.status },
                last_seen: p.last_seen,
            })
            .collect())
    }

    /// On the main laptop: desks known to hold events not merged here, or
    /// not heard from since their last check-in. `None` when all is merged.
    pub fn desk_unmerged_warning(&mut self) -> Result<Option<String>> {
        let Some(ctx) = self.desk_ctx()? else { return Ok(None) };
        let me = ctx.desk;
        let log = self.desk_log()?;
        let have = log.version();
        let mut parts = Vec::new();
        // This laptop itself may lack its own check-ins (held).
        if let Some(why) = self.desk_held_why()? {
            parts.push(why);
        }
        for p in self.store.desk_peers()? {
            let d = desk_of(p.desk);
            if d == me {
                continue;
            }
            let held = have.get(&d).copied().unwrap_or(0);
            let known = u64::try_from(p.known_seq).unwrap_or(0);
            if known > held {
                parts.push(format!("{} (bàn số {d}) còn giữ {} sự kiện chưa hợp nhất vào máy này", p.name, known - held));
            } else if p.status != "connected" {
                let when = p.last_seen.as_deref().map(clock::vi_time).unwrap_or_else(|| "chưa từng".into());
                parts.push(format!("{} (bàn số {d}) không kết nối (lần cuối: {when}): có thể còn lượt phát phiếu chưa hợp nhất", p.name));
            }
        }
        Ok((!parts.is_empty()).then(|| format!("Cảnh báo nhiều bàn: {}. Hãy hợp nhất (mạng hoặc USB: \"tobaucu desk export\" trên bàn, \"tobaucu desk merge\" ở đây) trước khi khóa biên bản, để số cử tri đã bỏ phiếu là của mọi bàn.", parts.join("; "))))
    }

    /// `desk anomalies`: voters checked in twice (open first).
    pub fn desk_anomalies(&mut self) -> Result<Vec<AnomalyDto>> {
        if self.desk_ctx()?.is_none() {
            return Ok(Vec::new());
        }
        let log = self.desk_log()?;
        let state = rules::replay(&log, None);
        let names: BTreeMap<DeskId, String> = self.desk_certs()?.into_iter().map(|(d, c)| (d, c.name)).collect();
        let mut out: Vec<AnomalyDto> = state
            .anomalies
            .iter()
            .map(|a| {
                let voter = self.store.voter_by_stt(i64::from(a.stt)).ok().flatten();
                AnomalyDto {
                    stt: a.stt,
                    name: voter.map(|v| v.name).unwrap_or_default(),
                    level: a.level.clone(),
                    checkins: a
                        .checkins
                        .iter()
                        .map(|c| AnomalyCheckinDto { id: c.id.to_string(), desk: c.id.desk, desk_name: names.get(&c.id.desk).cloned().unwrap_or_default(), at: c.at.clone(), mobile_box: c.mobile_box })
                        .collect(),
                    resolved: a.resolution.is_some(),
                    keep: a.resolution.as_ref().and_then(|r| r.keep.map(|k| k.to_string())),
                    reason: a.resolution.as_ref().map(|r| r.reason.clone()),
                    resolved_at: a.resolution.as_ref().map(|r| r.at.clone()),
                }
            })
            .collect();
        out.sort_by_key(|a| (a.resolved, a.stt));
        Ok(out)
    }

    /// Resolves a double check-in (main laptop): `keep` ("D:S", a check-in
    /// involved) stands and the others are void, or with none all stand as
    /// recorded; the reason is required.
    pub fn desk_resolve(&mut self, stt: u32, level: Option<&str>, keep: Option<&str>, reason: &str) -> Result<AnomalyDto> {
        self.refuse_on_desk("xử lý cử tri nhận phiếu hai lần")?;
        let reason = tobaucu_core::text::clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do xử lý (đã xác minh với cử tri, bàn nào bấm nhầm…)"));
        }
        let all = self.desk_anomalies()?;
        let a = all.iter().find(|a| a.stt == stt && !a.resolved && level.is_none_or(|l| a.level == l)).cloned().ok_or_else(|| {
            Error::refused(ErrorCode::NoSuchAnomaly, format!("cử tri số {stt} không có lượt nhận phiếu hai lần nào đang chờ xử lý{}", level.map(|l| format!(" ở cấp {l}")).unwrap_or_default()))
        })?;
        let parse = |s: &str| -> Option<EventId> {
            let (d, q) = s.split_once(':')?;
            Some(EventId { desk: d.trim().parse().ok()?, seq: q.trim().parse().ok()? })
        };
        let seen: Vec<EventId> = a.checkins.iter().filter_map(|c| parse(&c.id)).collect();
        let keep = match keep {
            None => None,
            Some(k) => {
                // "D:S", or a desk number alone when it made one of them.
                let id = parse(k).or_else(|| k.trim().parse::<DeskId>().ok().and_then(|d| seen.iter().find(|e| e.desk == d).copied()));
                Some(id.filter(|i| seen.contains(i)).ok_or_else(|| {
                    Error::refused(
                        ErrorCode::FieldInvalid,
                        format!("\"{k}\" không phải một trong các lượt nhận phiếu của cử tri số {stt} ({})", a.checkins.iter().map(|c| c.id.clone()).collect::<Vec<_>>().join(", ")),
                    )
                })?)
            }
        };
        self.desk_ctx()?;
        let ctx = self.desk.as_deref().ok_or_else(|| internal("desk"))?;
        let at = clock::stamp(self.now());
        let level = a.level.clone();
        let body = Body::Resolve { stt, level: level.clone(), seen: seen.clone(), keep, reason: reason.clone() };
        self.store.write(|tx| {
            let e = Self::desk_emit(tx, ctx, &at, body)?;
            let mut log = Log::new();
            for r in tx.desk_events_of(i64::from(stt))? {
                log_insert_unchecked(&mut log, event_of(&r)?);
            }
            let st = rules::replay(&log, None);
            let one: BTreeSet<u32> = [stt].into_iter().collect();
            materialize(tx, &st, &one, &at)?;
            tx.append_audit(&audit(
                &at,
                "checkin.resolve",
                format!("cử tri số {stt}"),
                &reason,
                json!({"level": level, "seen": seen.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "keep": keep.map(|k| k.to_string()), "seq": e.id.seq}),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.clear();
        self.desk_anomalies()?.into_iter().find(|x| x.stt == stt && x.level == a.level).ok_or_else(|| internal("anomaly"))
    }

    /// Sets where the listener binds and which peers to dial (empty: the
    /// local network's addresses, discovered peers); turns multi-desk on/off.
    pub fn desk_configure(&mut self, enabled: bool, listen: &str, peers: &str) -> Result<()> {
        if self.desk_ctx()?.is_none() {
            return Err(Error::refused(ErrorCode::DeskNone, "máy này chưa thuộc nhóm bàn nào"));
        }
        for a in [listen, peers] {
            service::parse_addrs(a).map_err(|m| Error::refused(ErrorCode::FieldInvalid, m))?;
        }
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.set_desk_network(enabled, listen.trim(), peers.trim())?;
            tx.append_audit(&audit(&at, if enabled { "desk.on" } else { "desk.off" }, "nhiều bàn".into(), "", json!({"listen": listen.trim(), "peers": peers.trim()})))?;
            Ok::<_, Error>(())
        })
    }

    /// A fresh pairing code (main laptop), good for [`PAIRING_MINUTES`].
    pub fn desk_new_pairing_code(&mut self) -> Result<String> {
        self.refuse_on_desk("tạo mã ghép nối")?;
        self.desk_setup_main()?;
        let r = tobaucu_desk::random::<8>().map_err(internal)?;
        let code: String = r.iter().map(|b| char::from(b'0' + b % 10)).collect();
        let expires = clock::stamp(self.now() + chrono::Duration::minutes(PAIRING_MINUTES));
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.set_desk_pairing(&code, &expires)?;
            tx.append_audit(&audit(&at, "desk.pairing_code", "mã ghép nối".into(), "", json!({"expires_at": expires})))?;
            Ok::<_, Error>(())
        })?;
        Ok(format!("{}-{}", code.get(..4).unwrap_or_default(), code.get(4..).unwrap_or_default()))
    }
}

fn events_len(body: &Value) -> usize {
    body.get("events").and_then(Value::as_array).map_or(0, Vec::len)
}

/// Inserts an event into a log without the chain rules (a partial view:
/// one voter's events, or rows already checked when stored).
pub(crate) fn log_insert_unchecked(log: &mut Log, e: Event) {
    log.insert_partial(e);
}

/// Makes the `voter` and `checkin` tables of voters `stts` what `state`
/// says. Returns whether a voter record changed.
fn materialize(tx: &Tx<'_>, state: &rules::State, stts: &BTreeSet<u32>, at: &str) -> Result<bool> {
    let mut list_changed = false;
    for stt in stts {
        let s = i64::from(*stt);
        if let Some(rec) = state.voters.get(stt) {
            let mut row = voter_from_record(rec)?;
            match tx.voter_by_stt(s)? {
                Some(old) => {
                    row.id = old.id;
                    if row != old {
                        tx.update_voter(&row)?;
                        list_changed = true;
                    }
                }
                None => {
                    tx.insert_voter(&row)?;
                    list_changed = true;
                }
            }
        }
        let Some(v) = tx.voter_by_stt(s)? else { continue };
        let current: BTreeMap<String, (Option<i64>, Option<i64>)> = tx.live_checkins_of_full(v.id)?.into_iter().map(|(level, desk, seq)| (level, (desk, seq))).collect();
        let desired: BTreeMap<String, &rules::CheckinRef> = state.checkins.iter().filter(|((x, _), _)| x == stt).map(|((_, l), c)| (l.clone(), c)).collect();
        for (level, c) in &desired {
            let want = (Some(i64::from(c.id.desk)), Some(i64::try_from(c.id.seq).unwrap_or(0)));
            match current.get(level) {
                None => tx.insert_desk_checkin(v.id, level, &c.at, c.mobile_box, i64::from(c.id.desk), want.1.unwrap_or(0))?,
                Some(x) if *x != want => tx.retarget_desk_checkin(v.id, level, &c.at, c.mobile_box, i64::from(c.id.desk), want.1.unwrap_or(0))?,
                Some(_) => {}
            }
        }
        for level in current.keys().filter(|l| !desired.contains_key(*l)) {
            let (when, why) =
                state.undone.get(&(*stt, level.clone())).map(|(_, a, r)| (a.clone(), r.clone())).unwrap_or_else(|| (at.to_owned(), "hủy theo quyết định của Tổ trưởng (nhận phiếu hai lần)".into()));
            tx.undo_checkin(v.id, level, &when, &why)?;
        }
    }
    Ok(list_changed)
}
