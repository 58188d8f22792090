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
    pub birth_date: String,
    pub gender: String,
    pub ethnicity: String,
    pub id_number: Option<String>,
    pub residence: String,
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
