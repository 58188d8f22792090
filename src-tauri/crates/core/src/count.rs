//! Counting (kiểm phiếu): what a ballot keeps, whether it is valid, the
//! running tally of a level, the ballots file (`interfaces.md` §4) and the
//! paper tally sheet entered twice (double entry).
//!
//! Law: Luật Bầu cử 85/2015/QH13 (amended 83/2025/QH15) Art. 74 lists the
//! five grounds of an invalid ballot (`domain.md` §5); a valid ballot is an
//! official, stamped ballot leaving 1 to `seats` names unstruck, and a vote
//! is a name left unstruck on a valid ballot.

use std::fmt;

/// The five legal grounds of an invalid ballot (phiếu không hợp lệ), Art. 74.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InvalidReason {
    /// Không theo mẫu quy định do Tổ bầu cử phát ra (seen by a person).
    NotOfficial,
    /// Không có dấu của Tổ bầu cử (seen by a person).
    NoStamp,
    /// Để số người được bầu nhiều hơn số lượng đại biểu được bầu (decided by the app).
    TooMany,
    /// Gạch xóa hết tên những người ứng cử (decided by the app).
    AllStruck,
    /// Ghi thêm tên người ngoài danh sách hoặc ghi thêm nội dung khác (seen by a person).
    Added,
}

impl InvalidReason {
    /// Every ground, in the order of Art. 74.
    pub const ALL: [InvalidReason; 5] = [InvalidReason::NotOfficial, InvalidReason::NoStamp, InvalidReason::TooMany, InvalidReason::AllStruck, InvalidReason::Added];

    /// The code used in files, JSON and the database.
    pub fn code(self) -> &'static str {
        match self {
            InvalidReason::NotOfficial => "khong_theo_mau",
            InvalidReason::NoStamp => "khong_co_dau",
            InvalidReason::TooMany => "qua_so_luong",
            InvalidReason::AllStruck => "gach_het",
            InvalidReason::Added => "ghi_them",
        }
    }

    pub fn parse(code: &str) -> Option<InvalidReason> {
        InvalidReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Vietnamese wording of the ground (Art. 74).
    pub fn vi(self) -> &'static str {
        match self {
            InvalidReason::NotOfficial => "Phiếu không theo mẫu quy định do Tổ bầu cử phát ra",
            InvalidReason::NoStamp => "Phiếu không có dấu của Tổ bầu cử",
            InvalidReason::TooMany => "Phiếu để số người được bầu nhiều hơn số lượng đại biểu được bầu",
            InvalidReason::AllStruck => "Phiếu gạch xóa hết tên những người ứng cử",
            InvalidReason::Added => "Phiếu ghi thêm tên người ngoài danh sách hoặc ghi thêm nội dung khác",
        }
    }

    /// Only a person holding the ballot can see this ground; the app cannot
    /// decide it from the names kept.
    pub fn needs_person(self) -> bool {
        !matches!(self, InvalidReason::TooMany | InvalidReason::AllStruck)
    }

    pub fn index(self) -> usize {
        match self {
            InvalidReason::NotOfficial => 0,
            InvalidReason::NoStamp => 1,
            InvalidReason::TooMany => 2,
            InvalidReason::AllStruck => 3,
            InvalidReason::Added => 4,
        }
    }
}

/// What the recorder typed for one ballot: the positions (1-based, in the
/// order of the ballot) of the names kept, or a ground only a person sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Kept(Vec<u16>),
    Invalid(InvalidReason),
}

/// A counted ballot after the app applied the law.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ballot {
    /// Valid: the positions kept, ascending, 1 ≤ len ≤ seats.
    Valid(Vec<u16>),
    Invalid(InvalidReason),
}

impl Ballot {
    /// Decides validity (Art. 74): no name kept → gạch hết; more names kept
    /// than seats → quá số lượng; otherwise valid.
    pub fn decide(mark: &Mark, seats: u32) -> Ballot {
        match mark {
            Mark::Invalid(r) => Ballot::Invalid(*r),
            Mark::Kept(k) if k.is_empty() => Ballot::Invalid(InvalidReason::AllStruck),
            Mark::Kept(k) if k.len() > seats as usize => Ballot::Invalid(InvalidReason::TooMany),
            Mark::Kept(k) => {
                let mut k = k.clone();
                k.sort_unstable();
                Ballot::Valid(k)
            }
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, Ballot::Valid(_))
    }
}

/// Why a typed ballot line cannot be read (each with its Vietnamese
/// message, `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkError {
    /// `INVALID` followed by more than one word.
    ReasonTwice,
    /// `INVALID` with a ground the app decides itself from the marks
    /// (quá số lượng, gạch hết): the positions are typed instead.
    ReasonDecidedByApp(InvalidReason),
    /// `INVALID` with no ground.
    ReasonMissing,
    /// `INVALID` with a word that is not one of the grounds.
    ReasonUnknown(String),
    /// A word that is not a position.
    NotAPosition { word: String, candidates: usize },
    /// A position beyond the candidates on the ballot (or 0).
    NotOnBallot { position: u16, candidates: usize },
    /// A position typed twice.
    Twice(u16),
}

impl fmt::Display for MarkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkError::ReasonTwice => f.write_str("sau INVALID chỉ ghi một lý do"),
            MarkError::ReasonDecidedByApp(r) => write!(f, "lý do \"{}\" do ứng dụng tự xác định: hãy ghi các số thứ tự tên được giữ lại (hoặc \"-\" nếu gạch hết)", r.code()),
            MarkError::ReasonMissing => f.write_str("thiếu lý do sau INVALID (khong_theo_mau, khong_co_dau hoặc ghi_them)"),
            MarkError::ReasonUnknown(reason) => write!(f, "lý do \"{reason}\" không hợp lệ; chỉ dùng khong_theo_mau, khong_co_dau hoặc ghi_them"),
            MarkError::NotAPosition { word, candidates } => write!(f, "\"{word}\" không phải số thứ tự người ứng cử (ghi các số 1–{candidates}, \"-\" hoặc INVALID <lý do>)"),
            MarkError::NotOnBallot { position, candidates } => write!(f, "số thứ tự {position} không có trên phiếu (phiếu có {candidates} người ứng cử)"),
            MarkError::Twice(n) => write!(f, "số thứ tự {n} được ghi hai lần"),
        }
    }
}

/// Reads one line as the recorder types it (`interfaces.md` §4): positions
/// separated by spaces (or commas), `-` for every name struck, or
/// `INVALID <reason>` for a ground only a person sees. `None` for a blank
/// line or a comment.
pub fn parse_mark(line: &str, candidates: usize) -> Result<Option<Mark>, MarkError> {
    let line = match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    };
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    if line == "-" {
        return Ok(Some(Mark::Kept(Vec::new())));
    }
    let mut words = line.split_whitespace();
    if let Some(first) = words.clone().next() {
        if first.eq_ignore_ascii_case("INVALID") {
            words.next();
            let reason = words.next().unwrap_or("");
            if words.next().is_some() {
                return Err(MarkError::ReasonTwice);
            }
            return match InvalidReason::parse(reason) {
                Some(r) if r.needs_person() => Ok(Some(Mark::Invalid(r))),
                Some(r) => Err(MarkError::ReasonDecidedByApp(r)),
                None if reason.is_empty() => Err(MarkError::ReasonMissing),
                None => Err(MarkError::ReasonUnknown(reason.to_owned())),
            };
        }
    }
    let mut kept: Vec<u16> = Vec::new();
    for w in line.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()) {
        let n: u16 = match w.parse() {
            Ok(n) => n,
            Err(_) => return Err(MarkError::NotAPosition { word: w.to_owned(), candidates }),
        };
        if n == 0 || usize::from(n) > candidates {
            return Err(MarkError::NotOnBallot { position: n, candidates });
        }
        if kept.contains(&n) {
            return Err(MarkError::Twice(n));
        }
        kept.push(n);
    }
    Ok(Some(Mark::Kept(kept)))
}

/// One refused line of a ballots file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Reads a whole ballots file: every ballot, or every bad line (all or
/// nothing).
pub fn parse_ballots(text: &str, candidates: usize, seats: u32) -> Result<Vec<Ballot>, Vec<LineError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match parse_mark(line, candidates) {
            Ok(Some(m)) => out.push(Ballot::decide(&m, seats)),
            Ok(None) => {}
            Err(e) => errors.push(LineError { line: i + 1, message: e.to_string() }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Counts a whole ballots file straight into a [`Tally`] (what a board does
/// to recount a team's ballots): the same result as [`parse_ballots`] then
/// [`Tally::add`] for each ballot, without building a ballot per line.
/// Lines of plain positions take a fast path; anything else goes through
/// [`parse_mark`].
pub fn tally_text(text: &str, candidates: usize, seats: u32) -> Result<Tally, Vec<LineError>> {
    let mut t = Tally::new(seats, candidates);
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(k) = fast_line(line.as_bytes(), candidates, &mut t) {
            if k {
                continue;
            }
        }
        match parse_mark(line, candidates) {
            Ok(Some(m)) => t.add(&Ballot::decide(&m, seats)),
            Ok(None) => {}
            Err(e) => errors.push(LineError { line: i + 1, message: e.to_string() }),
        }
    }
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

/// A line of ASCII positions separated by spaces, tabs or commas, added to
/// `t`: `Some(true)` when handled, `None` to use the general reader.
fn fast_line(b: &[u8], candidates: usize, t: &mut Tally) -> Option<bool> {
    if candidates > 64 {
        return None;
    }
    let mut seen: u64 = 0;
    let mut count = 0usize;
    let mut cur: u32 = 0;
    let mut in_num = false;
    let push = |n: u32, seen: &mut u64, count: &mut usize| -> Option<()> {
        if n == 0 || n as usize > candidates {
            return None;
        }
        let bit = 1u64 << (n - 1);
        if *seen & bit != 0 {
            return None;
        }
        *seen |= bit;
        *count += 1;
        Some(())
    };
    for &c in b {
        match c {
            b'0'..=b'9' => {
                cur = cur.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
                if cur > 65_535 {
                    return None;
                }
                in_num = true;
            }
            b' ' | b'\t' | b',' | b'\r' => {
                if in_num {
                    push(cur, &mut seen, &mut count)?;
                    cur = 0;
                    in_num = false;
                }
            }
            _ => return None,
        }
    }
    if in_num {
        push(cur, &mut seen, &mut count)?;
    }
    if count == 0 {
        // Blank (or separators only): the general reader decides.
        return None;
    }
    if count > t.seats as usize {
        t.invalid_by_reason[InvalidReason::TooMany.index()] += 1;
        return Some(true);
    }
    t.valid += 1;
    if let Some(g) = t.groups.get_mut(count - 1) {
        *g += 1;
    }
    let mut bits = seen;
    while bits != 0 {
        let p = bits.trailing_zeros() as usize;
        if let Some(v) = t.votes.get_mut(p) {
            *v += 1;
        }
        bits &= bits - 1;
    }
    Some(true)
}

/// The running totals of one level (bảng tổng hợp): ballots, the groups
/// "phiếu bầu k đại biểu" and votes per candidate position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub seats: u32,
    pub valid: u64,
    pub invalid_by_reason: [u64; 5],
    /// `groups[k - 1]` = valid ballots keeping exactly k names (n_k).
    pub groups: Vec<u64>,
    /// `votes[p - 1]` = votes of the candidate at position p.
    pub votes: Vec<u64>,
}

impl Tally {
    pub fn new(seats: u32, candidates: usize) -> Tally {
        Tally { seats, valid: 0, invalid_by_reason: [0; 5], groups: vec![0; seats as usize], votes: vec![0; candidates] }
    }

    pub fn add(&mut self, b: &Ballot) {
        self.apply(b, true);
    }

    /// Takes back a ballot added before (undo).
    pub fn remove(&mut self, b: &Ballot) {
        self.apply(b, false);
    }

    fn apply(&mut self, b: &Ballot, add: bool) {
        let step = |x: &mut u64| {
            if add {
                *x += 1;
            } else {
                *x = x.saturating_sub(1);
            }
        };
        match b {
            Ballot::Invalid(r) => step(&mut self.invalid_by_reason[r.index()]),
            Ballot::Valid(kept) => {
                step(&mut self.valid);
                if let Some(g) = kept.len().checked_sub(1).and_then(|i| self.groups.get_mut(i)) {
                    step(g);
                }
                for p in kept {
                    if let Some(v) = usize::from(*p).checked_sub(1).and_then(|i| self.votes.get_mut(i)) {
                        step(v);
                    }
                }
            }
        }
    }

    pub fn invalid(&self) -> u64 {
        self.invalid_by_reason.iter().sum()
    }

    pub fn received(&self) -> u64 {
        self.valid + self.invalid()
    }

    /// The figures of this tally as counted results.
    pub fn result(&self) -> CountResult {
        CountResult { received: self.received(), valid: self.valid, invalid: self.invalid(), invalid_by_reason: self.invalid_by_reason, groups: Some(self.groups.clone()), votes: self.votes.clone() }
    }
}

/// The counted figures of one level, however they were entered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CountResult {
    /// Số phiếu thu vào (R).
    pub received: u64,
    /// Số phiếu hợp lệ (V).
    pub valid: u64,
    /// Số phiếu không hợp lệ (N).
    pub invalid: u64,
    /// N by ground; may be all zero on a tally sheet that gives only N.
    pub invalid_by_reason: [u64; 5],
    /// n_k, when known (ballot by ballot, or entered from the tally sheet).
    pub groups: Option<Vec<u64>>,
    /// Votes per candidate position.
    pub votes: Vec<u64>,
}

impl CountResult {
    /// Σ votes (saturating: figures from a file may be hostile).
    pub fn total_votes(&self) -> u64 {
        self.votes.iter().fold(0u64, |a, v| a.saturating_add(*v))
    }

    /// Σ k·n_k.
    pub fn weighted_groups(&self) -> Option<u64> {
        self.groups.as_ref().map(|g| g.iter().enumerate().fold(0u64, |a, (i, n)| a.saturating_add((i as u64 + 1).saturating_mul(*n))))
    }
}

/// Kiểm kê việc sử dụng phiếu bầu cử, entered before the box is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inventory {
    /// B: ballot papers received from the board.
    pub received: u64,
    /// U: unused ballot papers.
    pub unused: u64,
    /// X: spoiled (exchanged) ballot papers.
    pub spoiled: u64,
    /// I as counted separately by the desk, when entered; otherwise derived.
    pub issued_entered: Option<u64>,
}

impl Inventory {
    /// I: ballots issued (phiếu phát ra) = B − U − X unless entered.
    pub fn issued(&self) -> u64 {
        self.issued_entered.unwrap_or_else(|| self.received.saturating_sub(self.unused.saturating_add(self.spoiled)))
    }

    /// B = I + U + X (E09).
    pub fn balances(&self) -> bool {
        match self.issued_entered {
            Some(i) => i.checked_add(self.unused).and_then(|x| x.checked_add(self.spoiled)) == Some(self.received),
            None => self.unused.checked_add(self.spoiled).is_some_and(|x| self.received >= x),
        }
    }
}

/// One field on which the two entries of a tally sheet differ (E10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// Stable field name: `received`, `valid`, `invalid`, `group.2`, `votes.3`…
    pub field: String,
    pub first: u64,
    pub second: u64,
}

/// Compares two independent entries of the same paper tally sheet field by
/// field (double entry, E10).
pub fn diff_entries(a: &CountResult, b: &CountResult) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut cmp = |field: String, x: u64, y: u64| {
        if x != y {
            out.push(FieldDiff { field, first: x, second: y });
        }
    };
    cmp("received".into(), a.received, b.received);
    cmp("valid".into(), a.valid, b.valid);
    cmp("invalid".into(), a.invalid, b.invalid);
    for r in InvalidReason::ALL {
        cmp(format!("invalid.{}", r.code()), a.invalid_by_reason[r.index()], b.invalid_by_reason[r.index()]);
    }
    let empty = Vec::new();
    let (ga, gb) = (a.groups.as_ref().unwrap_or(&empty), b.groups.as_ref().unwrap_or(&empty));
    for i in 0..ga.len().max(gb.len()) {
        cmp(format!("group.{}", i + 1), ga.get(i).copied().unwrap_or(0), gb.get(i).copied().unwrap_or(0));
    }
    for i in 0..a.votes.len().max(b.votes.len()) {
        cmp(format!("votes.{}", i + 1), a.votes.get(i).copied().unwrap_or(0), b.votes.get(i).copied().unwrap_or(0));
    }
    out
}

#[cfg(test)]
mod tests;
