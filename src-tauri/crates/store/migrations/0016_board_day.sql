-- The board's day and the team's double entry (issue 15). Version 10 is
-- another branch's.

-- Đối chiếu biên bản giấy với tệp (item 3): the figures of a Tổ's paper
-- minutes for one level, typed once at the board, compared with the
-- signed file (the file is the first entry, the paper the second). Each
-- comparison is a row of its own, never edited: a later one (the paper
-- typed again, or a newer bundle) stands beside it. `code_typed` is the
-- short code of the minutes as typed from the paper; `differences` the
-- fields that differ ({field, first, second}).
CREATE TABLE paper_check (
    id              INTEGER PRIMARY KEY,
    area_id         TEXT NOT NULL CHECK (length(area_id) > 0),
    level           TEXT NOT NULL CHECK (length(level) > 0),
    minutes_sha256  TEXT NOT NULL CHECK (length(minutes_sha256) = 64),
    code_typed      TEXT NOT NULL CHECK (length(code_typed) > 0),
    figures         TEXT NOT NULL CHECK (json_valid(figures) AND json_type(figures) = 'object'),
    differences     TEXT NOT NULL CHECK (json_valid(differences) AND json_type(differences) = 'array'),
    entered_by      TEXT NOT NULL DEFAULT '',
    checked_at      TEXT NOT NULL CHECK (length(checked_at) > 0)
) STRICT;
CREATE INDEX paper_check_area ON paper_check (area_id, level);
CREATE TRIGGER paper_check_no_update BEFORE UPDATE ON paper_check
BEGIN SELECT RAISE(ABORT, 'a paper check is never edited'); END;
CREATE TRIGGER paper_check_no_delete BEFORE DELETE ON paper_check
BEGIN SELECT RAISE(ABORT, 'a paper check is never deleted'); END;

-- A difference between paper and file settled by the board with a reason
-- (what was found, who was asked): the check then counts as checked.
CREATE TABLE paper_resolution (
    check_id     INTEGER PRIMARY KEY REFERENCES paper_check (id),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    resolved_at  TEXT NOT NULL CHECK (length(resolved_at) > 0)
) STRICT;
CREATE TRIGGER paper_resolution_no_update BEFORE UPDATE ON paper_resolution
BEGIN SELECT RAISE(ABORT, 'a resolution is never edited'); END;
CREATE TRIGGER paper_resolution_no_delete BEFORE DELETE ON paper_resolution
BEGIN SELECT RAISE(ABORT, 'a resolution is never deleted'); END;

-- The board's own warnings (A03, A05, A06, A07…) accepted per
-- constituency and round with a written reason (item 5); printed in the
-- board minutes. A later acceptance of the same code replaces the reason.
CREATE TABLE board_acceptance (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    code             TEXT NOT NULL CHECK (code GLOB 'A[0-9][0-9]'),
    reason           TEXT NOT NULL CHECK (length(reason) > 0),
    accepted_at      TEXT NOT NULL CHECK (length(accepted_at) > 0),
    PRIMARY KEY (constituency_id, round, code)
) STRICT;

-- Double entry that fixes only what differs (item 4): for a field on
-- which the two entries of a tally sheet differ, the Tổ trưởng's pick
-- (`pick`, choice 1, 2 or 3 and the value it gives), a request to type
-- that field again (`reenter`), or a third person's value (`third`).
-- `first`/`second` are the two entries' values the decision was made on:
-- when an entry is typed again the decision no longer applies. Append
-- only; the last row that applies wins.
CREATE TABLE tally_fix (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (length(level) > 0),
    field       TEXT NOT NULL CHECK (length(field) > 0),
    first       INTEGER NOT NULL CHECK (first >= 0),
    second      INTEGER NOT NULL CHECK (second >= 0),
    action      TEXT NOT NULL CHECK (action IN ('pick', 'reenter', 'third')),
    choice      INTEGER CHECK (choice IS NULL OR choice IN (1, 2, 3)),
    value       INTEGER CHECK (value IS NULL OR value >= 0),
    entered_by  TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL CHECK (length(at) > 0),
    CHECK ((action = 'pick') = (choice IS NOT NULL)),
    CHECK ((action = 'reenter') = (value IS NULL))
) STRICT;
CREATE INDEX tally_fix_level ON tally_fix (level, id);
CREATE TRIGGER tally_fix_no_update BEFORE UPDATE ON tally_fix
BEGIN SELECT RAISE(ABORT, 'a tally decision is never edited'); END;
CREATE TRIGGER tally_fix_no_delete BEFORE DELETE ON tally_fix
BEGIN SELECT RAISE(ABORT, 'a tally decision is never deleted'); END;
