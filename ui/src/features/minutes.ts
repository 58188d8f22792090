// Biên bản: every printed form previewed as the paper page (SVG pages laid
// out by the same engine as the PDF), saved as PDF (ban-in/) or printed;
// complaints; finalize (locks the minutes) and corrections as new revisions.
import type { ComplaintDto, SummaryDto, TeamDto } from "../bindings/ipc";
import type { Ctx } from "../ctx";
import { api } from "../platform/tauri";
import { dialog, field, formText, guarded, h, num, showError, toast } from "../ui";

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
const short = (sha: string) => (sha.slice(0, 16).toUpperCase().match(/.{4}/g) ?? []).join(" ");

function complaintText(c: ComplaintDto): string {
  const who = c.complainant ? ` (${c.complainant})` : "";
  if (c.status === "settled") return `${c.content}${who} — Tổ bầu cử đã giải quyết: ${c.outcome}`;
  if (c.status === "forwarded") return `${c.content}${who} — Đã chuyển Ban bầu cử; ý kiến của Tổ: ${c.outcome}`;
  return `${c.content}${who} — Chưa giải quyết`;
}

/** Forms the team prints, with how many pages the preview shows. */
const FORMS: { id: string; label: string; perLevel: boolean; pages: number }[] = [
  { id: "minutes", label: "Biên bản kết quả kiểm phiếu", perLevel: true, pages: 6 },
  { id: "inventory", label: "Biên bản kiểm kê phiếu", perLevel: false, pages: 3 },
  { id: "voter-list", label: "Danh sách cử tri (niêm yết)", perLevel: false, pages: 2 },
  { id: "voter-cards", label: "Thẻ cử tri (4 thẻ/tờ A4)", perLevel: false, pages: 1 },
  { id: "turnout", label: "Báo cáo cử tri đi bầu", perLevel: false, pages: 2 },
  { id: "zero-report", label: "Báo cáo số không (trước khi mở hòm)", perLevel: false, pages: 3 },
];

/** Printed once the rehearsal is switched to official. */
const SWITCH_FORM = { id: "official-switch", label: "Biên bản chuyển sang chính thức", perLevel: false, pages: 2 };

export function minutesScreen(main: HTMLElement, ctx: Ctx) {
  const levels = ctx.status.levels;
  let level = levels[levels.length - 1]?.code ?? "";
  let form = FORMS[0];
  /** A locked revision to show instead of the current minutes. */
  let revision: number | null = null;
  /** Who signs the voter list (Mẫu 31/HĐBC): the Chủ tịch, or a Phó Chủ tịch for the Chủ tịch. */
  let signer: "chair" | "vice-chair" = "chair";
  const signerOf = (formId: string) => (formId === "voter-list" ? signer : null);
  const tabs = h("div", { class: "level-tabs" });
  const side = h("aside", { class: "minutes-side" });
  const view = h("div", { class: "minutes-view" });
  const msg = h("div");

  async function save(formId: string, lv: string | null, rev: number | null = null) {
    try {
      const r = await api.saveForm(formId, lv, rev, signerOf(formId));
      toast(`Đã lưu ${r.title} (${r.pages} trang): ${r.path}`);
      const out = main.querySelector("#saved-path");
      if (out) out.textContent = `Tệp PDF: ${r.path} (${r.pages} trang)`;
    } catch (e) { showError(e, msg); }
  }

  async function finalize(s: SummaryDto, t: TeamDto) {
    const hasKey = !!(await api.keyInfo().catch(() => null));
    if (!t.leader) { toast("Chưa ghi Tổ trưởng (màn hình Kiểm phiếu)", "error"); return; }
    const f = await dialog(`Hoàn tất và khóa biên bản cấp ${s.level}?`, [
      h("p", {}, `Sẽ khóa: ${num(s.ballots_received)} phiếu thu vào, ${num(s.ballots_valid)} hợp lệ, ${num(s.ballots_invalid)} không hợp lệ; mã số liệu ${short(s.minutes_sha256)}. Sau khi khóa, mọi sửa đổi phải lập bản sửa đổi có lý do.`),
      field(`Tổ trưởng xác nhận: gõ họ tên "${t.leader}"`, h("input", { name: "leader", id: "finalize-leader", required: true, autocomplete: "off" })),
      ...(hasKey ? [field("Cụm mật khẩu của Tổ trưởng", h("input", { type: "password", name: "pass", id: "finalize-pass", required: true, autocomplete: "off" }))] : []),
    ], "Khóa biên bản");
    if (!f) return;
    if (fold(formText(f, "leader")) !== fold(t.leader)) { toast("Họ tên Tổ trưởng không khớp; chưa khóa", "error"); return; }
    try {
      const r = await guarded(() => api.finalize(s.level, hasKey ? formText(f, "pass") : null));
      toast(r.message);
      revision = null;
      void load();
    } catch (e) { showError(e, msg); }
  }

  async function reopen(s: SummaryDto) {
    // Guarded like finalize (issue 11 §8): the Tổ trưởng's passphrase once the unit has a key.
    const hasKey = !!(await api.keyInfo().catch(() => null));
    const f = await dialog(`Mở bản sửa đổi biên bản cấp ${s.level}?`, [
      h("p", {}, `Bản số ${s.revisions.length} đã khóa được giữ nguyên; bản sửa sẽ là bản số ${s.revisions.length + 1}.`),
      field("Lý do sửa (bắt buộc, in trên biên bản mới)", h("textarea", { name: "reason", id: "reopen-reason", required: true, rows: 3 })),
      ...(hasKey ? [field("Cụm mật khẩu của Tổ trưởng", h("input", { type: "password", name: "pass", id: "reopen-pass", required: true, autocomplete: "off" }))] : []),
    ], "Mở bản sửa đổi");
    if (!f) return;
    try {
      await guarded(() => api.reopen(s.level, formText(f, "reason"), hasKey ? formText(f, "pass") : null));
      revision = null;
      void load();
    } catch (e) { showError(e, msg); }
  }

  async function addComplaint() {
    const f = await dialog("Ghi nhận khiếu nại, tố cáo", [
      field("Nội dung", h("textarea", { name: "content", id: "complaint-content", required: true, rows: 3 })),
      field("Người khiếu nại", h("input", { name: "from", id: "complaint-from" })),
      field("Cấp liên quan", h("select", { name: "level" }, h("option", { value: "" }, "Mọi cấp"), ...levels.map((l) => h("option", { value: l.code }, l.code)))),
    ]);
    if (!f) return;
    try {
      await api.addComplaint({ content: formText(f, "content"), complainant: formText(f, "from"), level: formText(f, "level") || null });
      void load();
    } catch (e) { showError(e, msg); }
  }

  async function resolve(c: ComplaintDto, status: "settled" | "forwarded") {
    const f = await dialog(status === "settled" ? "Tổ đã giải quyết — kết quả" : "Chuyển Ban bầu cử — ý kiến của Tổ", [
      h("p", {}, c.content), field("Nội dung", h("textarea", { name: "outcome", required: true, rows: 3 })),
    ]);
    if (!f) return;
    try { await api.resolveComplaint({ id: c.id, status, outcome: formText(f, "outcome") }); void load(); } catch (e) { showError(e, msg); }
  }

  const formTabs = h("div", { class: "level-tabs", id: "form-tabs" });
  async function preview() {
    const forms = ctx.status.official_since ? [...FORMS, SWITCH_FORM] : FORMS;
    formTabs.replaceChildren(...forms.map((f) => h("button", {
      class: `tab ${f.id === form.id ? "active" : ""}`, id: `form-${f.id}`, onclick: () => { form = f; revision = null; void load(); },
    }, f.label)));
    try {
      const rev = form.id === "minutes" ? revision : null;
      const p = await api.previewForm(form.id, form.perLevel ? level : null, form.pages, rev, signerOf(form.id));
      const pages = p.pages.map((svg, i) => {
        const holder = h("div", { class: "page-holder", "data-page": i + 1 });
        holder.innerHTML = svg; // produced by our own renderer; every text is escaped
        return holder;
      });
      view.replaceChildren(
        h("p", { class: "hint", id: "preview-note" }, rev !== null ? `Bản số ${rev} (đã khóa). ` : "",
          p.total_pages > p.pages.length ? `Xem ${p.pages.length}/${p.total_pages} trang; bản in đầy đủ: Lưu PDF.` : `${p.total_pages} trang.`),
        ...pages);
    } catch (e) { showError(e, view); }
  }

  async function load() {
    tabs.replaceChildren(...levels.map((l) => h("button", { class: `tab ${l.code === level ? "active" : ""}`, id: `mlevel-${l.code}`, title: l.name, onclick: () => { level = l.code; revision = null; void load(); } }, l.code)));
    msg.replaceChildren();
    try {
      const [s, t, cs] = await Promise.all([api.summary(level), api.team(), api.complaints()]);
      tabs.hidden = !form.perLevel;
      const errors = s.checks.filter((c) => c.severity === "error");
      const printing = h("div", { class: "stack" },
        h("button", { class: "primary big", id: "save-pdf", onclick: () => save(form.id, form.perLevel ? level : null) }, `Lưu PDF: ${form.label}`),
        form.id !== "voter-list" ? "" : field("Người ký danh sách (Mẫu 31/HĐBC)", h("select", {
          id: "voter-list-signer",
          onchange: (e: Event) => { signer = (e.target as HTMLSelectElement).value === "vice-chair" ? "vice-chair" : "chair"; void preview(); },
        }, h("option", { value: "chair", selected: signer === "chair" }, "Chủ tịch UBND (TM. ỦY BAN NHÂN DÂN — CHỦ TỊCH)"),
          h("option", { value: "vice-chair", selected: signer === "vice-chair" }, "Phó Chủ tịch ký thay (KT. CHỦ TỊCH — PHÓ CHỦ TỊCH)"))),
        h("button", { class: "secondary", id: "print-preview", onclick: () => window.print() }, "In trang xem trước (hộp thoại in)"),
        h("p", { id: "saved-path", class: "hint mono" }));
      // The minutes' own controls: lock, corrections, complaints.
      const minutesOnly = form.id !== "minutes" ? [] : [
        h("h2", {}, s.status === "final" ? `Cấp ${s.level}: đã khóa — bản số ${s.revisions.length}` : `Cấp ${s.level}: bản nháp`),
        errors.length ? h("div", { class: "error-box" }, h("strong", {}, `Còn ${errors.length} lỗi phải sửa trước khi khóa:`),
          h("ul", {}, ...errors.map((c) => h("li", {}, `${c.code}: ${c.message}`)))) : "",
        s.status === "final"
          ? h("button", { class: "danger", id: "reopen", onclick: () => reopen(s) }, "Mở bản sửa đổi…")
          : h("button", { class: "danger big", id: "finalize", disabled: !s.may_finalize, onclick: () => finalize(s, t) }, "Hoàn tất và khóa biên bản…"),
        s.revisions.length ? h("div", {}, h("h3", {}, "Các bản đã khóa"), h("ul", { id: "revisions" }, ...s.revisions.map((r) =>
          h("li", { "data-revision": r.revision }, `Bản số ${r.revision} — ${r.finalized_at.slice(11, 16)} ${r.finalized_at.slice(8, 10)}/${r.finalized_at.slice(5, 7)} — ${short(r.sha256)}`,
            r.reason ? h("div", { class: "hint" }, `Lý do: ${r.reason}`) : "",
            r.reopen_reason ? h("div", { class: "hint" }, `Đã mở sửa: ${r.reopen_reason}`) : "",
            h("div", { class: "row" },
              h("button", { class: "secondary", onclick: () => { revision = r.revision; void preview(); } }, "Xem bản này"),
              h("button", { class: "secondary", onclick: () => save("minutes", level, r.revision) }, "Lưu PDF bản này")))))) : "",
        h("h3", {}, "Khiếu nại, tố cáo"),
        h("ul", { id: "complaints" }, ...cs.map((c) => h("li", {}, `${c.id}. ${complaintText(c)}`,
          c.status === "received" ? h("div", { class: "row" },
            h("button", { class: "secondary", onclick: () => resolve(c, "settled") }, "Đã giải quyết…"),
            h("button", { class: "secondary", onclick: () => resolve(c, "forwarded") }, "Chuyển Ban bầu cử…")) : ""))),
        h("button", { class: "secondary", id: "add-complaint", onclick: addComplaint }, "Ghi nhận khiếu nại…"),
        h("button", { class: "secondary", id: "save-all-minutes", onclick: () => save("minutes", null) }, "Lưu PDF biên bản mọi cấp (một tệp)"),
      ];
      side.replaceChildren(...minutesOnly.slice(0, 2), printing, ...minutesOnly.slice(2));
      await preview();
    } catch (e) { showError(e, msg); }
  }
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Biên bản và biểu mẫu"), tabs), formTabs, msg, h("div", { class: "minutes" }, side, view));
  void load();
}
