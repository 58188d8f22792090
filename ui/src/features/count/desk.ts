// The counting desk: ballot by ballot from the keyboard or number pad, the
// last ballot shown big, one undo, the running totals always in view.
import { api } from "../../platform/tauri";
import { dialog, field, formText, h, messageOf, num, showError, toast } from "../../ui";
import { vi } from "../../i18n/vi";
import { PERSON_KEYS, toLine } from "./line";
import type { CountState } from "./state";

/** The desk's parts; `onChange` runs after each ballot entered or undone. */
export interface Desk {
  input: HTMLInputElement;
  totals: HTMLElement;
  panel: () => HTMLElement;
  paintTotals: () => void;
  undo: () => Promise<void>;
}

export function makeDesk(st: CountState, onChange: () => void): Desk {
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
    if (!st.live) return;
    const line = toLine(ballotInput.value, st.live.candidates.length);
    if (!line) return;
    try {
      const r = await api.enterBallot(st.level, st.batch, line);
      st.live = r.live;
      st.batch = r.ballot.batch_id;
      paintLast(`Phiếu số ${r.ballot.seq}: ${r.ballot.text_vi}`, r.ballot.valid,
        r.ballot.valid ? r.ballot.kept.map((p) => st.live?.candidates[p - 1]?.name ?? p).join(" · ") : "");
      ballotInput.value = "";
      paintTotals();
      onChange();
    } catch (e) {
      paintLast("✖ CHƯA GHI", false, messageOf(e).message);
    }
    ballotInput.focus();
  }

  async function undo() {
    try {
      const r = await api.undoBallot(st.level, "Hủy tại bàn kiểm phiếu");
      st.live = r.live;
      paintLast(`↶ ${r.message}`, true);
      paintTotals();
      onChange();
    } catch (e) { paintLast("✖ KHÔNG HỦY ĐƯỢC", false, messageOf(e).message); }
    ballotInput.focus();
  }

  const totals = h("section", { class: "totals", id: "totals" });
  function paintTotals() {
    if (!st.live) return;
    const l = st.live;
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
      h("tbody", {}, ...l.batches.map((b) => h("tr", { class: b.id === st.batch ? "current" : "" },
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

  function panel(): HTMLElement {
    const newBatch = async () => {
      const f = await dialog("Lượt nhập mới (người ghi phiếu khác)", [
        field("Người ghi", h("input", { name: "recorder", id: "recorder-name", required: true })),
      ], "Bắt đầu");
      if (!f) return;
      try {
        const b = await api.startBatch(st.level, formText(f, "recorder"));
        st.batch = b.id;
        toast(`Bắt đầu lượt ${b.id} — ${b.recorder}`);
        st.live = await api.liveTally(st.level);
        paintTotals();
      } catch (e) { showError(e, st.msg); }
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

  ballotInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === "NumpadEnter") { e.preventDefault(); void enter(); return; }
    if (PERSON_KEYS[e.key] && ballotInput.value.trim() === "") {
      e.preventDefault();
      ballotInput.value = `INVALID ${PERSON_KEYS[e.key]}`;
      paintLast(`${vi.reasons[PERSON_KEYS[e.key]]} — nhấn Enter để ghi`, false);
    }
  });
  return { input: ballotInput, totals, panel, paintTotals, undo };
}
