// The checks panel: every failed check of the level (shared/checks.md),
// a click goes to the field it is about; warnings accepted with a reason,
// E02/E03 carried with an explanation after a recount.
import type { CheckDto, SummaryDto } from "../../bindings/ipc";
import type { Ctx } from "../../ctx";
import { api } from "../../platform/tauri";
import { dialog, field, formText, h, showError, toast } from "../../ui";
import type { CountState } from "./state";

/** The panel, its painter, a deferred refresh and what to clear on leaving. */
export interface Checks {
  box: HTMLElement;
  paint: (s: SummaryDto) => void;
  refresh: () => void;
  dispose: () => void;
}

export function makeChecks(st: CountState, main: HTMLElement, ctx: Ctx): Checks {
  const checksBox = h("section", { class: "checks", id: "checks" });
  function jump(c: CheckDto) {
    const f = c.field;
    const byField: Record<string, string> = {
      "inventory.received": "#inv-received", "inventory.unused": "#inv-unused", "inventory.spoiled": "#inv-spoiled",
      team: "#team-leader", groups: "#groups", tally: "#tally-form", "count.received": st.mode === "desk" ? "#ballot-input" : "#tally-received",
      "count.invalid": st.mode === "desk" ? "#totals" : "#tally-invalid", votes: "#candidates", count: "#totals",
    };
    if (f === "turnout") { ctx.go("turnout"); return; }
    let sel = byField[f];
    if (!sel && f.startsWith("votes.")) sel = st.mode === "desk" ? `#cand-${f.slice(6)}` : `#tally-votes-${f.slice(6)}`;
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
    const f = await dialog(`Ghi việc kiểm lại phiếu cấp ${st.level}`, [
      field("Ghi chú (ai kiểm lại, kết quả)", h("textarea", { name: "note", id: "recount-note", rows: 2 })),
    ], "Ghi");
    if (!f) return;
    try { paintChecks(await api.recordRecount(st.level, formText(f, "note"))); toast("Đã ghi việc kiểm lại phiếu"); } catch (e) { showError(e, st.msg); }
  }

  /** E02/E03 after a recount: carried into the minutes with the Tổ trưởng's written explanation (item 7). */
  async function explain(c: CheckDto) {
    const f = await dialog(`Ghi ${c.code} vào biên bản kèm giải trình`, [
      h("p", {}, c.message),
      h("p", { class: "hint" }, "Chỉ làm được sau khi Tổ đã kiểm lại phiếu. Lời giải trình được in ở mục những vấn đề chưa giải quyết được và kiến nghị của biên bản."),
      field("Giải trình của Tổ trưởng", h("textarea", { name: "reason", id: "explain-reason", required: true, rows: 3 })),
    ], "Ghi vào biên bản");
    if (!f) return;
    try { paintChecks(await api.acceptWarning({ level: st.level, code: c.code, reason: formText(f, "reason") })); } catch (e) { showError(e, st.msg); }
  }

  async function accept(c: CheckDto) {
    const f = await dialog(`Chấp nhận cảnh báo ${c.code}?`, [
      h("p", {}, c.message),
      field("Lý do của Tổ trưởng (ghi vào nhật ký)", h("textarea", { name: "reason", id: "accept-reason", required: true, rows: 3 })),
    ], "Chấp nhận");
    if (!f) return;
    try { paintChecks(await api.acceptWarning({ level: st.level, code: c.code, reason: formText(f, "reason") })); } catch (e) { showError(e, st.msg); }
  }

  // The checks read every level's figures: refreshed shortly after the last
  // ballot, not on each one, so the desk never waits for them.
  let checksTimer: number | undefined;
  function refreshChecks() {
    window.clearTimeout(checksTimer);
    checksTimer = window.setTimeout(async () => {
      try { st.summary = await api.summary(st.level); paintChecks(st.summary); } catch (e) { showError(e, st.msg); }
    }, 400);
  }
  return { box: checksBox, paint: paintChecks, refresh: refreshChecks, dispose: () => window.clearTimeout(checksTimer) };
}
