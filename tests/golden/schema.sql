CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'nhật ký không được xóa'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF at, action, subject, reason, before, after ON audit_log
BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa'); END;
CREATE TRIGGER board_round_no_delete BEFORE DELETE ON board_round
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a declared round is never deleted'); END;
CREATE TRIGGER board_round_no_update BEFORE UPDATE ON board_round
BEGIN SELECT RAISE(ABORT, 'a declared round is never edited'); END;
CREATE TRIGGER bundle_packed_no_update BEFORE UPDATE ON bundle_packed
BEGIN
    SELECT RAISE(ABORT, 'kho gói chỉ được ghi thêm');
END;
CREATE TRIGGER desk_event_no_delete BEFORE DELETE ON desk_event
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a desk event is never deleted'); END;
CREATE TRIGGER desk_event_no_update BEFORE UPDATE ON desk_event
BEGIN SELECT RAISE(ABORT, 'a desk event is never edited'); END;
CREATE TRIGGER minutes_revision_no_delete BEFORE DELETE ON minutes_revision
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'finalized minutes are never deleted'); END;
CREATE TRIGGER minutes_revision_no_update BEFORE UPDATE ON minutes_revision
BEGIN SELECT RAISE(ABORT, 'finalized minutes are never edited'); END;
CREATE TRIGGER official_switch_only_in_rehearsal BEFORE INSERT ON official_switch
WHEN NOT EXISTS (SELECT 1 FROM rehearsal WHERE official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'chỉ cơ sở dữ liệu đang diễn tập mới chuyển sang chính thức được'); END;
CREATE TRIGGER paper_check_no_delete BEFORE DELETE ON paper_check
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a paper check is never deleted'); END;
CREATE TRIGGER paper_check_no_update BEFORE UPDATE ON paper_check
BEGIN SELECT RAISE(ABORT, 'a paper check is never edited'); END;
CREATE TRIGGER paper_resolution_no_delete BEFORE DELETE ON paper_resolution
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a resolution is never deleted'); END;
CREATE TRIGGER paper_resolution_no_update BEFORE UPDATE ON paper_resolution
BEGIN SELECT RAISE(ABORT, 'a resolution is never edited'); END;
CREATE TRIGGER rehearsal_no_delete BEFORE DELETE ON rehearsal
BEGIN SELECT RAISE(ABORT, 'chế độ diễn tập không xóa được; chỉ chuyển sang chính thức được'); END;
CREATE TRIGGER rehearsal_only_at_setup BEFORE INSERT ON rehearsal
WHEN EXISTS (SELECT 1 FROM unit)
BEGIN SELECT RAISE(ABORT, 'chế độ diễn tập chỉ chọn được khi thiết lập'); END;
CREATE TRIGGER rehearsal_switch_once BEFORE UPDATE ON rehearsal
WHEN OLD.official_at IS NOT NULL OR NEW.official_at IS NULL OR NEW.id IS NOT OLD.id OR NEW.started_at IS NOT OLD.started_at
BEGIN SELECT RAISE(ABORT, 'việc chuyển sang chính thức không hoàn tác được'); END;
CREATE TRIGGER tally_fix_no_delete BEFORE DELETE ON tally_fix
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'a tally decision is never deleted'); END;
CREATE TRIGGER tally_fix_no_update BEFORE UPDATE ON tally_fix
BEGIN SELECT RAISE(ABORT, 'a tally decision is never edited'); END;
CREATE TRIGGER team_round_no_delete BEFORE DELETE ON team_round
WHEN NOT EXISTS (SELECT 1 FROM official_switch, rehearsal WHERE rehearsal.official_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'an opened round is never deleted'); END;
CREATE TRIGGER team_round_no_update BEFORE UPDATE ON team_round
BEGIN SELECT RAISE(ABORT, 'an opened round is never edited'); END;
CREATE TABLE area_result (
    bundle_id        INTEGER NOT NULL REFERENCES bundle (id),
    area_id          TEXT NOT NULL,
    level            TEXT NOT NULL,
    constituency_id  TEXT NOT NULL,
    final            INTEGER NOT NULL CHECK (final IN (0, 1)),
    minutes_sha256   TEXT NOT NULL,
    data             TEXT NOT NULL,
    PRIMARY KEY (bundle_id, area_id, level)
) STRICT;
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT
, prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64), hash TEXT CHECK (hash IS NULL OR length(hash) = 64)) STRICT;
CREATE TABLE backup_run (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    path     TEXT NOT NULL,
    size     INTEGER NOT NULL CHECK (size > 0),
    sha256   TEXT NOT NULL CHECK (length(sha256) = 64),
    pdf      TEXT
) STRICT;
CREATE TABLE ballot (
    id              INTEGER PRIMARY KEY,
    level           TEXT NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    batch_id        INTEGER NOT NULL REFERENCES ballot_batch (id),
    kept            TEXT,
    invalid_reason  TEXT CHECK (invalid_reason IS NULL OR invalid_reason IN
                    ('khong_theo_mau', 'khong_co_dau', 'qua_so_luong', 'gach_het', 'ghi_them')),
    at              TEXT NOT NULL,
    undone_at       TEXT,
    undo_reason     TEXT,
    UNIQUE (level, seq),
    CHECK (kept IS NOT NULL OR invalid_reason IS NOT NULL),
    CHECK ((undone_at IS NULL) = (undo_reason IS NULL))
) STRICT;
CREATE TABLE ballot_batch (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (length(level) > 0),
    recorder    TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE board_acceptance (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    code             TEXT NOT NULL CHECK (code GLOB 'A[0-9][0-9]'),
    reason           TEXT NOT NULL CHECK (length(reason) > 0),
    accepted_at      TEXT NOT NULL CHECK (length(accepted_at) > 0),
    PRIMARY KEY (constituency_id, round, code)
) STRICT;
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
CREATE TABLE board_note (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    kind             TEXT NOT NULL CHECK (kind IN ('settled', 'forwarded', 'attached')),
    position         INTEGER NOT NULL CHECK (position >= 1),
    text             TEXT NOT NULL CHECK (length(text) > 0),
    PRIMARY KEY (constituency_id, round, kind, position)
) STRICT;
CREATE TABLE board_roster (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    role             TEXT NOT NULL CHECK (role IN ('leader', 'deputy', 'member')),
    position         INTEGER NOT NULL CHECK (position >= 1),
    name             TEXT NOT NULL CHECK (length(name) > 0),
    PRIMARY KEY (constituency_id, role, position),
    CHECK (role <> 'leader' OR position = 1)
) STRICT;
CREATE TABLE board_round (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    number           INTEGER NOT NULL CHECK (number >= 2),
    kind             TEXT NOT NULL CHECK (kind IN ('revote', 'additional')),
    seats            INTEGER NOT NULL CHECK (seats >= 1),
    candidates       TEXT NOT NULL CHECK (json_valid(candidates) AND json_type(candidates) = 'array' AND json_array_length(candidates) >= 1),
    declared_at      TEXT NOT NULL CHECK (length(declared_at) > 0),
    PRIMARY KEY (constituency_id, number)
) STRICT;
CREATE TABLE board_team_complaint (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    area_id          TEXT NOT NULL CHECK (length(area_id) > 0),
    complaint_id     INTEGER NOT NULL CHECK (complaint_id >= 0),
    decision         TEXT NOT NULL CHECK (decision IN ('settled', 'forwarded')),
    text             TEXT NOT NULL CHECK (length(text) > 0),
    PRIMARY KEY (constituency_id, round, area_id, complaint_id)
) STRICT;
CREATE TABLE bundle (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    unit_id        TEXT NOT NULL,
    unit_kind      TEXT NOT NULL,
    sequence       INTEGER NOT NULL CHECK (sequence >= 1),
    created_at     TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    manifest       TEXT NOT NULL,
    report         TEXT NOT NULL,
    -- SHA-256 of the bundle that replaced this one (history).
    superseded_by  TEXT CHECK (superseded_by IS NULL OR length(superseded_by) = 64),
    UNIQUE (unit_id, sequence)
) STRICT;
CREATE TABLE bundle_export (
    sequence    INTEGER PRIMARY KEY CHECK (sequence >= 1),
    sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL,
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size > 0),
    final       INTEGER NOT NULL CHECK (final IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE bundle_file (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    bytes      BLOB NOT NULL
) STRICT;
CREATE TABLE bundle_packed (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    offset     INTEGER NOT NULL CHECK (offset >= 0),
    length     INTEGER NOT NULL CHECK (length > 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64)
) STRICT;
CREATE TABLE bundle_refusal (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    unit_id    TEXT,
    sha256     TEXT,
    reason     TEXT NOT NULL,
    report     TEXT NOT NULL
) STRICT;
CREATE TABLE bundle_withdrawal (
    bundle_id  INTEGER PRIMARY KEY REFERENCES bundle (id),
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(reason) > 0)
) STRICT;
CREATE TABLE check_acceptance (
    level        TEXT NOT NULL,
    code         TEXT NOT NULL CHECK (code GLOB 'W[0-9][0-9]'),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    accepted_at  TEXT NOT NULL,
    PRIMARY KEY (level, code)
) STRICT;
CREATE TABLE checkin (
    id           INTEGER PRIMARY KEY,
    voter_id     INTEGER NOT NULL REFERENCES voter (id),
    level        TEXT NOT NULL,
    at           TEXT NOT NULL,
    mobile_box   INTEGER NOT NULL DEFAULT 0 CHECK (mobile_box IN (0, 1)),
    undone_at    TEXT,
    undo_reason  TEXT, desk INTEGER, desk_seq INTEGER,
    CHECK ((undone_at IS NULL) = (undo_reason IS NULL))
) STRICT;
CREATE TABLE complaint (
    id           INTEGER PRIMARY KEY,
    level        TEXT,
    received_at  TEXT NOT NULL,
    complainant  TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL CHECK (length(content) > 0),
    status       TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'settled', 'forwarded')),
    outcome      TEXT NOT NULL DEFAULT '',
    resolved_at  TEXT,
    CHECK ((status = 'received') = (resolved_at IS NULL))
) STRICT;
CREATE TABLE desk_event (
    desk         INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 16),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    hlc_ms       INTEGER NOT NULL CHECK (hlc_ms >= 0),
    hlc_count    INTEGER NOT NULL CHECK (hlc_count >= 0),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('checkin', 'undo', 'voter', 'resolve')),
    stt          INTEGER NOT NULL CHECK (stt >= 1),
    body         TEXT NOT NULL CHECK (json_valid(body)),
    prev         TEXT NOT NULL CHECK (length(prev) = 64),
    hash         TEXT NOT NULL CHECK (length(hash) = 64),
    sig          TEXT NOT NULL CHECK (length(sig) = 128),
    received_at  TEXT NOT NULL,
    PRIMARY KEY (desk, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE desk_pairing (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    code        TEXT NOT NULL CHECK (length(code) = 8),
    expires_at  TEXT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
) STRICT;
CREATE TABLE desk_peer (
    desk        INTEGER PRIMARY KEY CHECK (desk BETWEEN 1 AND 16),
    name        TEXT NOT NULL,
    cert        TEXT NOT NULL CHECK (json_valid(cert)),
    addr        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'never' CHECK (status IN ('never', 'connected', 'lost')),
    since       TEXT,
    last_seen   TEXT,
    -- The most events of this desk anyone said it holds (a desk known to
    -- hold events not merged here).
    known_seq   INTEGER NOT NULL DEFAULT 0 CHECK (known_seq >= 0)
) STRICT;
CREATE TABLE desk_refusal (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    addr    TEXT NOT NULL,
    code    TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;
CREATE TABLE desk_self (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    role              TEXT NOT NULL CHECK (role IN ('main', 'desk')),
    desk              INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 16),
    name              TEXT NOT NULL CHECK (length(name) > 0),
    group_id          TEXT NOT NULL CHECK (length(group_id) = 32),
    authority_public  TEXT NOT NULL CHECK (length(authority_public) = 64),
    -- Main only: the key that signs the desks' certificates.
    authority_secret  TEXT CHECK (authority_secret IS NULL OR length(authority_secret) = 64),
    sign_secret       TEXT NOT NULL CHECK (length(sign_secret) = 64),
    noise_secret      TEXT NOT NULL CHECK (length(noise_secret) = 64),
    cert              TEXT NOT NULL CHECK (json_valid(cert)),
    -- Multi-desk on: the desktop app runs the listener while this is 1.
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Where to listen ('' = this machine's local-network addresses).
    listen            TEXT NOT NULL DEFAULT '',
    -- Peers to dial besides those discovered ("ip:port" separated by spaces).
    peers             TEXT NOT NULL DEFAULT '',
    -- The hybrid logical clock: the greatest stamp made or seen.
    hlc_ms            INTEGER NOT NULL DEFAULT 0 CHECK (hlc_ms >= 0),
    hlc_count         INTEGER NOT NULL DEFAULT 0 CHECK (hlc_count >= 0),
    -- Bumped when a list change arrives from the main laptop (search index).
    list_version      INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
, held_since TEXT, held_heard TEXT NOT NULL DEFAULT '') STRICT;
CREATE TABLE error_explanation (
    level        TEXT NOT NULL CHECK (length(level) > 0),
    code         TEXT NOT NULL CHECK (code IN ('E02', 'E03')),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (level, code)
) STRICT;
CREATE TABLE incident (
    id           INTEGER PRIMARY KEY,
    time         TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
    what         TEXT NOT NULL CHECK (length(what) > 0),
    handled      TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE TABLE inventory (
    level        TEXT PRIMARY KEY CHECK (length(level) > 0),
    received     INTEGER NOT NULL CHECK (received >= 0),
    unused       INTEGER NOT NULL CHECK (unused >= 0),
    spoiled      INTEGER NOT NULL CHECK (spoiled >= 0),
    issued       INTEGER CHECK (issued IS NULL OR issued >= 0),
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE TABLE lineage (
    unit_id           TEXT PRIMARY KEY,
    sequence          INTEGER NOT NULL CHECK (sequence >= 1),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    audit_links       INTEGER NOT NULL CHECK (audit_links >= 1),
    audit_boundaries  TEXT NOT NULL CHECK (length(audit_boundaries) = 64),
    -- The bundle imported here that brought it (itself, or its carrier).
    via_bundle        INTEGER NOT NULL REFERENCES bundle (id)
, public_key BLOB CHECK (public_key IS NULL OR length(public_key) = 32), levels TEXT) STRICT;
CREATE TABLE minutes_reopen (
    level        TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    reopened_at  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    PRIMARY KEY (level, revision),
    FOREIGN KEY (level, revision) REFERENCES minutes_revision (level, revision)
) STRICT;
CREATE TABLE minutes_revision (
    level         TEXT NOT NULL,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    finalized_at  TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (level, revision)
) STRICT;
CREATE TABLE official_switch (
    id  INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;
CREATE TABLE opening_witness (
    position  INTEGER PRIMARY KEY CHECK (position IN (1, 2)),
    name      TEXT NOT NULL CHECK (length(name) > 0),
    address   TEXT CHECK (address IS NULL OR length(address) > 0)
) STRICT;
CREATE TABLE outage (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    from_time   TEXT NOT NULL CHECK (from_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    to_time     TEXT NOT NULL CHECK (to_time GLOB '[0-2][0-9]:[0-5][0-9]' AND to_time >= from_time),
    source      TEXT NOT NULL DEFAULT '',
    -- The voter numbers (STT) entered, in the order given.
    voters      TEXT NOT NULL CHECK (json_valid(voters) AND json_type(voters) = 'array' AND json_array_length(voters) >= 1),
    entered_at  TEXT NOT NULL CHECK (length(entered_at) > 0)
) STRICT;
CREATE TABLE paper_check (
    id              INTEGER PRIMARY KEY,
    area_id         TEXT NOT NULL CHECK (length(area_id) > 0),
    level           TEXT NOT NULL CHECK (length(level) > 0),
    minutes_sha256  TEXT NOT NULL CHECK (length(minutes_sha256) = 64),
    code_typed      TEXT NOT NULL CHECK (length(code_typed) > 0),
    figures         TEXT NOT NULL CHECK (json_valid(figures) AND json_type(figures) = 'object'),
    differences     TEXT NOT NULL CHECK (json_valid(differences) AND json_type(differences) = 'array'),
    entered_by      TEXT NOT NULL DEFAULT '',
    checked_at      TEXT NOT NULL CHECK (length(checked_at) > 0)
) STRICT;
CREATE TABLE paper_resolution (
    check_id     INTEGER PRIMARY KEY REFERENCES paper_check (id),
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    resolved_at  TEXT NOT NULL CHECK (length(resolved_at) > 0)
) STRICT;
CREATE TABLE recommendation (
    id           INTEGER PRIMARY KEY,
    text         TEXT NOT NULL CHECK (length(text) > 0),
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE TABLE recount (
    id           INTEGER PRIMARY KEY,
    level        TEXT NOT NULL CHECK (length(level) > 0),
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE TABLE "registered_key" (
    unit_id        TEXT PRIMARY KEY,
    public_key     BLOB CHECK (public_key IS NULL OR length(public_key) = 32),
    fingerprint    TEXT NOT NULL CHECK (length(fingerprint) = 24),
    how            TEXT NOT NULL CHECK (how IN ('file', 'fingerprint', 'accepted', 'pinned')),
    registered_at  TEXT NOT NULL,
    CHECK ((how = 'fingerprint') = (public_key IS NULL))
) STRICT;
CREATE TABLE rehearsal (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    started_at   TEXT NOT NULL CHECK (length(started_at) > 0),
    official_at  TEXT CHECK (official_at IS NULL OR length(official_at) > 0),
    -- What the switch removed: rows per table (a JSON object of counts).
    removed      TEXT CHECK (removed IS NULL OR (json_valid(removed) AND json_type(removed) = 'object')),
    CHECK ((official_at IS NULL) = (removed IS NULL))
) STRICT;
CREATE TABLE schema_migration (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;
CREATE TABLE signing_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    salt        BLOB NOT NULL CHECK (length(salt) = 16),
    nonce       BLOB NOT NULL CHECK (length(nonce) = 12),
    ciphertext  BLOB NOT NULL,
    m_kib       INTEGER NOT NULL CHECK (m_kib >= 8),
    t           INTEGER NOT NULL CHECK (t >= 1),
    p           INTEGER NOT NULL CHECK (p >= 1),
    created_at  TEXT NOT NULL
) STRICT;
CREATE TABLE tally_entry (
    level       TEXT NOT NULL,
    entry       INTEGER NOT NULL CHECK (entry IN (1, 2)),
    data        TEXT NOT NULL,
    entered_by  TEXT NOT NULL DEFAULT '',
    entered_at  TEXT NOT NULL,
    PRIMARY KEY (level, entry)
) STRICT;
CREATE TABLE tally_fix (
    id          INTEGER PRIMARY KEY,
    level       TEXT NOT NULL CHECK (length(level) > 0),
    field       TEXT NOT NULL CHECK (length(field) > 0),
    first       INTEGER NOT NULL CHECK (first >= 0),
    second      INTEGER NOT NULL CHECK (second >= 0),
    action      TEXT NOT NULL CHECK (action IN ('pick', 'reenter', 'third')),
    choice      INTEGER CHECK (choice IS NULL OR choice IN (1, 2, 3)),
    value       INTEGER CHECK (value IS NULL OR value >= 0),
    entered_by  TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL CHECK (length(at) > 0),
    CHECK ((action = 'pick') = (choice IS NOT NULL)),
    CHECK ((action = 'reenter') = (value IS NULL))
) STRICT;
CREATE TABLE team_member (
    role      TEXT NOT NULL CHECK (role IN ('leader', 'secretary', 'member', 'witness')),
    position  INTEGER NOT NULL CHECK (position >= 1),
    name      TEXT NOT NULL CHECK (length(name) > 0), address TEXT CHECK (address IS NULL OR length(address) > 0),
    PRIMARY KEY (role, position)
) STRICT;
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
CREATE TABLE turnout_snapshot (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL CHECK (length(name) > 0),
    taken_at  TEXT NOT NULL
) STRICT;
CREATE TABLE turnout_snapshot_level (
    snapshot_id  INTEGER NOT NULL REFERENCES turnout_snapshot (id) ON DELETE CASCADE,
    level        TEXT NOT NULL,
    listed       INTEGER NOT NULL CHECK (listed >= 0),
    voted        INTEGER NOT NULL CHECK (voted >= 0),
    PRIMARY KEY (snapshot_id, level)
) STRICT;
CREATE TABLE unit (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    kind            TEXT NOT NULL CHECK (kind IN ('area', 'commune', 'district', 'province')),
    unit_id         TEXT NOT NULL,
    election_id     TEXT NOT NULL,
    election_json   TEXT NOT NULL,
    election_sha256 TEXT NOT NULL CHECK (length(election_sha256) = 64),
    mode            TEXT NOT NULL CHECK (mode IN ('official', 'test')),
    created_at      TEXT NOT NULL
) STRICT;
CREATE TABLE "voter" (
    id            INTEGER PRIMARY KEY,
    stt           INTEGER NOT NULL UNIQUE CHECK (stt >= 1),
    name          TEXT NOT NULL CHECK (length(name) > 0),
    -- 'YYYY-MM-DD', or 'YYYY' when only the year of birth is known.
    birth_date    TEXT NOT NULL CHECK (
                      birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
                      OR birth_date GLOB '[0-9][0-9][0-9][0-9]'),
    gender        TEXT NOT NULL CHECK (gender IN ('Nam', 'Nữ')),
    ethnicity     TEXT NOT NULL DEFAULT '',
    id_number     TEXT UNIQUE CHECK (id_number IS NULL OR length(id_number) IN (9, 12)),
    -- Nơi thường trú (7a).
    residence     TEXT NOT NULL DEFAULT '',
    -- Nơi tạm trú (7b).
    residence_temporary TEXT NOT NULL DEFAULT '',
    -- Nơi ở hiện tại (7c): neither a permanent nor a temporary registration.
    residence_current   TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'removed', 'moved_out', 'elsewhere')),
    -- Added on election day with a certificate to vote here (giấy chứng nhận).
    certificate   TEXT,
    -- Needs the mobile box (hòm phiếu phụ): sick, elderly, disabled…
    mobile_box    INTEGER NOT NULL DEFAULT 0 CHECK (mobile_box IN (0, 1)),
    added_at      TEXT NOT NULL
) STRICT;
CREATE TABLE voter_level (
    voter_id   INTEGER NOT NULL REFERENCES voter (id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (length(level) > 0),
    PRIMARY KEY (voter_id, level)
) STRICT;
CREATE TABLE voting_time (
    kind         TEXT PRIMARY KEY CHECK (kind IN ('opening', 'closing')),
    time         TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]'),
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX area_result_area ON area_result (area_id);
CREATE INDEX area_result_constituency ON area_result (constituency_id);
CREATE UNIQUE INDEX bundle_current ON bundle (unit_id) WHERE superseded_by IS NULL;
CREATE INDEX checkin_at ON checkin (at);
CREATE UNIQUE INDEX checkin_live ON checkin (voter_id, level) WHERE undone_at IS NULL;
CREATE INDEX desk_event_stt ON desk_event (stt);
CREATE INDEX lineage_key ON lineage (public_key);
CREATE INDEX paper_check_area ON paper_check (area_id, level);
CREATE INDEX tally_fix_level ON tally_fix (level, id);
