-- The switch from rehearsal to official (0017) also clears what the board's
-- day (0016) and the Ban's decisions on forwarded complaints (0015) made in
-- rehearsal: their no-delete triggers let the switch pass, as 0017 does for
-- minutes and rounds, and nothing else.
DROP TRIGGER paper_check_no_delete;
CREATE TRIGGER paper_check_no_delete BEFORE DELETE ON paper_check
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a paper check is never deleted'); END;

DROP TRIGGER paper_resolution_no_delete;
CREATE TRIGGER paper_resolution_no_delete BEFORE DELETE ON paper_resolution
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a resolution is never deleted'); END;

DROP TRIGGER tally_fix_no_delete;
CREATE TRIGGER tally_fix_no_delete BEFORE DELETE ON tally_fix
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a tally decision is never deleted'); END;
