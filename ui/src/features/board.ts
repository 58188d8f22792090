// Tổng hợp (commune board and above): import the teams' (or lower boards')
// bundles with their verification reports, see every area's status, the
// results per constituency with the elected highlighted, register keys,
// print the board's minutes and export its own signed bundle upward.
import type { Ctx } from "../ctx";
import type { AreaStatusDto, ArrivalStatus, BoardStatusDto, ConstituencyResultDto, ImportResultDto, PaperStatus } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { dialog, field, formText, guarded, h, messageOf, num, showError, toast } from "../ui";
import { checksList, targetPicker } from "./bundle";
import { openRoom } from "./room";

const STATUS: Record<ArrivalStatus, string> = { waiting: "Đang chờ", imported: "Đã nhập", refused: "Bị từ chối" };
const PAPER: Record<PaperStatus, string> = { file_only: "Chỉ có tệp", agree: "Giấy và tệp khớp", differ: "Giấy và tệp khác nhau" };
/** Rows of the areas table per page: 10,000 areas stay fast. */
const AREAS_PER_PAGE = 100;

/** The board accepts one of its own warnings with a reason (issue 15 item 5). */
async function acceptWarning(id: string, code: string, round: number, after: () => void, into: HTMLElement) {
  const f = await dialog(`Ban bầu cử chấp nhận cảnh báo ${code} (${id})`, [field("Lý do (in trong biên bản xác định kết quả)", h("textarea", { name: "reason", id: "accept-reason", required: true, rows: 3 }))], "Chấp nhận");
  if (!f) return;
  try { await api.acceptBoardWarning(id, code, formText(f, "reason"), round); toast(`Đã chấp nhận cảnh báo ${code}`); after(); } catch (e) { showError(e, into); }
}

/** Đối chiếu biên bản giấy: the paper's figures typed once, compared with the file. */
async function paperDialog(a: AreaStatusDto, levels: string[], after: () => void) {
  const numIn = (name: string, label: string) => field(label, h("input", { name, id: `paper-${name}`, type: "number", min: 0, inputmode: "numeric", required: true }));
  const f = await dialog(`Đối chiếu biên bản giấy — khu vực ${a.number}. ${a.name}`, [
    field("Cấp", h("select", { name: "level", id: "paper-level" }, ...levels.map((l) => h("option", { value: l }, l)))),
    field("Mã số liệu in ở chân trang biên bản giấy (gõ đủ 32 ký tự)", h("input", { name: "code", id: "paper-code", required: true, autocomplete: "off", size: 44 })),
    numIn("listed", "Tổng số cử tri"), numIn("voted", "Số cử tri đã tham gia bỏ phiếu"), numIn("issued", "Số phiếu phát ra"),
    numIn("received", "Số phiếu thu vào"), numIn("valid", "Số phiếu hợp lệ"), numIn("invalid", "Số phiếu không hợp lệ"),
    field("Số phiếu bầu cho từng người theo thứ tự trên phiếu, cách nhau bằng dấu phẩy", h("input", { name: "votes", id: "paper-votes", required: true })),
    field("Người nhập", h("input", { name: "by", id: "paper-by" })),
  ], "So với tệp");
  if (!f) return;
  const n = (k: string) => Number(f.get(k) || 0);
  try {
    const r = await api.paperCheck({ area: a.area_id, level: formText(f, "level"), code: formText(f, "code"), entered_by: formText(f, "by"),
      voters_listed: n("listed"), voters_voted: n("voted"), ballots_issued: n("issued"), ballots_received: n("received"), ballots_valid: n("valid"), ballots_invalid: n("invalid"),
      votes: formText(f, "votes").split(/[,\s]+/).filter(Boolean).map(Number) });
    toast(r.message, r.status === "differ" ? "error" : "ok");
  } catch (e) { toast(messageOf(e).message, "error"); }
  after();
}

/** Settles a paper/file difference with a reason. */
async function paperResolve(a: AreaStatusDto, levels: string[], after: () => void) {
  const f = await dialog(`Giải quyết chênh lệch giấy/tệp — khu vực ${a.number}. ${a.name}`, [
    field("Cấp", h("select", { name: "level", id: "resolve-level" }, ...levels.map((l) => h("option", { value: l }, l)))),
    field("Lý do (đã xác minh thế nào)", h("textarea", { name: "reason", id: "resolve-reason", required: true, rows: 3 }))], "Ghi lý do");
  if (!f) return;
  try { const r = await api.paperResolve(a.area_id, formText(f, "level"), formText(f, "reason")); toast(r.message); } catch (e) { toast(messageOf(e).message, "error"); }
  after();
}

function resultCard(id: string, c: ConstituencyResultDto, reload: () => void): HTMLElement {
  let verdict: string;
  if (!c.complete) verdict = c.decided_here ? `Mới có ${c.areas_reported}/${c.areas_expected} khu vực; chưa xác định người trúng cử` : `Đơn vị bầu cử có khu vực ngoài địa bàn này (${c.areas_reported}/${c.areas_expected}); cấp trên xác định kết quả`;
  else if (c.revote_due) verdict = "Số cử tri đi bầu không quá một nửa: phải bầu cử lại (Điều 80)";
  else if (c.additional_vote_due) verdict = `Trúng cử ${c.elected.length}/${c.seats}: phải bầu cử thêm (Điều 79)`;
  else if (c.elected.length < c.seats) verdict = `Trúng cử ${c.elected.length}/${c.seats}: còn thiếu ${c.seats - c.elected.length} đại biểu (đã bầu được từ hai phần ba trở lên nên không bầu cử thêm, Điều 79)`;
  else verdict = `Đã bầu đủ ${c.elected.length}/${c.seats} đại biểu`;
  for (const r of c.rounds) verdict += ` · Đã công bố ${r.kind === "revote" ? "bầu cử lại" : "bầu cử thêm"} (vòng ${r.number}, ${r.seats} đại biểu): ${r.areas_reported}/${r.areas_expected} khu vực báo cáo`;
  return h("section", { class: `panel result ${c.complete ? "complete" : "partial"}`, id: `result-${id}`, "data-complete": String(c.complete) },
    h("h3", {}, `${c.name} — ${c.level_name}`),
    h("p", {}, `${num(c.areas_reported)}/${num(c.areas_expected)} khu vực · cử tri ${num(Number(c.voters_listed))} · đi bầu ${num(Number(c.voters_voted))} (${String(c.turnout_percent).replace(".", ",")}%) · hợp lệ ${num(Number(c.ballots_valid))} · không hợp lệ ${num(Number(c.ballots_invalid))}`),
    h("table", { class: "figures" },
      h("thead", {}, h("tr", {}, h("th", {}, "Người ứng cử"), h("th", {}, "Số phiếu"), h("th", {}, "% phiếu hợp lệ"), h("th", {}, ""))),
      h("tbody", {}, ...c.candidates.map((x) => h("tr", { class: x.elected ? "elected" : "", "data-candidate": x.id },
        h("td", {}, x.name), h("td", { class: "n" }, num(Number(x.votes))), h("td", { class: "n" }, `${x.percent_vi}%`),
        h("td", {}, x.elected ? h("strong", {}, "★ Trúng cử") : ""))))),
    h("p", { class: `verdict ${c.additional_vote_due || c.revote_due ? "warn" : ""}` }, verdict),
    roundActions(id, c),
    ...c.checks.map((k) => h("p", { class: `check-item ${k.severity}`, "data-code": k.code }, `${k.code}: ${k.message}`,
      k.accepted_reason ? h("em", {}, ` — Ban bầu cử đã chấp nhận: ${k.accepted_reason}`)
        : k.severity === "warning" ? h("button", { class: "secondary", "data-accept": k.code, onclick: (e: Event) => acceptWarning(id, k.code, 1, reload, (e.target as HTMLElement).parentElement ?? document.body) }, "Chấp nhận, có lý do") : "")));
}

/** Declare the round the law calls for, and write its file for the teams. */
function roundActions(id: string, c: ConstituencyResultDto): HTMLElement | string {
  const due = c.complete && c.decided_here && (c.revote_due || c.additional_vote_due);
  if (!due && c.rounds.length === 0) return "";
  const msg = h("div", { role: "status" });
  const kind = c.revote_due ? "revote" : "additional";
  const declare = c.rounds.length === 0 ? h("button", { class: "secondary", id: `round-declare-${id}`, onclick: async () => {
    try { const r = await api.declareRound(id, kind); msg.textContent = r.message; toast(r.message); } catch (e) { showError(e, msg); }
  } }, c.revote_due ? "Công bố bầu cử lại" : "Công bố bầu cử thêm") : "";
  const dir = h("input", { id: `round-dir-${id}`, type: "text", size: "30", placeholder: "Thư mục USB cho các Tổ" });
  const write = h("button", { class: "secondary", id: `round-file-${id}`, onclick: async () => {
    try { const r = await api.writeRoundFile(id, dir.value.trim()); msg.textContent = r.message; toast(r.message); } catch (e) { showError(e, msg); }
  } }, "Ghi tệp vòng bầu cử cho các Tổ");
  return h("div", { class: "inline-form" }, declare, dir, write, msg);
}

export function boardScreen(main: HTMLElement, ctx: Ctx) {
  const msg = h("div");
  const areasBox = h("section", { class: "panel", id: "areas-panel" });
  const importBox = h("section", { class: "panel", id: "import-panel" });
  const results = h("div", { id: "results" });
  const keysBox = h("section", { class: "panel", id: "keys-panel" });
  const exportBox = h("section", { class: "panel", id: "board-export-panel" });
  const reports = h("div", { id: "import-reports" });

  function reportItem(r: ImportResultDto): HTMLElement {
    const item = h("div", { class: `import-item ${r.outcome}`, "data-outcome": r.outcome },
      h("p", {}, h("strong", {}, r.outcome === "refused" ? "✗ " : "✓ "), r.message),
      h("details", { open: r.outcome === "refused" }, h("summary", {}, "Báo cáo kiểm tra"), checksList(r.report.checks, "")));
    const keyFail = r.report.checks.find((c) => c.name === "key_registered" && !c.ok);
    if (r.outcome === "refused" && keyFail && r.report.bundle) {
      const fp = h("input", { class: "accept-fp", placeholder: "Dấu vân tay in trên biên bản giấy" });
      item.append(h("div", { class: "accept" }, h("p", {}, "Khóa chưa đăng ký. Chỉ chấp nhận sau khi so dấu vân tay với biên bản giấy do Tổ trưởng ký:"), fp,
        h("button", { class: "secondary", onclick: async () => {
          try { const x = await api.importBundle(r.file.startsWith("/") ? r.file : r.report.file, fp.value); item.replaceWith(reportItem(x)); void load(); } catch (e) { showError(e, item); }
        } }, "Chấp nhận và nhập")));
    }
    return item;
  }

  async function importAll(dir: string) {
    try {
      const files = await api.scanBundles(dir);
      if (!files.length) { toast("Không có tệp gói (.tbc) trong thư mục này", "error"); return; }
      reports.replaceChildren(h("p", {}, `Đang kiểm tra và nhập ${files.length} gói…`));
      const done = await api.importBundles(files);
      reports.replaceChildren(...done.map(reportItem));
      void load();
    } catch (e) { showError(e, reports); }
  }

  let status: BoardStatusDto | null = null;
  let page = 0;
  let filter = "all";
  const levels = ctx.status.levels.map((l) => l.code);

  // The areas table, a page at a time (10,000 areas stay fast), with a
  // filter on what needs attention.
  function renderAreas() {
    const s = status;
    if (!s) return;
    const shown = s.areas.filter((a) => filter === "all" || a.status === filter || (filter === "differ" && a.paper === "differ") || (filter === "file_only" && a.paper === "file_only"));
    const pages = Math.max(1, Math.ceil(shown.length / AREAS_PER_PAGE));
    page = Math.min(page, pages - 1);
    const rows = shown.slice(page * AREAS_PER_PAGE, (page + 1) * AREAS_PER_PAGE);
    const sel = h("select", { id: "areas-filter" }, ...[["all", "Tất cả"], ["waiting", "Đang chờ"], ["refused", "Bị từ chối"], ["imported", "Đã nhập"], ["file_only", "Chưa đối chiếu giấy"], ["differ", "Giấy và tệp khác nhau"]]
      .map(([v, t]) => h("option", { value: v, selected: v === filter }, t)));
    sel.addEventListener("change", () => { filter = sel.value; page = 0; renderAreas(); });
    areasBox.replaceChildren(h("h2", {}, `Các khu vực bỏ phiếu: đã nhập ${num(s.areas_reported)}/${num(s.areas_expected)}`),
      h("div", { class: "pager" }, sel,
        h("button", { class: "secondary", id: "areas-prev", disabled: page === 0, onclick: () => { page -= 1; renderAreas(); } }, "‹ Trang trước"),
        h("span", { id: "areas-page" }, `Trang ${page + 1}/${pages} (${num(shown.length)} khu vực)`),
        h("button", { class: "secondary", id: "areas-next", disabled: page + 1 >= pages, onclick: () => { page += 1; renderAreas(); } }, "Trang sau ›")),
      h("table", { class: "figures", id: "areas-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Khu vực"), h("th", {}, "Xã"), h("th", {}, "Tình trạng"), h("th", {}, "Gói"), h("th", {}, "Biên bản giấy"), h("th", {}, "Cảnh báo Tổ đã chấp nhận"), h("th", {}, "Ghi chú"))),
        h("tbody", {}, ...rows.map((a) => h("tr", { "data-area": a.area_id, "data-status": a.status, "data-paper": a.paper ?? "", class: `status-${a.status} ${a.paper === "differ" ? "paper-differ" : ""}` },
          h("td", {}, `${a.number}. ${a.name}`), h("td", {}, a.commune), h("td", {}, STATUS[a.status] ?? a.status),
          h("td", {}, a.sequence ? `số ${a.sequence} · ${a.short_code ?? ""}` : ""),
          h("td", {}, a.status === "imported" ? h("span", {}, `${a.paper ? PAPER[a.paper] : ""}${a.paper_note ? ` (${a.paper_note})` : ""} `,
            h("button", { class: "secondary", id: `paper-${a.area_id}`, onclick: () => paperDialog(a, levels, load) }, "Gõ biên bản giấy"),
            a.paper === "differ" ? h("button", { class: "secondary", id: `paper-resolve-${a.area_id}`, onclick: () => paperResolve(a, levels, load) }, "Giải quyết") : "") : ""),
          h("td", { class: "accepted" }, a.accepted.join("; ")),
          h("td", {}, a.reason ?? (a.history.length ? `Thay cho: ${a.history.join("; ")}` : a.imported_at ?? "")))))));
  }

  async function load() {
    try {
      const [s, r, drives, key] = await Promise.all([api.boardStatus(), api.results(), api.listDrives(), api.keyInfo()]);
      status = s;
      renderAreas();
      const target = targetPicker(drives, "import-dir");
      importBox.replaceChildren(h("h2", {}, "Nhập gói từ USB"),
        h("p", {}, "Mỗi gói được kiểm tra (định dạng, mã băm, chữ ký, khóa đã đăng ký, cuộc bầu cử, chế độ, số thứ tự, nhật ký) trước khi nhập; gói hỏng hoặc lạ bị từ chối và không thay đổi gì."),
        target.el, h("button", { class: "primary", id: "import-all", onclick: () => importAll(target.value()) }, "Kiểm tra và nhập mọi gói trong thư mục"), reports);
      results.replaceChildren(h("h2", {}, "Kết quả theo đơn vị bầu cử"),
        h("div", { class: "toolbar" },
          h("button", { class: "secondary", id: "print-board-minutes", onclick: async () => { try { const o = await api.saveForm("board-minutes", null, null); toast(`Đã lưu: ${o.path}`); } catch (e) { showError(e, msg); } } }, "Lưu biên bản xác định kết quả (PDF)"),
          h("button", { class: "secondary", id: "print-board-status", onclick: async () => { try { const o = await api.saveForm("board-status", null, null); toast(`Đã lưu: ${o.path}`); } catch (e) { showError(e, msg); } } }, "Lưu bảng tình hình nhận gói (PDF)"),
          h("button", { class: "secondary", id: "export-results", onclick: async () => {
            try { const files = await api.exportResults(null); toast(`Đã lưu ${files.length} tệp: ${files.map((f) => f.path).join(", ")}`); } catch (e) { showError(e, msg); }
          } }, "Xuất bảng tính và tệp chuẩn (.xlsx, .csv, NIST)"),
          h("button", { class: "primary", id: "open-room", onclick: () => openRoom() }, "Màn hình hội trường")),
        ...Object.entries(r.constituencies).map(([id, c]) => resultCard(id, c, load)));
      const keyFile = h("input", { id: "register-key", placeholder: "Tệp khoa-….json hoặc dấu vân tay", size: 40 });
      const unit = h("input", { id: "register-unit", placeholder: "Mã đơn vị, ví dụ X0412-KV01" });
      keysBox.replaceChildren(h("h2", {}, "Khóa đã đăng ký của cấp dưới"),
        h("ul", { id: "registered-keys" }, ...s.registered.map((k) => h("li", {}, `${k.unit_id}: ${k.fingerprint} (${k.how === "file" ? "tệp đăng ký" : k.how === "fingerprint" ? "dấu vân tay" : "chấp nhận khi nhập"})`))),
        keyFile, unit, h("button", { class: "secondary", id: "register-run", onclick: async () => {
          try { const k = await api.registerKey(keyFile.value.trim(), unit.value.trim()); toast(`Đã đăng ký khóa của ${k.unit_id}`); void load(); } catch (e) { showError(e, keysBox); }
        } }, "Đăng ký"));
      const upTarget = targetPicker(drives, "board-export-target");
      const pass = h("input", { type: "password", id: "board-export-pass", placeholder: "Cụm mật khẩu", autocomplete: "off" });
      const out = h("div", { id: "board-export-result" });
      exportBox.replaceChildren(h("h2", {}, "Gói của đơn vị gửi cấp trên"),
        key ? h("p", {}, "Dấu vân tay khóa của đơn vị: ", h("strong", { id: "board-fingerprint" }, key.fingerprint))
          : h("button", { class: "secondary", id: "board-key-create", onclick: async () => {
            const f = await dialog("Tạo khóa ký của đơn vị", [field("Cụm mật khẩu (ít nhất 12 ký tự: bốn, năm từ ngẫu nhiên không liên quan đến bầu cử)", h("input", { type: "password", name: "p", id: "board-key-pass", required: true, minlength: 12 }))], "Tạo khóa");
            if (!f) return;
            try { await api.keysInit(formText(f, "p")); void load(); } catch (e) { showError(e, exportBox); }
          } }, "Tạo khóa ký"),
        upTarget.el, pass,
        h("button", { class: "primary", id: "board-export-run", disabled: !key, onclick: async () => {
          try {
            const x = await guarded(() => api.exportBundle(upTarget.value(), pass.value));
            pass.value = "";
            out.replaceChildren(h("p", { class: "ok-big", id: "board-export-ok" }, `Gói số ${x.sequence} đã ghi và kiểm tra lại: ${x.path} (mã ${x.short_code})`), checksList(x.checks, "board-export-checks"));
          } catch (e) { showError(e, out); }
        } }, "Xuất gói lên cấp trên"), out);
    } catch (e) { showError(e, msg); }
  }
  main.append(h("div", { class: "toolbar" }, h("h1", {}, `Tổng hợp kết quả — ${ctx.status.unit_name ?? ""}`)), msg, importBox, areasBox, results, keysBox, exportBox);
  void load();
}
