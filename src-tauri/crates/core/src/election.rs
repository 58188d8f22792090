//! Election definition (định nghĩa cuộc bầu cử): the JSON file the commune
//! hands to each team (`interfaces.md` §2), parsed and validated.
//!
//! [`parse`] walks the JSON by hand instead of using serde so that it can
//! report *every* problem with its JSON path, in Vietnamese, and refuse
//! unknown fields with a message.
//!
//! Ids are looked up through hash indexes (a national definition has 72,195
//! areas). `ElectionDefinition::add_round` adds a declared round as a level
//! and a constituency of its own (level "XA.v2").

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::diag::Diagnostic;
use crate::text;
use crate::voter::Gender;

/// The only format tag this version reads.
pub const FORMAT: &str = "tobaucu-election/1";

/// Chế độ: an official election or a test (rehearsal) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Official,
    Test,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Official => "official",
            Mode::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "official" => Some(Mode::Official),
            "test" => Some(Mode::Test),
            _ => None,
        }
    }

    /// "chính thức", "thử nghiệm hoặc diễn tập".
    pub fn vi(self) -> &'static str {
        match self {
            Mode::Official => "chính thức",
            Mode::Test => "thử nghiệm hoặc diễn tập",
        }
    }
}

/// Cuộc bầu cử: id, name, election day (ngày bầu cử) and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    pub id: String,
    pub name: String,
    pub date: NaiveDate,
    pub mode: Mode,
}

/// What kind of body a level elects, which decides the seat cap and the
/// minimum number of candidates (Art. 10(4), 57(6), 58(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelKind {
    /// Đại biểu Quốc hội.
    NationalAssembly,
    /// Đại biểu Hội đồng nhân dân (any tier).
    Council,
}

/// Cấp bầu cử: one ballot a voter may receive (QH, HĐND tỉnh, HĐND xã…).
/// Levels are data: a definition has 1 to 4 of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub code: String,
    pub name: String,
    pub kind: LevelKind,
}

/// Kind of an administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitKind {
    Nation,
    Province,
    District,
    Commune,
}

impl UnitKind {
    pub fn parse(s: &str) -> Option<UnitKind> {
        Some(match s {
            "nation" => UnitKind::Nation,
            "province" => UnitKind::Province,
            "district" => UnitKind::District,
            "commune" => UnitKind::Commune,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Nation => "nation",
            UnitKind::Province => "province",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
        }
    }
}

/// Đơn vị hành chính: a commune, district, province or the nation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub kind: UnitKind,
    pub name: String,
    pub parent: Option<String>,
}

/// Người ứng cử.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub gender: Gender,
}

/// Đơn vị bầu cử: a constituency of one level, with its seats and the
/// candidates in ballot order (position = index + 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constituency {
    pub id: String,
    pub level: String,
    pub number: u32,
    pub name: String,
    pub seats: u32,
    pub candidates: Vec<Candidate>,
    /// A later round of another constituency (bầu cử lại / bầu cử thêm),
    /// added by [`ElectionDefinition::add_round`]; `None` in a definition
    /// as published.
    pub round_of: Option<RoundOf>,
}

/// Which constituency and round a round's constituency stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundOf {
    pub constituency: String,
    pub level: String,
    pub number: u32,
    /// `revote` (bầu cử lại) or `additional` (bầu cử thêm).
    pub kind: String,
}

/// The code under which round `number` of `level` is counted, stored and
/// carried ("XA.v2"): a level of its own for the team's machinery.
pub fn round_code(level: &str, number: u32) -> String {
    format!("{level}.v{number}")
}

/// The base level and round number of a round code ("XA.v2" → ("XA", 2)).
pub fn split_round_code(code: &str) -> Option<(&str, u32)> {
    let (base, n) = code.rsplit_once(".v")?;
    let n: u32 = n.parse().ok().filter(|n| *n >= 2)?;
    (!base.is_empty()).then_some((base, n))
}

/// Khu vực bỏ phiếu: a polling area, served by one team (tổ bầu cử), in one
/// constituency per level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub commune: String,
    /// Level code → constituency id, one entry per level.
    pub constituencies: BTreeMap<String, String>,
}

/// A validated election definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionDefinition {
    pub election: Election,
    pub levels: Vec<Level>,
    pub units: Vec<Unit>,
    pub constituencies: Vec<Constituency>,
    pub areas: Vec<Area>,
    /// What loads but deserves a second look (a constituency with fewer
    /// candidates than the law's minimum, a candidate struck off after the
    /// list was published: issue 12 §7).
    pub warnings: Vec<Diagnostic>,
    /// Id → position, so lookups stay O(1) with 72,195 areas.
    index: Index,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Index {
    areas: HashMap<String, usize>,
    units: HashMap<String, usize>,
    constituencies: HashMap<String, usize>,
}

impl Index {
    fn of(units: &[Unit], constituencies: &[Constituency], areas: &[Area]) -> Index {
        // The first of a duplicated id wins, as a linear search would.
        let first = |it: &mut dyn Iterator<Item = (String, usize)>| {
            let mut m = HashMap::new();
            for (k, i) in it {
                m.entry(k).or_insert(i);
            }
            m
        };
        Index {
            areas: first(&mut areas.iter().enumerate().map(|(i, a)| (a.id.clone(), i))),
            units: first(&mut units.iter().enumerate().map(|(i, u)| (u.id.clone(), i))),
            constituencies: first(&mut constituencies.iter().enumerate().map(|(i, c)| (c.id.clone(), i))),
        }
    }
}

impl ElectionDefinition {
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.index.areas.get(id).and_then(|&i| self.areas.get(i))
    }
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.index.units.get(id).and_then(|&i| self.units.get(i))
    }
    pub fn level(&self, code: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.code == code)
    }
    pub fn constituency(&self, id: &str) -> Option<&Constituency> {
        self.index.constituencies.get(id).and_then(|&i| self.constituencies.get(i))
    }
    /// Adds a later round of a constituency (Art. 79, 80) as a level and a
    /// constituency of their own: level [`round_code`] ("XA.v2") named after
    /// the base level, constituency "<id>.v<n>" with the round's seats and
    /// candidates (a subset of the constituency's, in ballot order); every
    /// area of the constituency names it. Refused when the round does not
    /// fit the definition. Already added: nothing changes.
    pub fn add_round(&mut self, constituency: &str, number: u32, kind: &str, seats: u32, candidates: &[String]) -> Result<String, String> {
        let c = self.constituency(constituency).ok_or_else(|| format!("đơn vị bầu cử {constituency} không có trong định nghĩa"))?.clone();
        if c.round_of.is_some() || number < 2 {
            return Err(format!("vòng bầu cử số {number} của {constituency} không hợp lệ"));
        }
        let base = self.level(&c.level).ok_or_else(|| format!("cấp {} không có trong định nghĩa", c.level))?.clone();
        let code = round_code(&base.code, number);
        let id = format!("{}.v{number}", c.id);
        if self.constituency(&id).is_some() {
            return Ok(code);
        }
        if kind != "revote" && kind != "additional" {
            return Err(format!("loại vòng bầu cử \"{kind}\" không có"));
        }
        if seats == 0 || seats > c.seats {
            return Err(format!("vòng bầu cử số {number} của {constituency}: số đại biểu {seats} không hợp lệ (đơn vị bầu {} đại biểu)", c.seats));
        }
        let mut picked = Vec::new();
        for cand in &c.candidates {
            if candidates.contains(&cand.id) {
                picked.push(cand.clone());
            }
        }
        if picked.len() != candidates.len() || picked.is_empty() {
            return Err(format!("vòng bầu cử số {number} của {constituency}: danh sách người ứng cử không thuộc đơn vị bầu cử"));
        }
        let label = if kind == "revote" { "bầu cử lại" } else { "bầu cử thêm" };
        self.levels.push(Level { code: code.clone(), name: format!("{} ({label}, vòng {number})", base.name), kind: base.kind });
        self.constituencies.push(Constituency {
            id: id.clone(),
            level: code.clone(),
            number: c.number,
            name: c.name.clone(),
            seats,
            candidates: picked,
            round_of: Some(RoundOf { constituency: c.id.clone(), level: base.code.clone(), number, kind: kind.to_owned() }),
        });
        for a in &mut self.areas {
            if a.constituencies.values().any(|x| *x == c.id) {
                a.constituencies.insert(code.clone(), id.clone());
            }
        }
        self.index = Index::of(&self.units, &self.constituencies, &self.areas);
        Ok(code)
    }

    /// Level codes in definition order.
    pub fn level_codes(&self) -> Vec<String> {
        self.levels.iter().map(|l| l.code.clone()).collect()
    }

    /// Levels a holder of a certificate to vote elsewhere receives here
    /// (`domain.md` §3.3–3.4): Quốc hội and the provincial council, i.e. the
    /// levels whose name or code says "Quốc hội" or "tỉnh"/"thành phố".
    /// Falls back to every level when none is recognised.
    pub fn certificate_levels(&self) -> Vec<String> {
        let picked: Vec<String> = self
            .levels
            .iter()
            .filter(|l| {
                let f = text::fold(&format!("{} {}", l.code, l.name));
                let w: Vec<&str> = text::words(&f).collect();
                l.kind == LevelKind::NationalAssembly || w.contains(&"tinh") || w.windows(2).any(|p| p == ["thanh", "pho"])
            })
            .map(|l| l.code.clone())
            .collect();
        if picked.is_empty() {
            self.level_codes()
        } else {
            picked
        }
    }
}

/// Maximum seats of one constituency (Art. 10(4)): 3 for QH, 5 for HĐND.
pub fn max_seats(kind: LevelKind) -> u32 {
    match kind {
        LevelKind::NationalAssembly => 3,
        LevelKind::Council => 5,
    }
}

/// Minimum number of candidates for `seats` seats (`domain.md` §2; Art. 57(6),
/// 58(3); guidance 45/VPHĐBCQG for 1–2 HĐND seats).
pub fn min_candidates(kind: LevelKind, seats: u32) -> u32 {
    match kind {
        LevelKind::NationalAssembly => seats + 2,
        LevelKind::Council => match seats {
            0..=2 => seats + 1,
            3 => seats + 2,
            _ => seats + 3,
        },
    }
}

/// Decides whether a level elects the National Assembly, from its code or name.
pub fn level_kind(code: &str, name: &str) -> LevelKind {
    let folded = text::fold(&format!("{code} {name}"));
    let words: Vec<&str> = text::words(&folded).collect();
    let is_qh = words.contains(&"qh") || words.windows(2).any(|w| w == ["quoc", "hoi"]);
    if is_qh {
        LevelKind::NationalAssembly
    } else {
        LevelKind::Council
    }
}

/// The longest identifier accepted.
pub const MAX_ID_CHARS: usize = 64;

/// Whether `s` can name a file or a folder safely on every system: ASCII
/// letters, digits, `-`, `_` and `.`, 1–64 characters, not starting with a
/// dot, no `..` (`KV/../../x` was once accepted and used in a key file's
/// path: issue 11 §10).
pub fn is_safe_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_ID_CHARS && !s.starts_with('.') && !s.contains("..") && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Parses and validates an election definition. Returns every problem found.
pub fn parse(json: &str) -> Result<ElectionDefinition, Vec<Diagnostic>> {
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return Err(vec![Diagnostic::new("E_JSON", format!("$ (dòng {}, cột {})", e.line(), e.column()), format!("tệp không phải JSON hợp lệ: {}", json_error_vi(&e)))]),
    };
    let mut w = Walker::default();
    let def = w.definition(&value);
    match def {
        Some(def) if w.diags.is_empty() => Ok(def),
        _ => Err(w.diags),
    }
}

fn json_error_vi(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax => "sai cú pháp (thiếu dấu phẩy, ngoặc hoặc dấu nháy?)",
        Category::Eof => "tệp kết thúc giữa chừng",
        Category::Data => "kiểu dữ liệu không đúng",
        Category::Io => "không đọc được",
    }
}

#[derive(Default)]
struct Walker {
    diags: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Walker {
    fn err(&mut self, code: &'static str, path: &str, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, path, msg));
    }

    fn object<'a>(&mut self, v: &'a Value, path: &str, allowed: &[&str]) -> Option<&'a Map<String, Value>> {
        let Some(m) = v.as_object() else {
            self.err("E_TYPE", path, "phải là một đối tượng JSON ({ … })");
            return None;
        };
        for key in m.keys() {
            if !allowed.contains(&key.as_str()) {
                self.err(
                    "E_UNKNOWN_FIELD",
                    &format!("{path}.{key}"),
                    format!("trường \"{key}\" không có trong định dạng {FORMAT}; hãy xóa hoặc sửa tên trường (các trường hợp lệ: {})", allowed.join(", ")),
                );
            }
        }
        Some(m)
    }

    fn array<'a>(&mut self, m: &'a Map<String, Value>, path: &str, key: &str) -> Option<&'a Vec<Value>> {
        let p = format!("{path}.{key}");
        match m.get(key) {
            None => {
                self.err("E_MISSING", &p, format!("thiếu trường bắt buộc \"{key}\""));
                None
            }
            Some(Value::Array(a)) => Some(a),
            Some(_) => {
                self.err("E_TYPE", &p, "phải là một mảng ([ … ])");
                None
            }
        }
    }

    fn string(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let p = format!("{path}.{key}");
        match m.get(key) {
            None => {
                self.err("E_MISSING", &p, format!("thiếu trường bắt buộc \"{key}\""));
                None
            }
            Some(Value::String(s)) => {
                let s = text::clean(s);
                if s.is_empty() {
                    self.err("E_EMPTY", &p, "không được để trống");
                    None
                } else {
                    Some(s)
                }
            }
            Some(_) => {
                self.err("E_TYPE", &p, "phải là chuỗi ký tự (trong dấu nháy kép)");
                None
            }
        }
    }

    /// An identifier: it names files and folders (key files, bundle
    /// members, printed forms), so only [`is_safe_id`] ones are taken.
    fn id(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let s = self.string(m, path, key)?;
        if is_safe_id(&s) {
            Some(s)
        } else {
            self.err(
                "E_ID",
                &format!("{path}.{key}"),
                format!(
                    "mã \"{s}\" không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, dấu gạch ngang, gạch dưới và dấu chấm (tối đa {MAX_ID_CHARS} ký tự, không bắt đầu bằng dấu chấm, không có \"..\")"
                ),
            );
            None
        }
    }

    fn opt_string(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        if m.get(key).is_none_or(Value::is_null) {
            return None;
        }
        self.string(m, path, key)
    }

    fn positive(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<u32> {
        let p = format!("{path}.{key}");
        match m.get(key) {
            None => {
                self.err("E_MISSING", &p, format!("thiếu trường bắt buộc \"{key}\""));
                None
            }
            Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) if n >= 1 => Some(n),
                _ => {
                    self.err("E_TYPE", &p, format!("phải là số nguyên dương, không phải {v}"));
                    None
                }
            },
        }
    }

    fn date(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> Option<NaiveDate> {
        let s = self.string(m, path, key)?;
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => Some(d),
            _ => {
                self.err("E_DATE", &format!("{path}.{key}"), format!("ngày \"{s}\" không hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ 2026-03-15"));
                None
            }
        }
    }

    fn definition(&mut self, v: &Value) -> Option<ElectionDefinition> {
        let root = self.object(v, "$", &["format", "election", "levels", "units", "constituencies", "areas"])?;
        if let Some(f) = self.string(root, "$", "format") {
            if f != FORMAT {
                self.err("E_FORMAT", "$.format", format!("định dạng \"{f}\" không được hỗ trợ; phiên bản này đọc \"{FORMAT}\""));
            }
        }
        let election = match root.get("election") {
            Some(e) => self.election(e),
            None => {
                self.err("E_MISSING", "$.election", "thiếu trường bắt buộc \"election\"");
                None
            }
        };
        let levels = self.levels(root);
        let units = self.units(root);
        let level_map: HashMap<&str, &Level> = levels.iter().map(|l| (l.code.as_str(), l)).collect();
        let constituencies = self.constituencies(root, &level_map);
        let areas = self.areas(root, &levels, &units, &constituencies);
        let index = Index::of(&units, &constituencies, &areas);
        Some(ElectionDefinition { election: election?, levels, units, constituencies, areas, warnings: std::mem::take(&mut self.warnings), index })
    }

    fn election(&mut self, v: &Value) -> Option<Election> {
        let p = "$.election";
        let m = self.object(v, p, &["id", "name", "date", "mode"])?;
        let id = self.id(m, p, "id");
        let name = self.string(m, p, "name");
        let date = self.date(m, p, "date");
        let mode = match self.string(m, p, "mode").as_deref() {
            Some("official") => Some(Mode::Official),
            Some("test") => Some(Mode::Test),
            Some(other) => {
                self.err("E_MODE", "$.election.mode", format!("chế độ \"{other}\" không hợp lệ; chỉ nhận \"official\" (chính thức) hoặc \"test\" (thử)"));
                None
            }
            None => None,
        };
        Some(Election { id: id?, name: name?, date: date?, mode: mode? })
    }

    fn levels(&mut self, root: &Map<String, Value>) -> Vec<Level> {
        let Some(arr) = self.array(root, "$", "levels") else {
            return Vec::new();
        };
        if arr.is_empty() || arr.len() > 4 {
            self.err("E_LEVEL_COUNT", "$.levels", format!("phải có từ 1 đến 4 cấp bầu cử, tệp có {}", arr.len()));
        }
        let mut out: Vec<Level> = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            let p = format!("$.levels[{i}]");
            let Some(m) = self.object(v, &p, &["code", "name"]) else {
                continue;
            };
            let (Some(code), Some(name)) = (self.id(m, &p, "code"), self.string(m, &p, "name")) else {
                continue;
            };
            if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                self.err("E_CODE", &format!("{p}.code"), format!("mã cấp \"{code}\" chỉ được gồm chữ không dấu, số, \"-\" hoặc \"_\""));
                continue;
            }
            if out.iter().any(|l| l.code == code) {
                self.err("E_DUPLICATE", &format!("{p}.code"), format!("mã cấp \"{code}\" bị trùng"));
                continue;
            }
            let kind = level_kind(&code, &name);
            out.push(Level { code, name, kind });
        }
        out
    }

    fn units(&mut self, root: &Map<String, Value>) -> Vec<Unit> {
        let Some(arr) = self.array(root, "$", "units") else {
            return Vec::new();
        };
        let mut out: Vec<(usize, Unit)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (i, v) in arr.iter().enumerate() {
            let p = format!("$.units[{i}]");
            let Some(m) = self.object(v, &p, &["id", "kind", "name", "parent"]) else {
                continue;
            };
            let id = self.id(m, &p, "id");
            let kind = self.string(m, &p, "kind").and_then(|k| {
                let parsed = UnitKind::parse(&k);
                if parsed.is_none() {
                    self.err("E_UNIT_KIND", &format!("{p}.kind"), format!("loại đơn vị \"{k}\" không hợp lệ; chỉ nhận nation, province, district, commune"));
                }
                parsed
            });
            let name = self.string(m, &p, "name");
            let parent = self.opt_string(m, &p, "parent");
            let (Some(id), Some(kind), Some(name)) = (id, kind, name) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.err("E_DUPLICATE", &format!("{p}.id"), format!("mã đơn vị \"{id}\" bị trùng"));
                continue;
            }
            out.push((i, Unit { id, kind, name, parent }));
        }
        let ids: HashMap<String, UnitKind> = out.iter().map(|(_, u)| (u.id.clone(), u.kind)).collect();
        for (i, u) in &out {
            if let Some(parent) = &u.parent {
                match ids.get(parent) {
                    None => self.err("E_REF", &format!("$.units[{i}].parent"), format!("đơn vị cấp trên \"{parent}\" không có trong danh sách units")),
                    Some(pk) if *pk >= u.kind => {
                        self.err("E_PARENT_KIND", &format!("$.units[{i}].parent"), format!("đơn vị \"{}\" ({}) không thể trực thuộc \"{parent}\" ({})", u.id, u.kind.as_str(), pk.as_str()))
                    }
                    Some(_) => {}
                }
            }
        }
        out.into_iter().map(|(_, u)| u).collect()
    }

    fn constituencies(&mut self, root: &Map<String, Value>, levels: &HashMap<&str, &Level>) -> Vec<Constituency> {
        let Some(arr) = self.array(root, "$", "constituencies") else {
            return Vec::new();
        };
        let mut out: Vec<Constituency> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut candidate_ids: BTreeSet<String> = BTreeSet::new();
        for (i, v) in arr.iter().enumerate() {
            let p = format!("$.constituencies[{i}]");
            let Some(m) = self.object(v, &p, &["id", "level", "number", "name", "seats", "candidates"]) else {
                continue;
            };
            let id = self.id(m, &p, "id");
            let level = self.string(m, &p, "level");
            let number = self.positive(m, &p, "number");
            let name = self.string(m, &p, "name");
            let seats = self.positive(m, &p, "seats");
            let mut candidates = Vec::new();
            if let Some(carr) = self.array(m, &p, "candidates") {
                for (j, cv) in carr.iter().enumerate() {
                    let cp = format!("{p}.candidates[{j}]");
                    if let Some(c) = self.candidate(cv, &cp) {
                        if !candidate_ids.insert(c.id.clone()) {
                            self.err("E_DUPLICATE", &format!("{cp}.id"), format!("mã người ứng cử \"{}\" bị trùng", c.id));
                        }
                        candidates.push(c);
                    }
                }
            }
            let level_def = level.as_deref().and_then(|l| levels.get(l).copied());
            if let (Some(l), None) = (&level, level_def) {
                self.err("E_REF", &format!("{p}.level"), format!("cấp \"{l}\" không có trong levels"));
            }
            if let (Some(kind), Some(seats)) = (level_def.map(|l| l.kind), seats) {
                let max = max_seats(kind);
                if seats > max {
                    self.err("E_SEATS", &format!("{p}.seats"), format!("đơn vị bầu cử {} được bầu tối đa {max} đại biểu (Điều 10 khoản 4 Luật Bầu cử), tệp ghi {seats}", kind_vi(kind)));
                }
                let min = min_candidates(kind, seats);
                if let Some(carr) = m.get("candidates").and_then(Value::as_array) {
                    // The list as published had enough candidates; one
                    // struck off afterwards (Art. 57(6), 58(3) bound the
                    // list, not the ballot) leaves fewer: the election goes
                    // on, the board should know.
                    if (carr.len() as u64) < u64::from(min) {
                        self.warnings.push(Diagnostic::new(
                            "W_MIN_CANDIDATES",
                            format!("{p}.candidates"),
                            format!(
                                "bầu {seats} đại biểu {} thường cần ít nhất {min} người ứng cử (Điều 57, 58 Luật Bầu cử), tệp có {} (có thể có người bị xóa tên sau khi công bố danh sách)",
                                kind_vi(kind),
                                carr.len()
                            ),
                        ));
                    }
                }
            }
            let (Some(id), Some(level), Some(number), Some(name), Some(seats)) = (id, level, number, name, seats) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.err("E_DUPLICATE", &format!("{p}.id"), format!("mã đơn vị bầu cử \"{id}\" bị trùng"));
                continue;
            }
            out.push(Constituency { round_of: None, id, level, number, name, seats, candidates });
        }
        out
    }

    fn candidate(&mut self, v: &Value, p: &str) -> Option<Candidate> {
        let m = self.object(v, p, &["id", "name", "birth_date", "gender"])?;
        let id = self.id(m, p, "id");
        let name = self.string(m, p, "name");
        let birth_date = self.date(m, p, "birth_date");
        let gender = self.string(m, p, "gender").and_then(|g| {
            let parsed = Gender::parse(&g);
            if parsed.is_none() {
                self.err("E_GENDER", &format!("{p}.gender"), format!("giới tính \"{g}\" không hợp lệ; ghi \"Nam\" hoặc \"Nữ\""));
            }
            parsed
        });
        Some(Candidate { id: id?, name: name?, birth_date: birth_date?, gender: gender? })
    }

    fn areas(&mut self, root: &Map<String, Value>, levels: &[Level], units: &[Unit], constituencies: &[Constituency]) -> Vec<Area> {
        let Some(arr) = self.array(root, "$", "areas") else {
            return Vec::new();
        };
        let mut out: Vec<Area> = Vec::new();
        // Hash lookups: a national definition has 72,195 areas.
        let unit_by_id: HashMap<&str, &Unit> = units.iter().map(|u| (u.id.as_str(), u)).collect();
        let constituency_by_id: HashMap<&str, &Constituency> = constituencies.iter().map(|c| (c.id.as_str(), c)).collect();
        let mut seen: HashSet<String> = HashSet::new();
        for (i, v) in arr.iter().enumerate() {
            let p = format!("$.areas[{i}]");
            let Some(m) = self.object(v, &p, &["id", "number", "name", "commune", "constituencies"]) else {
                continue;
            };
            let id = self.id(m, &p, "id");
            let number = self.positive(m, &p, "number");
            let name = self.string(m, &p, "name");
            let commune = self.string(m, &p, "commune");
            if let Some(c) = &commune {
                match unit_by_id.get(c.as_str()) {
                    None => self.err("E_REF", &format!("{p}.commune"), format!("xã \"{c}\" không có trong units")),
                    Some(u) if u.kind != UnitKind::Commune => self.err("E_REF", &format!("{p}.commune"), format!("đơn vị \"{c}\" là {}, không phải xã (commune)", u.kind.as_str())),
                    Some(_) => {}
                }
            }
            let mut map = BTreeMap::new();
            let cp = format!("{p}.constituencies");
            match m.get("constituencies") {
                None => self.err("E_MISSING", &cp, "thiếu trường bắt buộc \"constituencies\""),
                Some(Value::Object(cm)) => {
                    for (level, cid) in cm {
                        let kp = format!("{cp}.{level}");
                        let Some(cid) = cid.as_str().map(text::clean) else {
                            self.err("E_TYPE", &kp, "phải là mã đơn vị bầu cử (chuỗi ký tự)");
                            continue;
                        };
                        if !levels.iter().any(|l| &l.code == level) {
                            self.err("E_REF", &kp, format!("cấp \"{level}\" không có trong levels"));
                            continue;
                        }
                        match constituency_by_id.get(cid.as_str()) {
                            None => self.err("E_REF", &kp, format!("đơn vị bầu cử \"{cid}\" không có trong constituencies")),
                            Some(c) if &c.level != level => self.err("E_REF", &kp, format!("đơn vị bầu cử \"{cid}\" thuộc cấp {}, không phải cấp {level}", c.level)),
                            Some(_) => {
                                map.insert(level.clone(), cid);
                            }
                        }
                    }
                    for l in levels {
                        if !cm.contains_key(&l.code) {
                            self.err("E_AREA_LEVEL", &cp, format!("khu vực bỏ phiếu phải thuộc một đơn vị bầu cử cho cấp {} ({})", l.code, l.name));
                        }
                    }
                }
                Some(_) => self.err("E_TYPE", &cp, "phải là đối tượng {\"MÃ CẤP\": \"MÃ ĐƠN VỊ BẦU CỬ\", …}"),
            }
            let (Some(id), Some(number), Some(name), Some(commune)) = (id, number, name, commune) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.err("E_DUPLICATE", &format!("{p}.id"), format!("mã khu vực bỏ phiếu \"{id}\" bị trùng"));
                continue;
            }
            out.push(Area { id, number, name, commune, constituencies: map });
        }
        out
    }
}

fn kind_vi(kind: LevelKind) -> &'static str {
    match kind {
        LevelKind::NationalAssembly => "Quốc hội",
        LevelKind::Council => "HĐND",
    }
}

#[cfg(test)]
mod tests;
