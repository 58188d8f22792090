-- The Ban bầu cử's own facts for the biên bản xác định kết quả bầu cử
-- (Mẫu 19/HĐBC-QH, 24/HĐBC-HĐND of NQ 40/NQ-HĐBCQG) and the rounds a
-- board declares (bầu cử lại, bầu cử thêm; Art. 79-80 Luật Bầu cử), per
-- constituency (issue 12 items 5 and 6). Version 7 is another branch's.

-- Thành phần Ban bầu cử: Trưởng ban (one), Phó Trưởng ban, Ủy viên, in
-- the order they are printed.
CREATE TABLE board_roster (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    role             TEXT NOT NULL CHECK (role IN ('leader', 'deputy', 'member')),
    position         INTEGER NOT NULL CHECK (position >= 1),
    name             TEXT NOT NULL CHECK (length(name) > 0),
    PRIMARY KEY (constituency_id, role, position),
    CHECK (role <> 'leader' OR position = 1)
) STRICT;

-- The meeting that makes one round's minutes ("Vào hồi … giờ … phút,
-- ngày …", "Đã họp tại …") and the summary of what happened (item d).
CREATE TABLE board_meeting (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    meeting_date     TEXT CHECK (meeting_date IS NULL OR meeting_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    meeting_time     TEXT CHECK (meeting_time IS NULL OR meeting_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    place            TEXT CHECK (place IS NULL OR length(place) > 0),
    events           TEXT CHECK (events IS NULL OR length(events) > 0),
    PRIMARY KEY (constituency_id, round),
    CHECK ((meeting_date IS NULL) = (meeting_time IS NULL))
) STRICT;

-- Items of one round's minutes, in order: complaints the Ban settled and
-- how (item e), complaints forwarded upward (item g), attached documents.
CREATE TABLE board_note (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    kind             TEXT NOT NULL CHECK (kind IN ('settled', 'forwarded', 'attached')),
    position         INTEGER NOT NULL CHECK (position >= 1),
    text             TEXT NOT NULL CHECK (length(text) > 0),
    PRIMARY KEY (constituency_id, round, kind, position)
) STRICT;

-- A declared round after the first: its kind, the seats it fills and its
-- candidates (JSON array of ids, ballot order), as they were when it was
-- declared. A declaration stands: never edited, never deleted.
CREATE TABLE board_round (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    number           INTEGER NOT NULL CHECK (number >= 2),
    kind             TEXT NOT NULL CHECK (kind IN ('revote', 'additional')),
    seats            INTEGER NOT NULL CHECK (seats >= 1),
    candidates       TEXT NOT NULL CHECK (json_valid(candidates) AND json_type(candidates) = 'array' AND json_array_length(candidates) >= 1),
    declared_at      TEXT NOT NULL CHECK (length(declared_at) > 0),
    PRIMARY KEY (constituency_id, number)
) STRICT;
CREATE TRIGGER board_round_no_update BEFORE UPDATE ON board_round
BEGIN SELECT RAISE(ABORT, 'a declared round is never edited'); END;
CREATE TRIGGER board_round_no_delete BEFORE DELETE ON board_round
BEGIN SELECT RAISE(ABORT, 'a declared round is never deleted'); END;
