// Biên bản: preview of each level's result minutes as the paper page,
// complaints, finalize (locks the minutes) and corrections as new
// revisions; every printed form saved as PDF (ban-in/) or printed.
import type { ComplaintDto, SummaryDto, TeamDto } from "../bindings/ipc";
import type { Ctx } from "../main";
import { api } from "../platform/tauri";
import { dialog, field, h, num, showError, toast } from "../ui";

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
const short = (sha: string) => (sha.slice(0, 16).toUpperCase().match(/.{4}/g) ?? []).join(" ");

function complaintText(c: ComplaintDto): string {
  const who = c.complainant ? ` (${c.complainant})` : "";
  if (c.status === "settled") return `${c.content}${who} — Tổ bầu cử đã giải quyết: ${c.outcome}`;
  if (c.status === "forwarded") return `${c.content}${who} — Đã chuyển Ban bầu cử; ý kiến của Tổ: ${c.outcome}`;
  return `${c.content}${who} — Chưa giải quyết`;
}

/** The minutes as they will print (same data as the PDF). */
function paper(s: SummaryDto, t: TeamDto, complaints: ComplaintDto[], ctx: Ctx): HTMLElement {
  const pct = (a: number, b: number) => (b ? (Math.floor((a * 20000) / b + 1) / 2 / 100).toFixed(2).replace(".", ",") : "0,00");
  const validP = pct(s.ballots_valid, s.ballots_received);
  const invalidP = s.ballots_received ? (100 - Number(validP.replace(",", "."))).toFixed(2).replace(".", ",") : "0,00";
  const dots = "..............................";
  const roster = [[t.leader ?? dots, "Tổ trưởng"], [t.secretary ?? dots, "Thư ký"], ...t.members.map((m) => [m, "Ủy viên"])];
  const mine = complaints.filter((c) => !c.level || c.level === s.level);
  const sig = (title: string, note: string, name: string) =>
    h("div", { class: "sig" }, h("strong", {}, title), h("em", {}, note), h("div", { class: "sig-space" }), h("strong", {}, name));
  return h("article", { class: "paper", id: "minutes-paper" },
    s.status !== "final" ? h("div", { class: "draft-mark" }, "BẢN NHÁP — CHƯA KHÓA") : "",
    h("div", { class: "paper-head" },
      h("div", {}, h("div", {}, (ctx.status.commune_name ?? "").toUpperCase()), h("strong", {}, `TỔ BẦU CỬ SỐ ${ctx.status.area_number ?? ""}`)),
      h("div", {}, h("strong", {}, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), h("br"), h("strong", { class: "motto" }, "Độc lập - Tự do - Hạnh phúc"))),
    h("h2", { class: "paper-title" }, "BIÊN BẢN KẾT QUẢ KIỂM PHIẾU", h("br"), `BẦU CỬ ${s.level_name.toUpperCase()}`, h("br"), "TẠI KHU VỰC BỎ PHIẾU"),
    h("p", { class: "center" }, h("em", {}, `Khu vực bỏ phiếu số ${ctx.status.area_number ?? ""} — ${s.constituency_name} — số đại biểu được bầu: ${s.seats}`)),
    h("p", {}, `Tổ bầu cử khu vực bỏ phiếu số ${ctx.status.area_number ?? ""} gồm có:`),
    h("ol", {}, ...roster.map(([n, r]) => h("li", {}, `Ông/Bà ${n} — ${r}`))),
    h("p", {}, `Cử tri chứng kiến: ${t.witnesses.length ? t.witnesses.map((w) => `Ông/Bà ${w}`).join(" và ") : dots}`),
    h("ol", { class: "figures-list" },
      h("li", {}, `Tổng số cử tri của khu vực bỏ phiếu: `, h("b", { id: "m-listed" }, num(s.voters_listed)), " người."),
      h("li", {}, `Số cử tri đã tham gia bỏ phiếu: `, h("b", { id: "m-voted" }, num(s.voters_voted)), ` người, đạt ${pct(s.voters_voted, s.voters_listed)}%.`),
      h("li", {}, `Số phiếu phát ra: `, h("b", { id: "m-issued" }, num(s.ballots_issued)), " phiếu."),
      h("li", {}, `Số phiếu thu vào: `, h("b", { id: "m-received" }, num(s.ballots_received)), " phiếu."),
      h("li", {}, `Số phiếu hợp lệ: `, h("b", { id: "m-valid" }, num(s.ballots_valid)), ` phiếu, đạt ${validP}%.`),
      h("li", {}, `Số phiếu không hợp lệ: `, h("b", { id: "m-invalid" }, num(s.ballots_invalid)), ` phiếu, chiếm ${invalidP}%.`),
      h("li", {}, "Số phiếu bầu cho mỗi người ứng cử:",
        h("table", { class: "paper-table", id: "m-candidates" },
          h("thead", {}, h("tr", {}, h("th", {}, "STT"), h("th", {}, "Họ và tên người ứng cử"), h("th", {}, "Số phiếu bầu"), h("th", {}, "Tỷ lệ %"))),
          h("tbody", {}, ...s.candidates.map((c) => h("tr", { "data-id": c.id }, h("td", {}, String(c.position)), h("td", {}, c.name),
            h("td", { class: "n" }, num(c.votes)), h("td", { class: "n" }, c.percent_vi)))))),
      h("li", {}, "Khiếu nại, tố cáo:", mine.length ? h("ul", {}, ...mine.map((c) => h("li", {}, complaintText(c)))) : h("em", {}, " Không có khiếu nại, tố cáo."))),
    h("div", { class: "sigs" },
      sig("TỔ TRƯỞNG", "(Ký, ghi rõ họ tên và đóng dấu)", t.leader ?? ""),
      sig("THƯ KÝ", "(Ký, ghi rõ họ tên)", t.secretary ?? ""),
      sig("CỬ TRI CHỨNG KIẾN THỨ NHẤT", "(Ký, ghi rõ họ tên)", t.witnesses[0] ?? ""),
      sig("CỬ TRI CHỨNG KIẾN THỨ HAI", "(Ký, ghi rõ họ tên)", t.witnesses[1] ?? "")),
    h("footer", { class: "paper-foot", id: "m-hash" },
      `Mã số liệu biên bản: ${short(s.minutes_sha256)} · ${s.status === "final" ? `Bản số ${s.revisions.length}` : "Bản nháp"} · ${s.level}`));
}

export function minutesScreen(main: HTMLElement, ctx: Ctx) {
  const levels = ctx.status.levels;
  let level = levels[levels.length - 1]?.code ?? "";
  const tabs = h("div", { class: "level-tabs" });
  const side = h("aside", { class: "minutes-side" });
  const view = h("div", { class: "minutes-view" });
  const msg = h("div");

  async function save(form: string, lv: string | null) {
    try {
      const r = await api.saveForm(form, lv);
      toast(`Đã lưu ${r.title} (${r.pages} trang): ${r.path}`);
      const out = main.querySelector("#saved-path");
      if (out) out.textContent = `Tệp PDF: ${r.path} (${r.pages} trang)`;
    } catch (e) { showError(e, msg); }
  }

  async function finalize(s: SummaryDto, t: TeamDto) {
    if (!t.leader) { toast("Chưa ghi Tổ trưởng (màn hình Kiểm phiếu)", "error"); return; }
    const f = await dialog(`Hoàn tất và khóa biên bản cấp ${s.level}?`, [
      h("p", {}, `Sẽ khóa: ${num(s.ballots_received)} phiếu thu vào, ${num(s.ballots_valid)} hợp lệ, ${num(s.ballots_invalid)} không hợp lệ; mã số liệu ${short(s.minutes_sha256)}. Sau khi khóa, mọi sửa đổi phải lập bản sửa đổi có lý do.`),
      field(`Tổ trưởng xác nhận: gõ họ tên "${t.leader}"`, h("input", { name: "leader", id: "finalize-leader", required: true, autocomplete: "off" })),
    ], "Khóa biên bản");
    if (!f) return;
    if (fold(String(f.get("leader") ?? "")) !== fold(t.leader)) { toast("Họ tên Tổ trưởng không khớp; chưa khóa", "error"); return; }
    try {
      const r = await api.finalize(s.level);
      toast(r.message);
      load();
    } catch (e) { showError(e, msg); }
  }

  async function reopen(s: SummaryDto) {
    const f = await dialog(`Mở bản sửa đổi biên bản cấp ${s.level}?`, [
      h("p", {}, `Bản số ${s.revisions.length} đã khóa được giữ nguyên; bản sửa sẽ là bản số ${s.revisions.length + 1}.`),
      field("Lý do sửa (bắt buộc, in trên biên bản mới)", h("textarea", { name: "reason", id: "reopen-reason", required: true, rows: 3 })),
    ], "Mở bản sửa đổi");
    if (!f) return;
    try { await api.reopen(s.level, String(f.get("reason") ?? "")); load(); } catch (e) { showError(e, msg); }
  }

  async function addComplaint() {
    const f = await dialog("Ghi nhận khiếu nại, tố cáo", [
      field("Nội dung", h("textarea", { name: "content", id: "complaint-content", required: true, rows: 3 })),
      field("Người khiếu nại", h("input", { name: "from", id: "complaint-from" })),
      field("Cấp liên quan", h("select", { name: "level" }, h("option", { value: "" }, "Mọi cấp"), ...levels.map((l) => h("option", { value: l.code }, l.code)))),
    ]);
    if (!f) return;
    try {
      await api.addComplaint({ content: String(f.get("content") ?? ""), complainant: String(f.get("from") ?? ""), level: String(f.get("level") ?? "") || null });
      load();
    } catch (e) { showError(e, msg); }
  }

  async function resolve(c: ComplaintDto, status: "settled" | "forwarded") {
    const f = await dialog(status === "settled" ? "Tổ đã giải quyết — kết quả" : "Chuyển Ban bầu cử — ý kiến của Tổ", [
      h("p", {}, c.content), field("Nội dung", h("textarea", { name: "outcome", required: true, rows: 3 })),
    ]);
    if (!f) return;
    try { await api.resolveComplaint({ id: c.id, status, outcome: String(f.get("outcome") ?? "") }); load(); } catch (e) { showError(e, msg); }
  }

  async function load() {
    tabs.replaceChildren(...levels.map((l) => h("button", { class: `tab ${l.code === level ? "active" : ""}`, id: `mlevel-${l.code}`, title: l.name, onclick: () => { level = l.code; load(); } }, l.code)));
    msg.replaceChildren();
    try {
      const [s, t, cs] = await Promise.all([api.summary(level), api.team(), api.complaints()]);
      const errors = s.checks.filter((c) => c.severity === "error");
      side.replaceChildren(
        h("h2", {}, s.status === "final" ? `Đã khóa — bản số ${s.revisions.length}` : "Bản nháp"),
        errors.length ? h("div", { class: "error-box" }, h("strong", {}, `Còn ${errors.length} lỗi phải sửa trước khi khóa:`),
          h("ul", {}, ...errors.map((c) => h("li", {}, `${c.code}: ${c.message}`)))) : "",
        h("div", { class: "stack" },
          h("button", { class: "primary big", id: "save-minutes", onclick: () => save("minutes", level) }, "Lưu PDF biên bản"),
          h("button", { class: "secondary", id: "print-minutes", onclick: () => window.print() }, "In (hộp thoại in)"),
          s.status === "final"
            ? h("button", { class: "danger", id: "reopen", onclick: () => reopen(s) }, "Mở bản sửa đổi…")
            : h("button", { class: "danger big", id: "finalize", disabled: !s.may_finalize, onclick: () => finalize(s, t) }, "Hoàn tất và khóa biên bản…")),
        h("p", { id: "saved-path", class: "hint mono" }),
        s.revisions.length ? h("div", {}, h("h3", {}, "Các bản đã khóa"), h("ul", { id: "revisions" }, ...s.revisions.map((r) =>
          h("li", {}, `Bản số ${r.revision} — ${r.finalized_at.slice(11, 16)} ${r.finalized_at.slice(8, 10)}/${r.finalized_at.slice(5, 7)} — ${short(r.sha256)}`,
            r.reason ? h("div", { class: "hint" }, `Lý do: ${r.reason}`) : "",
            r.reopen_reason ? h("div", { class: "hint" }, `Đã mở sửa: ${r.reopen_reason}`) : "")))) : "",
        h("h3", {}, "Khiếu nại, tố cáo"),
        h("ul", { id: "complaints" }, ...cs.map((c) => h("li", {}, `${c.id}. ${complaintText(c)}`,
          c.status === "received" ? h("div", { class: "row" },
            h("button", { class: "secondary", onclick: () => resolve(c, "settled") }, "Đã giải quyết…"),
            h("button", { class: "secondary", onclick: () => resolve(c, "forwarded") }, "Chuyển Ban bầu cử…")) : ""))),
        h("button", { class: "secondary", id: "add-complaint", onclick: addComplaint }, "Ghi nhận khiếu nại…"),
        h("h3", {}, "Các biểu mẫu khác (PDF)"),
        h("div", { class: "stack" },
          h("button", { class: "secondary", id: "save-inventory", onclick: () => save("inventory", null) }, "Biên bản kiểm kê phiếu"),
          h("button", { class: "secondary", id: "save-voter-list", onclick: () => save("voter-list", null) }, "Danh sách cử tri (niêm yết)"),
          h("button", { class: "secondary", id: "save-voter-cards", onclick: () => save("voter-cards", null) }, "Thẻ cử tri (4 thẻ/tờ A4)"),
          h("button", { class: "secondary", id: "save-turnout", onclick: () => save("turnout", null) }, "Báo cáo cử tri đi bầu"),
          h("button", { class: "secondary", id: "save-all-minutes", onclick: () => save("minutes", null) }, "Biên bản mọi cấp (một tệp)")));
      view.replaceChildren(paper(s, t, cs, ctx));
    } catch (e) { showError(e, msg); }
  }
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Biên bản kết quả kiểm phiếu"), tabs), msg, h("div", { class: "minutes" }, side, view));
  load();
}
