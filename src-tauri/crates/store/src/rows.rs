//! Plain rows as stored. Dates and times are ISO 8601 text.

/// The unit a database belongs to (one row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// `area` for a polling team; `commune`, `district`, `province` for boards.
    pub kind: String,
    pub unit_id: String,
    pub election_id: String,
    pub election_json: String,
    pub election_sha256: String,
    pub mode: String,
    pub created_at: String,
}

/// One voter with the levels they receive a ballot for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterRow {
    /// Row id; 0 for a voter not yet inserted.
    pub id: i64,
    pub stt: i64,
    pub name: String,
    /// "YYYY-MM-DD", or "YYYY" when only the year of birth is known
    /// (Mẫu 31/HĐBC column (2)).
    pub birth_date: String,
    pub gender: String,
    pub ethnicity: String,
    pub id_number: Option<String>,
    /// Nơi thường trú (Mẫu 31/HĐBC column 7a).
    pub residence: String,
    /// Nơi tạm trú (7b).
    pub residence_temporary: String,
    /// Nơi ở hiện tại (7c).
    pub residence_current: String,
    pub note: String,
    pub status: String,
    pub certificate: Option<String>,
    pub mobile_box: bool,
    pub added_at: String,
    pub levels: Vec<String>,
}

/// A live check-in of one voter for one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRow {
    pub voter_id: i64,
    pub level: String,
    pub at: String,
    pub mobile_box: bool,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A named turnout snapshot with its per-level figures `(level, listed, voted)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    pub id: i64,
    pub name: String,
    pub taken_at: String,
    pub levels: Vec<(String, i64, i64)>,
}

/// One named member of the team (`role`: leader, secretary, member, witness).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMemberRow {
    pub role: String,
    pub position: i64,
    pub name: String,
    /// Nơi ở hiện nay (witnesses).
    pub address: Option<String>,
}

/// Kiểm kê of one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    pub level: String,
    pub received: i64,
    pub unused: i64,
    pub spoiled: i64,
    pub issued: Option<i64>,
    pub recorded_at: String,
}

/// A recorder's batch of ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub level: String,
    pub recorder: String,
    pub source: String,
    pub created_at: String,
}

/// One counted ballot (see `0002_counting.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotRow {
    pub id: i64,
    pub level: String,
    pub seq: i64,
    pub batch_id: i64,
    /// The positions kept; `None` for a ballot invalid on a ground a
    /// person decides, empty for one with every name struck.
    pub kept: Option<Positions>,
    pub invalid_reason: Option<String>,
    pub at: String,
    pub undone: bool,
}

/// One entry of a paper tally sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyEntryRow {
    pub level: String,
    pub entry: i64,
    pub data: String,
    pub entered_by: String,
    pub entered_at: String,
}

/// A complaint (khiếu nại, tố cáo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRow {
    pub id: i64,
    pub level: Option<String>,
    pub received_at: String,
    pub complainant: String,
    pub content: String,
    pub status: String,
    pub outcome: String,
    pub resolved_at: Option<String>,
}

/// A warning accepted by the Tổ trưởng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptanceRow {
    pub level: String,
    pub code: String,
    pub reason: String,
    pub accepted_at: String,
}

/// A finalized revision of one level's minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub level: String,
    pub revision: i64,
    pub finalized_at: String,
    pub reason: String,
    pub data: String,
    pub sha256: String,
    /// When this revision was reopened for a correction, and why.
    pub reopened: Option<(String, String)>,
}

/// The unit's sealed signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRow {
    pub public_key: Vec<u8>,
    pub salt: Vec<u8>,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub m_kib: i64,
    pub t: i64,
    pub p: i64,
    pub created_at: String,
}

/// A bundle this unit exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub sequence: i64,
    pub sha256: String,
    pub file_name: String,
    pub path: String,
    pub size: i64,
    pub final_: bool,
    pub created_at: String,
}

/// A lower unit's registered key (or fingerprint only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredKeyRow {
    pub unit_id: String,
    pub public_key: Option<Vec<u8>>,
    pub fingerprint: String,
    pub how: String,
    pub registered_at: String,
}

/// An imported bundle (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRow {
    pub id: i64,
    pub sha256: String,
    pub unit_id: String,
    pub unit_kind: String,
    pub sequence: i64,
    pub created_at: String,
    pub imported_at: String,
    pub file_name: String,
    pub manifest: String,
    pub report: String,
    pub superseded_by: Option<String>,
}

/// One area's minutes data for one level, from an imported bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaResultRow {
    pub bundle_id: i64,
    pub area_id: String,
    pub level: String,
    pub constituency_id: String,
    pub final_: bool,
    pub minutes_sha256: String,
    pub data: String,
}

/// A refused import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalRow {
    pub id: i64,
    pub at: String,
    pub file_name: String,
    pub unit_id: Option<String>,
    pub sha256: Option<String>,
    pub reason: String,
    pub report: String,
}

/// An audit entry with its chain hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedAuditRow {
    pub entry: AuditRow,
    pub prev_hash: String,
    pub hash: String,
}

/// What a board holds from a lower unit (migration 0006).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageRow {
    pub unit_id: String,
    pub sequence: i64,
    pub sha256: String,
    pub audit_links: i64,
    pub audit_boundaries: String,
    pub via_bundle: i64,
    /// The key the unit's newest bundle was signed with.
    pub public_key: Option<Vec<u8>>,
    /// Its levels, `[[code, final, revision, minutes_sha256], …]`.
    pub levels: Option<String>,
}

/// A `key.*` audit entry with its stored previous hash and the hash of the
/// entry actually before it (the genesis hash for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEventRow {
    pub entry: AuditRow,
    pub prev_hash: String,
    pub preceding_hash: String,
}

/// A person named on the paper with their "nơi ở hiện nay".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub name: String,
    pub address: Option<String>,
}

/// An event of the day or night and how the Tổ handled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    pub id: i64,
    pub time: Option<String>,
    pub what: String,
    pub handled: String,
    pub recorded_at: String,
}

/// A matter the Tổ could not settle, with its recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationRow {
    pub id: i64,
    pub text: String,
    pub recorded_at: String,
}

/// E02/E03 carried with an explanation after a recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplanationRow {
    pub level: String,
    pub code: String,
    pub reason: String,
    pub recorded_at: String,
}

/// A later round opened at a team (migration 0010).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRoundRow {
    pub level: String,
    pub number: i64,
    pub kind: String,
    pub constituency_id: String,
    pub seats: i64,
    /// JSON array of candidate ids.
    pub candidates: String,
    pub declared_at: String,
    pub opened_at: String,
}

/// The positions (1 = the first name on the ballot) a voter kept (giữ
/// lại), strictly ascending. Stored as the text "1 3 5" (the column's
/// format since `0002_counting.sql`); read back strictly: only the exact
/// text the app writes (positions from 1, ascending without repeats, one
/// ASCII space apart) is read, anything else ("1 x", "1 1 1", "5 2",
/// "+1 03") is a damaged row, refused, never read as what happens to parse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Positions(pub Vec<u16>);

impl Positions {
    /// "1 3 5": the stored text, also what the audit log records.
    pub fn text(&self) -> String {
        self.0.iter().map(u16::to_string).collect::<Vec<_>>().join(" ")
    }

    /// Reads the stored text.
    pub fn parse(text: &str) -> std::result::Result<Positions, String> {
        let bad = || format!("phiếu lưu các vị trí giữ lại \"{text}\", không phải cách ứng dụng ghi (số thứ tự từ 1, tăng dần, không lặp)");
        if text.is_empty() {
            return Ok(Positions::default());
        }
        let mut out: Vec<u16> = Vec::new();
        for w in text.split(' ') {
            let p = w.parse::<u16>().map_err(|_| bad())?;
            if p == 0 || out.last().is_some_and(|q| *q >= p) {
                return Err(bad());
            }
            out.push(p);
        }
        let back = Positions(out);
        // "+1", "03": parsed, but not what the app writes.
        if back.text() != text {
            return Err(bad());
        }
        Ok(back)
    }
}

impl rusqlite::types::ToSql for Positions {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.text()))
    }
}

impl rusqlite::types::FromSql for Positions {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Positions> {
        Positions::parse(v.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(e.into()))
    }
}
