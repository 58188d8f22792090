//! Nhiều bàn phát phiếu: the rules of several check-in desks on one voter
//! list (issue 14). Pure: no IO, no clock (times are passed in), no keys
//! (signatures are checked by the caller before events reach [`Log`]).
//!
//! * Each desk appends its own **events** — a check-in, an undo with its
//!   reason; the main laptop also list changes and the resolution of a
//!   double check-in — numbered 1, 2, 3… per desk, stamped with a
//!   [`Hlc`] (hybrid logical clock) and **hash-chained** per desk (each
//!   event's hash covers the hash of the desk's previous event).
//! * A [`Log`] holds, per desk, a prefix of that desk's chain. Two logs
//!   merge by taking, per desk, the longer of two prefixes of one chain:
//!   merging is idempotent, commutative and associative.
//! * The state of the list — who is checked in for which level, by which
//!   desk, which voter was checked in twice — is [`replay`] of the log: a
//!   function of the set of events, not of the order they arrived in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::audit::{link, sha256_hex, GENESIS};
use crate::canonical::canonical_json;

/// A desk's number in its group. The main laptop (where counting happens)
/// is desk 1.
pub type DeskId = u32;

/// The main laptop's desk number.
pub const MAIN_DESK: DeskId = 1;

/// The most desks one group holds (a polling area seats two to four tables;
/// a spare laptop or two).
pub const MAX_DESKS: DeskId = 16;

/// How far ahead of this laptop's clock a peer's clock is believed (10
/// minutes): a desk whose clock is set to tomorrow cannot drag every other
/// desk's clock with it.
pub const MAX_DRIFT_MS: u64 = 10 * 60 * 1000;

/// Hybrid logical clock: wall-clock milliseconds, a counter for events in
/// the same millisecond (or behind a clock that went back), and the desk as
/// the last tie-break: a total order consistent with causality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub ms: u64,
    pub count: u32,
    pub desk: DeskId,
}

impl Hlc {
    /// The stamp of a new local event at wall-clock `now_ms`, after `last`
    /// (the greatest stamp this desk has made or seen).
    pub fn tick(last: Hlc, now_ms: u64, desk: DeskId) -> Hlc {
        if now_ms > last.ms {
            Hlc { ms: now_ms, count: 0, desk }
        } else {
            Hlc { ms: last.ms, count: last.count.saturating_add(1), desk }
        }
    }

    /// The clock after receiving `remote` at wall-clock `now_ms`. A remote
    /// stamp more than [`MAX_DRIFT_MS`] ahead is not followed (the event is
    /// kept; only the clock refuses to jump).
    pub fn observe(last: Hlc, remote: Hlc, now_ms: u64) -> Hlc {
        if remote.ms > now_ms.saturating_add(MAX_DRIFT_MS) {
            return last;
        }
        if remote > last {
            Hlc { desk: last.desk, ..remote }
        } else {
            last
        }
    }
}

/// An event's identity: its desk and its number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId {
    pub desk: DeskId,
    pub seq: u64,
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.desk, self.seq)
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Phát phiếu: voter `stt` received the ballots of `levels` (through
    /// the mobile box when `mobile_box`).
    Checkin { stt: u32, levels: Vec<String>, mobile_box: bool },
    /// Hủy nhận phiếu: the check-ins `targets` (those this desk knew) of
    /// voter `stt` for `levels` are undone, for `reason`.
    Undo { stt: u32, levels: Vec<String>, targets: Vec<EventId>, reason: String },
    /// A change of the list on the main laptop (add, correct, remove): the
    /// voter's whole record afterwards (canonical JSON, the app's format).
    Voter { stt: u32, record: String },
    /// The Tổ trưởng's decision on a double check-in of voter `stt` for
    /// `level`: the check-ins `seen` were looked at; `keep` (if any) stands
    /// and the others are void; `reason` is written.
    Resolve { stt: u32, level: String, seen: Vec<EventId>, keep: Option<EventId>, reason: String },
}

impl Body {
    /// The voter the event is about.
    pub fn stt(&self) -> u32 {
        match self {
            Body::Checkin { stt, .. } | Body::Undo { stt, .. } | Body::Voter { stt, .. } | Body::Resolve { stt, .. } => *stt,
        }
    }

    /// The kind's name on the wire and in the database.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Checkin { .. } => "checkin",
            Body::Undo { .. } => "undo",
            Body::Voter { .. } => "voter",
            Body::Resolve { .. } => "resolve",
        }
    }

    /// Only the main laptop changes the list and resolves anomalies.
    pub fn main_only(&self) -> bool {
        matches!(self, Body::Voter { .. } | Body::Resolve { .. })
    }

    fn to_value(&self) -> Value {
        let ids = |v: &[EventId]| Value::Array(v.iter().map(|e| json!([e.desk, e.seq])).collect());
        match self {
            Body::Checkin { stt, levels, mobile_box } => json!({"kind": "checkin", "stt": stt, "levels": levels, "mobile_box": mobile_box}),
            Body::Undo { stt, levels, targets, reason } => json!({"kind": "undo", "stt": stt, "levels": levels, "targets": ids(targets), "reason": reason}),
            Body::Voter { stt, record } => json!({"kind": "voter", "stt": stt, "record": record}),
            Body::Resolve { stt, level, seen, keep, reason } => {
                json!({"kind": "resolve", "stt": stt, "level": level, "seen": ids(seen), "keep": keep.map(|k| json!([k.desk, k.seq])), "reason": reason})
            }
        }
    }

    fn from_value(v: &Value) -> Result<Body, String> {
        let o = v.as_object().ok_or("nội dung sự kiện không phải đối tượng JSON")?;
        let kind = o.get("kind").and_then(Value::as_str).ok_or("thiếu loại sự kiện (kind)")?;
        let allowed: &[&str] = match kind {
            "checkin" => &["kind", "stt", "levels", "mobile_box"],
            "undo" => &["kind", "stt", "levels", "targets", "reason"],
            "voter" => &["kind", "stt", "record"],
            "resolve" => &["kind", "stt", "level", "seen", "keep", "reason"],
            other => return Err(format!("loại sự kiện lạ \"{other}\"")),
        };
        if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(format!("sự kiện {kind} có trường lạ \"{k}\""));
        }
        if o.len() != allowed.len() {
            return Err(format!("sự kiện {kind} thiếu trường"));
        }
        let stt = o.get("stt").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).filter(|n| *n >= 1).ok_or("số thứ tự cử tri (stt) không hợp lệ")?;
        let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned).ok_or(format!("trường {k} phải là chuỗi"));
        let levels = || -> Result<Vec<String>, String> {
            let a = o.get("levels").and_then(Value::as_array).ok_or("trường levels phải là mảng")?;
            let ls: Vec<String> = a.iter().map(|x| x.as_str().filter(|s| !s.is_empty()).map(str::to_owned)).collect::<Option<_>>().ok_or("cấp bầu cử không hợp lệ")?;
            if ls.is_empty() || ls.len() > 8 {
                return Err("số cấp bầu cử không hợp lệ".into());
            }
            if ls.iter().enumerate().any(|(i, l)| ls[..i].contains(l)) {
                return Err("một cấp bầu cử ghi hai lần".into());
            }
            Ok(ls)
        };
        let id = |x: &Value| -> Option<EventId> {
            let a = x.as_array()?;
            if a.len() != 2 {
                return None;
            }
            let desk = u32::try_from(a.first()?.as_u64()?).ok()?;
            let seq = a.get(1)?.as_u64()?;
            (desk >= 1 && seq >= 1).then_some(EventId { desk, seq })
        };
        let ids = |k: &str| -> Result<Vec<EventId>, String> {
            let a = o.get(k).and_then(Value::as_array).ok_or(format!("trường {k} phải là mảng"))?;
            a.iter().map(id).collect::<Option<Vec<_>>>().ok_or(format!("trường {k} có mã sự kiện không hợp lệ"))
        };
        Ok(match kind {
            "checkin" => Body::Checkin { stt, levels: levels()?, mobile_box: o.get("mobile_box").and_then(Value::as_bool).ok_or("trường mobile_box phải là true/false")? },
            "undo" => Body::Undo { stt, levels: levels()?, targets: ids("targets")?, reason: text("reason")? },
            "voter" => Body::Voter { stt, record: text("record")? },
            _ => Body::Resolve {
                stt,
                level: text("level")?,
                seen: ids("seen")?,
                keep: match o.get("keep") {
                    Some(Value::Null) => None,
                    Some(x) => Some(id(x).ok_or("trường keep không hợp lệ")?),
                    None => None,
                },
                reason: text("reason")?,
            },
        })
    }
}

/// One event of a desk's chain. `sig` is the desk's signature over `hash`
/// (checked by the caller, carried here untouched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub hlc: Hlc,
    /// The desk's wall-clock time (RFC 3339, shown to people).
    pub at: String,
    pub body: Body,
    pub prev: String,
    pub hash: String,
    pub sig: String,
}

/// The hash an event must carry: `link(prev, SHA-256(canonical content))`,
/// the audit log's chaining rule.
pub fn event_hash(id: EventId, hlc: Hlc, at: &str, body: &Body, prev: &str) -> String {
    let content = json!({
        "desk": id.desk, "seq": id.seq, "hlc": [hlc.ms, hlc.count], "at": at, "body": body.to_value(),
    });
    link(prev, &sha256_hex(canonical_json(&content).as_bytes()))
}

impl Event {
    /// A new event of `desk` after its head `(seq, hash)`; `sig` is filled
    /// by the caller once the hash is known.
    pub fn new(desk: DeskId, head: (u64, &str), hlc: Hlc, at: &str, body: Body) -> Event {
        let id = EventId { desk, seq: head.0.saturating_add(1) };
        let prev = if head.0 == 0 { GENESIS.to_owned() } else { head.1.to_owned() };
        let hash = event_hash(id, hlc, at, &body, &prev);
        Event { id, hlc, at: at.to_owned(), body, prev, hash, sig: String::new() }
    }

    /// Whether the hash is the one the content calls for.
    pub fn hash_ok(&self) -> bool {
        self.hlc.desk == self.id.desk && event_hash(self.id, self.hlc, &self.at, &self.body, &self.prev) == self.hash
    }

    /// The wire and storage form (canonical JSON of this object).
    pub fn to_value(&self) -> Value {
        json!({
            "desk": self.id.desk, "seq": self.id.seq, "hlc": [self.hlc.ms, self.hlc.count],
            "at": self.at, "body": self.body.to_value(), "prev": self.prev, "hash": self.hash, "sig": self.sig,
        })
    }

    /// The body alone as canonical JSON (stored beside the indexed columns).
    pub fn body_json(&self) -> String {
        canonical_json(&self.body.to_value())
    }

    /// Reads an event from its wire form; every field checked, none
    /// unknown. The hash is checked by [`Log::offer`].
    pub fn from_value(v: &Value) -> Result<Event, String> {
        let o = v.as_object().ok_or("sự kiện không phải đối tượng JSON")?;
        const KEYS: [&str; 8] = ["desk", "seq", "hlc", "at", "body", "prev", "hash", "sig"];
        if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("sự kiện có trường lạ \"{k}\""));
        }
        let desk = o.get("desk").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).filter(|d| (1..=MAX_DESKS).contains(d)).ok_or("số bàn không hợp lệ")?;
        // Numbers and clocks are stored as SQLite integers: at most i64::MAX.
        let seq = o.get("seq").and_then(Value::as_u64).filter(|s| *s >= 1 && i64::try_from(*s).is_ok()).ok_or("số thứ tự sự kiện không hợp lệ")?;
        let hlc = o.get("hlc").and_then(Value::as_array).filter(|a| a.len() == 2).ok_or("đồng hồ (hlc) không hợp lệ")?;
        let ms = hlc.first().and_then(Value::as_u64).filter(|m| i64::try_from(*m).is_ok()).ok_or("đồng hồ (hlc) không hợp lệ")?;
        let count = hlc.get(1).and_then(Value::as_u64).and_then(|c| u32::try_from(c).ok()).ok_or("đồng hồ (hlc) không hợp lệ")?;
        let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned).ok_or(format!("trường {k} phải là chuỗi"));
        let hex64 = |k: &str| -> Result<String, String> {
            let x = s(k)?;
            if x.len() == 64 && x.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                Ok(x)
            } else {
                Err(format!("trường {k} không phải mã băm"))
            }
        };
        let at = s("at")?;
        if at.len() > 40 {
            return Err("thời điểm sự kiện quá dài".into());
        }
        Ok(Event {
            id: EventId { desk, seq },
            hlc: Hlc { ms, count, desk },
            at,
            body: Body::from_value(o.get("body").ok_or("thiếu nội dung sự kiện")?)?,
            prev: hex64("prev")?,
            hash: hex64("hash")?,
            sig: s("sig")?,
        })
    }
}

/// What [`Log::offer`] did with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// New: appended to its desk's chain.
    Added,
    /// Already held (the same hash).
    Known,
    /// Its desk's chain here ends before the event's predecessor: it must
    /// come after the events in between (`have` is the last one held).
    Gap { have: u64 },
    /// Refused: a different event at a number already held (a forked or
    /// altered chain), a broken link or hash, or a desk doing what only
    /// the main laptop may.
    Refused(String),
}

/// Per desk, a prefix of the desk's chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Log {
    chains: BTreeMap<DeskId, Vec<Event>>,
}

impl Log {
    pub fn new() -> Log {
        Log::default()
    }

    /// The desks present.
    pub fn desks(&self) -> impl Iterator<Item = DeskId> + '_ {
        self.chains.keys().copied()
    }

    /// Desk `d`'s last event number and hash (0 and [`GENESIS`] if none).
    pub fn head(&self, d: DeskId) -> (u64, &str) {
        match self.chains.get(&d).and_then(|c| c.last()) {
            Some(e) => (e.id.seq, e.hash.as_str()),
            None => (0, GENESIS),
        }
    }

    /// How many events of each desk are held.
    pub fn version(&self) -> BTreeMap<DeskId, u64> {
        self.chains.iter().map(|(d, c)| (*d, c.len() as u64)).collect()
    }

    /// Every event, desk by desk in chain order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.chains.values().flatten()
    }

    /// How many events in all.
    pub fn len(&self) -> usize {
        self.chains.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An event by id.
    pub fn get(&self, id: EventId) -> Option<&Event> {
        let c = self.chains.get(&id.desk)?;
        let i = c.binary_search_by_key(&id.seq, |e| e.id.seq).ok()?;
        c.get(i)
    }

    /// Inserts an event without the chain rules: a partial view (the
    /// events about some voters only), to [`replay`] them. Such a log is
    /// not to be offered or merged afterwards.
    pub fn insert_partial(&mut self, e: Event) {
        let c = self.chains.entry(e.id.desk).or_default();
        match c.binary_search_by_key(&e.id.seq, |x| x.id.seq) {
            Ok(_) => {}
            Err(i) => c.insert(i, e),
        }
    }

    /// The events a holder of `have` lacks, desk by desk in chain order.
    pub fn since<'a>(&'a self, have: &'a BTreeMap<DeskId, u64>) -> impl Iterator<Item = &'a Event> + 'a {
        self.chains.iter().flat_map(move |(d, c)| {
            let from = have.get(d).copied().unwrap_or(0);
            c.iter().skip(usize::try_from(from).unwrap_or(usize::MAX))
        })
    }

    /// Offers one event: appended if it continues its desk's chain.
    pub fn offer(&mut self, e: Event) -> Offer {
        if e.body.main_only() && e.id.desk != MAIN_DESK {
            return Offer::Refused(format!("bàn {} gửi sự kiện {} mà chỉ máy chính được làm", e.id.desk, e.body.kind()));
        }
        if !e.hash_ok() {
            return Offer::Refused(format!("sự kiện {} bị sửa: mã băm không khớp nội dung", e.id));
        }
        let chain = self.chains.entry(e.id.desk).or_default();
        let have = chain.len() as u64;
        if e.id.seq <= have {
            let held = usize::try_from(e.id.seq - 1).ok().and_then(|i| chain.get(i));
            return match held {
                Some(h) if h.hash == e.hash => Offer::Known,
                _ => Offer::Refused(format!("sự kiện {} khác với sự kiện cùng số đã nhận: chuỗi của bàn {} bị rẽ nhánh hoặc bị sửa", e.id, e.id.desk)),
            };
        }
        if e.id.seq > have + 1 {
            if chain.is_empty() {
                self.chains.remove(&e.id.desk);
            }
            return Offer::Gap { have };
        }
        let prev = chain.last().map_or(GENESIS, |p| p.hash.as_str());
        if e.prev != prev {
            if chain.is_empty() {
                self.chains.remove(&e.id.desk);
            }
            return Offer::Refused(format!("sự kiện {} không nối với sự kiện trước của bàn {}", e.id, e.id.desk));
        }
        chain.push(e);
        Offer::Added
    }

    /// Checks a batch without changing anything: what [`Log::offer`] would
    /// say of each, in order (a batch may continue itself).
    pub fn judge(&self, batch: &[Event]) -> Vec<Offer> {
        let mut scratch: BTreeMap<DeskId, (u64, String)> = BTreeMap::new();
        batch
            .iter()
            .map(|e| {
                let (have, head) = scratch.get(&e.id.desk).cloned().unwrap_or_else(|| {
                    let (s, h) = self.head(e.id.desk);
                    (s, h.to_owned())
                });
                if e.body.main_only() && e.id.desk != MAIN_DESK {
                    return Offer::Refused(format!("bàn {} gửi sự kiện {} mà chỉ máy chính được làm", e.id.desk, e.body.kind()));
                }
                if !e.hash_ok() {
                    return Offer::Refused(format!("sự kiện {} bị sửa: mã băm không khớp nội dung", e.id));
                }
                if e.id.seq <= have {
                    let held = self.get(e.id).map(|h| h.hash.as_str());
                    let in_batch = batch.iter().take_while(|x| !std::ptr::eq(*x, e)).find(|x| x.id == e.id).map(|x| x.hash.as_str());
                    return match held.or(in_batch) {
                        Some(h) if h == e.hash => Offer::Known,
                        _ => Offer::Refused(format!("sự kiện {} khác với sự kiện cùng số đã nhận: chuỗi của bàn {} bị rẽ nhánh hoặc bị sửa", e.id, e.id.desk)),
                    };
                }
                if e.id.seq > have + 1 {
                    return Offer::Gap { have };
                }
                if e.prev != head {
                    return Offer::Refused(format!("sự kiện {} không nối với sự kiện trước của bàn {}", e.id, e.id.desk));
                }
                scratch.insert(e.id.desk, (e.id.seq, e.hash.clone()));
                Offer::Added
            })
            .collect()
    }

    /// Merges `other` into this log: per desk, the longer prefix. Events of
    /// `other` that do not continue a chain here are returned with why.
    pub fn merge(&mut self, other: &Log) -> Vec<(EventId, Offer)> {
        let mut refused = Vec::new();
        for e in other.events() {
            match self.offer(e.clone()) {
                Offer::Added | Offer::Known => {}
                o => refused.push((e.id, o)),
            }
        }
        refused
    }
}

/// One check-in of a voter for one level, as the replay sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRef {
    pub id: EventId,
    pub hlc: Hlc,
    pub at: String,
    pub mobile_box: bool,
}

/// A voter checked in for a level at more than one desk (or twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub stt: u32,
    pub level: String,
    /// Every check-in involved, earliest first.
    pub checkins: Vec<CheckinRef>,
    /// The Tổ trưởng's decision, if one covers every check-in involved.
    pub resolution: Option<Resolution>,
}

/// A resolution of an [`Anomaly`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub by: EventId,
    pub at: String,
    pub keep: Option<EventId>,
    pub reason: String,
}

/// What one desk contributed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeskTally {
    /// Voters whose standing check-in (for at least one level) is this desk's.
    pub voters: u64,
    /// Check-in events made (undone ones included).
    pub checkins: u64,
    pub undos: u64,
    /// The stamp of the desk's last event.
    pub last: Option<Hlc>,
    pub last_at: Option<String>,
}

/// The state of the list: the replay of a [`Log`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    /// Per voter and level, the standing check-in (the earliest live one).
    pub checkins: BTreeMap<(u32, String), CheckinRef>,
    /// Per voter and level, the undo that ended the last standing check-in
    /// (when none stands): the undo's id, time and reason.
    pub undone: BTreeMap<(u32, String), (EventId, String, String)>,
    /// Double check-ins, open and resolved, by voter and level.
    pub anomalies: Vec<Anomaly>,
    /// The list changes: per voter, the last record the main laptop wrote.
    pub voters: BTreeMap<u32, String>,
    pub desks: BTreeMap<DeskId, DeskTally>,
}

impl State {
    /// Open (unresolved) anomalies.
    pub fn open_anomalies(&self) -> impl Iterator<Item = &Anomaly> {
        self.anomalies.iter().filter(|a| a.resolution.is_none())
    }
}

/// A resolution as it was decided: when, what, and the check-ins it saw.
type Decided = (Hlc, Resolution, Vec<EventId>);

/// What undid a check-in: the undo event, its clock, time and reason.
type Undone = (EventId, Hlc, String, String);

/// The state of the list after every event of `log` (or of only those
/// about voters `only`, when given: the rules are per voter).
pub fn replay(log: &Log, only: Option<&BTreeSet<u32>>) -> State {
    let wanted = |stt: u32| only.is_none_or(|o| o.contains(&stt));
    let mut st = State::default();
    // (stt, level) → live check-ins; undone (event, level) pairs; voids.
    let mut live: BTreeMap<(u32, String), Vec<CheckinRef>> = BTreeMap::new();
    let mut undone: BTreeMap<(u32, EventId, String), Undone> = BTreeMap::new();
    let mut resolutions: BTreeMap<(u32, String), Vec<Decided>> = BTreeMap::new();
    let mut voter_seq: BTreeMap<u32, u64> = BTreeMap::new();
    for e in log.events() {
        let t = st.desks.entry(e.id.desk).or_default();
        if t.last.is_none_or(|l| e.hlc > l) {
            t.last = Some(e.hlc);
            t.last_at = Some(e.at.clone());
        }
        match &e.body {
            Body::Checkin { .. } => t.checkins += 1,
            Body::Undo { .. } => t.undos += 1,
            _ => {}
        }
        if !wanted(e.body.stt()) {
            continue;
        }
        match &e.body {
            Body::Checkin { stt, levels, mobile_box } => {
                for l in levels {
                    live.entry((*stt, l.clone())).or_default().push(CheckinRef { id: e.id, hlc: e.hlc, at: e.at.clone(), mobile_box: *mobile_box });
                }
            }
            Body::Undo { stt, levels, targets, reason } => {
                // An undo filed under a voter undoes only that voter's
                // check-ins (keyed by the voter: a target naming another
                // voter's check-in, or none, undoes nothing).
                for t in targets {
                    for l in levels {
                        let k = (*stt, *t, l.clone());
                        // Two undos of one check-in: the earlier stands.
                        if undone.get(&k).is_none_or(|(_, h, _, _)| e.hlc < *h) {
                            undone.insert(k, (e.id, e.hlc, e.at.clone(), reason.clone()));
                        }
                    }
                }
            }
            Body::Voter { stt, record } => {
                // Only the main laptop writes these, in its own order.
                if voter_seq.get(stt).is_none_or(|s| e.id.seq > *s) {
                    voter_seq.insert(*stt, e.id.seq);
                    st.voters.insert(*stt, record.clone());
                }
            }
            Body::Resolve { stt, level, seen, keep, reason } => {
                resolutions.entry((*stt, level.clone())).or_default().push((e.hlc, Resolution { by: e.id, at: e.at.clone(), keep: *keep, reason: reason.clone() }, seen.clone()));
            }
        }
    }
    for ((stt, level), mut refs) in live {
        refs.sort_by_key(|r| r.hlc);
        let mut last_undo: Option<(Hlc, EventId, String, String)> = None;
        refs.retain(|r| match undone.get(&(stt, r.id, level.clone())) {
            Some((uid, h, at, why)) => {
                if last_undo.as_ref().is_none_or(|(lh, ..)| h > lh) {
                    last_undo = Some((*h, *uid, at.clone(), why.clone()));
                }
                false
            }
            None => true,
        });
        // Resolutions, latest last: each voids what it did not keep among
        // the check-ins it saw; the latest covering every live one stands.
        let mut res = resolutions.remove(&(stt, level.clone())).unwrap_or_default();
        res.sort_by_key(|(h, ..)| *h);
        let involved = refs.clone();
        for (_, r, seen) in &res {
            if let Some(k) = r.keep {
                refs.retain(|c| c.id == k || !seen.contains(&c.id));
            }
        }
        if involved.len() >= 2 {
            let ids: BTreeSet<EventId> = involved.iter().map(|c| c.id).collect();
            let resolution = res.iter().rev().find(|(_, _, seen)| ids.iter().all(|i| seen.contains(i))).map(|(_, r, _)| r.clone());
            st.anomalies.push(Anomaly { stt, level: level.clone(), checkins: involved, resolution });
        }
        match refs.first() {
            Some(first) => {
                st.checkins.insert((stt, level), first.clone());
            }
            None => {
                if let Some((_, id, at, why)) = last_undo {
                    st.undone.insert((stt, level), (id, at, why));
                }
            }
        }
    }
    // Per desk: voters whose standing check-in is theirs.
    let mut by_desk: BTreeMap<DeskId, BTreeSet<u32>> = BTreeMap::new();
    for ((stt, _), c) in &st.checkins {
        by_desk.entry(c.id.desk).or_default().insert(*stt);
    }
    for (d, voters) in by_desk {
        st.desks.entry(d).or_default().voters = voters.len() as u64;
    }
    st
}

#[cfg(test)]
mod tests;
