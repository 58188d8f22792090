-- 0020: a desk put back from a backup (issue 14). Its copy may stop before
-- events it already sent to the other desks; a new event numbered after the
-- copy's head would fork its own chain, and every other desk would refuse
-- it for good. While `held_since` is set the desk makes no event (no
-- check-in, no undo) until it has caught up with its own chain as the
-- others hold it (a sync, or `desk merge` of another desk's export).
ALTER TABLE desk_self ADD COLUMN held_since TEXT;
