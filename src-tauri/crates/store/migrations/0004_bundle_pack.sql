-- Kho gói: bundles imported from now on are appended to the file
-- `<database>-goi` next to the database (written once, synced before the
-- commit that references them) instead of a BLOB in `bundle_file`. Each row
-- says where the bytes are and their SHA-256, checked on every read.
-- Bundles imported before this step stay in `bundle_file`.
CREATE TABLE bundle_packed (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    offset     INTEGER NOT NULL CHECK (offset >= 0),
    length     INTEGER NOT NULL CHECK (length > 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64)
) STRICT;

CREATE TRIGGER bundle_packed_no_update BEFORE UPDATE ON bundle_packed
BEGIN
    SELECT RAISE(ABORT, 'kho gói chỉ được ghi thêm');
END;
