// Kiểm phiếu: per level — kiểm kê, the team and witnesses, the counting desk
// (keyboard / number pad only, running totals always visible, one big undo),
// the paper tally sheet typed twice, and the checks panel (click → field).
// This module assembles the screen; each part lives in its own module.
import type { Ctx } from "../../ctx";
import { api } from "../../platform/tauri";
import { h, showError } from "../../ui";
import { dayFactsPanel } from "../dayfacts";
import { makeChecks } from "./checks";
import { makeDesk } from "./desk";
import { drillPanel } from "./drill";
import { inventoryForm, teamPanel } from "./prepare";
import type { CountState } from "./state";
import { tallyPanel } from "./tally";

export { toLine } from "./line";

export function countScreen(main: HTMLElement, ctx: Ctx): () => void {
  const levels = ctx.status.levels;
  const st: CountState = {
    levels,
    level: levels[levels.length - 1]?.code ?? "",
    mode: "desk",
    live: null,
    summary: null,
    batch: null,
    msg: h("div"),
    load,
  };
  const levelTabs = h("div", { class: "level-tabs", role: "tablist" });
  const left = h("div", { class: "count-left" });
  const right = h("div", { class: "count-right" });
  const checks = makeChecks(st, main, ctx);
  const desk = makeDesk(st, checks.refresh);

  function choose(level: string) {
    st.level = level;
    st.batch = null;
    void load();
  }

  function paintTabs() {
    levelTabs.replaceChildren(...levels.map((l, i) => h("button", {
      class: `tab ${l.code === st.level ? "active" : ""}`, id: `level-${l.code}`, role: "tab", title: l.name,
      onclick: () => choose(l.code),
    }, l.code, h("kbd", {}, `Ctrl+${i + 1}`))));
  }

  async function load() {
    paintTabs();
    st.msg.replaceChildren();
    try {
      const [live, s] = await Promise.all([api.liveTally(st.level), api.summary(st.level)]);
      st.live = live;
      st.summary = s;
      if (s.method === "tally") st.mode = "tally";
      const modeBar = h("div", { class: "toolbar mode-bar" },
        h("button", { class: `tab ${st.mode === "desk" ? "active" : ""}`, id: "mode-desk", onclick: () => { st.mode = "desk"; void load(); }, disabled: s.method === "tally" }, "Nhập từng phiếu"),
        h("button", { class: `tab ${st.mode === "tally" ? "active" : ""}`, id: "mode-tally", onclick: () => { st.mode = "tally"; void load(); }, disabled: s.method === "ballots" }, "Nhập bảng kiểm phiếu (2 lần)"),
        h("span", { class: "hint" }, `${s.constituency_name} — ${s.seats} đại biểu, ${live.candidates.length} người ứng cử`));
      const work = st.mode === "desk" ? desk.panel() : await tallyPanel(st);
      left.replaceChildren(inventoryForm(st, s), await teamPanel(st), await dayFactsPanel("count", st.msg, load), modeBar, work, ctx.status.rehearsal ? drillPanel(st) : "");
      if (s.status === "final") {
        desk.input.disabled = true;
        left.prepend(h("p", { class: "final-note" }, "Biên bản cấp này đã khóa; muốn sửa, mở bản sửa đổi ở màn hình Biên bản."));
      } else desk.input.disabled = false;
      desk.paintTotals();
      checks.paint(s);
      right.replaceChildren(st.mode === "desk" ? desk.totals : h("div"), checks.box);
      if (st.mode === "desk") desk.input.focus();
    } catch (e) { showError(e, st.msg); }
  }

  const onKey = (e: KeyboardEvent) => {
    if (document.querySelector("dialog[open]")) return;
    if (e.ctrlKey && e.key === "z" && st.mode === "desk") { e.preventDefault(); void desk.undo(); }
    if (e.ctrlKey && /^[1-4]$/.test(e.key)) {
      const l = levels[Number(e.key) - 1];
      if (l) { e.preventDefault(); choose(l.code); }
    }
  };
  window.addEventListener("keydown", onKey);
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Kiểm phiếu"), levelTabs), st.msg,
    h("div", { class: "count" }, left, right));
  void load();
  return () => { window.removeEventListener("keydown", onKey); checks.dispose(); };
}
