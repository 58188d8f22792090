-- 0009: the voter list as Nghị quyết 40/NQ-HĐBCQG, Mẫu số 31/HĐBC keeps it
-- (issue 12 item 4).
--
-- Column (2), ngày tháng năm sinh, may hold the year alone ("Đối với cử tri
-- sinh từ năm 2007 trở về trước, nếu không xác định được chính xác ngày
-- sinh, tháng sinh thì chỉ cần ghi năm sinh"): stored as 'YYYY', never with
-- an invented day and month.
--
-- Column (7), nơi cư trú, is three places: thường trú (7a, the existing
-- `residence`), tạm trú (7b) and nơi ở hiện tại (7c). Until now the importer
-- wrote a temporary residence into `residence` as 'Tạm trú: …' when there
-- was no permanent one: such rows move to `residence_temporary`.
--
-- SQLite cannot change a CHECK, so the table is rebuilt; migrations run
-- with foreign keys off and are checked (PRAGMA foreign_key_check) before
-- they commit (`migrate.rs`), so `voter_level` and `checkin` keep their rows.
CREATE TABLE voter_0009 (
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

INSERT INTO voter_0009 (id, stt, name, birth_date, gender, ethnicity, id_number,
                        residence, residence_temporary, note, status, certificate,
                        mobile_box, added_at)
SELECT id, stt, name, birth_date, gender, ethnicity, id_number,
       CASE WHEN substr(residence, 1, 9) = 'Tạm trú: ' THEN '' ELSE residence END,
       CASE WHEN substr(residence, 1, 9) = 'Tạm trú: ' THEN substr(residence, 10) ELSE '' END,
       note, status, certificate, mobile_box, added_at
FROM voter;

DROP TABLE voter;
ALTER TABLE voter_0009 RENAME TO voter;
