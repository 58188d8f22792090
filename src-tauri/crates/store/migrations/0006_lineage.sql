-- Lineage of the units below a board (issue 11 §5, §7): for every unit
-- whose bundle this database holds, directly or carried inside a board's
-- bundle, the newest sequence, its id, and its log's links (how many, and
-- a digest of their boundaries). A later bundle of the unit, at any depth,
-- must be newer, continue that sequence and begin its log with those links.
CREATE TABLE lineage (
    unit_id           TEXT PRIMARY KEY,
    sequence          INTEGER NOT NULL CHECK (sequence >= 1),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    audit_links       INTEGER NOT NULL CHECK (audit_links >= 1),
    audit_boundaries  TEXT NOT NULL CHECK (length(audit_boundaries) = 64),
    -- The bundle imported here that brought it (itself, or its carrier).
    via_bundle        INTEGER NOT NULL REFERENCES bundle (id)
) STRICT;

-- A bundle imported directly that the board withdrew (for example a team's
-- bundle taken at the province while the commune could not report): it
-- stops reporting its areas; it stays in the history. Its row in `bundle`
-- is marked superseded by its own SHA-256.
CREATE TABLE bundle_withdrawal (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(reason) > 0)
) STRICT;

-- A key registered by its fingerprint is pinned to the full key the first
-- time a bundle signed with it is imported (directly or carried): how
-- becomes 'pinned' and the key is kept; a carried registry can never
-- replace a registration made here (issue 11 §4).
CREATE TABLE registered_key_new (
    unit_id        TEXT PRIMARY KEY,
    public_key     BLOB CHECK (public_key IS NULL OR length(public_key) = 32),
    fingerprint    TEXT NOT NULL CHECK (length(fingerprint) = 24),
    how            TEXT NOT NULL CHECK (how IN ('file', 'fingerprint', 'accepted', 'pinned')),
    registered_at  TEXT NOT NULL,
    CHECK ((how = 'fingerprint') = (public_key IS NULL))
) STRICT;
INSERT INTO registered_key_new SELECT unit_id, public_key, fingerprint, how, registered_at FROM registered_key;
DROP TABLE registered_key;
ALTER TABLE registered_key_new RENAME TO registered_key;
