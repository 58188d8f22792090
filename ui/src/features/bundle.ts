// Gói kết quả (team): the unit's signing key and registration sheet, then
// the signed bundle exported to a USB stick, read back and verified.
import type { Ctx } from "../ctx";
import type { DriveDto, ExportResultDto, KeyInfoDto } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { dialog, field, formText, guarded, h, num, showError, toast } from "../ui";

export function checksList(checks: { name: string; ok: boolean; detail: string }[], id: string): HTMLElement {
  return h("ul", { class: "verify-checks", id },
    ...checks.map((c) => h("li", { class: c.ok ? "ok" : "fail", "data-check": c.name },
      h("strong", {}, c.ok ? "✓ " : "✗ ", c.name), " — ", c.detail)));
}

/** The target picker: detected drives, and a folder path that can be typed. */
export function targetPicker(drives: DriveDto[], id: string): { el: HTMLElement; value: () => string } {
  const input = h("input", { id, placeholder: "Thư mục trên USB, ví dụ /media/usb hoặc E:\\", value: drives[0]?.path ?? "", size: 50 });
  const list = h("div", { class: "drives" }, ...drives.map((d) =>
    h("button", { type: "button", class: "secondary drive", onclick: () => { input.value = d.path; } }, `${d.label}: ${d.path}`)));
  return { el: h("div", { class: "target" }, list, input), value: () => input.value.trim() };
}

export function bundleScreen(main: HTMLElement, ctx: Ctx) {
  const msg = h("div");
  const keyBox = h("section", { class: "panel", id: "key-panel" });
  const exportBox = h("section", { class: "panel", id: "export-panel" });

  async function createKey() {
    const f = await dialog("Tạo khóa ký của đơn vị", [
      h("p", {}, "Khóa ký dùng để ký gói kết quả gửi Ủy ban bầu cử xã. Cụm mật khẩu do Tổ trưởng chọn và giữ; không ai xem được khóa riêng. Cần cụm mật khẩu mỗi khi khóa biên bản hoặc xuất gói."),
      field("Cụm mật khẩu (ít nhất 12 ký tự: bốn, năm từ ngẫu nhiên không liên quan đến bầu cử)", h("input", { type: "password", name: "p1", id: "key-pass", required: true, minlength: 12, autocomplete: "new-password" })),
      field("Nhập lại", h("input", { type: "password", name: "p2", id: "key-pass2", required: true, autocomplete: "new-password" })),
    ], "Tạo khóa");
    if (!f) return;
    if (f.get("p1") !== f.get("p2")) { toast("Hai lần nhập không giống nhau; chưa tạo khóa", "error"); return; }
    try {
      const k = await api.keysInit(formText(f, "p1"));
      toast(`Đã tạo khóa. Dấu vân tay ${k.fingerprint}`);
      void load();
    } catch (e) { showError(e, msg); }
  }

  function renderKey(k: KeyInfoDto | null, drives: DriveDto[]) {
    if (!k) {
      keyBox.replaceChildren(h("h2", {}, "1. Khóa ký"),
        h("p", {}, "Đơn vị chưa có khóa ký. Tạo khóa trước ngày bầu cử, in phiếu đăng ký và mang tệp đăng ký đến xã."),
        h("button", { class: "primary", id: "key-create", onclick: createKey }, "Tạo khóa ký"));
      return;
    }
    const target = targetPicker(drives, "registration-target");
    keyBox.replaceChildren(h("h2", {}, "1. Khóa ký"),
      h("p", {}, "Dấu vân tay (so với phiếu đăng ký ở xã):"),
      h("p", { class: "fingerprint", id: "key-fingerprint" }, k.fingerprint),
      h("p", { class: "muted" }, `Tạo lúc ${k.created_at.slice(11, 16)} ${k.created_at.slice(8, 10)}/${k.created_at.slice(5, 7)}/${k.created_at.slice(0, 4)}`),
      h("div", { class: "toolbar" },
        h("button", { class: "secondary", id: "registration-sheet", onclick: async () => {
          try { const r = await api.saveForm("key-registration", null, null); toast(`Đã lưu phiếu đăng ký: ${r.path}`); } catch (e) { showError(e, msg); }
        } }, "Lưu phiếu đăng ký (PDF)")),
      target.el,
      h("button", { class: "secondary", id: "registration-save", onclick: async () => {
        try { const p = await api.saveRegistration(target.value()); toast(`Đã ghi tệp đăng ký: ${p}`); } catch (e) { showError(e, msg); }
      } }, "Ghi tệp đăng ký khóa vào thư mục này"));
  }

  function renderExport(k: KeyInfoDto | null, drives: DriveDto[]) {
    const target = targetPicker(drives, "export-target");
    const pass = h("input", { type: "password", id: "export-pass", placeholder: "Cụm mật khẩu của Tổ trưởng", autocomplete: "off" });
    const progress = h("div", { id: "export-progress", class: "progress-steps" });
    const result = h("div", { id: "export-result" });
    const run = async () => {
      progress.replaceChildren(h("p", {}, "Đang lập gói, ký và ghi vào thiết bị…"));
      result.replaceChildren();
      try {
        const r: ExportResultDto = await guarded(() => api.exportBundle(target.value(), pass.value));
        pass.value = "";
        progress.replaceChildren(h("p", {}, "✓ Đã ghi (tên tạm, đồng bộ, đổi tên) · ✓ Đã đọc lại · ✓ Đã kiểm tra chữ ký và mã băm"));
        result.replaceChildren(
          h("p", { class: "ok-big", id: "export-ok" }, `Gói số ${r.sequence} đã ghi: ${r.path}`),
          h("p", {}, `Mã gói (in trên biên bản, có mã QR): `, h("strong", { id: "export-code" }, r.short_code), ` · ${num(Number(r.size))} byte${r.test_mode ? " · THỬ NGHIỆM" : ""}`),
          checksList(r.checks, "export-checks"),
          h("p", { class: "muted" }, "In lại biên bản (màn hình Biên bản) để có mã QR của gói này trên giấy."));
        toast(`Đã xuất gói số ${r.sequence}`);
      } catch (e) { progress.replaceChildren(); showError(e, result); }
    };
    pass.addEventListener("keydown", (e) => { if (e.key === "Enter") void run(); });
    exportBox.replaceChildren(h("h2", {}, "2. Xuất gói kết quả ra USB"),
      h("p", {}, "Gói chứa số liệu đã khóa của từng cấp, các phiếu đã kiểm, biên bản PDF và nhật ký (không chứa dữ liệu cá nhân của cử tri). Chỉ xuất được khi mọi cấp đã khóa biên bản."),
      target.el, pass,
      h("button", { class: "primary", id: "export-run", onclick: run, disabled: !k }, "Xuất gói"),
      progress, result);
  }

  async function load() {
    try {
      const [k, drives] = await Promise.all([api.keyInfo(), api.listDrives()]);
      renderKey(k, drives);
      renderExport(k, drives);
    } catch (e) { showError(e, msg); }
  }
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Gói kết quả")), msg, keyBox, exportBox);
  void ctx;
  void load();
}
