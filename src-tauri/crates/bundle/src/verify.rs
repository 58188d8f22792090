//! Kiểm tra gói kết quả: named checks, each pass or fail, in a fixed order.
//! Context (which keys are registered, which election this database holds,
//! what was imported before) is passed in by the caller through
//! [`Context`]; bundles carried inside a board's bundle are verified
//! recursively against the registry the board signed.

use serde_json::Value;

use crate::container::{Bundle, LevelEntry, Limits, Manifest, Source};
use crate::{auditlog, keys, unhex};

/// Names of the checks, in report order.
pub const CHECKS: &[&str] = &["format", "member_hashes", "signature", "key_registered", "election", "definition", "mode", "unit", "sequence", "audit_chain", "results", "inner_bundles"];

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The verification of one bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub checks: Vec<Check>,
    /// SHA-256 of the manifest, when the frame could be read.
    pub id: Option<String>,
    pub manifest: Option<Manifest>,
    /// Reports of bundles carried inside (member name, report).
    pub inner: Vec<(String, Report)>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
    /// The first failed check, for one-line messages.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| !c.ok)
    }
}

/// How a unit's key is known to the receiving board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// The public key itself (from the unit's registration file).
    Key([u8; 32]),
    /// Only the fingerprint, typed from the registration sheet.
    Fingerprint(String),
}

/// What the receiving side knows.
pub trait Context {
    fn election_id(&self) -> &str;
    fn definition_sha256(&self) -> &str;
    fn mode(&self) -> tobaucu_core::election::Mode;
    /// The key registered for `unit`, if any.
    fn registration(&self, unit: &str) -> Option<Registration>;
    /// The operator accepted this unregistered key after comparing the
    /// fingerprint on the paper minutes.
    fn accepted_unregistered(&self, _unit: &str, _key: &[u8; 32]) -> bool {
        false
    }
    /// Whether the receiver itself registered `key` for `unit` (so a
    /// bundle of the unit may be signed with a key other than the one its
    /// previous bundle was signed with). A carrier's registry does not
    /// count.
    fn key_change_allowed(&self, _unit: &str, _key: &[u8; 32]) -> bool {
        false
    }
    /// Whether `unit` of `kind` reports to this database: Ok(detail) or
    /// Err(reason).
    fn unit_allowed(&self, unit: &str, kind: &str) -> Result<String, String>;
    /// What this receiver holds from `unit` (imported directly or carried
    /// inside a board's bundle): its latest sequence, id and log.
    fn last(&self, unit: &str) -> Option<Previous>;
    /// The results members agree with the election definition.
    fn results(&self, b: &Bundle<'_>, log: Option<&auditlog::Log>) -> Result<String, String>;
    /// Called once per bundle verified (carried ones too) with what the
    /// receiver may record if the whole import succeeds: the lineage of
    /// the unit.
    fn note(&self, _m: &Manifest, _id: &str, _log: Option<&auditlog::Log>) {}
    /// The context for bundles carried inside `carrier`, whose registry of
    /// lower units' keys is `registry`.
    fn inner<'s>(&'s self, carrier: &Manifest, registry: Vec<(String, [u8; 32])>) -> Box<dyn Context + 's>;
}

/// The latest bundle of a unit a receiver holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub sequence: u64,
    pub id: String,
    /// Its log's number of links and [`auditlog::Log::boundaries_digest`]
    /// over them (unknown for bundles imported by an older version).
    pub audit: Option<(u64, String)>,
    /// The key it was signed with (unknown for bundles imported by an
    /// older version): a later bundle signed with another key needs the
    /// receiver's own registration of the new key.
    pub key: Option<[u8; 32]>,
    /// Its levels (minutes revision and hash), for the revision rules of
    /// a later bundle; empty when unknown.
    pub levels: Vec<LevelEntry>,
}

/// The highest sequence number a bundle may carry: a unit exports a handful
/// of times; a number near the top of the range would lock its later
/// corrections out.
pub const MAX_SEQUENCE: u64 = 100_000;

/// What a unit's log must record for the bundle it signed: the creation of
/// the signing key, the locking of each final level with the minutes the
/// bundle carries, and no reopening of that revision after it.
pub fn log_records(m: &Manifest, log: &auditlog::Log) -> Result<String, String> {
    let pk = crate::hex(&m.public_key);
    if !log.entries.iter().any(|e| e.action == "key.init" && e.after_str("public_key").as_deref() == Some(pk.as_str())) {
        return Err("nhật ký không ghi việc tạo khóa ký đã ký gói này (key.init)".into());
    }
    // Bundle k's log records the export of bundles 1…k−1, and the last of
    // them is the one the manifest says comes before: a sequence cannot
    // jump ahead (and lock the unit's later bundles out) or start afresh.
    if m.sequence > 1 {
        let mut exported: std::collections::BTreeMap<u64, Vec<String>> = std::collections::BTreeMap::new();
        for e in log.entries.iter().filter(|e| e.action == "bundle.export") {
            let v: Option<Value> = e.after.as_deref().and_then(|a| serde_json::from_str(a).ok());
            if let (Some(k), Some(h)) = (v.as_ref().and_then(|v| v.get("sequence")?.as_u64()), v.as_ref().and_then(|v| v.get("sha256")?.as_str())) {
                exported.entry(k).or_default().push(h.to_owned());
            }
        }
        if let Some(k) = (1..m.sequence).find(|k| !exported.contains_key(k)) {
            return Err(format!("gói số {}: nhật ký không ghi việc xuất gói số {k} (mỗi gói trước đó phải được ghi khi xuất)", m.sequence));
        }
        let before = m.sequence - 1;
        let prev_ok = m.previous_sha256.as_ref().is_some_and(|p| exported.get(&before).is_some_and(|hs| hs.contains(p)));
        if !prev_ok {
            return Err(format!("gói số {}: mã băm gói trước trong bản kê không phải mã của gói số {before} mà nhật ký ghi đã xuất", m.sequence));
        }
    }
    for l in m.levels.iter().filter(|l| l.final_) {
        let fin = log.entries.iter().rposition(|e| e.action == "finalize" && e.after_str("sha256").as_deref() == Some(l.minutes_sha256.as_str()));
        let Some(i) = fin else {
            return Err(format!("nhật ký không ghi việc khóa biên bản cấp {} có mã số liệu của gói (finalize)", l.code));
        };
        let subject = &log.entries[i].subject;
        if log.entries.iter().skip(i + 1).any(|e| e.action == "reopen" && &e.subject == subject) {
            return Err(format!("biên bản cấp {} đã được mở để sửa sau khi khóa, nhưng gói vẫn mang bản đã khóa", l.code));
        }
    }
    Ok(format!("nhật ký ghi việc tạo khóa và khóa biên bản của {} cấp", m.levels.iter().filter(|l| l.final_).count()))
}

fn check(name: &'static str, r: Result<String, String>) -> Check {
    match r {
        Ok(detail) => Check { name, ok: true, detail },
        Err(detail) => Check { name, ok: false, detail },
    }
}

/// The new log begins with exactly the links of the log received before,
/// and records the export of that bundle: history is neither rewritten nor
/// cut between two bundles of a unit.
fn extends(prev: &Option<Previous>, m: &Manifest, id: &str, log: &auditlog::Log) -> Result<String, String> {
    let Some(p) = prev else { return Ok(String::new()) };
    if p.id == id || m.sequence <= p.sequence {
        return Ok(String::new());
    }
    if let Some((k, digest)) = &p.audit {
        let k = usize::try_from(*k).unwrap_or(usize::MAX);
        if log.boundaries_digest(k).as_deref() != Some(digest.as_str()) {
            return Err(format!("nhật ký của gói số {} không nối tiếp nhật ký của gói số {} đã nhận: lịch sử đã bị viết lại, cắt bớt, hoặc gói làm từ một cơ sở dữ liệu khác", m.sequence, p.sequence));
        }
    }
    let exported = log.entries.iter().any(|e| e.action == "bundle.export" && e.after_str("sha256").as_deref() == Some(p.id.as_str()));
    if !exported {
        return Err(format!("nhật ký của gói số {} không ghi việc xuất gói số {} đã nhận ở đây: rẽ nhánh", m.sequence, p.sequence));
    }
    revisions_continue(p, m, log)?;
    Ok(format!("; nối tiếp nhật ký của gói số {} đã nhận", p.sequence))
}

/// Locked minutes change only through a correction: a level whose locked
/// minutes differ from those of the bundle received before carries a higher
/// revision, and the log records the reopening of the old revision after
/// it was locked; unchanged minutes keep their revision.
fn revisions_continue(p: &Previous, m: &Manifest, log: &auditlog::Log) -> Result<(), String> {
    for old in p.levels.iter().filter(|l| l.final_) {
        let Some(new) = m.levels.iter().find(|l| l.code == old.code) else {
            return Err(format!("gói số {} không còn cấp {} mà gói số {} đã mang", m.sequence, old.code, p.sequence));
        };
        if new.minutes_sha256 == old.minutes_sha256 {
            if new.revision != old.revision {
                return Err(format!("cấp {}: cùng biên bản nhưng bản số đổi từ {} thành {}", old.code, old.revision, new.revision));
            }
            continue;
        }
        if new.revision <= old.revision {
            return Err(format!("cấp {}: biên bản đã khóa (bản số {}) bị thay bằng biên bản khác mang bản số {}; sửa biên bản đã khóa phải lập bản số mới", old.code, old.revision, new.revision));
        }
        let locked = log.entries.iter().position(|e| e.action == "finalize" && e.after_str("sha256").as_deref() == Some(old.minutes_sha256.as_str()));
        let Some(locked) = locked else {
            return Err(format!("cấp {}: nhật ký không ghi việc khóa biên bản bản số {} đã nhận", old.code, old.revision));
        };
        let reopened = log.entries.iter().skip(locked + 1).any(|e| e.action == "reopen" && e.after_str("level").as_deref() == Some(old.code.as_str()));
        if !reopened {
            return Err(format!("cấp {}: biên bản bản số {} đã khóa được thay mà nhật ký không ghi việc mở sửa (reopen) sau khi khóa", old.code, old.revision));
        }
    }
    Ok(())
}

/// Parses a board's `registry.json` strictly: the canonical text of an
/// array of `{"fingerprint","kind","public_key","unit"}`, each unit once,
/// the fingerprint that of the key.
pub fn parse_registry(bytes: &[u8]) -> Result<Vec<(String, [u8; 32])>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        unit: String,
        kind: String,
        public_key: String,
        fingerprint: String,
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("registry.json không phải JSON ({e})"))?;
    if tobaucu_core::canonical::canonical_json(&v).as_bytes() != bytes {
        return Err("registry.json không ở dạng chuẩn (khóa lặp lại, thứ tự hoặc khoảng trắng khác)".into());
    }
    let entries: Vec<Entry> = serde_json::from_value(v).map_err(|e| format!("registry.json sai cấu trúc ({e})"))?;
    let mut out: Vec<(String, [u8; 32])> = Vec::with_capacity(entries.len());
    for e in entries {
        let pk = unhex::<32>(&e.public_key).ok_or("registry.json: \"public_key\" phải là 64 chữ số hex")?;
        if keys::fingerprint(&pk) != e.fingerprint || !tobaucu_core::election::is_safe_id(&e.unit) || e.kind.is_empty() {
            return Err(format!("registry.json: mục của {} sai (dấu vân tay không khớp khóa, hoặc mã đơn vị không hợp lệ)", e.unit));
        }
        if out.iter().any(|(u, _)| *u == e.unit) {
            return Err(format!("registry.json: đơn vị {} có hai mục", e.unit));
        }
        out.push((e.unit, pk));
    }
    Ok(out)
}

/// Verifies a bundle read from `src`. Never panics on hostile bytes.
pub fn verify(src: &dyn Source, ctx: &dyn Context, limits: Limits) -> Report {
    verify_at(src, ctx, limits, 0)
}

fn verify_at(src: &dyn Source, ctx: &dyn Context, limits: Limits, depth: u32) -> Report {
    match Bundle::open(src, limits) {
        Ok(b) => verify_opened_at(&b, ctx, depth),
        Err(e) => unreadable(&e.to_string()),
    }
}

/// The report of a file whose frame cannot be read: `format` fails with
/// the reason, every other check is "not checked".
pub fn unreadable(why: &str) -> Report {
    let mut checks = vec![Check { name: "format", ok: false, detail: why.to_owned() }];
    checks.extend(CHECKS[1..].iter().map(|n| Check { name: n, ok: false, detail: "chưa kiểm: tệp không đọc được".into() }));
    Report { checks, ..Report::default() }
}

/// Verifies a bundle already opened (its frame read once by the caller).
pub fn verify_opened(b: &Bundle<'_>, ctx: &dyn Context) -> Report {
    verify_opened_at(b, ctx, 0)
}

fn verify_opened_at(b: &Bundle<'_>, ctx: &dyn Context, depth: u32) -> Report {
    let src = b.src;
    let limits = b.limits();
    let m = &b.manifest;
    let mut checks = vec![Check { name: "format", ok: true, detail: format!("{} · {} thành phần · {} byte", crate::container::FORMAT, m.members.len(), src.len()) }];

    // member_hashes
    let mut bad = Vec::new();
    for (i, mem) in m.members.iter().enumerate() {
        if b.is_checked(i) {
            continue;
        }
        match b.hash_member(i) {
            Ok(h) if h == mem.sha256 => {}
            Ok(_) => bad.push(mem.name.clone()),
            Err(e) => bad.push(format!("{} ({e})", mem.name)),
        }
    }
    checks.push(check("member_hashes", if bad.is_empty() { Ok(format!("{} thành phần khớp SHA-256", m.members.len())) } else { Err(format!("không khớp mã băm: {}", bad.join(", "))) }));

    // signature
    let sig_ok = b.signature_ok();
    let fp = keys::fingerprint(&m.public_key);
    checks.push(check(
        "signature",
        if sig_ok {
            Ok(format!("chữ ký Ed25519 hợp lệ, khóa {fp}"))
        } else {
            Err(format!("chữ ký không hợp lệ với khóa {fp}: bản kê đã bị sửa hoặc ký bằng khóa khác"))
        },
    ));

    // key_registered
    let reg = match ctx.registration(&m.unit_id) {
        Some(Registration::Key(k)) if k == m.public_key => Ok(format!("khóa {fp} đã đăng ký cho {}", m.unit_id)),
        Some(Registration::Key(k)) => Err(format!("khóa ký {fp} khác khóa đã đăng ký cho {} ({})", m.unit_id, keys::fingerprint(&k))),
        Some(Registration::Fingerprint(f)) if f == fp => Ok(format!("dấu vân tay {fp} khớp với dấu đã đăng ký cho {}", m.unit_id)),
        Some(Registration::Fingerprint(f)) => Err(format!("dấu vân tay {fp} khác dấu đã đăng ký cho {} ({f})", m.unit_id)),
        None if ctx.accepted_unregistered(&m.unit_id, &m.public_key) => Ok(format!("khóa {fp} chưa đăng ký, đã được người nhập chấp nhận sau khi so dấu vân tay trên biên bản giấy")),
        None => Err(format!("chưa đăng ký khóa nào cho {}; dấu vân tay của gói: {fp}", m.unit_id)),
    };
    // The key a unit signed its last bundle with stays its key here until
    // this board registers another (a carrier cannot swap it).
    let prev = ctx.last(&m.unit_id);
    let reg = match (reg, prev.as_ref().and_then(|p| p.key)) {
        (Ok(_), Some(old)) if old != m.public_key && !ctx.key_change_allowed(&m.unit_id, &m.public_key) => Err(format!(
            "gói của {} ký bằng khóa {fp}, khác khóa {} đã ký gói trước của đơn vị này; nếu đơn vị đã đổi khóa, đăng ký khóa mới tại đây (keys register … --unit {})",
            m.unit_id,
            keys::fingerprint(&old),
            m.unit_id
        )),
        (r, _) => r,
    };
    checks.push(check("key_registered", reg));

    checks.push(check(
        "election",
        if m.election_id == ctx.election_id() {
            Ok(format!("cuộc bầu cử {}", m.election_id))
        } else {
            Err(format!("gói thuộc cuộc bầu cử {}, cơ sở dữ liệu này là {}", m.election_id, ctx.election_id()))
        },
    ));
    checks.push(check(
        "definition",
        if m.definition_sha256 == ctx.definition_sha256() {
            Ok("định nghĩa bầu cử trùng khớp (SHA-256)".into())
        } else {
            Err(format!("định nghĩa bầu cử khác (gói {}…, ở đây {}…)", m.definition_sha256.get(..12).unwrap_or(""), ctx.definition_sha256().get(..12).unwrap_or("")))
        },
    ));
    checks.push(check("mode", if m.mode == ctx.mode() { Ok(format!("chế độ {}", m.mode.vi())) } else { Err(format!("gói ở chế độ {}, cơ sở dữ liệu ở chế độ {}", m.mode.vi(), ctx.mode().vi())) }));
    checks.push(check("unit", ctx.unit_allowed(&m.unit_id, &m.unit_kind)));

    // sequence
    let seq = match &prev {
        _ if m.sequence == 0 || m.sequence > MAX_SEQUENCE => Err(format!("số thứ tự gói {} ngoài khoảng 1…{MAX_SEQUENCE}", m.sequence)),
        _ if (m.sequence > 1) != m.previous_sha256.is_some() => Err(format!("gói số {}: mã băm gói trước phải có từ gói số 2 trở đi và chỉ khi đó", m.sequence)),
        None => Ok(format!("gói số {} của {} (chưa nhận gói nào của đơn vị này)", m.sequence, m.unit_id)),
        Some(p) if p.id == b.id => Ok(format!("gói số {} này đã được nhận trước đây", m.sequence)),
        Some(p) if m.sequence < p.sequence => Err(format!("gói số {} cũ hơn gói số {} đã nhận của {}: không quay lui", m.sequence, p.sequence, m.unit_id)),
        Some(p) if m.sequence == p.sequence => Err(format!("gói số {} khác với gói cùng số đã nhận của {}: hai gói rẽ nhánh", m.sequence, m.unit_id)),
        Some(p) if m.sequence == p.sequence + 1 && m.previous_sha256.as_deref() != Some(p.id.as_str()) => {
            Err(format!("gói số {} không nối tiếp gói số {} đã nhận (mã băm gói trước khác): rẽ nhánh", m.sequence, p.sequence))
        }
        Some(p) => Ok(format!("gói số {} mới hơn gói số {} đã nhận; sẽ thay thế", m.sequence, p.sequence)),
    };
    checks.push(check("sequence", seq));

    // audit_chain: intact, what the bundle claims is recorded, and it
    // extends the log of the bundle received before.
    let mut log = None;
    let audit = match b.read_member("audit.jsonl") {
        Err(e) => Err(e.to_string()),
        Ok(bytes) => match auditlog::verify(&bytes) {
            Err(e) => Err(e.to_string()),
            Ok(l) if l.head != m.audit_head => Err("đầu chuỗi nhật ký khác với bản kê".into()),
            Ok(l) => {
                let r = log_records(m, &l).and_then(|rec| extends(&prev, m, &b.id, &l).map(|ext| format!("{} mục, chuỗi băm liền, đầu chuỗi khớp bản kê; {rec}{ext}", l.count)));
                log = Some(l);
                r
            }
        },
    };
    checks.push(check("audit_chain", audit));
    checks.push(check("results", ctx.results(b, log.as_ref())));

    // inner_bundles
    let inner_names: Vec<(usize, String)> = m.members.iter().enumerate().filter(|(_, x)| x.name.starts_with("units/")).map(|(i, x)| (i, x.name.clone())).collect();
    let mut inner = Vec::new();
    let inner_check = if inner_names.is_empty() {
        Ok("không mang gói nào bên trong".to_owned())
    } else if depth + 1 >= limits.max_depth {
        Err(format!("gói lồng quá {} tầng", limits.max_depth))
    } else {
        match b.read_member("registry.json").map_err(|e| e.to_string()).and_then(|r| parse_registry(&r)) {
            Err(e) => Err(e),
            Ok(registry) => {
                let ictx = ctx.inner(m, registry);
                let mut failed = Vec::new();
                let mut units: Vec<String> = Vec::new();
                for (i, name) in &inner_names {
                    let Some(sub) = b.member_source(*i) else { continue };
                    let r = verify_at(&sub, ictx.as_ref(), limits, depth + 1);
                    if let Some(f) = r.first_failure() {
                        failed.push(format!("{name}: {} — {}", f.name, f.detail));
                    } else if let Some(u) = r.manifest.as_ref().map(|x| x.unit_id.clone()).filter(|u| units.contains(u) || *u == m.unit_id) {
                        failed.push(format!("{name}: gói của {u} được mang hai lần (hoặc là chính đơn vị mang nó)"));
                    } else if let (Some(id), Some(l)) = (&r.id, &log) {
                        let imported = l.entries.iter().any(|e| (e.action == "bundle.import" || e.action == "bundle.replace") && e.after_str("sha256").as_deref() == Some(id.as_str()));
                        if !imported {
                            failed.push(format!("{name}: nhật ký của {} không ghi việc nhập gói này", m.unit_id));
                        }
                    }
                    units.extend(r.manifest.as_ref().map(|x| x.unit_id.clone()));
                    inner.push((name.clone(), r));
                }
                if failed.is_empty() {
                    Ok(format!("{} gói bên trong đều hợp lệ (chữ ký được kiểm lại)", inner.len()))
                } else {
                    Err(format!("{}/{} gói bên trong không hợp lệ: {}", failed.len(), inner.len(), failed.join("; ")))
                }
            }
        }
    };
    checks.push(check("inner_bundles", inner_check));
    ctx.note(m, &b.id, log.as_ref());
    Report { checks, id: Some(b.id.clone()), manifest: Some(b.manifest.clone()), inner }
}
