-- 0017: rehearsal in the real database (diễn tập), the one-way switch to
-- official, and the check-ins entered in bulk after a power cut (issue 16).
-- Versions 11, 12 (→15), 13 and 16 come from other branches.
--
-- Diễn tập: a unit set up in rehearsal has one row here from its setup on.
-- While `official_at` is NULL every screen and printed page says DIỄN TẬP
-- and its bundles carry the mode "test" (refused by an official board, and
-- a rehearsal board refuses official ones). The Tổ trưởng's switch to
-- official (guarded by the passphrase) sets `official_at` and `removed`
-- once and for all. A unit set up without this row is official from the
-- start: no row can be added once the unit exists.
CREATE TABLE rehearsal (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    started_at   TEXT NOT NULL CHECK (length(started_at) > 0),
    official_at  TEXT CHECK (official_at IS NULL OR length(official_at) > 0),
    -- What the switch removed: rows per table (a JSON object of counts).
    removed      TEXT CHECK (removed IS NULL OR (json_valid(removed) AND json_type(removed) = 'object')),
    CHECK ((official_at IS NULL) = (removed IS NULL))
) STRICT;
CREATE TRIGGER rehearsal_only_at_setup BEFORE INSERT ON rehearsal
WHEN EXISTS (SELECT 1 FROM unit)
BEGIN SELECT RAISE(ABORT, 'chế độ diễn tập chỉ chọn được khi thiết lập'); END;
CREATE TRIGGER rehearsal_no_delete BEFORE DELETE ON rehearsal
BEGIN SELECT RAISE(ABORT, 'chế độ diễn tập không xóa được; chỉ chuyển sang chính thức được'); END;
CREATE TRIGGER rehearsal_switch_once BEFORE UPDATE ON rehearsal
WHEN OLD.official_at IS NOT NULL OR NEW.official_at IS NULL OR NEW.id IS NOT OLD.id OR NEW.started_at IS NOT OLD.started_at
BEGIN SELECT RAISE(ABORT, 'việc chuyển sang chính thức không hoàn tác được'); END;

-- The switch's marker. It is inserted first and deleted last inside the
-- switch's own transaction, and only while the unit is still rehearsing;
-- while it exists, and only then, the rows that triggers otherwise protect
-- from deletion (finalized minutes, opened and declared rounds) may be
-- deleted. Once `official_at` is set the marker cannot be inserted again,
-- so nothing of the official election can be deleted this way. The audit
-- log is never deleted: the rehearsal's entries stay in it as history.
CREATE TABLE official_switch (
    id  INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;
CREATE TRIGGER official_switch_only_in_rehearsal BEFORE INSERT ON official_switch
WHEN NOT EXISTS (SELECT 1 FROM rehearsal WHERE official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'chỉ cơ sở dữ liệu đang diễn tập mới chuyển sang chính thức được'); END;

DROP TRIGGER minutes_revision_no_delete;
CREATE TRIGGER minutes_revision_no_delete BEFORE DELETE ON minutes_revision
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'finalized minutes are never deleted'); END;

DROP TRIGGER team_round_no_delete;
CREATE TRIGGER team_round_no_delete BEFORE DELETE ON team_round
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'an opened round is never deleted'); END;

DROP TRIGGER board_round_no_delete;
CREATE TRIGGER board_round_no_delete BEFORE DELETE ON board_round
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a declared round is never deleted'); END;

-- Mất điện, hỏng máy: the voters ticked on the paper list while the app
-- was down (after restoring the last backup, on any laptop), entered in
-- one action (`checkin --bulk`), with the window of the outage. Their
-- check-ins are stamped with the end of the window.
CREATE TABLE outage (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    from_time   TEXT NOT NULL CHECK (from_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    to_time     TEXT NOT NULL CHECK (to_time GLOB '[0-2][0-9]:[0-5][0-9]' AND to_time >= from_time),
    source      TEXT NOT NULL DEFAULT '',
    -- The voter numbers (STT) entered, in the order given.
    voters      TEXT NOT NULL CHECK (json_valid(voters) AND json_type(voters) = 'array' AND json_array_length(voters) >= 1),
    entered_at  TEXT NOT NULL CHECK (length(entered_at) > 0)
) STRICT;
