#!/usr/bin/env python3
"""Writes the malformed inputs of tests/bad-inputs/ (issue 5 §4) from the demo
election and voter list. Run from the repository root; the files are
committed, this script documents how each was made."""
import copy, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
D = json.load(open(os.path.join(ROOT, "assets/demo-election.json"), encoding="utf-8"))
CSV = open(os.path.join(ROOT, "assets/demo-voters.csv"), encoding="utf-8").read().splitlines()


def out(name, data):
    os.makedirs(os.path.join(HERE, os.path.dirname(name)), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(HERE, name), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)


def election(name, edit):
    d = copy.deepcopy(D)
    edit(d)
    out(f"election/{name}.json", json.dumps(d, ensure_ascii=False, indent=1))


# --- election definitions (tobaucu setup FILE --area X0412-KV01) ---
out("election/not-json.json", "{ \"format\": \"tobaucu-election/1\", \"election\": ")
out("election/empty.json", "")
out("election/latin1.json", json.dumps(D, ensure_ascii=False).encode("utf-8").replace("Thiệu".encode(), "Thi\xe9u".encode("latin-1")))
election("wrong-format", lambda d: d.update(format="tobaucu-election/9"))
election("no-election-id", lambda d: d["election"].pop("id"))
election("bad-date", lambda d: d["election"].update(date="15/03/2026"))
election("bad-mode", lambda d: d["election"].update(mode="chinh-thuc"))
election("duplicate-level", lambda d: d["levels"].append(dict(d["levels"][0])))
election("unknown-parent", lambda d: d["units"][1].update(parent="T99"))
election("zero-seats", lambda d: d["constituencies"][0].update(seats=0))
election("candidate-bad-birth", lambda d: d["constituencies"][1]["candidates"][0].update(birth_date="1970-13-40"))
election("area-unknown-commune", lambda d: d["areas"][0].update(commune="X9999"))
election("area-wrong-level", lambda d: d["areas"][0]["constituencies"].update(QH="XA-03"))
election("area-missing-level", lambda d: d["areas"][0]["constituencies"].pop("TINH"))
election("duplicate-area", lambda d: d["areas"].append(dict(d["areas"][0])))
election("unknown-field", lambda d: d["election"].update(secret="x"))


# --- voter lists (tobaucu voters import FILE) ---
def voters(name, lines):
    out(f"voters/{name}.csv", "\n".join(lines) + "\n")


head, rows = CSV[0], CSV[1:6]
voters("missing-column", [head.replace(",ngay_sinh", "")] + [",".join(r.split(",")[:2] + r.split(",")[3:]) for r in rows])
voters("bad-date", [head, rows[0], rows[1].replace("09/11/2000", "31/02/2000")] + rows[2:])
voters("bad-gender", [head, rows[0], rows[1], rows[2].replace(",Nam,", ",Trai,").replace(",Nữ,", ",Gái,")] + rows[3:])
voters("duplicate-stt", [head] + rows[:3] + [rows[3].replace("4,", "2,", 1)] + rows[4:])
voters("duplicate-id", [head, rows[0], rows[1].replace("038300350643", "038142075271")] + rows[2:])
voters("id-length", [head, rows[0].replace("038142075271", "03814207")] + rows[1:])
voters("empty-name", [head, rows[0], rows[1].replace("Hồ Kim Nhung", "")] + rows[2:])
voters("under-18", [head, rows[0].replace("04/04/1942", "01/01/2012")] + rows[1:])
voters("unknown-level", [head, rows[0].replace("QH TINH XA", "QH HUYEN")] + rows[1:])
voters("header-only", [head])
out("voters/empty.csv", "")
out("voters/not-a-spreadsheet.xlsx", "Đây không phải tệp Excel, chỉ là văn bản đổi đuôi.\n")
out("voters/binary-junk.csv", bytes(range(256)) * 4)


# --- ballots files (tobaucu count ballots --level XA FILE; 8 candidates, 5 seats) ---
def ballots(name, text):
    out(f"ballots/{name}.txt", text)


ballots("out-of-range", "1 2\n9\n3\n")
ballots("zero", "0\n")
ballots("duplicate-position", "1 2\n3 3\n")
ballots("word", "1 2\nmot hai\n")
ballots("unknown-reason", "1\nINVALID rach_phieu\n")
ballots("negative", "1\n-2\n")
ballots("invalid-without-reason", "1\nINVALID\n")
ballots("decimal", "1.5\n")
out("ballots/latin1.txt", "1 2\n# ghi ch\xfa\n3\n".encode("latin-1"))
ballots("mixed-bad", "1 2\n\n12 4\n-\nX\n")

# --- bundles (tobaucu import FILE at the commune) -------------------
out("bundles/empty.tbc", b"")
out("bundles/text.tbc", "Gói kết quả giả: chỉ là văn bản.\n")
out("bundles/random.tbc", bytes((i * 7919 + 13) % 256 for i in range(4096)))
out("bundles/wrong-magic.tbc", b"TOBAUCU-BUNDLE/9\n" + bytes(200))
out("bundles/huge-manifest-length.tbc", b"TOBAUCU-BUNDLE/1\n" + (0xFFFFFFF0).to_bytes(4, "little") + bytes(100))
