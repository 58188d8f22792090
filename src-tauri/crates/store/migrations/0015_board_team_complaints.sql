-- What the Ban bầu cử decided about each complaint a Tổ bầu cử forwarded
-- to it in its minutes (status "forwarded"): settled by the Ban, and how
-- (item e of Mẫu 19/HĐBC-QH, 24/HĐBC-HĐND of NQ 40/NQ-HĐBCQG), or
-- forwarded on to the Ủy ban bầu cử (item g) — footnotes (9), (10), (11):
-- "Ghi rõ các đơn thư, nội dung khiếu nại, tố cáo do Tổ bầu cử chuyển
-- đến". A complaint is named by its area and its number in that area's
-- minutes; a later decision replaces the earlier one. Version 11 is
-- another branch's.
CREATE TABLE board_team_complaint (
    constituency_id  TEXT NOT NULL CHECK (length(constituency_id) > 0),
    round            INTEGER NOT NULL CHECK (round >= 1),
    area_id          TEXT NOT NULL CHECK (length(area_id) > 0),
    complaint_id     INTEGER NOT NULL CHECK (complaint_id >= 0),
    decision         TEXT NOT NULL CHECK (decision IN ('settled', 'forwarded')),
    text             TEXT NOT NULL CHECK (length(text) > 0),
    PRIMARY KEY (constituency_id, round, area_id, complaint_id)
) STRICT;
