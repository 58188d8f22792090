// Danh sách cử tri: import with progress, search, a virtualised table, and
// the legal changes (add, remove, move out, vote elsewhere, correct) with reasons.
import type { VoterRowDto, VoterStanding } from "../bindings/ipc";
import type { Ctx } from "../ctx";
import { api } from "../platform/tauri";
import { dateVi, dialog, field, formText, h, num, showError, toast } from "../ui";
import { vi } from "../i18n/vi";

/** The standings a voter can be moved to, in the order the menu offers them. */
const STANDINGS: readonly VoterStanding[] = ["removed", "moved_out", "elsewhere", "active"];

const ROW_H = 36;

/** Mẫu 31/HĐBC column (7): thường trú (7a), tạm trú (7b), nơi ở hiện tại (7c). */
function residences(v: VoterRowDto): string {
  return [["Thường trú", v.residence_permanent], ["Tạm trú", v.residence_temporary], ["Nơi ở hiện tại", v.residence_current]]
    .filter(([, x]) => x).map(([k, x]) => `${k}: ${x}`).join("\n");
}

export function votersScreen(main: HTMLElement, ctx: Ctx): () => void {
  let rows: VoterRowDto[] = [];
  let selected = -1;
  let showAll = false;
  const msg = h("div", { id: "voters-msg" });
  const count = h("span", { id: "voter-count", class: "count" });
  const search = h("input", { id: "list-search", type: "search", placeholder: "Tìm tên (không cần dấu), STT hoặc số căn cước…", autocomplete: "off" });
  const viewport = h("div", { class: "viewport", id: "voter-table", tabindex: 0, role: "grid", "aria-label": "Danh sách cử tri" });
  const spacer = h("div", { class: "spacer" });
  const body = h("div", { class: "rows" });
  viewport.append(spacer, body);
  const progress = h("progress", { id: "import-progress", max: 100, value: 0, hidden: true });
  const progressText = h("span", { id: "import-progress-text" });

  const head = h("div", { class: "thead" },
    ...["STT", "Họ và tên", "Ngày sinh", "GT", "Căn cước", "Dân tộc", "Nơi cư trú", "Cấp", "Đã nhận phiếu", "Ghi chú"].map((t) => h("div", {}, t)));

  function paint() {
    const top = viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H) - 5);
    const last = Math.min(rows.length, Math.ceil((top + viewport.clientHeight) / ROW_H) + 5);
    spacer.style.height = `${rows.length * ROW_H}px`;
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const r = rows[i];
      const v = r;
      const got = Object.entries(v.checked_in).map(([l, t]) => `${l} ${t.slice(11, 16)}`).join(", ");
      const el = h("div", {
        class: `tr ${i === selected ? "selected" : ""} ${r.status !== "active" ? "inactive" : ""}`,
        style: `transform: translateY(${i * ROW_H}px)`, "data-stt": v.stt, role: "row",
        onclick: () => { selected = i; paint(); },
        ondblclick: () => editVoter(r),
      },
        h("div", {}, String(v.stt)), h("div", { title: v.name }, v.name), h("div", {}, dateVi(v.birth_date)),
        h("div", {}, v.gender), h("div", { class: "mono" }, v.id_number ?? ""), h("div", {}, v.ethnicity),
        h("div", { title: residences(v) }, v.residence), h("div", {}, v.levels.join(" ")), h("div", {}, got),
        h("div", { title: v.note }, r.status !== "active" ? `[${r.status_vi}] ${v.note}` : v.note));
      frag.append(el);
    }
    body.replaceChildren(frag);
  }

  async function load() {
    try {
      const q = search.value.trim();
      rows = q ? await api.search(q, 5000) : await api.votersList(showAll);
      count.textContent = q ? `${num(rows.length)} kết quả` : `${num(rows.length)} cử tri`;
      selected = rows.length ? 0 : -1;
      viewport.scrollTop = 0;
      paint();
    } catch (e) { showError(e, msg); }
  }

  let timer: number | undefined;
  search.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(load, 120); });
  search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "Enter") { e.preventDefault(); viewport.focus(); }
  });
  const onKey = (e: KeyboardEvent) => {
    if (document.querySelector("dialog[open]")) return;
    if (e.ctrlKey && e.key === "n") { e.preventDefault(); void addVoter(false); }
    if (e.ctrlKey && e.key === "f") { e.preventDefault(); search.focus(); search.select(); }
  };
  window.addEventListener("keydown", onKey);
  viewport.addEventListener("scroll", () => requestAnimationFrame(paint));
  viewport.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      selected = Math.max(0, Math.min(rows.length - 1, selected + (e.key === "ArrowDown" ? 1 : -1)));
      const y = selected * ROW_H;
      if (y < viewport.scrollTop) viewport.scrollTop = y;
      if (y + ROW_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = y + ROW_H - viewport.clientHeight;
      paint();
    } else if (e.key === "Enter" && rows[selected]) {
      void editVoter(rows[selected]);
    }
  });

  const fileInput = h("input", { type: "file", id: "import-file", accept: ".xlsx,.xls,.ods,.csv" });
  const replace = h("input", { type: "checkbox", id: "import-replace" });
  fileInput.addEventListener("change", async () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    msg.replaceChildren();
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = `Đang đọc ${f.name}…`;
    const unlisten = await api.onImportProgress((p) => {
      progress.max = Math.max(1, p.total);
      progress.value = p.done;
      progressText.textContent = `Đang kiểm tra ${num(p.done)}/${num(p.total)} dòng…`;
    });
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const r = await api.importVoters(f.name, bytes, replace.checked);
      progressText.textContent = `Đã nhập ${num(r.imported)} cử tri từ ${r.file}` +
        (r.converted_from ? ` (đã chuyển ${num(r.converted_cells)} ô từ bảng mã ${r.converted_from} sang Unicode)` : "");
      toast(progressText.textContent);
      await ctx.refresh();
      // Imported all the same: what Mẫu 31/HĐBC asks otherwise, to correct
      // voter by voter (shown on the redrawn screen).
      const box = document.getElementById("voters-msg");
      if (r.warnings.length && box) {
        box.replaceChildren(h("div", { class: "warning-box", id: "import-warnings" },
          h("strong", {}, `${num(r.warnings.length)} cảnh báo theo Mẫu 31/HĐBC (đã nhập; sửa từng cử tri nếu cần):`),
          h("ul", {}, ...r.warnings.map((w) => h("li", {}, w)))));
      }
    } catch (e) {
      progressText.textContent = "Chưa nhập — danh sách không thay đổi.";
      showError(e, msg);
    } finally {
      unlisten();
      progress.hidden = true;
      fileInput.value = "";
    }
  });

  async function addVoter(certificate: boolean) {
    const defaultLevels = (certificate ? ctx.status.certificate_levels : ctx.status.levels.map((l) => l.code)).join(" ");
    const f = await dialog(certificate ? "Thêm cử tri có giấy chứng nhận (bỏ phiếu tại đây)" : "Bổ sung cử tri vào danh sách", [
      field("Họ và tên", h("input", { name: "name", required: true })),
      field("Ngày sinh (ngày/tháng/năm; chỉ năm nếu sinh từ 2007 trở về trước)", h("input", { name: "birth_date", required: true, placeholder: "05/07/1960" })),
      field("Giới tính", h("select", { name: "gender" }, ...vi.gender.map((g) => h("option", {}, g)))),
      field("Dân tộc", h("input", { name: "ethnicity", value: "Kinh" })),
      field("Số định danh/căn cước", h("input", { name: "id_number", inputmode: "numeric" })),
      field("Nơi thường trú", h("input", { name: "residence" })),
      field("Nơi tạm trú", h("input", { name: "residence_temporary" })),
      field("Nơi ở hiện tại", h("input", { name: "residence_current" })),
      field("Các cấp bầu", h("input", { name: "levels", value: defaultLevels })),
      certificate ? field("Số giấy chứng nhận", h("input", { name: "certificate", required: true })) : h("span"),
      field("Lý do / căn cứ (bắt buộc)", h("input", { name: "reason", required: true })),
    ]);
    if (!f) return;
    try {
      const v = await api.addVoter({
        name: formText(f, "name"), birth_date: formText(f, "birth_date"), gender: formText(f, "gender"),
        ethnicity: formText(f, "ethnicity"), id_number: formText(f, "id_number") || null,
        residence: formText(f, "residence"), residence_temporary: formText(f, "residence_temporary"),
        residence_current: formText(f, "residence_current"), levels: formText(f, "levels").split(/[\s,]+/).filter(Boolean),
        note: "", certificate: certificate ? formText(f, "certificate") : null, reason: formText(f, "reason"),
      });
      toast(`Đã bổ sung cử tri số ${v.stt} — ${v.name}`);
      await ctx.refresh();
    } catch (e) { showError(e); }
  }

  async function editVoter(r: VoterRowDto) {
    const fieldSel = h("select", { name: "field", id: "edit-field" },
      ...Object.entries(vi.fields).map(([k, label]) => h("option", { value: k }, label)));
    const statusSel = h("select", { name: "status", id: "edit-status" }, h("option", { value: "" }, "— không đổi —"),
      ...STANDINGS.filter((k) => k !== r.status).map((k) => h("option", { value: k }, vi.statusActions[k])));
    const f = await dialog(`Cử tri số ${r.stt} — ${r.name} (${r.status_vi})`, [
      h("p", {}, "Sửa một trường, hoặc thay đổi tình trạng trong danh sách. Mọi thay đổi cần lý do và được ghi vào nhật ký."),
      field("Trường cần sửa", fieldSel),
      field("Giá trị mới (để trống nếu chỉ đổi tình trạng)", h("input", { name: "value", id: "edit-value" })),
      field("Tình trạng", statusSel),
      field("Lý do / căn cứ (bắt buộc)", h("input", { name: "reason", id: "edit-reason", required: true })),
    ]);
    if (!f) return;
    const reason = formText(f, "reason");
    try {
      const value = formText(f, "value");
      if (value) await api.editVoter({ stt: r.stt, field: formText(f, "field"), value, reason });
      const st = STANDINGS.find((k) => k === formText(f, "status"));
      if (st) await api.changeStatus({ stt: r.stt, status: st, reason });
      if (value || st) toast(`Đã cập nhật cử tri số ${r.stt}`);
      await load();
    } catch (e) { showError(e); }
  }

  /** Kiểm tra danh sách: duplicate căn cước, under 18, no căn cước, legacy-encoded names (a report, nothing changes). */
  async function check() {
    try {
      const r = await api.votersCheck();
      msg.replaceChildren(h("div", { class: r.ok ? "ok-box" : "error-box", id: "voters-check-result", role: "status" },
        h("strong", {}, r.message),
        r.problems.length ? h("ul", {}, ...r.problems.slice(0, 300).map((p) => h("li", { "data-kind": p.kind, "data-stt": p.stt ?? "" }, p.message))) : null,
        r.problems.length > 300 ? h("p", {}, `… và ${r.problems.length - 300} vấn đề khác (xem đủ: tobaucu voters check)`) : null));
    } catch (e) { showError(e, msg); }
  }

  const all = h("input", { type: "checkbox", id: "show-all" });
  all.addEventListener("change", () => { showAll = all.checked; void load(); });

  main.append(
    h("div", { class: "toolbar" },
      h("h1", {}, "Danh sách cử tri"), count,
      h("label", { class: "button secondary" }, "Nhập từ tệp Excel/CSV… ", fileInput),
      h("label", { class: "check" }, replace, " thay thế danh sách hiện có"),
      h("button", { class: "secondary", id: "add-voter", onclick: () => addVoter(false) }, "Bổ sung cử tri ", h("kbd", {}, "Ctrl+N")),
      h("button", { class: "secondary", id: "add-certificate", onclick: () => addVoter(true) }, "Thêm người có giấy chứng nhận"),
      h("button", { class: "secondary", id: "voters-check", onclick: () => check() }, "Kiểm tra danh sách")),
    h("div", { class: "row" }, progress, progressText),
    msg,
    h("div", { class: "toolbar" }, search, h("label", { class: "check" }, all, " cả người đã xóa tên/chuyển đi")),
    h("div", { class: "table" }, head, viewport),
    h("p", { class: "hint" }, "Ctrl+F tìm · ↓ vào bảng · ↑↓ chọn · Enter hoặc nhấp đúp: sửa / thay đổi tình trạng"));
  void load();
  search.focus();
  const onResize = () => paint();
  window.addEventListener("resize", onResize);
  return () => { window.removeEventListener("resize", onResize); window.removeEventListener("keydown", onKey); };
}
