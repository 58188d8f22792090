// Kiểm phiếu: per level — kiểm kê, the team and witnesses, the counting desk
// (keyboard / number pad only, running totals always visible, one big undo),
// the paper tally sheet typed twice, and the checks panel (click → field).
import type { CheckDto, LiveTallyDto, SummaryDto, TallySheetInput, TallyStatusDto } from "../bindings/ipc";
import type { Ctx } from "../ctx";
import { api } from "../platform/tauri";
import { dialog, field, formText, h, messageOf, num, showError, toast } from "../ui";
import { vi } from "../i18n/vi";
import { dayFactsPanel } from "./dayfacts";

type Mode = "desk" | "tally";

/** Keys only a person can judge (Art. 74 grounds 1, 2, 5), number-pad friendly. */
const PERSON_KEYS: Record<string, string> = { "/": "khong_theo_mau", "*": "khong_co_dau", "+": "ghi_them" };

/**
 * What the recorder typed → a ballots-file line (interfaces.md §4).
 * With fewer than 10 candidates, digits need no separator: "135" = 1, 3, 5.
 */
export function toLine(raw: string, candidates: number): string {
  const t = raw.trim();
  if (t === "-" || t === "") return t;
  if (t.startsWith("INVALID")) return t;
  if (candidates < 10 && /^[0-9]+$/.test(t)) return t.split("").join(" ");
  return t.replace(/[.,+]/g, " ");
}

export function countScreen(main: HTMLElement, ctx: Ctx): () => void {
  const levels = ctx.status.levels;
  let level = levels[levels.length - 1]?.code ?? "";
  let mode: Mode = "desk";
  let live: LiveTallyDto | null = null;
  let summary: SummaryDto | null = null;
  let batch: number | null = null;

  const levelTabs = h("div", { class: "level-tabs", role: "tablist" });
  const left = h("div", { class: "count-left" });
  const right = h("div", { class: "count-right" });
  const checksBox = h("section", { class: "checks", id: "checks" });
  const msg = h("div");

  function paintTabs() {
    levelTabs.replaceChildren(...levels.map((l, i) => h("button", {
      class: `tab ${l.code === level ? "active" : ""}`, id: `level-${l.code}`, role: "tab", title: l.name,
      onclick: () => { level = l.code; batch = null; void load(); },
    }, l.code, h("kbd", {}, `Ctrl+${i + 1}`))));
  }

  // ---- kiểm kê and team -----------------------------------------------------
  function inventoryForm(s: SummaryDto): HTMLElement {
    const inv = s.inventory;
    const inp = (id: string, v: number | undefined) =>
      h("input", { id, type: "number", min: 0, inputmode: "numeric", value: v ?? "", class: "num-in" });
    const rec = inp("inv-received", inv?.received), un = inp("inv-unused", inv?.unused), sp = inp("inv-spoiled", inv?.spoiled);
    const iss = inp("inv-issued", inv?.issued_entered ? inv.issued : undefined);
    const save = async () => {
      try {
        await api.recordInventory({ level, received: Number(rec.value || 0), unused: Number(un.value || 0), spoiled: Number(sp.value || 0),
          issued: iss.value === "" ? null : Number(iss.value) });
        toast(`Đã lưu kiểm kê phiếu cấp ${level}`);
        void load();
      } catch (e) { showError(e, msg); }
    };
    const form = h("form", { class: "inline-form", id: "inventory-form" },
      field("Số phiếu Tổ nhận", rec), field("Chưa sử dụng", un), field("Gạch hỏng (đã đổi)", sp),
      field("Phát ra (nếu đếm riêng)", iss),
      h("button", { class: "primary", type: "submit", id: "inventory-save" }, "Lưu kiểm kê"));
    form.addEventListener("submit", (e) => { e.preventDefault(); void save(); });
    return h("details", { class: "panel", open: !inv, id: "inventory-panel" },
      h("summary", {}, `Kiểm kê phiếu trước khi mở hòm — ${inv ? `nhận ${num(inv.received)}, phát ra ${num(inv.issued)}, chưa dùng ${num(inv.unused)}, hỏng ${num(inv.spoiled)}` : "chưa nhập"}`),
      form);
  }

  async function teamPanel(): Promise<HTMLElement> {
    const t = await api.team();
    const leader = h("input", { id: "team-leader", value: t.leader ?? "" });
    const sec = h("input", { id: "team-secretary", value: t.secretary ?? "" });
    const mem = h("input", { id: "team-members", value: t.members.join(", "), placeholder: "cách nhau dấu phẩy" });
    const w1 = h("input", { id: "team-witness1", value: t.witnesses[0]?.name ?? "" });
    const w2 = h("input", { id: "team-witness2", value: t.witnesses[1]?.name ?? "" });
    const a1 = h("input", { id: "team-witness1-address", value: t.witnesses[0]?.address ?? "", placeholder: "nơi ở hiện nay" });
    const a2 = h("input", { id: "team-witness2-address", value: t.witnesses[1]?.address ?? "", placeholder: "nơi ở hiện nay" });
    const form = h("form", { class: "inline-form", id: "team-form" },
      field("Tổ trưởng", leader), field("Thư ký", sec), field("Ủy viên", mem),
      field("Cử tri chứng kiến 1", w1), field("Nơi ở hiện nay", a1), field("Cử tri chứng kiến 2", w2), field("Nơi ở hiện nay", a2),
      h("button", { class: "primary", type: "submit", id: "team-save" }, "Lưu thành phần"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api.setTeam({
          leader: leader.value.trim() || null, secretary: sec.value.trim() || null,
          members: mem.value.split(",").map((x) => x.trim()).filter(Boolean),
          witnesses: [[w1, a1], [w2, a2]].map(([n, a]) => ({ name: n.value.trim(), address: a.value.trim() || null })).filter((p) => p.name),
        });
        toast("Đã lưu thành phần Tổ bầu cử và cử tri chứng kiến");
        void load();
      } catch (err) { showError(err, msg); }
    });
    const done = t.leader && t.secretary && t.witnesses.length === 2;
    return h("details", { class: "panel", open: !done, id: "team-panel" },
      h("summary", {}, `Tổ bầu cử và hai cử tri chứng kiến — ${done ? `${t.leader} (Tổ trưởng), chứng kiến: ${t.witnesses.map((w) => w.name).join(", ")}` : "chưa đủ"}`),
      form);
  }

  // ---- counting desk ----------------------------------------------------------
  const ballotInput = h("input", {
    id: "ballot-input", class: "desk-input", autocomplete: "off", spellcheck: "false", inputmode: "numeric",
    placeholder: "Số thứ tự tên được giữ lại, ví dụ 1 3 5 (hoặc 135) — Enter",
    "aria-label": "Nhập phiếu",
  });
  const lastBox = h("section", { class: "confirm idle", id: "last-ballot", "aria-live": "assertive" },
    h("div", { class: "big" }, "Sẵn sàng ghi phiếu"));
  const undoBtn = h("button", { class: "danger big", id: "ballot-undo", onclick: () => undo() }, "Hủy phiếu vừa ghi ", h("kbd", {}, "Ctrl+Z"));

  function paintLast(text: string, ok: boolean, detail = "") {
    lastBox.className = `confirm ${ok ? "ok" : "refused"}`;
    lastBox.replaceChildren(h("div", { class: "big", id: "last-ballot-text" }, text), detail ? h("div", { class: "detail" }, detail) : "");
  }

  async function enter() {
    if (!live) return;
    const line = toLine(ballotInput.value, live.candidates.length);
    if (!line) return;
    try {
      const r = await api.enterBallot(level, batch, line);
      live = r.live;
      batch = r.ballot.batch_id;
      paintLast(`Phiếu số ${r.ballot.seq}: ${r.ballot.text_vi}`, r.ballot.valid,
        r.ballot.valid ? r.ballot.kept.map((p) => live?.candidates[p - 1]?.name ?? p).join(" · ") : "");
      ballotInput.value = "";
      paintTotals();
      refreshChecks();
    } catch (e) {
      paintLast("✖ CHƯA GHI", false, messageOf(e).message);
    }
    ballotInput.focus();
  }

  async function undo() {
    try {
      const r = await api.undoBallot(level, "Hủy tại bàn kiểm phiếu");
      live = r.live;
      paintLast(`↶ ${r.message}`, true);
      paintTotals();
      refreshChecks();
    } catch (e) { paintLast("✖ KHÔNG HỦY ĐƯỢC", false, messageOf(e).message); }
    ballotInput.focus();
  }

  const totals = h("section", { class: "totals", id: "totals" });
  function paintTotals() {
    if (!live) return;
    const l = live;
    const groups = h("table", { class: "figures compact", id: "groups" },
      h("tbody", {}, ...l.groups.map((n, i) => h("tr", { "data-k": i + 1 }, h("td", {}, `Phiếu bầu ${i + 1} đại biểu`), h("td", { class: "n" }, num(n))))));
    const cands = h("table", { class: "figures compact", id: "candidates" },
      h("thead", {}, h("tr", {}, h("th", {}, "Số"), h("th", {}, "Người ứng cử"), h("th", {}, "Phiếu bầu"))),
      h("tbody", {}, ...l.candidates.map((c) => h("tr", { id: `cand-${c.position}`, "data-id": c.id },
        h("td", { class: "n" }, String(c.position)), h("td", {}, c.name), h("td", { class: "n votes" }, num(c.votes))))));
    const reasons = Object.entries(l.invalid_by_reason).filter(([, n]) => n > 0)
      .map(([k, n]) => `${vi.reasons[k] ?? k}: ${num(n)}`).join(" · ");
    const batches = h("table", { class: "figures compact", id: "batches" },
      h("thead", {}, h("tr", {}, h("th", {}, "Lượt"), h("th", {}, "Người ghi / nguồn"), h("th", {}, "Phiếu"), h("th", {}, "Hợp lệ"), h("th", {}, "Không hợp lệ"))),
      h("tbody", {}, ...l.batches.map((b) => h("tr", { class: b.id === batch ? "current" : "" },
        h("td", {}, String(b.id)), h("td", {}, b.recorder || b.source), h("td", { class: "n" }, num(b.ballots)),
        h("td", { class: "n" }, num(b.valid)), h("td", { class: "n" }, num(b.invalid))))));
    totals.replaceChildren(
      h("div", { class: "big-figures" },
        h("div", {}, h("span", {}, "Đã kiểm"), h("strong", { id: "tot-received" }, num(l.received))),
        h("div", {}, h("span", {}, "Hợp lệ"), h("strong", { id: "tot-valid" }, num(l.valid))),
        h("div", {}, h("span", {}, "Không hợp lệ"), h("strong", { id: "tot-invalid" }, num(l.invalid)))),
      reasons ? h("p", { class: "hint" }, reasons) : "",
      cands, groups, h("h3", {}, "Các lượt nhập"), batches);
  }

  function deskPanel(): HTMLElement {
    const newBatch = async () => {
      const f = await dialog("Lượt nhập mới (người ghi phiếu khác)", [
        field("Người ghi", h("input", { name: "recorder", id: "recorder-name", required: true })),
      ], "Bắt đầu");
      if (!f) return;
      try {
        const b = await api.startBatch(level, formText(f, "recorder"));
        batch = b.id;
        toast(`Bắt đầu lượt ${b.id} — ${b.recorder}`);
        live = await api.liveTally(level);
        paintTotals();
      } catch (e) { showError(e, msg); }
      ballotInput.focus();
    };
    return h("div", { class: "count-desk" },
      ballotInput,
      h("p", { class: "hint" },
        "Enter: ghi phiếu · ", h("kbd", {}, "-"), " gạch hết tên · ", h("kbd", {}, "/"), " không theo mẫu · ",
        h("kbd", {}, "*"), " không có dấu · ", h("kbd", {}, "+"), " ghi thêm · giữ quá số đại biểu tự thành không hợp lệ"),
      lastBox,
      h("div", { class: "toolbar" }, undoBtn, h("button", { class: "secondary", id: "new-batch", onclick: newBatch }, "Lượt nhập mới")));
  }

  // ---- tally sheet (double entry) ---------------------------------------------
  async function tallyPanel(): Promise<HTMLElement> {
    const st: TallyStatusDto = await api.tallyStatus(level);
    const l = live;
    if (!l) return h("div");
    // The first person types entry 1; whoever comes next types (or re-types) entry 2.
    let entry = st.entries.length === 0 ? 1 : 2;
    const numIn = (id: string) => h("input", { id, type: "number", min: 0, inputmode: "numeric", class: "num-in", value: "" });
    const by = h("input", { id: "tally-by", placeholder: "Họ tên người nhập" });
    const rec = numIn("tally-received"), val = numIn("tally-valid"), inval = numIn("tally-invalid");
    const groups = l.groups.map((_, i) => numIn(`tally-group-${i + 1}`));
    const reasons = Object.keys(vi.reasons).map((k) => [k, numIn(`tally-reason-${k}`)] as const);
    const votes = l.candidates.map((c) => numIn(`tally-votes-${c.position}`));
    const entrySel = h("select", { id: "tally-entry" },
      h("option", { value: "1", selected: entry === 1 }, "Lần nhập 1"), h("option", { value: "2", selected: entry === 2 }, "Lần nhập 2"));
    entrySel.addEventListener("change", () => { entry = Number(entrySel.value); });
    const diffs = new Map(st.differences.map((d) => [d.field, d]));
    const mark = (el: HTMLInputElement, f: string) => { if (diffs.has(f)) el.classList.add("diff"); };
    mark(rec, "received"); mark(val, "valid"); mark(inval, "invalid");
    groups.forEach((g, i) => mark(g, `group.${i + 1}`));
    votes.forEach((v, i) => mark(v, `votes.${i + 1}`));
    const form = h("form", { class: "tally-form", id: "tally-form" },
      h("div", { class: "toolbar" }, entrySel, by),
      h("div", { class: "grid3" }, field("Số phiếu thu vào", rec), field("Số phiếu hợp lệ", val), field("Số phiếu không hợp lệ", inval)),
      h("details", {}, h("summary", {}, "Phiếu không hợp lệ theo lý do (nếu bảng giấy có ghi)"),
        h("div", { class: "grid3" }, ...reasons.map(([k, el]) => field(vi.reasons[k], el)))),
      h("h3", {}, "Số phiếu theo nhóm"),
      h("div", { class: "grid3" }, ...groups.map((g, i) => field(`Phiếu bầu ${i + 1} đại biểu`, g))),
      h("h3", {}, "Số phiếu bầu cho mỗi người ứng cử"),
      h("div", { class: "grid2" }, ...votes.map((v, i) => field(`${i + 1}. ${l.candidates[i].name}`, v))),
      h("button", { class: "primary big", type: "submit", id: "tally-save" }, "Lưu lần nhập"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const input: TallySheetInput = {
        level, entry, entered_by: by.value, received: Number(rec.value || 0), valid: Number(val.value || 0),
        invalid: Number(inval.value || 0),
        invalid_by_reason: Object.fromEntries(reasons.filter(([, el]) => el.value !== "").map(([k, el]) => [k, Number(el.value)])),
        groups: groups.map((g) => Number(g.value || 0)),
        votes: votes.map((v) => Number(v.value || 0)),
      };
      try {
        const r = await api.enterTally(input);
        toast(r.message, r.agreed ? "ok" : "error");
        void load();
      } catch (err) { showError(err, msg); }
    });
    // Only the fields that differ are ever settled again (issue 15 item 4):
    // the Tổ trưởng picks the right entry per field, or sends just those
    // fields to a third person who types them without seeing either value.
    const pending = st.reentry.length > 0;
    const decider = h("input", { id: "tally-decider", placeholder: "Họ tên Tổ trưởng" });
    const decide = async (picks: Record<string, number>, reenter: boolean) => {
      try {
        const r = await api.decideTally({ level, picks, reenter: [], reenter_all: reenter, decided_by: decider.value });
        toast(r.message, r.agreed ? "ok" : "error");
        void load();
      } catch (err) { showError(err, msg); }
    };
    const stateVi: Record<string, string> = { open: "chưa quyết định", awaiting_third: "chờ người thứ ba nhập", third_disagrees: "lần 3 khác cả hai", settled: "đã quyết định" };
    const fid = (f: string) => f.replace(/\./g, "-");
    const rows = st.fields.length ? st.fields : st.differences.map((d) => ({ ...d, state: "open", third: null, value: null, settled_by: null }));
    const status = h("div", { class: `tally-status ${st.agreed ? "ok" : ""}`, id: "tally-status" },
      h("strong", {}, st.message),
      rows.length ? h("table", { class: "figures compact", id: "tally-diffs" },
        h("thead", {}, h("tr", {}, h("th", {}, "Mục"), h("th", {}, "Lần 1"), h("th", {}, "Lần 2"), h("th", {}, "Tình trạng"), h("th", {}, "Tổ trưởng chọn"))),
        h("tbody", {}, ...rows.map((d) => {
          // While a third entry is pending the earlier values stay hidden.
          const show = (v: number) => pending ? "•••" : num(v);
          const choices = d.state === "open" || d.state === "third_disagrees"
            ? h("span", { class: "row" },
              h("button", { type: "button", class: "secondary", id: `tally-pick-${fid(d.field)}-1`, onclick: () => decide({ [d.field]: 1 }, false) }, "Lần 1 đúng"),
              h("button", { type: "button", class: "secondary", id: `tally-pick-${fid(d.field)}-2`, onclick: () => decide({ [d.field]: 2 }, false) }, "Lần 2 đúng"),
              d.state === "third_disagrees" ? h("button", { type: "button", class: "secondary", id: `tally-pick-${fid(d.field)}-3`, onclick: () => decide({ [d.field]: 3 }, false) }, `Lần 3 đúng (${num(d.third ?? 0)})`) : "")
            : d.state === "settled" ? `${num(d.value ?? 0)} (lần ${d.settled_by ?? ""})` : "";
          return h("tr", { "data-field": d.field, "data-state": d.state }, h("td", {}, d.label), h("td", { class: "n" }, show(d.first)), h("td", { class: "n" }, show(d.second)),
            h("td", {}, stateVi[d.state] ?? d.state), h("td", {}, choices));
        }))) : "",
      rows.some((d) => d.state === "open" || d.state === "third_disagrees")
        ? h("div", { class: "toolbar" }, decider,
          h("button", { type: "button", class: "secondary", id: "tally-reenter", onclick: () => decide({}, true) }, "Gửi các mục chưa quyết định cho người thứ ba nhập lại"))
        : "");
    if (pending) {
      // The third person's form: the fields sent back, empty, nothing else.
      const who = h("input", { id: "tally-third-by", placeholder: "Họ tên người nhập lần thứ ba" });
      const ins = st.reentry.map((f) => [f.field, h("input", { id: `tally-third-${fid(f.field)}`, type: "number", min: 0, inputmode: "numeric", class: "num-in", value: "" })] as const);
      const third = h("form", { class: "tally-form", id: "tally-third-form" },
        h("h3", {}, "Lần nhập thứ ba: chỉ các mục được gửi lại"),
        h("p", { class: "hint" }, "Người thứ ba (không phải hai người đã nhập) đọc bảng kiểm phiếu giấy và nhập các mục dưới đây; không xem hai lần nhập trước."),
        who, h("div", { class: "grid2" }, ...st.reentry.map((f, i) => field(f.label, ins[i][1]))),
        h("button", { class: "primary big", type: "submit", id: "tally-third-save" }, "Lưu lần nhập thứ ba"));
      third.addEventListener("submit", async (e) => {
        e.preventDefault();
        try {
          const r = await api.enterTallyThird({ level, entered_by: who.value, values: Object.fromEntries(ins.map(([f, el]) => [f, Number(el.value || 0)])) });
          toast(r.message, r.agreed ? "ok" : "error");
          void load();
        } catch (err) { showError(err, msg); }
      });
      return h("div", {}, status, third);
    }
    return h("div", {}, status, h("p", { class: "hint" }, "Hai người nhập độc lập cùng một bảng kiểm phiếu giấy; số liệu chỉ được dùng khi hai lần khớp nhau từng mục. Khi khác nhau, chỉ các mục khác nhau được quyết định lại."), form);
  }

  // ---- checks -----------------------------------------------------------------
  function jump(c: CheckDto) {
    const f = c.field;
    const byField: Record<string, string> = {
      "inventory.received": "#inv-received", "inventory.unused": "#inv-unused", "inventory.spoiled": "#inv-spoiled",
      team: "#team-leader", groups: "#groups", tally: "#tally-form", "count.received": mode === "desk" ? "#ballot-input" : "#tally-received",
      "count.invalid": mode === "desk" ? "#totals" : "#tally-invalid", votes: "#candidates", count: "#totals",
    };
    if (f === "turnout") { ctx.go("turnout"); return; }
    let sel = byField[f];
    if (!sel && f.startsWith("votes.")) sel = mode === "desk" ? `#cand-${f.slice(6)}` : `#tally-votes-${f.slice(6)}`;
    const el = sel ? main.querySelector(sel) : null;
    if (!el) return;
    el.closest("details")?.setAttribute("open", "");
    el.scrollIntoView({ block: "center" });
    el.classList.add("flash");
    window.setTimeout(() => el.classList.remove("flash"), 1500);
    if (el instanceof HTMLInputElement) el.focus();
  }

  function paintChecks(s: SummaryDto) {
    const items = s.checks.map((c) => h("li", {
      class: `check-item ${c.severity} ${c.accepted ? "accepted" : ""}`, "data-code": c.code, tabindex: 0,
      onclick: () => jump(c), onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === "Enter") jump(c); },
    },
      h("span", { class: "code" }, c.code),
      h("span", { class: "msg" }, c.message, h("br"), h("em", {}, `→ ${c.next_step}`),
        c.accepted ? h("span", { class: "hint" }, ` (đã chấp nhận: ${c.accepted_reason ?? ""})`) : ""),
      c.severity === "warning" && !c.accepted && s.status !== "final"
        ? h("button", { class: "secondary", onclick: (e: Event) => { e.stopPropagation(); void accept(c); } }, "Chấp nhận…") : "",
      (c.code === "E02" || c.code === "E03") && !c.accepted && s.status !== "final"
        ? h("span", {},
          h("button", { class: "secondary", id: `recount-${c.code}`, onclick: (e: Event) => { e.stopPropagation(); void recount(); } }, "Đã kiểm lại phiếu"),
          h("button", { class: "secondary", id: `explain-${c.code}`, onclick: (e: Event) => { e.stopPropagation(); void explain(c); } }, "Ghi vào biên bản kèm giải trình…")) : ""));
    checksBox.replaceChildren(
      h("h2", {}, `Kiểm tra số liệu cấp ${s.level}`),
      s.status === "final" ? h("p", { class: "final-note" }, `Biên bản đã khóa (bản số ${s.revisions.length}).`) : "",
      items.length ? h("ul", { class: "check-list" }, ...items) : h("p", { class: "all-ok", id: "checks-ok" }, "✔ Không có lỗi hay cảnh báo."),
      h("p", { class: "hint" }, s.may_finalize ? "Không còn lỗi chặn: có thể hoàn tất biên bản ở màn hình Biên bản." : "Còn lỗi (E…) phải sửa trước khi hoàn tất biên bản."));
  }

  async function recount() {
    const f = await dialog(`Ghi việc kiểm lại phiếu cấp ${level}`, [
      field("Ghi chú (ai kiểm lại, kết quả)", h("textarea", { name: "note", id: "recount-note", rows: 2 })),
    ], "Ghi");
    if (!f) return;
    try { paintChecks(await api.recordRecount(level, formText(f, "note"))); toast("Đã ghi việc kiểm lại phiếu"); } catch (e) { showError(e, msg); }
  }

  /** E02/E03 after a recount: carried into the minutes with the Tổ trưởng's written explanation (item 7). */
  async function explain(c: CheckDto) {
    const f = await dialog(`Ghi ${c.code} vào biên bản kèm giải trình`, [
      h("p", {}, c.message),
      h("p", { class: "hint" }, "Chỉ làm được sau khi Tổ đã kiểm lại phiếu. Lời giải trình được in ở mục những vấn đề chưa giải quyết được và kiến nghị của biên bản."),
      field("Giải trình của Tổ trưởng", h("textarea", { name: "reason", id: "explain-reason", required: true, rows: 3 })),
    ], "Ghi vào biên bản");
    if (!f) return;
    try { paintChecks(await api.acceptWarning({ level, code: c.code, reason: formText(f, "reason") })); } catch (e) { showError(e, msg); }
  }

  async function accept(c: CheckDto) {
    const f = await dialog(`Chấp nhận cảnh báo ${c.code}?`, [
      h("p", {}, c.message),
      field("Lý do của Tổ trưởng (ghi vào nhật ký)", h("textarea", { name: "reason", id: "accept-reason", required: true, rows: 3 })),
    ], "Chấp nhận");
    if (!f) return;
    try { paintChecks(await api.acceptWarning({ level, code: c.code, reason: formText(f, "reason") })); } catch (e) { showError(e, msg); }
  }

  // The checks read every level's figures: refreshed shortly after the last
  // ballot, not on each one, so the desk never waits for them.
  let checksTimer: number | undefined;
  function refreshChecks() {
    window.clearTimeout(checksTimer);
    checksTimer = window.setTimeout(async () => {
      try { summary = await api.summary(level); paintChecks(summary); } catch (e) { showError(e, msg); }
    }, 400);
  }

  // ---- ballots drill (diễn tập kiểm phiếu; rehearsal only, writes nothing) ------
  /** What the reader says and what the recorder must type, for a random deck. */
  type DrillBallot = { say: string; line: string };
  const normalize = (line: string) => line === "-" || line.startsWith("INVALID") ? line.trim()
    : line.trim().split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b).join(" ");

  function deck(n: number, seats: number): DrillBallot[] {
    const cands = live?.candidates ?? [];
    const out: DrillBallot[] = [];
    for (let i = 0; i < n; i++) {
      const r = Math.random();
      if (r < 0.05) out.push({ say: "gạch hết tên", line: "-" });
      else if (r < 0.08) out.push({ say: "không có dấu của Tổ bầu cử", line: "INVALID khong_co_dau" });
      else if (r < 0.10) out.push({ say: "không theo mẫu quy định", line: "INVALID khong_theo_mau" });
      else if (r < 0.12) out.push({ say: "có ghi thêm tên người ngoài danh sách", line: "INVALID ghi_them" });
      else {
        const k = 1 + Math.floor(Math.random() * Math.max(1, Math.min(seats, cands.length)));
        const pos = cands.map((c) => c.position).sort(() => Math.random() - 0.5).slice(0, k).sort((a, b) => a - b);
        out.push({ say: `giữ ${pos.map((p) => `${p}. ${cands[p - 1]?.name ?? ""}`).join("; ")}`, line: pos.join(" ") });
      }
    }
    return out;
  }

  function drillPanel(): HTMLElement {
    const size = h("select", { id: "drill-size" }, ...[10, 20, 40].map((n) => h("option", { value: String(n), selected: n === 20 }, `${n} phiếu`)));
    const read = h("div", { class: "drill-read", id: "drill-read", "aria-live": "assertive" }, "Nhấn “Bắt đầu”: từng phiếu được đọc ở đây như người đọc phiếu đọc to; gõ như ở bàn kiểm phiếu rồi Enter.");
    const inp = h("input", { id: "drill-input", class: "desk-input", autocomplete: "off", inputmode: "numeric", disabled: true, placeholder: "Gõ phiếu vừa đọc (135, -, /, *, +), Enter" });
    const score = h("div", { id: "drill-score", role: "status" });
    let cards: DrillBallot[] = [];
    let at = 0;
    let shownAt = 0;
    const answers: { typed: string; ok: boolean; ms: number }[] = [];
    const show = () => {
      read.textContent = `Phiếu ${at + 1}/${cards.length}: ${cards[at].say}`;
      shownAt = performance.now();
      inp.value = "";
      inp.focus();
    };
    const finish = () => {
      inp.disabled = true;
      const right = answers.filter((a) => a.ok).length;
      const secs = answers.reduce((t, a) => t + a.ms, 0) / 1000 / Math.max(1, answers.length);
      const wrong = answers.map((a, i) => ({ a, i })).filter(({ a }) => !a.ok);
      read.textContent = "Hết phiếu diễn tập.";
      score.replaceChildren(
        h("p", { class: right === answers.length ? "all-ok" : "verdict warn", id: "drill-result" },
          `Đúng ${right}/${answers.length} phiếu (${Math.round((100 * right) / Math.max(1, answers.length))}%) · trung bình ${secs.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} giây mỗi phiếu`),
        wrong.length ? h("ul", {}, ...wrong.map(({ a, i }) => h("li", {}, `Phiếu ${i + 1}: gõ “${a.typed || "(trống)"}”, đúng là “${cards[i].line}” (${cards[i].say})`))) : "",
        h("p", { class: "hint" }, "Không có gì được ghi vào số liệu: đây chỉ là luyện tập."));
    };
    const start = h("button", { class: "secondary", id: "drill-start", onclick: () => {
      cards = deck(Number(size.value), summary?.seats ?? 1);
      at = 0;
      answers.length = 0;
      score.replaceChildren();
      inp.disabled = false;
      show();
    } }, "Bắt đầu");
    inp.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (PERSON_KEYS[e.key] && inp.value.trim() === "") { e.preventDefault(); inp.value = `INVALID ${PERSON_KEYS[e.key]}`; return; }
      if (e.key !== "Enter" && e.key !== "NumpadEnter") return;
      e.preventDefault();
      if (at >= cards.length) return;
      const typed = toLine(inp.value, live?.candidates.length ?? 0);
      answers.push({ typed, ok: normalize(typed) === normalize(cards[at].line), ms: performance.now() - shownAt });
      at++;
      if (at < cards.length) show(); else finish();
    });
    return h("details", { class: "panel", id: "drill-panel" },
      h("summary", {}, "Diễn tập kiểm phiếu: đọc — gõ — chấm điểm"),
      h("p", { class: "hint" }, "Một xấp phiếu ngẫu nhiên của cấp này; người đọc đọc to dòng trên, người ghi gõ như thật. Cuối xấp: tỷ lệ đúng và số giây mỗi phiếu. Không ghi gì vào số liệu."),
      h("div", { class: "toolbar" }, size, start), read, inp, score);
  }

  // ---- assembly -----------------------------------------------------------------
  async function load() {
    paintTabs();
    msg.replaceChildren();
    try {
      [live, summary] = await Promise.all([api.liveTally(level), api.summary(level)]);
      const s = summary;
      if (s.method === "tally") mode = "tally";
      const modeBar = h("div", { class: "toolbar mode-bar" },
        h("button", { class: `tab ${mode === "desk" ? "active" : ""}`, id: "mode-desk", onclick: () => { mode = "desk"; void load(); }, disabled: s.method === "tally" }, "Nhập từng phiếu"),
        h("button", { class: `tab ${mode === "tally" ? "active" : ""}`, id: "mode-tally", onclick: () => { mode = "tally"; void load(); }, disabled: s.method === "ballots" }, "Nhập bảng kiểm phiếu (2 lần)"),
        h("span", { class: "hint" }, `${s.constituency_name} — ${s.seats} đại biểu, ${live.candidates.length} người ứng cử`));
      const work = mode === "desk" ? deskPanel() : await tallyPanel();
      left.replaceChildren(inventoryForm(s), await teamPanel(), await dayFactsPanel("count", msg, load), modeBar, work, ctx.status.rehearsal ? drillPanel() : "");
      if (s.status === "final") {
        ballotInput.disabled = true;
        left.prepend(h("p", { class: "final-note" }, "Biên bản cấp này đã khóa; muốn sửa, mở bản sửa đổi ở màn hình Biên bản."));
      } else ballotInput.disabled = false;
      paintTotals();
      paintChecks(s);
      right.replaceChildren(mode === "desk" ? totals : h("div"), checksBox);
      if (mode === "desk") ballotInput.focus();
    } catch (e) { showError(e, msg); }
  }

  ballotInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === "NumpadEnter") { e.preventDefault(); void enter(); return; }
    if (PERSON_KEYS[e.key] && ballotInput.value.trim() === "") {
      e.preventDefault();
      ballotInput.value = `INVALID ${PERSON_KEYS[e.key]}`;
      paintLast(`${vi.reasons[PERSON_KEYS[e.key]]} — nhấn Enter để ghi`, false);
    }
  });
  const onKey = (e: KeyboardEvent) => {
    if (document.querySelector("dialog[open]")) return;
    if (e.ctrlKey && e.key === "z" && mode === "desk") { e.preventDefault(); void undo(); }
    if (e.ctrlKey && /^[1-4]$/.test(e.key)) {
      const l = levels[Number(e.key) - 1];
      if (l) { e.preventDefault(); level = l.code; batch = null; void load(); }
    }
  };
  window.addEventListener("keydown", onKey);
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Kiểm phiếu"), levelTabs), msg,
    h("div", { class: "count" }, left, right));
  void load();
  return () => { window.removeEventListener("keydown", onKey); window.clearTimeout(checksTimer); };
}
