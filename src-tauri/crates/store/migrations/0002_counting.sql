-- 0002: counting night — the team's roster and witnesses, kiểm kê, counted
-- ballots (ballot by ballot, in recorders' batches), tally sheets entered
-- twice, complaints, accepted warnings and finalized minutes revisions.
-- Append-only: never edit this file once released; add 0003_….sql instead.

-- Tổ bầu cử: Tổ trưởng (leader), Thư ký (secretary), Ủy viên (member) and the
-- two witnessing voters (witness) of counting night.
CREATE TABLE team_member (
    role      TEXT NOT NULL CHECK (role IN ('leader', 'secretary', 'member', 'witness')),
    position  INTEGER NOT NULL CHECK (position >= 1),
    name      TEXT NOT NULL CHECK (length(name) > 0),
    PRIMARY KEY (role, position)
) STRICT;

-- Biên bản kiểm kê việc sử dụng phiếu bầu cử, one per level: ballot papers
-- received from the board (B), unused (U), spoiled/exchanged (X) and, when
-- counted separately, issued (I); otherwise I = B − U − X.
CREATE TABLE inventory (
    level        TEXT PRIMARY KEY CHECK (length(level) > 0),
    received     INTEGER NOT NULL CHECK (received >= 0),
    unused       INTEGER NOT NULL CHECK (unused >= 0),
    spoiled      INTEGER NOT NULL CHECK (spoiled >= 0),
    issued       INTEGER CHECK (issued IS NULL OR issued >= 0),
    recorded_at  TEXT NOT NULL
) STRICT;

-- A recorder's batch of ballots (typed at the desk, or one ballots file).
CREATE TABLE ballot_batch (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (length(level) > 0),
    recorder    TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
) STRICT;

-- One counted ballot. `kept`: the positions of the names kept, ascending,
-- space separated ('' when every name was struck); NULL when the ballot was
-- declared invalid for a ground only a person sees. `invalid_reason` is the
-- ground the app decided (NULL for a valid ballot). Undo marks the row.
CREATE TABLE ballot (
    id              INTEGER PRIMARY KEY,
    level           TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    batch_id        INTEGER NOT NULL REFERENCES ballot_batch (id),
    kept            TEXT,
    invalid_reason  TEXT CHECK (invalid_reason IS NULL OR invalid_reason IN
                    ('khong_theo_mau', 'khong_co_dau', 'qua_so_luong', 'gach_het', 'ghi_them')),
    at              TEXT NOT NULL,
    undone_at       TEXT,
    undo_reason     TEXT,
    UNIQUE (level, seq),
    CHECK (kept IS NOT NULL OR invalid_reason IS NOT NULL),
    CHECK ((undone_at IS NULL) = (undo_reason IS NULL))
) STRICT;

-- A paper tally sheet typed in twice by different people (double entry).
-- `data` is the canonical JSON of the figures.
CREATE TABLE tally_entry (
    level       TEXT NOT NULL,
    entry       INTEGER NOT NULL CHECK (entry IN (1, 2)),
    data        TEXT NOT NULL,
    entered_by  TEXT NOT NULL DEFAULT '',
    entered_at  TEXT NOT NULL,
    PRIMARY KEY (level, entry)
) STRICT;

-- Khiếu nại, tố cáo at the polling area; level NULL = concerns every level.
CREATE TABLE complaint (
    id           INTEGER PRIMARY KEY,
    level        TEXT,
    received_at  TEXT NOT NULL,
    complainant  TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL CHECK (length(content) > 0),
    status       TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'settled', 'forwarded')),
    outcome      TEXT NOT NULL DEFAULT '',
    resolved_at  TEXT,
    CHECK ((status = 'received') = (resolved_at IS NULL))
) STRICT;

-- Warnings the Tổ trưởng accepted, with the written reason.
CREATE TABLE check_acceptance (
    level        TEXT NOT NULL,
    code         TEXT NOT NULL CHECK (code GLOB 'W[0-9][0-9]'),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    accepted_at  TEXT NOT NULL,
    PRIMARY KEY (level, code)
) STRICT;

-- Finalized minutes: each finalize writes a new revision with the canonical
-- data and its SHA-256; never updated. A level is locked while its latest
-- revision is newer than its latest reopening.
CREATE TABLE minutes_revision (
    level         TEXT NOT NULL,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    finalized_at  TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (level, revision)
) STRICT;

CREATE TABLE minutes_reopen (
    level        TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    reopened_at  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    PRIMARY KEY (level, revision),
    FOREIGN KEY (level, revision) REFERENCES minutes_revision (level, revision)
) STRICT;

-- Protect finalized minutes from edits in place.
CREATE TRIGGER minutes_revision_no_update BEFORE UPDATE ON minutes_revision
BEGIN SELECT RAISE(ABORT, 'finalized minutes are never edited'); END;
CREATE TRIGGER minutes_revision_no_delete BEFORE DELETE ON minutes_revision
BEGIN SELECT RAISE(ABORT, 'finalized minutes are never deleted'); END;
