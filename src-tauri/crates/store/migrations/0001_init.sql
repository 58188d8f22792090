-- 0001: one polling area's (or an aggregating unit's) election, voter list,
-- check-ins, turnout snapshots and the audit log.
-- Append-only: never edit this file once released; add 0002_….sql instead.

-- Which unit this database belongs to, and the election definition it was
-- set up from (kept verbatim with its SHA-256). Exactly one row.
CREATE TABLE unit (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    kind            TEXT NOT NULL CHECK (kind IN ('area', 'commune', 'district', 'province')),
    unit_id         TEXT NOT NULL,
    election_id     TEXT NOT NULL,
    election_json   TEXT NOT NULL,
    election_sha256 TEXT NOT NULL CHECK (length(election_sha256) = 64),
    mode            TEXT NOT NULL CHECK (mode IN ('official', 'test')),
    created_at      TEXT NOT NULL
) STRICT;

-- Danh sách cử tri. STT is the voter card number (số thẻ cử tri).
CREATE TABLE voter (
    id            INTEGER PRIMARY KEY,
    stt           INTEGER NOT NULL UNIQUE CHECK (stt >= 1),
    name          TEXT NOT NULL CHECK (length(name) > 0),
    birth_date    TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    gender        TEXT NOT NULL CHECK (gender IN ('Nam', 'Nữ')),
    ethnicity     TEXT NOT NULL DEFAULT '',
    id_number     TEXT UNIQUE CHECK (id_number IS NULL OR length(id_number) IN (9, 12)),
    residence     TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'removed', 'moved_out', 'elsewhere')),
    -- Added on election day with a certificate to vote here (giấy chứng nhận).
    certificate   TEXT,
    -- Needs the mobile box (hòm phiếu phụ): sick, elderly, disabled…
    mobile_box    INTEGER NOT NULL DEFAULT 0 CHECK (mobile_box IN (0, 1)),
    added_at      TEXT NOT NULL
) STRICT;

-- The levels (cấp) each voter receives a ballot for.
CREATE TABLE voter_level (
    voter_id   INTEGER NOT NULL REFERENCES voter (id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (length(level) > 0),
    PRIMARY KEY (voter_id, level)
) STRICT;

-- Check-ins (nhận phiếu): one row per voter and level. An undo keeps the row
-- and marks it; at most one live check-in per voter and level.
CREATE TABLE checkin (
    id           INTEGER PRIMARY KEY,
    voter_id     INTEGER NOT NULL REFERENCES voter (id),
    level        TEXT NOT NULL,
    at           TEXT NOT NULL,
    mobile_box   INTEGER NOT NULL DEFAULT 0 CHECK (mobile_box IN (0, 1)),
    undone_at    TEXT,
    undo_reason  TEXT,
    CHECK ((undone_at IS NULL) = (undo_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX checkin_live ON checkin (voter_id, level) WHERE undone_at IS NULL;
CREATE INDEX checkin_at ON checkin (at);

-- Named turnout snapshots the commune asks for at fixed hours.
CREATE TABLE turnout_snapshot (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL CHECK (length(name) > 0),
    taken_at  TEXT NOT NULL
) STRICT;
CREATE TABLE turnout_snapshot_level (
    snapshot_id  INTEGER NOT NULL REFERENCES turnout_snapshot (id) ON DELETE CASCADE,
    level        TEXT NOT NULL,
    listed       INTEGER NOT NULL CHECK (listed >= 0),
    voted        INTEGER NOT NULL CHECK (voted >= 0),
    PRIMARY KEY (snapshot_id, level)
) STRICT;

-- Nhật ký: every change, with when, what, why, before and after (JSON).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT
) STRICT;
