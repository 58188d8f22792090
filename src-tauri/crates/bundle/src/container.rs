//! The file format `tobaucu-bundle/1` (documented in `docs/bundle-format.md`):
//!
//! ```text
//! MAGIC            17 bytes  "TOBAUCU-BUNDLE/1\n"
//! manifest length   4 bytes  u32 little-endian, ≤ Limits::max_manifest
//! manifest          n bytes  canonical JSON (keys sorted, no spaces, UTF-8)
//! signature        64 bytes  Ed25519 over SIG_DOMAIN ‖ manifest
//! members                    the members' bytes, in manifest order
//! ```
//! The file ends exactly after the last member: truncation or trailing
//! bytes are a format failure. Members are stored, not compressed (the PDFs
//! are compressed already), so there is nothing to decompress; reading is
//! bounded by the limits below and members are hashed in streaming fashion.
//!
//! A bundle carried inside another is read as a window of its carrier
//! (`Sub`), whose bytes come from memory (`Mem`) or a file (`FileSource`).

use std::cell::RefCell;
use std::io::{Read as _, Seek, SeekFrom};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tobaucu_core::canonical::canonical_json;

use crate::{hex, keys, unhex, Error, Result};

pub const MAGIC: &[u8; 17] = b"TOBAUCU-BUNDLE/1\n";
pub const FORMAT: &str = "tobaucu-bundle/1";
/// Domain-separation prefix of the signature.
pub const SIG_DOMAIN: &[u8] = b"tobaucu-bundle/1 manifest\0";
const HEADER: u64 = 17 + 4;

/// Bounds on what a reader accepts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_manifest: u32,
    pub max_members: usize,
    pub max_member: u64,
    pub max_file: u64,
    /// Largest member read into memory (results, audit log, registry).
    pub max_in_memory: u64,
    /// Bundles inside bundles (area → commune → district → province → nation).
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_manifest: 16 << 20, max_members: 200_000, max_member: 8 << 30, max_file: 64 << 30, max_in_memory: 64 << 20, max_depth: 5 }
    }
}

/// Where bundle bytes come from: memory or a file, read at offsets.
pub trait Source {
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()>;
    /// The whole source when it is a slice in memory.
    fn as_slice(&self) -> Option<&[u8]> {
        None
    }
}

/// Bundle bytes in memory.
pub struct Mem<'a>(pub &'a [u8]);

impl Source for Mem<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| std::io::ErrorKind::UnexpectedEof)?;
        let end = start.checked_add(buf.len()).ok_or(std::io::ErrorKind::UnexpectedEof)?;
        let src = self.0.get(start..end).ok_or(std::io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(src);
        Ok(())
    }
    fn as_slice(&self) -> Option<&[u8]> {
        Some(self.0)
    }
}

/// A file read at offsets.
pub struct FileSource {
    file: RefCell<std::fs::File>,
    len: u64,
}

impl FileSource {
    pub fn open(path: &std::path::Path) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file: RefCell::new(file), len })
    }

    /// A file the caller opened (and checked is a regular file of `len`
    /// bytes).
    pub fn from_file(file: std::fs::File, len: u64) -> FileSource {
        FileSource { file: RefCell::new(file), len }
    }
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let mut f = self.file.borrow_mut();
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// A window of another source (a bundle carried inside a bundle).
pub struct Sub<'a> {
    pub src: &'a dyn Source,
    pub base: u64,
    pub len: u64,
}

impl Source for Sub<'_> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        if offset.saturating_add(buf.len() as u64) > self.len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.src.read_at(self.base + offset, buf)
    }
}

/// One member as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// A level's state in a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEntry {
    pub code: String,
    /// The minutes of this level were locked (finalized).
    pub final_: bool,
    pub revision: u32,
    pub minutes_sha256: String,
}

/// The signed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub app_version: String,
    pub created_at: String,
    pub election_id: String,
    pub definition_sha256: String,
    pub mode: tobaucu_core::election::Mode,
    pub unit_id: String,
    pub unit_kind: String,
    pub levels: Vec<LevelEntry>,
    pub sequence: u64,
    pub previous_sha256: Option<String>,
    pub public_key: [u8; 32],
    pub audit_head: String,
    pub members: Vec<Member>,
}

impl Manifest {
    pub fn to_json(&self) -> Value {
        json!({
            "format": FORMAT,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "election": {"id": self.election_id, "definition_sha256": self.definition_sha256, "mode": self.mode.as_str()},
            "unit": {"id": self.unit_id, "kind": self.unit_kind},
            "levels": self.levels.iter().map(|l| json!({"code": l.code, "final": l.final_, "revision": l.revision, "minutes_sha256": l.minutes_sha256})).collect::<Vec<_>>(),
            "sequence": self.sequence,
            "previous_sha256": self.previous_sha256,
            "public_key": hex(&self.public_key),
            "audit_head": self.audit_head,
            "members": self.members.iter().map(|m| json!({"name": m.name, "size": m.size, "sha256": m.sha256})).collect::<Vec<_>>(),
        })
    }

    /// The manifest's canonical bytes (what is signed and hashed).
    pub fn to_bytes(&self) -> Vec<u8> {
        canonical_json(&self.to_json()).into_bytes()
    }

    /// Parses a manifest strictly: unknown or missing fields are refused.
    pub fn parse(bytes: &[u8]) -> Result<Manifest> {
        let bad = |m: &str| Error::Format(format!("bản kê (manifest) không hợp lệ: {m}"));
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(&format!("không phải JSON ({e})")))?;
        if canonical_json(&v).as_bytes() != bytes {
            return Err(bad("không ở dạng chuẩn (khóa phải xếp thứ tự, không có khoảng trắng)"));
        }
        let o = obj(&v, "manifest").map_err(|e| bad(&e))?;
        only(o, &["format", "app_version", "created_at", "election", "unit", "levels", "sequence", "previous_sha256", "public_key", "audit_head", "members"]).map_err(|e| bad(&e))?;
        if s(o, "format").map_err(|e| bad(&e))? != FORMAT {
            return Err(bad(&format!("định dạng phải là {FORMAT}")));
        }
        let e = obj(get(o, "election").map_err(|e| bad(&e))?, "election").map_err(|e| bad(&e))?;
        only(e, &["id", "definition_sha256", "mode"]).map_err(|e| bad(&e))?;
        let u = obj(get(o, "unit").map_err(|e| bad(&e))?, "unit").map_err(|e| bad(&e))?;
        only(u, &["id", "kind"]).map_err(|e| bad(&e))?;
        let mut levels = Vec::new();
        for l in arr(get(o, "levels").map_err(|e| bad(&e))?, "levels").map_err(|e| bad(&e))? {
            let l = obj(l, "levels[]").map_err(|e| bad(&e))?;
            only(l, &["code", "final", "revision", "minutes_sha256"]).map_err(|e| bad(&e))?;
            levels.push(LevelEntry {
                code: s(l, "code").map_err(|e| bad(&e))?,
                final_: get(l, "final").map_err(|e| bad(&e))?.as_bool().ok_or_else(|| bad("levels[].final"))?,
                revision: u32::try_from(n(l, "revision").map_err(|e| bad(&e))?).map_err(|_| bad("levels[].revision"))?,
                minutes_sha256: s(l, "minutes_sha256").map_err(|e| bad(&e))?,
            });
        }
        let mut members = Vec::new();
        for m in arr(get(o, "members").map_err(|e| bad(&e))?, "members").map_err(|e| bad(&e))? {
            let m = obj(m, "members[]").map_err(|e| bad(&e))?;
            only(m, &["name", "size", "sha256"]).map_err(|e| bad(&e))?;
            let sha = s(m, "sha256").map_err(|e| bad(&e))?;
            if unhex::<32>(&sha).is_none() {
                return Err(bad("members[].sha256 phải là 64 chữ số hex"));
            }
            members.push(Member { name: s(m, "name").map_err(|e| bad(&e))?, size: n(m, "size").map_err(|e| bad(&e))?, sha256: sha });
        }
        let prev = match get(o, "previous_sha256").map_err(|e| bad(&e))? {
            Value::Null => None,
            Value::String(x) if unhex::<32>(x).is_some() => Some(x.clone()),
            _ => return Err(bad("previous_sha256 phải là null hoặc 64 chữ số hex")),
        };
        let m = Manifest {
            app_version: s(o, "app_version").map_err(|e| bad(&e))?,
            created_at: s(o, "created_at").map_err(|e| bad(&e))?,
            election_id: s(e, "id").map_err(|e| bad(&e))?,
            definition_sha256: s(e, "definition_sha256").map_err(|e| bad(&e))?,
            mode: {
                let word = s(e, "mode").map_err(|e| bad(&e))?;
                tobaucu_core::election::Mode::parse(&word).ok_or_else(|| bad(&format!("chế độ \"{word}\" không có")))?
            },
            unit_id: s(u, "id").map_err(|e| bad(&e))?,
            unit_kind: s(u, "kind").map_err(|e| bad(&e))?,
            levels,
            sequence: n(o, "sequence").map_err(|e| bad(&e))?,
            previous_sha256: prev,
            public_key: unhex::<32>(&s(o, "public_key").map_err(|e| bad(&e))?).ok_or_else(|| bad("public_key phải là 64 chữ số hex"))?,
            audit_head: s(o, "audit_head").map_err(|e| bad(&e))?,
            members,
        };
        m.check_fields().map_err(|e| bad(&e))?;
        Ok(m)
    }

    /// Every field says only what it may (issue 11 §10): ids that can
    /// name a file, a known kind and mode, a real time, a version number,
    /// hashes as 64 hex digits, each level once.
    fn check_fields(&self) -> std::result::Result<(), String> {
        use tobaucu_core::election::is_safe_id;
        let hex64 = |x: &str| x.len() == 64 && x.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_safe_id(&self.unit_id) || !is_safe_id(&self.election_id) {
            return Err("mã đơn vị hoặc mã cuộc bầu cử chứa ký tự không được phép".into());
        }
        if !["area", "commune", "district", "province", "nation"].contains(&self.unit_kind.as_str()) {
            return Err(format!("loại đơn vị \"{}\" không có", self.unit_kind));
        }
        // A unit exports a few bundles a night: a number beyond u32 is not
        // one the app writes (and would not fit the store's columns).
        if self.sequence == 0 || self.sequence > u64::from(u32::MAX) {
            return Err(format!("số thứ tự gói {} ngoài khoảng 1…{}", self.sequence, u32::MAX));
        }
        if self.created_at.len() > 40 || chrono::DateTime::parse_from_rfc3339(&self.created_at).is_err() {
            return Err("created_at phải là thời điểm RFC 3339 (ví dụ 2026-03-15T21:00:00+07:00)".into());
        }
        let version_ok = self.app_version.len() <= 32
            && self.app_version.split(['.', '-', '+']).next().is_some()
            && self.app_version.split('.').take(3).count() == 3
            && self.app_version.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
            && self.app_version.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if !version_ok {
            return Err("app_version phải là số phiên bản (ví dụ 0.1.0)".into());
        }
        if !hex64(&self.definition_sha256) || !hex64(&self.audit_head) {
            return Err("definition_sha256 và audit_head phải là 64 chữ số hex".into());
        }
        for (i, l) in self.levels.iter().enumerate() {
            if !is_safe_id(&l.code) || !hex64(&l.minutes_sha256) || self.levels[..i].iter().any(|x| x.code == l.code) {
                return Err(format!("levels[{i}]: mã cấp, mã băm biên bản sai hoặc cấp lặp lại"));
            }
        }
        Ok(())
    }
}

fn get<'a>(o: &'a Map<String, Value>, k: &str) -> std::result::Result<&'a Value, String> {
    o.get(k).ok_or_else(|| format!("thiếu trường \"{k}\""))
}
fn obj<'a>(v: &'a Value, what: &str) -> std::result::Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or_else(|| format!("\"{what}\" phải là đối tượng"))
}
fn arr<'a>(v: &'a Value, what: &str) -> std::result::Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("\"{what}\" phải là mảng"))
}
fn s(o: &Map<String, Value>, k: &str) -> std::result::Result<String, String> {
    get(o, k)?.as_str().map(str::to_owned).ok_or_else(|| format!("\"{k}\" phải là chuỗi"))
}
fn n(o: &Map<String, Value>, k: &str) -> std::result::Result<u64, String> {
    get(o, k)?.as_u64().ok_or_else(|| format!("\"{k}\" phải là số nguyên không âm"))
}
fn only(o: &Map<String, Value>, allowed: &[&str]) -> std::result::Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("trường lạ \"{k}\"")),
        None => Ok(()),
    }
}

/// Whether a member name is safe to use as a relative path: 1–4 segments of
/// `[A-Za-z0-9._-]`, none empty, none starting with a dot, ≤ 200 bytes.
pub fn safe_name(name: &str) -> bool {
    let segs: Vec<&str> = name.split('/').collect();
    name.len() <= 200
        && (1..=4).contains(&segs.len())
        // No ".." anywhere and no segment ending in a dot (Windows drops
        // trailing dots: "results." would name "results").
        && !name.contains("..")
        && segs.iter().all(|s| !s.is_empty() && !s.starts_with('.') && !s.ends_with('.') && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-'))
}

/// Builds a bundle: fills the members list of `m` from `members`, signs
/// the canonical manifest and returns the file bytes and the bundle id
/// (SHA-256 of the manifest bytes).
pub fn write(mut m: Manifest, members: &[(String, Vec<u8>)], sk: &ed25519_dalek::SigningKey) -> Result<(Vec<u8>, String)> {
    m.members.clear();
    for (name, bytes) in members {
        if !safe_name(name) {
            return Err(Error::Format(format!("tên thành phần không an toàn: {name}")));
        }
        if m.members.iter().any(|x| &x.name == name) {
            return Err(Error::Format(format!("thành phần trùng tên: {name}")));
        }
        m.members.push(Member { name: name.clone(), size: bytes.len() as u64, sha256: hex(&Sha256::digest(bytes)) });
    }
    m.public_key = sk.verifying_key().to_bytes();
    let manifest = m.to_bytes();
    let len = u32::try_from(manifest.len()).map_err(|_| Error::Format("bản kê quá lớn".into()))?;
    let sig = keys::sign(sk, &manifest);
    let total: usize = members.iter().map(|(_, b)| b.len()).sum::<usize>() + manifest.len() + 85;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&manifest);
    out.extend_from_slice(&sig);
    for (_, b) in members {
        out.extend_from_slice(b);
    }
    let id = hex(&Sha256::digest(&manifest));
    Ok((out, id))
}

/// An opened bundle: its manifest, signature and where each member lies.
/// Opening checks only the frame (magic, sizes, manifest syntax, names);
/// [`crate::verify`] checks the rest.
pub struct Bundle<'a> {
    pub src: &'a dyn Source,
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub signature: [u8; 64],
    /// SHA-256 of the manifest bytes: the bundle's id.
    pub id: String,
    offsets: Vec<u64>,
    limits: Limits,
    /// Members whose SHA-256 was already checked against the manifest.
    checked: RefCell<Vec<bool>>,
    /// The signature check, once done.
    signature_ok: std::cell::Cell<Option<bool>>,
}

/// A bundle file read into memory, with the verification work that needs
/// no context done ahead (possibly on another thread): the SHA-256 of the
/// whole file, of every member, and the Ed25519 signature check. It owns
/// the bytes, so the work can only be applied to a [`Bundle`] opened on
/// exactly these bytes ([`Prechecked::source`], [`Bundle::apply`]).
pub struct Prechecked {
    bytes: Vec<u8>,
    sha256: String,
    /// Member hashes and signature result, when the frame opens.
    work: Option<(String, Vec<String>, bool)>,
}

impl Prechecked {
    pub fn new(bytes: Vec<u8>, limits: Limits) -> Prechecked {
        let sha256 = hex(&Sha256::digest(&bytes));
        let work = {
            let mem = Mem(&bytes);
            Bundle::open(&mem, limits).ok().and_then(|b| {
                let hashes = (0..b.manifest.members.len()).map(|i| b.hash_member(i)).collect::<Result<Vec<_>>>().ok()?;
                let sig = b.signature_ok();
                Some((b.id, hashes, sig))
            })
        };
        Prechecked { bytes, sha256, work }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// SHA-256 of the whole file, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The source to open the bundle on.
    pub fn source(&self) -> Mem<'_> {
        Mem(&self.bytes)
    }
}

impl<'a> Bundle<'a> {
    pub fn open(src: &'a dyn Source, limits: Limits) -> Result<Bundle<'a>> {
        let fail = |m: String| Error::Format(m);
        let io = |e: std::io::Error| Error::Format(format!("tệp bị cắt ngắn hoặc không đọc được ({e})"));
        if src.len() > limits.max_file {
            return Err(fail(format!("tệp quá lớn ({} byte; tối đa {})", src.len(), limits.max_file)));
        }
        if src.len() < HEADER + 64 {
            return Err(fail("tệp quá ngắn, không phải gói kết quả".into()));
        }
        let mut head = [0u8; 21];
        src.read_at(0, &mut head).map_err(io)?;
        if &head[..17] != MAGIC {
            return Err(fail("không phải gói kết quả Tổ Bầu Cử (sai chữ đầu tệp)".into()));
        }
        let mlen = u32::from_le_bytes([head[17], head[18], head[19], head[20]]);
        if mlen > limits.max_manifest {
            return Err(fail(format!("bản kê quá lớn ({mlen} byte)")));
        }
        if HEADER + u64::from(mlen) + 64 > src.len() {
            return Err(fail("tệp bị cắt ngắn (thiếu bản kê hoặc chữ ký)".into()));
        }
        let mut manifest_bytes = vec![0u8; usize::try_from(mlen).map_err(|_| fail("bản kê quá lớn".into()))?];
        src.read_at(HEADER, &mut manifest_bytes).map_err(io)?;
        let mut signature = [0u8; 64];
        src.read_at(HEADER + u64::from(mlen), &mut signature).map_err(io)?;
        let manifest = Manifest::parse(&manifest_bytes)?;
        if manifest.members.len() > limits.max_members {
            return Err(fail(format!("quá nhiều thành phần ({})", manifest.members.len())));
        }
        let mut offsets = Vec::with_capacity(manifest.members.len());
        let mut at = HEADER + u64::from(mlen) + 64;
        let mut names = std::collections::HashSet::new();
        for m in &manifest.members {
            if !safe_name(&m.name) {
                return Err(fail(format!("tên thành phần không an toàn: \"{}\"", m.name.escape_debug())));
            }
            if !names.insert(m.name.as_str()) {
                return Err(fail(format!("thành phần trùng tên: {}", m.name)));
            }
            if m.size > limits.max_member {
                return Err(fail(format!("thành phần {} quá lớn ({} byte)", m.name, m.size)));
            }
            offsets.push(at);
            at = at.checked_add(m.size).ok_or_else(|| fail("kích thước thành phần tràn số".into()))?;
        }
        if at != src.len() {
            return Err(fail(if at > src.len() {
                format!("tệp bị cắt ngắn: thiếu {} byte so với bản kê", at - src.len())
            } else {
                format!("tệp có {} byte thừa sau thành phần cuối", src.len() - at)
            }));
        }
        let id = hex(&Sha256::digest(&manifest_bytes));
        let checked = RefCell::new(vec![false; manifest.members.len()]);
        Ok(Bundle { src, manifest, manifest_bytes, signature, id, offsets, limits, checked, signature_ok: std::cell::Cell::new(None) })
    }

    /// Takes over the work of `pre` when this bundle was opened on its very
    /// bytes ([`Prechecked::source`]); otherwise does nothing.
    pub fn apply(&self, pre: &Prechecked) {
        let same = self.src.as_slice().is_some_and(|b| std::ptr::eq(b, pre.bytes.as_slice()));
        let Some((id, hashes, sig)) = &pre.work else { return };
        if !same || *id != self.id || hashes.len() != self.manifest.members.len() {
            return;
        }
        let mut checked = self.checked.borrow_mut();
        for ((c, h), m) in checked.iter_mut().zip(hashes).zip(&self.manifest.members) {
            *c = *c || *h == m.sha256;
        }
        self.signature_ok.set(Some(*sig));
    }

    /// Whether member `i`'s SHA-256 was already found to match the manifest.
    pub fn is_checked(&self, i: usize) -> bool {
        self.checked.borrow().get(i).copied().unwrap_or(false)
    }

    /// The Ed25519 signature over the manifest, with the manifest's key
    /// (computed once).
    pub fn signature_ok(&self) -> bool {
        if let Some(ok) = self.signature_ok.get() {
            return ok;
        }
        let ok = crate::keys::verify(&self.manifest.public_key, &self.manifest_bytes, &self.signature);
        self.signature_ok.set(Some(ok));
        ok
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Index of a member by name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.manifest.members.iter().position(|m| m.name == name)
    }

    /// The window of member `i` (for a bundle carried inside).
    pub fn member_source(&self, i: usize) -> Option<Sub<'_>> {
        let m = self.manifest.members.get(i)?;
        Some(Sub { src: self.src, base: *self.offsets.get(i)?, len: m.size })
    }

    /// SHA-256 of member `i`, read in 64 KiB chunks.
    pub fn hash_member(&self, i: usize) -> Result<String> {
        let sub = self.member_source(i).ok_or_else(|| Error::Format("không có thành phần".into()))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut off = 0u64;
        while off < sub.len {
            let n = usize::try_from((sub.len - off).min(buf.len() as u64)).unwrap_or(0);
            sub.read_at(off, &mut buf[..n]).map_err(|e| Error::Io(e.to_string()))?;
            h.update(&buf[..n]);
            off += n as u64;
        }
        let got = hex(&h.finalize());
        if self.manifest.members.get(i).is_some_and(|m| m.sha256 == got) {
            if let Some(c) = self.checked.borrow_mut().get_mut(i) {
                *c = true;
            }
        }
        Ok(got)
    }

    /// The bytes of member `name`, refused above `max_in_memory`.
    pub fn read_member(&self, name: &str) -> Result<Vec<u8>> {
        let i = self.find(name).ok_or_else(|| Error::Format(format!("thiếu thành phần {name}")))?;
        let m = &self.manifest.members[i];
        if m.size > self.limits.max_in_memory {
            return Err(Error::Format(format!("thành phần {name} quá lớn để đọc ({} byte)", m.size)));
        }
        let sub = self.member_source(i).ok_or_else(|| Error::Format(format!("thiếu thành phần {name}")))?;
        let mut buf = vec![0u8; usize::try_from(m.size).map_err(|_| Error::Format("quá lớn".into()))?];
        sub.read_at(0, &mut buf).map_err(|e| Error::Io(e.to_string()))?;
        let checked = self.checked.borrow().get(i).copied().unwrap_or(false);
        if !checked && hex(&Sha256::digest(&buf)) != m.sha256 {
            return Err(Error::Format(format!("thành phần {name} không khớp mã băm trong bản kê")));
        }
        Ok(buf)
    }
}
