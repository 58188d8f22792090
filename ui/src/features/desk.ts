// Bàn phát phiếu: type a name, STT or ID number; Enter hands out the ballots
// of the highlighted voter; a big confirmation says what happened; Ctrl+Z undoes.
import type { CheckinResult, VoterRowDto } from "../bindings/ipc";
import type { Ctx } from "../ctx";
import { api } from "../platform/tauri";
import { dateVi, dialog, field, formText, h, messageOf, num, showError, timeOf, toast } from "../ui";
import { dayFactsPanel } from "./dayfacts";

export function deskScreen(main: HTMLElement, ctx: Ctx): () => void {
  const levels = ctx.status.levels;
  let results: VoterRowDto[] = [];
  let hi = 0;
  let last: CheckinResult | null = null;
  let seq = 0;
  let searchedFor = "";
  let mobile = false;
  const chosen = new Set(levels.map((l) => l.code));

  const input = h("input", {
    id: "desk-search", class: "desk-input", type: "search", autocomplete: "off", spellcheck: "false",
    placeholder: "Gõ tên (không cần dấu), số thẻ (STT) hoặc số căn cước…", "aria-label": "Tìm cử tri",
  });
  const list = h("ol", { id: "desk-results", class: "results", role: "listbox" });
  const confirm = h("section", { id: "confirm", class: "confirm idle", "aria-live": "assertive" },
    h("div", { class: "big" }, "Sẵn sàng phát phiếu"), h("div", {}, "Gõ tên hoặc số thẻ rồi nhấn Enter."));
  const counter = h("div", { id: "desk-counter", class: "counter" });
  const levelBoxes = h("div", { class: "levels", id: "desk-levels" });
  const mobileBox = h("label", { class: "check" });
  const undoBtn = h("button", { class: "danger big", id: "undo-button", disabled: true, onclick: () => undo() }, "Hoàn tác lần vừa rồi ", h("kbd", {}, "Ctrl+Z"));

  function paintLevels() {
    levelBoxes.replaceChildren(...levels.map((l, i) => {
      const cb = h("input", { type: "checkbox", "data-level": l.code, checked: chosen.has(l.code) });
      cb.addEventListener("change", () => { if (cb.checked) chosen.add(l.code); else chosen.delete(l.code); input.focus(); });
      return h("label", { class: "check level", title: l.name }, cb, ` ${l.code} `, h("kbd", {}, `F${i + 2}`));
    }));
    const cb = h("input", { type: "checkbox", id: "desk-mobile", checked: mobile });
    cb.addEventListener("change", () => { mobile = cb.checked; input.focus(); });
    mobileBox.replaceChildren(cb, " Hòm phiếu phụ ", h("kbd", {}, "F8"));
  }

  function paintResults() {
    list.replaceChildren(...results.map((r, i) => {
      const v = r;
      const got = Object.keys(v.checked_in);
      const state = r.status !== "active" ? r.status_vi : got.length ? `đã nhận ${got.join(", ")} lúc ${timeOf(Object.values(v.checked_in)[0])}` : "chưa nhận phiếu";
      return h("li", {
        class: `${i === hi ? "hi" : ""} ${got.length || r.status !== "active" ? "done" : ""}`, role: "option", "aria-selected": i === hi,
        "data-stt": v.stt, onclick: () => { hi = i; void checkin(); },
      },
        h("span", { class: "stt" }, `Số ${v.stt}`), h("span", { class: "name" }, v.name),
        h("span", { class: "meta" }, `${dateVi(v.birth_date)} · ${v.gender} · ${v.levels.join(" ")}`),
        h("span", { class: "state" }, state));
    }));
  }

  async function updateCounter() {
    try {
      const t = await api.turnoutView();
      counter.replaceChildren(...t.levels.map((l) => h("span", {}, `${l.code}: ${num(l.voters_voted)}/${num(l.voters_listed)} (${l.percent_vi}%)`)));
    } catch { /* the header shows errors elsewhere */ }
  }

  let timer: number | undefined;
  async function find() {
    const my = ++seq;
    const q = input.value.trim();
    if (!q) { results = []; searchedFor = ""; paintResults(); return; }
    try {
      const r = await api.search(q, 8);
      if (my !== seq) return;
      results = r;
      searchedFor = q;
      hi = 0;
      paintResults();
    } catch (e) { show(false, "Lỗi tìm kiếm", messageOf(e).message); }
  }

  function show(ok: boolean, big: string, detail: string) {
    confirm.className = `confirm ${ok ? "ok" : "refused"}`;
    confirm.replaceChildren(h("div", { class: "big" }, big), h("div", { class: "detail", id: "confirm-detail" }, detail));
  }

  async function checkin() {
    const r = results[hi];
    if (!r) return;
    const wanted = levels.map((l) => l.code).filter((c) => chosen.has(c) && r.levels.includes(c));
    const all = wanted.length === r.levels.length;
    try {
      const res = await api.checkin(r.stt, all ? null : wanted, mobile);
      last = res;
      undoBtn.removeAttribute("disabled");
      show(true, `✔ ĐÃ PHÁT PHIẾU — Số ${res.voter.stt}`, `${res.voter.name} · nhận ${res.levels.length} phiếu: ${res.levels.join(", ")}${mobile ? " · hòm phiếu phụ" : ""}`);
      input.value = "";
      results = [];
      searchedFor = "";
      paintResults();
      void updateCounter();
    } catch (e) {
      show(false, "✖ KHÔNG PHÁT PHIẾU", messageOf(e).message);
    }
    input.focus();
  }

  async function undo() {
    if (!last) return;
    const v = last.voter;
    const f = await dialog(`Hoàn tác phát phiếu cho cử tri số ${v.stt} — ${v.name}?`, [
      field("Lý do (bắt buộc, ghi vào nhật ký)", h("input", { name: "reason", id: "undo-reason", required: true, value: "Nhầm cử tri" })),
    ], "Hoàn tác");
    if (f) {
      try {
        const res = await api.undoCheckin(v.stt, last.levels, formText(f, "reason"));
        show(true, `↶ ĐÃ HOÀN TÁC — Số ${v.stt}`, res.message);
        last = null;
        undoBtn.setAttribute("disabled", "");
        void updateCounter();
      } catch (e) { show(false, "✖ KHÔNG HOÀN TÁC ĐƯỢC", messageOf(e).message); }
    }
    input.focus();
  }

  input.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(find, 60); });
  const onKey = (e: KeyboardEvent) => {
    if (document.querySelector("dialog[open]")) return;
    if (e.key === "Enter" && document.activeElement === input) {
      e.preventDefault();
      window.clearTimeout(timer);
      // Enter right after typing: search first, then check in the best match.
      void (input.value.trim() !== searchedFor ? find() : Promise.resolve()).then(checkin);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      hi = Math.max(0, Math.min(results.length - 1, hi + (e.key === "ArrowDown" ? 1 : -1)));
      paintResults();
    } else if (e.key === "Escape") {
      input.value = ""; results = []; paintResults(); input.focus();
    } else if (e.key === "z" && e.ctrlKey) {
      e.preventDefault(); void undo();
    } else if (/^F[2-5]$/.test(e.key)) {
      const l = levels[Number(e.key.slice(1)) - 2];
      if (l) { e.preventDefault(); if (chosen.has(l.code)) chosen.delete(l.code); else chosen.add(l.code); paintLevels(); }
    } else if (e.key === "F8") {
      e.preventDefault(); mobile = !mobile; paintLevels();
    }
  };
  window.addEventListener("keydown", onKey);

  // The opening check of the ballot box, incidents, the end of voting.
  const facts = h("div", { id: "desk-facts" });
  const factsMsg = h("div");
  async function paintFacts() {
    try { facts.replaceChildren(await dayFactsPanel("desk", factsMsg, paintFacts)); } catch (e) { factsMsg.textContent = messageOf(e).message; }
  }

  // Election day without a backup folder: the app asks before the first check-in.
  const askBackup = ctx.status.backup_required ? (() => {
    const dir = h("input", { id: "desk-backup-dir", type: "text", size: "36", placeholder: "Thư mục trên USB, ví dụ E:\\sao-luu" });
    const err = h("div");
    const save = h("button", { class: "primary", id: "desk-backup-save", onclick: async () => {
      try {
        await api.setBackupSettings(dir.value.trim() || null, 15, 8);
        toast("Đã bật sao lưu mỗi 15 phút");
        await ctx.refresh();
      } catch (e) { showError(e, err); }
    } }, "Chọn nơi sao lưu và bắt đầu phát phiếu");
    return h("section", { class: "required-box", id: "desk-backup" },
      h("strong", {}, "Hôm nay là ngày bầu cử: chọn nơi sao lưu (USB) trước khi phát phiếu cho cử tri đầu tiên."),
      h("div", { class: "inline-form" }, dir, save), err);
  })() : null;

  // After a power cut: the numbers ticked on the paper list, entered at once.
  const bulkResult = h("div", { id: "bulk-result", role: "status" });
  const bulkNumbers = h("textarea", { id: "bulk-numbers", rows: 3, cols: 40, placeholder: "Số thẻ cử tri đã đánh dấu trên danh sách giấy: 215 216 230, hoặc mỗi dòng một số" });
  const bulkFrom = h("input", { id: "bulk-from", size: "5", placeholder: "10:00" });
  const bulkTo = h("input", { id: "bulk-to", size: "5", placeholder: "10:15" });
  const bulkSave = h("button", { class: "primary", id: "bulk-save", onclick: async () => {
    try {
      const r = await api.bulkCheckin(bulkNumbers.value, bulkFrom.value.trim(), bulkTo.value.trim());
      bulkResult.className = "ok-box";
      bulkResult.textContent = r.message;
      bulkNumbers.value = "";
      void updateCounter();
    } catch (e) { bulkResult.className = ""; showError(e, bulkResult); }
  } }, "Ghi nhận tất cả");
  const bulkPanel = h("details", { class: "panel", id: "bulk-panel" },
    h("summary", {}, "Nhập bổ sung sau mất điện / hỏng máy"),
    h("p", { class: "hint" }, "Sau khi khôi phục bản sao lưu: gõ các số thẻ đã đánh dấu trên danh sách giấy từ lúc bản sao lưu dừng (tất cả hoặc không: số trùng với người đã nhận phiếu trong máy bị báo và không ghi gì)."),
    bulkNumbers,
    h("div", { class: "inline-form" }, field("Mất điện từ (giờ:phút)", bulkFrom), field("đến", bulkTo), bulkSave),
    bulkResult);

  paintLevels();
  main.append(
    h("div", { class: "desk" },
      h("div", { class: "desk-left" },
        askBackup,
        h("h1", {}, "Bàn phát phiếu"),
        input,
        h("div", { class: "toolbar" }, h("span", {}, "Phát phiếu các cấp:"), levelBoxes, mobileBox),
        list,
        h("p", { class: "hint" }, "Enter: phát phiếu cho người được tô sáng · ↑↓ chọn người khác · Esc: xóa ô tìm")),
      h("div", { class: "desk-right" }, confirm, undoBtn, counter, facts, factsMsg, bulkPanel)));
  void updateCounter();
  void paintFacts();
  input.focus();
  return () => window.removeEventListener("keydown", onKey);
}
