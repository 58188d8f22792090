-- 0016: several check-in desks on one voter list (issue 14). The main
-- laptop (desk 1, where counting happens) issues each desk its
-- credentials; every desk appends its own events (check-in, undo; the main
-- laptop also list changes and resolutions of double check-ins), numbered
-- and hash-chained per desk. The `checkin` and `voter` tables stay the
-- state the app reads: the replay of every event held (tobaucu_core::desk).

-- This database's desk: its number, keys and certificate. One row, only
-- once multi-desk was set up (main) or joined (desk). The secret keys sit
-- here unsealed: a desk syncs unattended; they open nothing but the
-- exchange of check-ins between this team's desks.
CREATE TABLE desk_self (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    role              TEXT NOT NULL CHECK (role IN ('main', 'desk')),
    desk              INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 16),
    name              TEXT NOT NULL CHECK (length(name) > 0),
    group_id          TEXT NOT NULL CHECK (length(group_id) = 32),
    authority_public  TEXT NOT NULL CHECK (length(authority_public) = 64),
    -- Main only: the key that signs the desks' certificates.
    authority_secret  TEXT CHECK (authority_secret IS NULL OR length(authority_secret) = 64),
    sign_secret       TEXT NOT NULL CHECK (length(sign_secret) = 64),
    noise_secret      TEXT NOT NULL CHECK (length(noise_secret) = 64),
    cert              TEXT NOT NULL CHECK (json_valid(cert)),
    -- Multi-desk on: the desktop app runs the listener while this is 1.
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Where to listen ('' = this machine's local-network addresses).
    listen            TEXT NOT NULL DEFAULT '',
    -- Peers to dial besides those discovered ("ip:port" separated by spaces).
    peers             TEXT NOT NULL DEFAULT '',
    -- The hybrid logical clock: the greatest stamp made or seen.
    hlc_ms            INTEGER NOT NULL DEFAULT 0 CHECK (hlc_ms >= 0),
    hlc_count         INTEGER NOT NULL DEFAULT 0 CHECK (hlc_count >= 0),
    -- Bumped when a list change arrives from the main laptop (search index).
    list_version      INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
) STRICT;

-- Every desk's events held here (this desk's own and those merged).
CREATE TABLE desk_event (
    desk         INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 16),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    hlc_ms       INTEGER NOT NULL CHECK (hlc_ms >= 0),
    hlc_count    INTEGER NOT NULL CHECK (hlc_count >= 0),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('checkin', 'undo', 'voter', 'resolve')),
    stt          INTEGER NOT NULL CHECK (stt >= 1),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    prev         TEXT NOT NULL CHECK (length(prev) = 64),
    hash         TEXT NOT NULL CHECK (length(hash) = 64),
    sig          TEXT NOT NULL CHECK (length(sig) = 128),
    received_at  TEXT NOT NULL,
    PRIMARY KEY (desk, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX desk_event_stt ON desk_event (stt);
CREATE TRIGGER desk_event_no_update BEFORE UPDATE ON desk_event
BEGIN SELECT RAISE(ABORT, 'a desk event is never edited'); END;
-- Deleted only by the switch from rehearsal to official (0017): a group of
-- desks made while rehearsing goes with the rehearsal.
CREATE TRIGGER desk_event_no_delete BEFORE DELETE ON desk_event
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a desk event is never deleted'); END;

-- The other desks of the group: certificate, where they listen, how the
-- last contact went, and how many events of each desk they said they held.
CREATE TABLE desk_peer (
    desk        INTEGER PRIMARY KEY CHECK (desk BETWEEN 1 AND 16),
    name        TEXT NOT NULL,
    cert        TEXT NOT NULL CHECK (json_valid(cert)),
    addr        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'never' CHECK (status IN ('never', 'connected', 'lost')),
    since       TEXT,
    last_seen   TEXT,
    -- The most events of this desk anyone said it holds (a desk known to
    -- hold events not merged here).
    known_seq   INTEGER NOT NULL DEFAULT 0 CHECK (known_seq >= 0)
) STRICT;

-- Machines refused: another election, another team, another group, a
-- false credential, an altered or replayed message.
CREATE TABLE desk_refusal (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    addr    TEXT NOT NULL,
    code    TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;

-- The pairing code on the main laptop's screen (one at a time).
CREATE TABLE desk_pairing (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    code        TEXT NOT NULL CHECK (length(code) = 8),
    expires_at  TEXT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
) STRICT;

-- Which desk's event a check-in row stands for (NULL: made before
-- multi-desk was set up).
ALTER TABLE checkin ADD COLUMN desk INTEGER;
ALTER TABLE checkin ADD COLUMN desk_seq INTEGER;
