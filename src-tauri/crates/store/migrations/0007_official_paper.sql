-- The facts the official 2026 paper asks for (Nghị quyết 40/NQ-HĐBCQG,
-- Mẫu 18/HĐBC-QH, 23/HĐBC-HĐND, 32/HĐBC): the opening check of the ballot
-- box and its two witnesses, the time voting started and ended, the
-- witnesses' "nơi ở hiện nay", the events of the day and night and how
-- they were handled (item 6), the unresolved matters and recommendations
-- (item 7), the recounts that allow E02/E03 to be carried with an
-- explanation (issue 12 §7).

-- "Nơi ở hiện nay" of a counting witness.
ALTER TABLE team_member ADD COLUMN address TEXT CHECK (address IS NULL OR length(address) > 0);

-- Giờ bắt đầu / kết thúc bỏ phiếu, as the Tổ recorded them (HH:MM).
CREATE TABLE voting_time (
    kind         TEXT PRIMARY KEY CHECK (kind IN ('opening', 'closing')),
    time         TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
    recorded_at  TEXT NOT NULL
) STRICT;

-- The two voters who witnessed the opening check of the ballot box.
CREATE TABLE opening_witness (
    position  INTEGER PRIMARY KEY CHECK (position IN (1, 2)),
    name      TEXT NOT NULL CHECK (length(name) > 0),
    address   TEXT CHECK (address IS NULL OR length(address) > 0)
) STRICT;

-- Sự việc xảy ra trong ngày bầu cử và khi kiểm phiếu, và cách giải quyết.
CREATE TABLE incident (
    id           INTEGER PRIMARY KEY,
    time         TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
    what         TEXT NOT NULL CHECK (length(what) > 0),
    handled      TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL
) STRICT;

-- Những vấn đề Tổ bầu cử chưa giải quyết được và kiến nghị.
CREATE TABLE recommendation (
    id           INTEGER PRIMARY KEY,
    text         TEXT NOT NULL CHECK (length(text) > 0),
    recorded_at  TEXT NOT NULL
) STRICT;

-- Kiểm lại: a recount of a level's ballots recorded by the Tổ.
CREATE TABLE recount (
    id           INTEGER PRIMARY KEY,
    level        TEXT NOT NULL CHECK (length(level) > 0),
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL
) STRICT;

-- E02/E03 carried into the minutes after a recount, with the Tổ trưởng's
-- written explanation (printed in item 7).
CREATE TABLE error_explanation (
    level        TEXT NOT NULL CHECK (length(level) > 0),
    code         TEXT NOT NULL CHECK (code IN ('E02', 'E03')),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (level, code)
) STRICT;
