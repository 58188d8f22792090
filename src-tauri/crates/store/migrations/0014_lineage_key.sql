-- The signing key each unit's bundles were last seen with (issue 11 attack
-- review, finding 6): a carrier cannot swap a lower unit's key once this
-- board has seen the real one; a change needs the board's own registration
-- of the new key. A key signs for one unit only (finding 4): the index
-- finds the other unit holding a key.
ALTER TABLE lineage ADD COLUMN public_key BLOB CHECK (public_key IS NULL OR length(public_key) = 32);
-- Its levels as locked then, `[[code, final, revision, minutes_sha256], …]`:
-- a later bundle that changes locked minutes must carry a higher revision
-- and a logged reopening (finding 5).
ALTER TABLE lineage ADD COLUMN levels TEXT;
CREATE INDEX lineage_key ON lineage (public_key);
