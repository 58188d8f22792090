-- Sao lưu trong ngày bầu cử: where and how often (set by the user) and
-- every backup made (the header shows the last one).
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE backup_run (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    path     TEXT NOT NULL,
    size     INTEGER NOT NULL CHECK (size > 0),
    sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
    pdf      TEXT
) STRICT;
