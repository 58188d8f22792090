-- 0003: signing key, exported and imported result bundles, registered keys
-- of lower units, and the audit log's hash chain.
-- Append-only: never edit this file once released; add 0004_….sql instead.

-- Chuỗi băm nhật ký: each entry's hash links to the one before
-- (tobaucu_core::audit). Filled on insert; rows written before this step
-- are chained when the database is opened.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64);
ALTER TABLE audit_log ADD COLUMN hash TEXT CHECK (hash IS NULL OR length(hash) = 64);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF at, action, subject, reason, before, after ON audit_log
BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'nhật ký không được xóa'); END;

-- Khóa ký của đơn vị: the private key sealed with the Tổ trưởng's
-- passphrase (Argon2id + ChaCha20-Poly1305). Exactly one row.
CREATE TABLE signing_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    salt        BLOB NOT NULL CHECK (length(salt) = 16),
    nonce       BLOB NOT NULL CHECK (length(nonce) = 12),
    ciphertext  BLOB NOT NULL,
    m_kib       INTEGER NOT NULL CHECK (m_kib >= 8),
    t           INTEGER NOT NULL CHECK (t >= 1),
    p           INTEGER NOT NULL CHECK (p >= 1),
    created_at  TEXT NOT NULL
) STRICT;

-- Gói đã xuất: this unit's bundles, numbered 1, 2, …
CREATE TABLE bundle_export (
    sequence    INTEGER PRIMARY KEY CHECK (sequence >= 1),
    sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL,
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size > 0),
    final       INTEGER NOT NULL CHECK (final IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;

-- Khóa đã đăng ký của đơn vị cấp dưới: the public key (from its
-- registration file) or only its fingerprint (typed from the sheet), or a
-- key the operator accepted after comparing the paper minutes.
CREATE TABLE registered_key (
    unit_id        TEXT PRIMARY KEY,
    public_key     BLOB CHECK (public_key IS NULL OR length(public_key) = 32),
    fingerprint    TEXT NOT NULL CHECK (length(fingerprint) = 24),
    how            TEXT NOT NULL CHECK (how IN ('file', 'fingerprint', 'accepted')),
    registered_at  TEXT NOT NULL,
    CHECK ((how = 'fingerprint') = (public_key IS NULL))
) STRICT;

-- Gói đã nhập: every bundle accepted from a lower unit, kept whole. A newer
-- sequence of the same unit supersedes the older, which stays as history.
CREATE TABLE bundle (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    unit_id        TEXT NOT NULL,
    unit_kind      TEXT NOT NULL,
    sequence       INTEGER NOT NULL CHECK (sequence >= 1),
    created_at     TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    manifest       TEXT NOT NULL,
    report         TEXT NOT NULL,
    -- SHA-256 of the bundle that replaced this one (history).
    superseded_by  TEXT CHECK (superseded_by IS NULL OR length(superseded_by) = 64),
    UNIQUE (unit_id, sequence)
) STRICT;
CREATE UNIQUE INDEX bundle_current ON bundle (unit_id) WHERE superseded_by IS NULL;

-- The bundle file itself, byte for byte (carried upward by the board's own
-- bundle). Apart from `bundle` so that reading a bundle's row never walks
-- the blob's overflow pages.
CREATE TABLE bundle_file (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    bytes      BLOB NOT NULL
) STRICT;

-- Số liệu biên bản của một khu vực cho một cấp, taken from a team's bundle
-- (directly or carried inside a board's bundle). Aggregation reads only the
-- rows of current bundles.
CREATE TABLE area_result (
    bundle_id        INTEGER NOT NULL REFERENCES bundle (id),
    area_id          TEXT NOT NULL,
    level            TEXT NOT NULL,
    constituency_id  TEXT NOT NULL,
    final            INTEGER NOT NULL CHECK (final IN (0, 1)),
    minutes_sha256   TEXT NOT NULL,
    data             TEXT NOT NULL,
    PRIMARY KEY (bundle_id, area_id, level)
) STRICT;
CREATE INDEX area_result_constituency ON area_result (constituency_id);
CREATE INDEX area_result_area ON area_result (area_id);

-- Gói bị từ chối: what was refused and why (the board's dashboard).
CREATE TABLE bundle_refusal (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    unit_id    TEXT,
    sha256     TEXT,
    reason     TEXT NOT NULL,
    report     TEXT NOT NULL
) STRICT;
