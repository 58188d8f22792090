-- 0020: a desk put back from a backup (issue 14). Its copy may stop before
-- events it already sent to the other desks; a new event numbered after the
-- copy's head would fork its own chain, and every other desk would refuse
-- it for good. While `held_since` is set the desk makes no event (no
-- check-in, no undo) until it has caught up with its own chain as the
-- others hold it: a desk, from the main laptop (a sync, or `desk merge` of
-- the main laptop's export); the main laptop, from every other desk.
-- Backups are written with the mark set; the live file never has it until
-- a backup is put back. `held_heard`: the desks heard from since (numbers
-- separated by spaces).
ALTER TABLE desk_self ADD COLUMN held_since TEXT;
ALTER TABLE desk_self ADD COLUMN held_heard TEXT NOT NULL DEFAULT '';
