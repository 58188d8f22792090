// End-to-end test of the real desktop app (Tauri + WebKitGTK) through
// tauri-driver's WebDriver endpoint. Run by tests/e2e/run.sh, which starts
// Xvfb and tauri-driver. Uses only Node's built-in fetch and test runner.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APP = process.env.TOBAUCU_APP ?? resolve(ROOT, "target/debug/tobaucu-desktop");
const DRIVER = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const SHOTS = resolve(ROOT, "target/e2e");
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const ENTER = "\uE007";

let sid;

async function wd(method, path, body) {
  const r = await fetch(`${DRIVER}${path}`, {
    method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(j.value ?? j)}`);
  return j.value;
}
const s = (p) => `/session/${sid}${p}`;
const find = async (css) => (await wd("POST", s("/element"), { using: "css selector", value: css }))[ELEMENT];
const findAll = async (css) => (await wd("POST", s("/elements"), { using: "css selector", value: css })).map((e) => e[ELEMENT]);
const click = async (css) => {
  // An element may be covered for a moment (a toast, a re-render, a
  // scroll): retry for a few seconds after scrolling it into view.
  let last;
  for (let i = 0; i < 20; i++) {
    try {
      return await wd("POST", s(`/element/${await find(css)}/click`), {});
    } catch (e) {
      last = e;
      if (!/not interactable|stale|no such element/.test(e.message)) break;
      await js("document.querySelector(arguments[0])?.scrollIntoView({block: 'center'})", css).catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await screenshot(`failed-click.png`).catch(() => {});
  throw new Error(`click ${css}: ${last?.message}`);
};
const type = async (css, text) => wd("POST", s(`/element/${await find(css)}/value`), { text });
const text = async (css) => wd("GET", s(`/element/${await find(css)}/text`));
const js = (script, ...args) => wd("POST", s("/execute/sync"), { script, args });

async function until(what, f, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

async function screenshot(name) {
  // Two animation frames, so the picture shows the frame after the last change.
  await wd("POST", s("/execute/async"), { script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(1)));", args: [] });
  const png = await wd("GET", s("/screenshot"));
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(resolve(SHOTS, name), Buffer.from(png, "base64"));
}

/** Opens the room screen at 1024×768, checks it and photographs it, then leaves with Esc. */
async function roomShot(name, areas) {
  const rect = await wd("GET", s("/window/rect"));
  await wd("POST", s("/window/rect"), { width: 1024, height: 768 });
  await click("#open-room");
  await until("room screen", async () => (await js("return document.querySelectorAll('#room-constituencies .room-card').length")) > 0, 120000);
  assert.equal(await js("return document.querySelectorAll('#room button, #room input, #room a').length"), 0, "nothing to act on");
  assert.equal(await text("#room-imported .room-n"), areas.toLocaleString("vi-VN"));
  const fits = await js("const r = document.querySelector('#room').getBoundingClientRect(); return [r.width, r.height, document.querySelector('#room').scrollHeight <= r.height + 1]");
  assert.equal(fits[2], true, `the room fits the screen: ${JSON.stringify(fits)}`);
  await screenshot(name);
  await js("window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }))");
  assert.equal((await findAll("#room")).length, 1, "other keys do nothing");
  await js("window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))");
  await until("room closed", async () => (await findAll("#room")).length === 0);
  await wd("POST", s("/window/rect"), { width: rect.width, height: rect.height });
}

before(async () => {
  const session = await until("a WebDriver session", () =>
    wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP } } } }), 30000);
  sid = session.sessionId;
});

after(async () => {
  if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
});

test("a team sets up, imports its list, searches, checks a voter in and reads turnout", async () => {
  // Setup screen: open the commune's election definition and pick area 1.
  await until("setup screen", () => find("#election-file"));
  await type("#election-file", resolve(ROOT, "assets/demo-election.json"));
  await until("area list", () => find("#area-select"));
  await click("#setup-button");

  // Voter list: import the Mẫu 31 spreadsheet.
  await until("voter list screen", () => find("#import-file"));
  await type("#import-file", resolve(ROOT, "tests/fixtures/mau31.xlsx"));
  await until("40 voters", async () => (await text("#voter-count")) === "40 cử tri");
  await screenshot("voters.png");

  // Search without diacritics in the list.
  const first = await js("return document.querySelector('#voter-table .tr[data-stt=\"1\"] div:nth-child(2)').textContent");
  const plain = first.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  await type("#list-search", plain);
  await until("search result", async () => (await text("#voter-count")).endsWith("kết quả") &&
    (await js("return document.querySelector('#voter-table .tr').dataset.stt")) === "1");

  // Check-in desk. Election morning first: the ballot box checked before
  // two voters, with where they live (NQ 40, Mẫu 18/23), then an incident.
  await click("#tab-desk");
  await until("desk", () => find("#desk-search"));
  await until("opening form", () => find("#opening-form"));
  await js("document.querySelector('#dayfacts-panel').open = true");
  await type("#opening-name1", "Trần Văn Mở");
  await type("#opening-address1", "Thôn Chẩn Xuyên 1");
  await type("#opening-name2", "Lê Thị Hòm");
  await type("#opening-address2", "Thôn Nguyệt Viên");
  await click("#opening-save");
  await until("opening saved", async () => (await text("#dayfacts-panel summary")).includes("mở hòm lúc 07:00"));
  await js("document.querySelector('#dayfacts-panel').open = true");
  await type("#incident-time", "10:05");
  await type("#incident-what", "Mất điện 20 phút");
  await type("#incident-handled", "Dùng danh sách cử tri giấy");
  await click("#incident-save");
  await until("incident saved", async () => (await text("#incident-list")).includes("Mất điện 20 phút"));
  await screenshot("desk-opening.png");
  await type("#desk-search", plain);
  await until("desk result", async () => (await findAll("#desk-results li")).length > 0);
  await type("#desk-search", ENTER);
  await until("confirmation", async () => (await text("#confirm")).includes("ĐÃ PHÁT PHIẾU"));
  const confirm = await text("#confirm");
  assert.match(confirm, /Số 1/);
  assert.match(confirm, /QH, TINH/);
  await screenshot("checkin.png");

  // A second check-in of the same voter is refused, saying when the first was.
  await type("#desk-search", "1");
  await until("desk result by STT", async () => (await findAll("#desk-results li[data-stt='1']")).length === 1);
  await type("#desk-search", ENTER);
  await until("refusal", async () => (await text("#confirm")).includes("KHÔNG PHÁT PHIẾU"));
  assert.match(await text("#confirm"), /đã nhận phiếu/);
  await screenshot("checkin-refused.png");

  // The big undo button takes the check-in back, with a reason; then the
  // voter can be checked in again.
  await click("#undo-button");
  await until("undo dialog", () => find("#undo-reason"));
  await click("#dialog-ok");
  await until("undone", async () => (await text("#confirm")).includes("ĐÃ HOÀN TÁC"));
  await type("#desk-search", "1");
  await until("desk result by STT again", async () => (await findAll("#desk-results li[data-stt='1']")).length === 1);
  await type("#desk-search", ENTER);
  await until("second confirmation", async () => (await text("#confirm")).includes("ĐÃ PHÁT PHIẾU"));

  // Turnout reads the check-in back.
  await click("#tab-turnout");
  await until("turnout table", () => find("#turnout-table"));
  const voted = await until("QH voted", async () => {
    const v = await text("#turnout-table tr[data-level='QH'] .voted");
    return v === "1" ? v : null;
  });
  assert.equal(voted, "1");
  assert.equal(await text("#turnout-table tr[data-level='QH'] .listed"), "40");
  assert.equal(await text("#turnout-table tr[data-level='QH'] .percent"), "2,50%");
  await screenshot("turnout.png");

  // Giới thiệu (issue 17 §4): the version, the commit it was built from and
  // the build date, to compare with the handover sheet.
  await click("#about");
  await until("about dialog", () => find("#about-commit"));
  assert.match(await text("#about-version"), /^\d+\.\d+\.\d+$/);
  assert.match(await text("#about-commit"), /^([0-9a-f]{40}|không rõ)$/);
  assert.match(await text("#about-date"), /^\d{4}-\d{2}-\d{2}$/);
  await screenshot("about.png");
  await click("#dialog-cancel");
});

test("the team counts ballots in the window, sees the totals and prints and locks the minutes", async () => {
  // Counting screen, level XA (the last level, selected by default).
  await click("#tab-count");
  await until("inventory form", () => find("#inv-received"));
  await type("#inv-received", "5");
  await type("#inv-unused", "4");
  await type("#inv-spoiled", "0");
  await click("#inventory-save");
  await until("inventory saved", async () => (await text("#inventory-panel summary")).includes("phát ra 1"));
  await type("#team-leader", "Nguyễn Văn Tổ");
  await type("#team-secretary", "Lê Thị Ký");
  await type("#team-witness1", "Hoàng Văn Chứng");
  await type("#team-witness2", "Đỗ Thị Kiến");
  await click("#team-save");
  await until("team saved", async () => (await text("#team-panel summary")).includes("Nguyễn Văn Tổ"));

  // The recorder types what the ballot keeps: "135" on the number pad, Enter.
  await until("ballot input", () => find("#ballot-input"));
  await type("#ballot-input", "135" + ENTER);
  await until("first ballot", async () => (await text("#last-ballot-text")).includes("Phiếu số 1"));
  assert.match(await text("#last-ballot-text"), /Hợp lệ — giữ 3 người: 1, 3, 5/);
  assert.equal(await text("#tot-received"), "1");
  assert.equal(await text("#cand-1 .votes"), "1");
  assert.equal(await text("#cand-2 .votes"), "0");
  assert.equal(await text("#cand-5 .votes"), "1");
  // A slip: every name struck, then the big undo.
  await type("#ballot-input", "-" + ENTER);
  await until("second ballot", async () => (await text("#last-ballot-text")).includes("gạch hết"));
  assert.equal(await text("#tot-invalid"), "1");
  await screenshot("counting.png");
  await click("#ballot-undo");
  await until("undone ballot", async () => (await text("#tot-received")) === "1" && (await text("#tot-invalid")) === "0");
  // No blocking error remains (low turnout and zero-vote warnings only).
  const checks = await js("return [...document.querySelectorAll('#checks .check-item')].map(e => e.dataset.code)");
  assert.ok(checks.every((c) => c.startsWith("W")), `checks: ${checks}`);

  // Minutes: the preview shows the figures; save the PDF; lock with the leader's name.
  await click("#tab-minutes");
  // The preview is the printed page: SVG laid out by the PDF's engine.
  const pageText = () => js("return [...document.querySelectorAll('.page-holder text')].map(t => t.textContent).join('\\n')");
  const page = await until("minutes preview", async () => {
    const t = await pageText();
    return t.includes("- Số phiếu thu vào: 1 phiếu") ? t : null;
  });
  assert.match(page, /Số phiếu hợp lệ: 1 phiếu\. Tỷ lệ so với tổng số phiếu thu vào: 100,00%/);
  assert.match(page, /Mã số liệu biên bản: ([0-9A-F]{4} ){7}[0-9A-F]{4} · Bản nháp/);
  // The facts recorded in the morning are on the printed minutes.
  const all = await until("every page", async () => {
    const t = await pageText();
    return t.includes("Mất điện 20 phút") ? t : null;
  });
  // Mẫu 18 (Quốc hội) names the opening witnesses; Mẫu 23 adds "Nơi ở hiện nay".
  assert.match(all, /1\. (Ông\/Bà )?Trần Văn Mở/);
  assert.match(all, /2\. (Ông\/Bà )?Lê Thị Hòm/);
  assert.match(all, /Đúng 07 giờ 00 phút/);
  assert.match(all, /Lúc 10:05: Mất điện 20 phút\. Cách giải quyết: Dùng danh sách cử tri giấy/);
  assert.match(page, /BẢN NHÁP/);
  await click("#save-pdf");
  const saved = await until("PDF saved", async () => {
    const t = await text("#saved-path");
    return t.includes(".pdf") ? t : null;
  });
  const path = saved.replace(/^Tệp PDF: /, "").replace(/ \(\d+ trang\)$/, "");
  assert.equal(readFileSync(path).subarray(0, 8).toString(), "%PDF-1.4");
  await screenshot("minutes.png");
  await click("#finalize");
  await until("finalize dialog", () => find("#finalize-leader"));
  await type("#finalize-leader", "nguyen van to");
  await click("#dialog-ok");
  await until("locked", async () => (await text(".minutes-side h2")).includes("đã khóa — bản số 1"));
  await until("final preview", async () => (await pageText()).includes("· Bản số 1 ·"));
  await screenshot("minutes-final.png");
  // The other forms preview the same way.
  await click("#form-voter-list");
  await until("voter list preview", async () => (await pageText()).includes("DANH SÁCH CỬ TRI"));
  await screenshot("voter-list-preview.png");
});

test("a paper tally sheet is typed twice; a difference is shown field by field until both agree", async () => {
  await click("#tab-count");
  await until("count screen", () => find("#level-QH"));
  await click("#level-QH");
  await until("QH desk", async () => (await text("#mode-tally")).includes("bảng kiểm phiếu"));
  await click("#mode-tally");
  await until("tally form", () => find("#tally-received"));
  const fill = async (who, votes) => {
    await type("#tally-by", who);
    await type("#tally-received", "1");
    await type("#tally-valid", "1");
    await type("#tally-invalid", "0");
    await type("#tally-group-2", "1");
    for (const [i, v] of votes.entries()) await type(`#tally-votes-${i + 1}`, String(v));
    await click("#tally-save");
  };
  await fill("Lê Thị Ký", [1, 1, 0, 0, 0]);
  await until("first entry saved", async () => (await text("#tally-status")).includes("lần 2"));
  assert.equal(await js("return document.querySelector('#tally-entry').value"), "2");
  await fill("Trần Văn Một", [1, 0, 1, 0, 0]);
  await until("differences", () => find("#tally-diffs"));
  const fields = await js("return [...document.querySelectorAll('#tally-diffs tr[data-field]')].map(r => r.dataset.field)");
  assert.deepEqual(fields, ["votes.2", "votes.3"]);
  const codes = await until("E10 in checks", async () => {
    const c = await js("return [...document.querySelectorAll('#checks .check-item')].map(e => e.dataset.code)");
    return c.includes("E10") ? c : null;
  });
  assert.ok(codes.includes("E10"));
  await screenshot("tally-differ.png");
  // Clicking the check jumps to the tally form.
  await click("#checks .check-item[data-code='E10']");
  // The second person re-types entry 2 (the form offers it).
  assert.equal(await js("return document.querySelector('#tally-entry').value"), "2");
  await fill("Trần Văn Một", [1, 1, 0, 0, 0]);
  await until("agreed", async () => (await text("#tally-status")).includes("khớp nhau"));
  await screenshot("tally-agreed.png");
});

test("two tally entries differ: the Tổ trưởng picks one field, a third person types only the other, blind", async () => {
  await click("#tab-count");
  await until("count screen", () => find("#level-TINH"));
  await click("#level-TINH");
  await until("TINH desk", async () => (await text("#mode-tally")).includes("bảng kiểm phiếu"));
  await click("#mode-tally");
  await until("tally form", () => find("#tally-received"));
  const fill = async (entry, who, votes) => {
    await js("const s = document.querySelector('#tally-entry'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", String(entry));
    await type("#tally-by", who);
    await type("#tally-received", "1");
    await type("#tally-valid", "1");
    await type("#tally-invalid", "0");
    await type("#tally-group-2", "1");
    for (const [i, v] of votes.entries()) await type(`#tally-votes-${i + 1}`, String(v));
    await click("#tally-save");
  };
  await fill(1, "Lê Thị Ký", [1, 1, 0, 0, 0]);
  await until("first entry saved", async () => (await text("#tally-status")).includes("lần 2"));
  await fill(2, "Trần Văn Một", [1, 0, 1, 0, 0]);
  await until("differences", () => find("#tally-pick-votes-2-1"));
  // Entry 1 was right on votes.2: one click, nothing retyped.
  await type("#tally-decider", "Nguyễn Văn Tổ");
  await click("#tally-pick-votes-2-1");
  await until("votes.2 settled", async () => (await js("return document.querySelector('#tally-diffs tr[data-field=\"votes.2\"]')?.dataset.state")) === "settled");
  // votes.3 goes to a third person, who sees only that field, empty, and no earlier value.
  await click("#tally-reenter");
  await until("third form", () => find("#tally-third-form"));
  const inputs = await js("return [...document.querySelectorAll('#tally-third-form input[type=number]')].map(e => [e.id, e.value])");
  assert.deepEqual(inputs, [["tally-third-votes-3", ""]]);
  const shown = await js("return [...document.querySelectorAll('#tally-diffs td.n')].map(e => e.textContent)");
  assert.ok(shown.every((t) => t === "•••"), JSON.stringify(shown));
  assert.equal((await findAll("#tally-form")).length, 0, "the full sheet is not offered again");
  await screenshot("tally-third-entry.png");
  await type("#tally-third-by", "Phạm Thị Ba");
  await type("#tally-third-votes-3", "0");
  await click("#tally-third-save");
  await until("settled", async () => (await text("#tally-status")).includes("được chấp nhận"));
  const codes = await js("return [...document.querySelectorAll('#checks .check-item')].map(e => e.dataset.code)");
  assert.ok(!codes.includes("E10") && !codes.includes("E13"), JSON.stringify(codes));
  await screenshot("tally-fixed.png");
});

test("a team exports its signed bundle in its window; the commune imports every team's bundle in its window, sees winners and exports upward", async () => {
  const { execFileSync } = await import("node:child_process");
  const { copyFileSync, mkdtempSync, readdirSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-bundle-"));
  const env = { ...process.env };
  delete env.TOBAUCU_PASSPHRASE;
  delete env.TOBAUCU_DB;
  const PASS = "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ";
  // Six teams counted and exported by the demo chain (real files).
  execFileSync(CLI, ["demo", "--out", resolve(work, "demo")], { env });
  const team = resolve(work, "team.sqlite");
  copyFileSync(resolve(work, "demo/to-X0412-KV01.sqlite"), team);
  const usb = resolve(work, "usb");
  mkdirSync(usb);
  const clear = async (css) => js("const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center'}); e.value = '';", css);
  const session = async (db) => {
    if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
    const r = await until("a WebDriver session", () =>
      wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", db] } } } }), 30000);
    sid = r.sessionId;
  };

  // The team's window: key fingerprint, export to the USB folder.
  await session(team);
  await until("bundle tab", () => find("#tab-bundle"));
  await click("#tab-bundle");
  await until("fingerprint", async () => (await text("#key-fingerprint")).length === 24);
  await clear("#export-target");
  await type("#export-target", usb);
  await type("#export-pass", "sai-mat-khau");
  await click("#export-run");
  await until("wrong passphrase refused", async () => (await text("#export-result")).includes("cụm mật khẩu không đúng"));
  await clear("#export-pass");
  await type("#export-pass", PASS);
  await click("#export-run");
  await until("bundle written and verified", async () => (await text("#export-ok")).includes("Gói số 2"), 30000);
  assert.match(await text("#export-checks"), /signature/);
  await screenshot("6-team-export.png");
  const written = readdirSync(usb);
  assert.deepEqual(written, ["X0412-KV01-goi002.tbc"]);

  // The commune's window: register keys (CLI, before election day), import.
  const xa = resolve(work, "xa.sqlite");
  // The demo is a rehearsal: its bundles go to a rehearsal board.
  execFileSync(CLI, ["--db", xa, "setup", resolve(work, "demo/election.json"), "--commune", "X0412", "--rehearsal"], { env });
  for (let k = 1; k <= 6; k++) {
    execFileSync(CLI, ["--db", xa, "keys", "register", resolve(work, `demo/khoa/khoa-X0412-KV0${k}.json`), "--unit", `X0412-KV0${k}`], { env });
  }
  await session(xa);
  await until("board screen", () => find("#import-all"));
  assert.equal((await findAll("#areas-table tr[data-status='waiting']")).length, 6);
  await clear("#import-dir");
  await type("#import-dir", resolve(work, "demo/usb-to"));
  await click("#import-all");
  await until("six imported", async () => (await findAll(".import-item[data-outcome='imported']")).length === 6, 30000);
  await until("dashboard updated", async () => (await findAll("#areas-table tr[data-status='imported']")).length === 6);
  // The newer bundle of area 1 replaces the older one.
  await clear("#import-dir");
  await type("#import-dir", usb);
  await click("#import-all");
  await until("replaced", async () => (await findAll(".import-item[data-outcome='replaced']")).length === 1);
  // Results: QH-01 complete with its three elected highlighted; XA-04 needs an additional vote.
  await until("results", async () => (await js("return document.querySelector('#result-QH-01')?.dataset.complete")) === "true");
  assert.equal((await findAll("#result-QH-01 tr.elected")).length, 3);
  assert.match(await text("#result-XA-04 .verdict"), /bầu cử thêm/);
  await screenshot("7-commune-results.png");
  // The room screen at projector size: six areas, read-only, Esc leaves.
  await roomShot("room-6-areas.png", 6);
  // A tampered copy is refused with its reason.
  const bad = resolve(work, "bad");
  mkdirSync(bad);
  const bytes = readFileSync(resolve(work, "demo/usb-to/X0412-KV03-goi001.tbc"));
  bytes[bytes.length - 300] ^= 1;
  writeFileSync(resolve(bad, "X0412-KV03-goi001.tbc"), bytes);
  await clear("#import-dir");
  await type("#import-dir", bad);
  await click("#import-all");
  await until("refused", async () => (await findAll(".import-item[data-outcome='refused']")).length === 1);
  assert.match(await text(".import-item.refused"), /member_hashes/);
  // Upward export: the commune creates its key and exports its bundle.
  await click("#board-key-create");
  await type("#board-key-pass", PASS + ENTER);
  await until("commune key", () => find("#board-fingerprint"));
  await clear("#board-export-target");
  const up = resolve(work, "up");
  mkdirSync(up);
  await type("#board-export-target", up);
  await type("#board-export-pass", PASS);
  await click("#board-export-run");
  await until("commune bundle", async () => (await text("#board-export-ok")).includes("Gói số 1"), 30000);
  await screenshot("8-commune-export.png");
  // The province (which registered another commune key) still re-checks every team signature inside.
  const { spawnSync } = await import("node:child_process");
  const out = spawnSync(CLI, ["--db", resolve(work, "demo/tinh-T38.sqlite"), "verify", resolve(up, readdirSync(up)[0]), "--json"], { env });
  const v = JSON.parse(out.stdout.toString());
  assert.equal(v.checks.find((c) => c.name === "inner_bundles").ok, true);
  assert.equal(v.checks.find((c) => c.name === "key_registered").ok, false);
  const { rmSync } = await import("node:fs");
  rmSync(work, { recursive: true, force: true });
});

test("the app is killed in the middle of counting; on restart every ballot shown as entered is there, the log holds, backups run", async () => {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync, readdirSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-crash-"));
  const env = { ...process.env };
  delete env.TOBAUCU_DB;
  delete env.TOBAUCU_NOW;
  const db = resolve(work, "to.sqlite");
  execFileSync(CLI, ["--db", db, "setup", resolve(ROOT, "assets/demo-election.json"), "--area", "X0412-KV01"], { env });
  execFileSync(CLI, ["--db", db, "voters", "import", resolve(ROOT, "assets/demo-voters.csv")], { env });
  const session = async () => {
    if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
    const r = await until("a WebDriver session", () =>
      wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", db] } } } }), 30000);
    sid = r.sessionId;
  };
  await session();
  await until("counting tab", () => find("#tab-count"));
  await click("#tab-count");
  await until("ballot input", () => find("#ballot-input"));
  const marks = ["12", "135", "-", "2", "345", "1", "24", "5", "13", "-", "4", "123"];
  for (const [i, m] of marks.entries()) {
    await type("#ballot-input", m + ENTER);
    // Acknowledged on screen: the ballot's number is shown.
    await until(`ballot ${i + 1} shown`, async () => (await text("#last-ballot-text")).includes(`Phiếu số ${i + 1}`));
  }
  assert.equal(await text("#tot-received"), String(marks.length));
  // Power cut: the app process dies at once (SIGKILL), no chance to clean up.
  const pids = execFileSync("pgrep", ["-f", `tobaucu-desktop.*${db}`]).toString().trim().split(/\s+/).filter(Boolean);
  assert.ok(pids.length >= 1, "app process found");
  for (const p of pids) process.kill(Number(p), "SIGKILL");
  await new Promise((r) => setTimeout(r, 500));
  // Restart on the same file: the window opens (the lock died with the
  // process) and shows every ballot that was acknowledged.
  await session();
  await until("counting tab after restart", () => find("#tab-count"));
  await click("#tab-count");
  await until("totals after restart", async () => (await text("#tot-received")) === String(marks.length));
  await screenshot("9-after-crash.png");
  // The audit log's chain holds after the crash.
  await click("#tab-setup");
  await click("#audit-verify");
  await until("audit verified", async () => (await js("return document.querySelector('#audit-verify-result').dataset.ok")) === "true");
  assert.match(await text("#audit-verify-result"), /Nhật ký nguyên vẹn/);
  // A backup to a second place, with the check-in list, from the screen.
  const usb = resolve(work, "usb");
  mkdirSync(usb);
  await js("const e = document.querySelector('#backup-dir'); e.scrollIntoView({block: 'center'}); e.value = '';");
  await type("#backup-dir", usb);
  await click("#backup-save");
  await until("settings saved", async () => (await text("#backup-msg")).includes("Sẽ sao lưu mỗi 15 phút"));
  await click("#backup-now");
  await until("backup made", async () => (await text("#backup-msg")).includes("Đã sao lưu"));
  await until("header badge", async () => (await text("#backup-badge")).startsWith("Sao lưu "));
  await screenshot("10-backup.png");
  const files = readdirSync(usb);
  assert.ok(files.some((f) => f.endsWith(".sqlite")) && files.some((f) => f.endsWith("-danh-sach-nhan-phieu.pdf")), files.join(", "));
  // The copy restores into a sound database with the same ballots.
  const restored = resolve(work, "khoi-phuc.sqlite");
  execFileSync(CLI, ["--db", restored, "backup", "restore", resolve(usb, files.find((f) => f.endsWith(".sqlite")))], { env });
  const live = JSON.parse(execFileSync(CLI, ["--db", restored, "count", "live", "--level", "XA", "--json"], { env }).toString());
  assert.equal(live.received, marks.length);
  rmSync(work, { recursive: true, force: true });
});

test("a province of 10,000 areas: the status screen shows a page of areas, the room screen turns pages at 1024×768", async () => {
  const { execFileSync } = await import("node:child_process");
  const { existsSync, copyFileSync, mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const made = resolve(ROOT, "target/e2e-data/board-10000.sqlite");
  if (!existsSync(made)) {
    // Written by the app crate's 10,000-area export test.
    execFileSync("cargo", ["test", "-p", "tobaucu-app", "--lib", "exports_of_a_10000_area_board"], { cwd: ROOT, stdio: "inherit" });
  }
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-10000-"));
  const db = resolve(work, "tinh.sqlite");
  copyFileSync(made, db);
  if (existsSync(`${made}-goi`)) copyFileSync(`${made}-goi`, `${db}-goi`);
  if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
  const r = await until("a WebDriver session", () =>
    wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", db] } } } }), 30000);
  sid = r.sessionId;
  await until("board screen with its areas", async () => (await findAll("#areas-table tbody tr")).length > 0, 180000);
  assert.equal((await findAll("#areas-table tbody tr")).length, 100, "one page of 100 areas");
  assert.match(await text("#areas-page"), /Trang 1\/100/);
  await roomShot("room-10000-areas.png", 10000);
});

test("a power cut: a backup, the laptop dies, the last backup restored on a spare data file, the paper list entered in bulk, every voter counted", async () => {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-power-"));
  const env = { ...process.env };
  delete env.TOBAUCU_DB;
  delete env.TOBAUCU_NOW;
  const laptop = resolve(work, "may-1.sqlite");
  const spare = resolve(work, "may-du-phong.sqlite");
  const usb = resolve(work, "usb");
  mkdirSync(usb);
  execFileSync(CLI, ["--db", laptop, "setup", resolve(ROOT, "assets/demo-election.json"), "--area", "X0412-KV01"], { env });
  execFileSync(CLI, ["--db", laptop, "voters", "import", resolve(ROOT, "assets/demo-voters.csv")], { env });
  const session = async (db) => {
    if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
    const r = await until("a WebDriver session", () =>
      wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", db] } } } }), 30000);
    sid = r.sessionId;
  };
  const checkin = async (stt) => {
    await type("#desk-search", String(stt));
    await until(`voter ${stt} found`, async () => (await findAll(`#desk-results li[data-stt='${stt}']`)).length === 1);
    await type("#desk-search", ENTER);
    await until(`voter ${stt} checked in`, async () => (await text("#confirm")).includes(`ĐÃ PHÁT PHIẾU — Số ${stt}`));
  };

  // The laptop: no backup folder yet — every screen says so; the Tổ chooses one.
  await session(laptop);
  await until("setup tab", () => find("#tab-setup"));
  await until("backup warning", () => find("#backup-warning"));
  await click("#tab-setup");
  await until("backup panel", () => find("#backup-dir"));
  await js("const e = document.querySelector('#backup-dir'); e.scrollIntoView({block: 'center'}); e.value = '';");
  await type("#backup-dir", usb);
  await click("#backup-save");
  await until("settings saved", async () => (await text("#backup-msg")).includes("Sẽ sao lưu mỗi 15 phút"));
  await click("#tab-desk");
  await until("desk", () => find("#desk-search"));
  assert.equal((await findAll("#backup-warning")).length, 0, "the warning goes once a folder is chosen");
  for (const stt of [1, 2, 3, 4, 5]) await checkin(stt);
  // A backup (the timer's, or the button's): it stops at voter 5.
  await click("#tab-setup");
  await until("backup button", () => find("#backup-now"));
  await click("#backup-now");
  await until("backup made", async () => (await text("#backup-msg")).includes("Đã sao lưu"));
  // Three more voters, then the power goes: they are only on the paper list.
  await click("#tab-desk");
  await until("desk again", () => find("#desk-search"));
  for (const stt of [6, 7, 8]) await checkin(stt);
  const pids = execFileSync("pgrep", ["-f", `tobaucu-desktop.*${laptop}`]).toString().trim().split(/\s+/).filter(Boolean);
  assert.ok(pids.length >= 1, "app process found");
  for (const p of pids) process.kill(Number(p), "SIGKILL");
  await new Promise((r) => setTimeout(r, 500));

  // A spare laptop (a second, empty data file): restore the newest backup from the USB folder.
  await session(spare);
  await until("restore panel", () => find("#restore-path"));
  await type("#restore-path", usb);
  await click("#restore-run");
  const restored = await until("restored", async () => {
    const t = await text("#restore-ok");
    return t.includes("Đã khôi phục") ? t : null;
  }, 30000);
  assert.match(restored, /dừng ở cử tri số 5/);
  await screenshot("11-restored.png");
  await click("#tab-desk");
  await until("desk on the spare", () => find("#desk-counter"));
  await until("five voters from the backup", async () => (await text("#desk-counter")).includes("QH: 5/620"));

  // The paper list since the backup, typed at once; a number already in the database refuses the whole entry.
  const ict = (ms) => new Date(Date.now() + 7 * 3600e3 - ms).toISOString().slice(11, 16);
  let [from, to] = [ict(20 * 60e3), ict(60e3)];
  if (from > to) from = "00:00";
  await js("document.querySelector('#bulk-panel').open = true");
  // A newline typed as the Enter key (WebDriver drops a bare newline).
  await type("#bulk-numbers", `6 7${ENTER}8, 5`);
  await type("#bulk-from", from);
  await type("#bulk-to", to);
  await click("#bulk-save");
  await until("duplicate refused", async () => (await text("#bulk-result")).includes("cử tri số 5"));
  assert.match(await text("#bulk-result"), /trùng/);
  assert.ok((await text("#desk-counter")).includes("QH: 5/620"), "nothing was entered");
  await js("document.querySelector('#bulk-numbers').value = ''");
  await type("#bulk-numbers", `6 7${ENTER}8`);
  await click("#bulk-save");
  await until("bulk entered", async () => (await text("#bulk-result")).includes("Đã ghi nhận 3 cử tri"));
  await until("eight voters counted", async () => (await text("#desk-counter")).includes("QH: 8/620"));
  await screenshot("12-bulk-entry.png");
  await click("#tab-turnout");
  await until("turnout after the outage", async () => (await text("#turnout-table tr[data-level='QH'] .voted")) === "8");
  // Every voter is counted, the outage is logged, the log holds.
  const turnout = JSON.parse(execFileSync(CLI, ["--db", spare, "turnout", "--json"], { env }).toString());
  assert.equal(turnout.levels.QH.voters_voted, 8);
  const log = JSON.parse(execFileSync(CLI, ["--db", spare, "audit", "--json"], { env }).toString());
  assert.ok(log.some((e) => e.action === "backup.restore") && log.some((e) => e.action === "checkin.bulk"));
  const verified = JSON.parse(execFileSync(CLI, ["--db", spare, "audit", "verify", "--json"], { env }).toString());
  assert.equal(verified.ok, true);
  rmSync(work, { recursive: true, force: true });
});

test("a rehearsal: the banner on every screen, the shortcuts on ?, the ballots drill read, typed and scored", async () => {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-drill-"));
  const env = { ...process.env };
  delete env.TOBAUCU_DB;
  delete env.TOBAUCU_NOW;
  const db = resolve(work, "to.sqlite");
  // Issue 16 §1–2: a rehearsal in the real database, with the real list.
  execFileSync(CLI, ["--db", db, "setup", resolve(ROOT, "assets/demo-election.json"), "--area", "X0412-KV01", "--rehearsal"], { env });
  execFileSync(CLI, ["--db", db, "voters", "import", resolve(ROOT, "assets/demo-voters.csv")], { env });
  if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
  const r = await until("a WebDriver session", () =>
    wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", db] } } } }), 30000);
  sid = r.sessionId;
  await until("rehearsal banner", () => find("#rehearsal-banner"));
  assert.match(await text("#mode-badge"), /DIỄN TẬP/);
  await click("#tab-count");
  await until("ballot input", () => find("#ballot-input"));
  assert.ok(await find("#rehearsal-banner"), "the banner on the counting screen too");

  // "?" shows the keyboard shortcuts of the screen; Esc-button closes them.
  await js("document.activeElement?.blur()");
  await wd("POST", s("/actions"), { actions: [{ type: "key", id: "kb", actions: [{ type: "keyDown", value: "?" }, { type: "keyUp", value: "?" }] }] });
  await until("shortcuts overlay", async () => (await js("return !!document.querySelector('#shortcuts[open]')")));
  assert.match(await text("#shortcuts"), /Ctrl\+Z/);
  await click("#shortcuts-close");
  await until("overlay closed", async () => !(await js("return !!document.querySelector('#shortcuts[open]')")));

  // The drill: ten ballots read on screen; the first typed wrong on purpose.
  await js("document.querySelector('#drill-panel').open = true; document.querySelector('#drill-panel').scrollIntoView()");
  await js("const s = document.querySelector('#drill-size'); s.value = '10'; s.dispatchEvent(new Event('change'))");
  await click("#drill-start");
  for (let i = 0; i < 10; i++) {
    const said = await until(`ballot ${i + 1} read`, async () => {
      const t = await text("#drill-read");
      return t.startsWith(`Phiếu ${i + 1}/10:`) ? t : null;
    });
    let typed;
    if (i === 0) typed = "0";
    else if (said.includes("gạch hết tên")) typed = "-";
    else if (said.includes("không có dấu")) typed = "*";
    else if (said.includes("không theo mẫu")) typed = "/";
    else if (said.includes("ghi thêm")) typed = "+";
    else typed = [...said.matchAll(/(\d+)\. /g)].map((m) => m[1]).join(" ");
    await type("#drill-input", typed + ENTER);
  }
  const result = await until("drill score", async () => (await findAll("#drill-result")).length ? text("#drill-result") : null);
  assert.match(result, /^Đúng 9\/10 phiếu \(90%\)/);
  assert.match(await text("#drill-score"), /Phiếu 1: gõ “0”/);
  await screenshot("drill.png");
  // Nothing was written: the desk has no ballot.
  assert.equal(await text("#tot-received"), "0");
});

test("two app windows on two data files of one Tổ sync a check-in each way over the local network", async () => {
  const { execFileSync, spawn } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const net = await import("node:net");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-desks-"));
  const env = { ...process.env };
  delete env.TOBAUCU_DB;
  delete env.TOBAUCU_NOW;
  const cli = (db, ...args) => execFileSync(CLI, ["--db", db, ...args], { env }).toString();
  const freePort = () => new Promise((ok) => { const srv = net.createServer(); srv.listen(0, "127.0.0.1", () => { const p = srv.address().port; srv.close(() => ok(p)); }); });
  const [pa, pb] = [await freePort(), await freePort()];
  // The Tổ trưởng's main laptop and desk 2, made from its package (USB).
  const main = resolve(work, "chinh.sqlite");
  const desk = resolve(work, "ban2.sqlite");
  cli(main, "setup", resolve(ROOT, "assets/demo-election.json"), "--area", "X0412-KV01");
  cli(main, "voters", "import", resolve(ROOT, "tests/fixtures/mau31.xlsx"));
  const pkg = JSON.parse(cli(main, "--json", "desk", "package", "--out", work, "--name", "Bàn 2 — thôn Đông")).path;
  cli(desk, "desk", "join", pkg, "--listen", `127.0.0.1:${pb}`, "--peers", `127.0.0.1:${pa}`);
  const checkedIn = (db) => JSON.parse(cli(db, "--json", "voters", "list")).filter((v) => Object.keys(v.checked_in).length > 0).map((v) => v.stt);

  // Desk 2's window runs on its own (its sync starts with the window).
  const second = spawn(APP, ["--db", desk], { env, stdio: "ignore" });
  try {
    if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
    const r = await until("a WebDriver session", () =>
      wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", main] } } } }), 30000);
    sid = r.sessionId;
    // The main laptop's window: multi-desk turned on in the Nhiều bàn screen.
    await until("desks tab", () => find("#tab-desks"));
    await click("#tab-desks");
    await until("desk settings", () => find("#desk-listen"));
    await js("document.querySelector('#desk-listen').value = ''; document.querySelector('#desk-peers-config').value = ''");
    await type("#desk-listen", `127.0.0.1:${pa}`);
    await type("#desk-peers-config", `127.0.0.1:${pb}`);
    await click("#desk-apply");
    await until("desk 2 connected", async () => (await findAll("#desk-peers tr[data-desk='2'][data-status='connected']")).length === 1, 30000)
      .catch(async (e) => { await screenshot("failed-desks.png").catch(() => {}); throw e; });
    await screenshot("desks-connected.png");

    // A check-in in the main window reaches desk 2's file.
    await click("#tab-desk");
    await until("desk", () => find("#desk-search"));
    await type("#desk-search", "3");
    await until("desk result by STT", async () => (await findAll("#desk-results li[data-stt='3']")).length === 1);
    await type("#desk-search", ENTER);
    await until("confirmation", async () => (await text("#confirm")).includes("ĐÃ PHÁT PHIẾU"));
    await until("voter 3 at desk 2", async () => checkedIn(desk).includes(3), 15000);

    // A check-in at desk 2 (committed to its file, sent by its window) reaches the main window.
    cli(desk, "checkin", "5");
    await until("voter 5 on the main laptop", async () => checkedIn(main).includes(5), 15000);
    await click("#tab-turnout");
    await until("per-desk turnout", async () => (await findAll("#turnout-desks tr[data-desk='2']")).length === 1);
    await until("QH voted 2", async () => (await text("#turnout-table tr[data-level='QH'] .voted")) === "2", 15000);
    await screenshot("desks-turnout.png");
    // Desk 2 refuses the voter the main laptop checked in.
    const { spawnSync } = await import("node:child_process");
    assert.equal(spawnSync(CLI, ["--db", desk, "checkin", "3"], { env }).status, 1);
  } finally {
    second.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
});

test("a window on an empty data file joins the main laptop by pairing code and its check-in reaches the main laptop", async () => {
  const { execFileSync, spawn } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const net = await import("node:net");
  const readline = await import("node:readline");
  const CLI = resolve(ROOT, "target/debug/tobaucu");
  const work = mkdtempSync(resolve(tmpdir(), "tobaucu-e2e-pair-"));
  const env = { ...process.env };
  delete env.TOBAUCU_DB;
  delete env.TOBAUCU_NOW;
  const cli = (db, ...args) => execFileSync(CLI, ["--db", db, ...args], { env }).toString();
  const freePort = () => new Promise((ok) => { const srv = net.createServer(); srv.listen(0, "127.0.0.1", () => { const p = srv.address().port; srv.close(() => ok(p)); }); });
  const pa = await freePort();
  const main = resolve(work, "chinh.sqlite");
  const desk = resolve(work, "ban-moi.sqlite");
  cli(main, "setup", resolve(ROOT, "assets/demo-election.json"), "--area", "X0412-KV01");
  cli(main, "voters", "import", resolve(ROOT, "tests/fixtures/mau31.xlsx"));
  // The main laptop's service shows a pairing code (as Nhiều bàn → Tạo mã ghép nối does).
  const serve = spawn(CLI, ["--db", main, "--json", "desk", "serve", "--pair", "--listen", `127.0.0.1:${pa}`], { env, stdio: ["ignore", "pipe", "ignore"] });
  try {
    const code = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("no pairing code from desk serve --pair")), 15000);
      readline.createInterface({ input: serve.stdout }).on("line", (l) => {
        const v = JSON.parse(l);
        if (v.event === "pairing_code") { clearTimeout(timer); ok(v.code); }
      });
    });
    if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
    const r = await until("a WebDriver session", () =>
      wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: APP, args: ["--db", desk] } } } }), 30000);
    sid = r.sessionId;
    // An empty data file: the setup screen with the desk panel. The code typed as shown, with its dash.
    await until("desk join panel", () => find("#desk-join-host"));
    await type("#desk-join-host", `127.0.0.1:${pa}`);
    await type("#desk-join-code", code);
    await type("#desk-join-name", "Bàn 3 — thôn Tây");
    await screenshot("desk-pairing.png");
    await click("#desk-join-net");
    await until("the check-in desk screen", () => find("#desk-search"), 30000)
      .catch(async (e) => { await screenshot("failed-pairing.png").catch(() => {}); throw new Error(`${e.message}: ${await text("#desk-join-msg").catch(() => "")}`); });
    const st = JSON.parse(cli(desk, "--json", "desk", "status"));
    assert.equal(st.role, "desk");
    assert.equal(st.name, "Bàn 3 — thôn Tây");
    // This test machine has no local-network address, only loopback: the
    // desk's sync is told where to listen (Nhiều bàn), as a Tổ would on a
    // laptop whose network the app does not see.
    const pb = await freePort();
    await click("#tab-desks");
    await until("desk settings", () => find("#desk-listen"));
    await js("document.querySelector('#desk-listen').value = ''; document.querySelector('#desk-peers-config').value = ''");
    await type("#desk-listen", `127.0.0.1:${pb}`);
    await type("#desk-peers-config", `127.0.0.1:${pa}`);
    await click("#desk-apply");
    await until("the main laptop connected", async () => (await findAll("#desk-peers tr[data-desk='1'][data-status='connected']")).length === 1, 30000)
      .catch(async (e) => { await screenshot("failed-pairing-sync.png").catch(() => {}); throw e; });
    // A check-in in this window reaches the main laptop's file over the network.
    await click("#tab-desk");
    await until("desk", () => find("#desk-search"));
    await type("#desk-search", "4");
    await until("desk result by STT", async () => (await findAll("#desk-results li[data-stt='4']")).length === 1);
    await type("#desk-search", ENTER);
    await until("confirmation", async () => (await text("#confirm")).includes("ĐÃ PHÁT PHIẾU"));
    const checkedIn = (db) => JSON.parse(cli(db, "--json", "voters", "list")).filter((v) => Object.keys(v.checked_in).length > 0).map((v) => v.stt);
    await until("voter 4 on the main laptop", async () => checkedIn(main).includes(4), 20000);
    await screenshot("desk-paired-checkin.png");
  } finally {
    serve.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
});
