-- A later round at a team (bầu cử lại / bầu cử thêm, Art. 79-80), opened
-- from the round file its board wrote when it declared the round (issue 12
-- §6). The round is counted as a level of its own ("XA.v2"): its
-- check-ins, ballots, tally sheets and minutes use that code.
CREATE TABLE team_round (
    level            TEXT NOT NULL CHECK (length(level) > 0),
    number           INTEGER NOT NULL CHECK (number >= 2),
    kind             TEXT NOT NULL CHECK (kind IN ('revote', 'additional')),
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    seats            INTEGER NOT NULL CHECK (seats >= 1),
    candidates       TEXT NOT NULL CHECK (json_valid(candidates) AND json_type(candidates) = 'array' AND json_array_length(candidates) >= 1),
    declared_at      TEXT NOT NULL,
    opened_at        TEXT NOT NULL,
    PRIMARY KEY (level, number)
) STRICT;
CREATE TRIGGER team_round_no_update BEFORE UPDATE ON team_round
BEGIN SELECT RAISE(ABORT, 'an opened round is never edited'); END;
CREATE TRIGGER team_round_no_delete BEFORE DELETE ON team_round
BEGIN SELECT RAISE(ABORT, 'an opened round is never deleted'); END;
