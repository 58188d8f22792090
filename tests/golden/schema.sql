CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT
) STRICT;
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
CREATE TABLE schema_migration (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;
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
CREATE TABLE voter_level (
    voter_id   INTEGER NOT NULL REFERENCES voter (id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (length(level) > 0),
    PRIMARY KEY (voter_id, level)
) STRICT;
CREATE INDEX checkin_at ON checkin (at);
CREATE UNIQUE INDEX checkin_live ON checkin (voter_id, level) WHERE undone_at IS NULL;
