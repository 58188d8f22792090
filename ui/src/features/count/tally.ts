// The paper tally sheet typed twice (double entry); when the two differ,
// only the differing fields are settled: the Tổ trưởng picks the right
// entry per field, or a third person types just those fields, blind.
import type { TallySheetInput, TallyStatusDto } from "../../bindings/ipc";
import { api } from "../../platform/tauri";
import { field, h, num, showError, toast } from "../../ui";
import { vi } from "../../i18n/vi";
import type { CountState } from "./state";

export async function tallyPanel(cs: CountState): Promise<HTMLElement> {
  const level = cs.level;
  const st: TallyStatusDto = await api.tallyStatus(level);
  const l = cs.live;
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
      void cs.load();
    } catch (err) { showError(err, cs.msg); }
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
      void cs.load();
    } catch (err) { showError(err, cs.msg); }
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
        void cs.load();
      } catch (err) { showError(err, cs.msg); }
    });
    return h("div", {}, status, third);
  }
  return h("div", {}, status, h("p", { class: "hint" }, "Hai người nhập độc lập cùng một bảng kiểm phiếu giấy; số liệu chỉ được dùng khi hai lần khớp nhau từng mục. Khi khác nhau, chỉ các mục khác nhau được quyết định lại."), form);
}
