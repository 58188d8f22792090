// Chuẩn bị: load the election definition, pick the polling area, or use the demo.
import type { Ctx } from "../ctx";
import { api } from "../platform/tauri";
import { dateVi, dialog, field, formText, guarded, h, num, showError, toast } from "../ui";
import { deskJoinPanel } from "./desks";

export function setupScreen(main: HTMLElement, ctx: Ctx) {
  const s = ctx.status;
  const audit = h("div", { id: "audit" });
  const verifyButton = h("button", { id: "audit-verify" }, "Kiểm tra nhật ký");
  const verifyResult = h("div", { id: "audit-verify-result", role: "status" });
  if (s.set_up) {
    main.append(
      h("h1", {}, "Thông tin cuộc bầu cử"),
      h("dl", { class: "facts" },
        h("dt", {}, "Cuộc bầu cử"), h("dd", {}, s.election_name ?? ""),
        h("dt", {}, "Ngày bầu cử"), h("dd", {}, dateVi(s.election_date ?? "")),
        h("dt", {}, "Khu vực bỏ phiếu"), h("dd", {}, `Số ${s.area_number ?? ""} — ${s.unit_name ?? ""} (${s.unit_id ?? ""})`),
        h("dt", {}, "Xã"), h("dd", {}, s.commune_name ?? ""),
        h("dt", {}, "Các cấp bầu cử"), h("dd", {}, h("ul", {}, ...s.levels.map((l) => h("li", {}, `${l.code} — ${l.name}`)))),
        h("dt", {}, "Số cử tri"), h("dd", {}, num(s.voters)),
        h("dt", {}, "Tệp dữ liệu"), h("dd", { class: "mono" }, s.db_path)),
      h("p", {}, "Bước tiếp theo: nhập danh sách cử tri (Alt+2), rồi phát phiếu (Alt+3)."),
      s.unit_kind === "area" || s.rehearsal ? rehearsalPanel(ctx) : "",
      backupPanel(ctx),
      roundPanel(),
      h("h2", {}, "Nhật ký thay đổi"),
      h("p", {}, "Mỗi mục nhật ký mang mã băm của mục trước; sửa, xóa hay chèn một mục ngoài ứng dụng sẽ làm đứt chuỗi.",
        " ", verifyButton), verifyResult, audit);
    const verify = async () => {
      try {
        const r = await api.auditVerify();
        verifyResult.dataset.ok = String(r.ok);
        verifyResult.className = r.ok ? "ok-box" : "error-box";
        verifyResult.textContent = r.message;
        audit.querySelectorAll("tr.broken").forEach((tr) => tr.classList.remove("broken"));
        if (r.broken) {
          const tr = audit.querySelector(`tr[data-pos="${r.broken.position}"]`);
          tr?.classList.add("broken");
          tr?.scrollIntoView({ block: "center" });
        }
      } catch (e) {
        showError(e, verifyResult);
      }
    };
    verifyButton.onclick = verify;
    api.auditLog().then((log) => {
      const shown = log.map((e, i) => ({ e, pos: i + 1 })).slice(-300).reverse();
      audit.replaceChildren(h("table", { class: "figures", id: "audit-log" },
        h("thead", {}, h("tr", {}, h("th", {}, "Số"), h("th", {}, "Lúc"), h("th", {}, "Việc"), h("th", {}, "Đối tượng"), h("th", {}, "Lý do"))),
        h("tbody", {}, ...shown.map(({ e, pos }) => h("tr", { "data-pos": String(pos) },
          h("td", { class: "num" }, String(pos)),
          h("td", { class: "mono" }, `${e.at.slice(11, 19)} ${dateVi(e.at.slice(0, 10))}`), h("td", {}, e.action),
          h("td", {}, e.subject), h("td", {}, e.reason))))));
    }).catch((e) => showError(e, audit));
    return;
  }
  const msg = h("div", { id: "setup-msg" });
  const areaBox = h("div", { id: "area-choice" });
  const demo = h("button", {
    class: "primary big", id: "demo-button",
    onclick: async () => {
      try {
        const st = await api.setupDemo();
        toast(`Đã mở cuộc bầu cử mẫu với ${num(st.voters)} cử tri`);
        await ctx.refresh();
        ctx.go("desk");
      } catch (e) { showError(e, msg); }
    },
  }, "Dùng cuộc bầu cử mẫu (Thiệu Ngọc, 2026 — diễn tập)");
  const rehearse = h("input", { type: "checkbox", id: "setup-rehearsal" });
  const file = h("input", { type: "file", id: "election-file", accept: ".json,application/json" });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    const json = await f.text();
    try {
      const p = await api.previewElection(json);
      const select = h("select", { id: "area-select", size: Math.min(8, p.areas.length + 1) },
        ...p.areas.map((a) => h("option", { value: a.id }, `Khu vực số ${a.number} — ${a.name} (${a.commune_name})`)));
      (select).selectedIndex = 0;
      areaBox.replaceChildren(
        h("h2", {}, p.election_name),
        h("p", {}, `Ngày bầu cử ${dateVi(p.election_date)} · ${p.levels.length} cấp: ${p.levels.map((l) => l.code).join(", ")}`),
        h("label", { class: "field" }, h("span", {}, "Chọn khu vực bỏ phiếu của tổ"), select),
        h("label", { class: "check", title: "Làm thử với danh sách thật trong tuần trước ngày bầu cử; Tổ trưởng chuyển sang chính thức khi xong" },
          rehearse, " Diễn tập: làm thử trên chính tệp này với danh sách thật, rồi Tổ trưởng chuyển sang chính thức (dữ liệu diễn tập được xóa)"),
        h("button", {
          class: "primary", id: "setup-button",
          onclick: async () => {
            try {
              await api.setup(json, (select).value, rehearse.checked);
              await ctx.refresh();
              ctx.go("voters");
            } catch (e) { showError(e, msg); }
          },
        }, "Thiết lập tổ bầu cử"));
      msg.replaceChildren();
    } catch (e) { showError(e, msg); }
  });
  main.append(
    h("h1", {}, "Thiết lập tổ bầu cử"),
    h("p", {}, "Mở tệp định nghĩa cuộc bầu cử (JSON) do Ủy ban bầu cử xã gửi, rồi chọn khu vực bỏ phiếu của tổ."),
    h("div", { class: "row" }, h("label", { class: "button secondary" }, "Mở tệp định nghĩa… ", file)),
    areaBox, msg,
    h("hr"),
    h("p", {}, "Chưa có tệp? Xem thử với cuộc bầu cử mẫu:"), demo,
    h("hr"),
    deskJoinPanel(ctx),
    h("hr"),
    restorePanel(ctx, "Máy dự phòng: khôi phục bản sao lưu của tổ", "Mất điện hay hỏng máy: cắm USB sao lưu vào máy này, chọn thư mục sao lưu (lấy bản mới nhất) hoặc một tệp …-sao-luu-….sqlite, rồi tiếp tục làm việc; sau đó nhập bổ sung các số thẻ đã đánh dấu trên danh sách giấy (Phát phiếu → Nhập bổ sung sau mất điện)."));
  demo.focus();
}

/** Restores a backup as this window's data file (a spare laptop). */
function restorePanel(ctx: Ctx, title: string, hint: string): HTMLElement {
  const path = h("input", { id: "restore-path", type: "text", size: "50", placeholder: "Thư mục sao lưu trên USB (bản mới nhất), hoặc tệp …-sao-luu-….sqlite" });
  const msg = h("div", { id: "restore-msg", role: "status" });
  const run = h("button", { class: "primary", id: "restore-run", onclick: async () => {
    try {
      const r = await api.restoreBackup(path.value.trim());
      toast("Đã khôi phục bản sao lưu");
      await ctx.refresh();
      const box = document.createElement("div");
      box.className = "ok-box";
      box.id = "restore-ok";
      box.textContent = r.message;
      document.querySelector("main")?.prepend(box);
    } catch (e) { showError(e, msg); }
  } }, "Khôi phục và làm tiếp");
  return h("section", { id: "restore-panel" }, h("h2", {}, title), h("p", { class: "hint" }, hint), h("div", { class: "inline-form" }, path, run), msg);
}

/** Diễn tập: what it means, the zero report, the one guarded switch to official. */
function rehearsalPanel(ctx: Ctx): HTMLElement {
  const s = ctx.status;
  const msg = h("div", { id: "official-msg", role: "status" });
  const zero = h("button", { id: "zero-report", onclick: async () => {
    try {
      const f = await api.saveForm("zero-report", null);
      msg.className = "ok-box";
      msg.textContent = `Đã in báo cáo số không (${f.pages} trang): ${f.path} — in ra giấy, Tổ trưởng, Thư ký và hai cử tri chứng kiến ký trước khi mở hòm phiếu.`;
    } catch (e) { showError(e, msg); }
  } }, "In báo cáo số không (trước khi mở hòm phiếu)");
  if (!s.rehearsal) {
    return h("section", { id: "rehearsal-panel" }, h("h2", {}, "Trước khi mở hòm phiếu"),
      h("p", {}, s.official_since ? `Chế độ chính thức từ ${s.official_since.slice(11, 16)} ngày ${dateVi(s.official_since.slice(0, 10))} (đã chuyển từ diễn tập; biên bản chuyển ở màn hình Biên bản).` : "Chế độ chính thức."),
      h("p", {}, "Lúc 7 giờ, trước khi mở hòm phiếu: in báo cáo số không (mọi số liệu bằng 0, tổng số cử tri theo cấp, người ứng cử theo thứ tự trên phiếu để đối chiếu với phiếu đã in, dấu vân tay khóa ký) và ký."),
      zero, msg);
  }
  const go = h("button", { class: "danger", id: "official-switch", onclick: async () => {
    const f = await dialog("Chuyển từ diễn tập sang chính thức", [
      h("p", {}, "Việc này xóa mọi dữ liệu diễn tập: các lượt nhận phiếu, phiếu đã kiểm, bảng kiểm phiếu, kiểm kê, biên bản, khiếu nại, sự việc trong ngày, gói kết quả đã xuất (ở xã: gói đã nhập và kết quả)."),
      h("p", {}, "Giữ nguyên: định nghĩa cuộc bầu cử, danh sách cử tri và các thay đổi, thành phần Tổ, khóa ký, nhật ký. Việc chuyển được ghi nhật ký, in biên bản và KHÔNG hoàn tác được."),
      field("Cụm mật khẩu của Tổ trưởng", h("input", { name: "pass", id: "official-pass", type: "password", required: true, autocomplete: "off" })),
    ], "Chuyển sang chính thức");
    if (!f) return;
    try {
      const r = await guarded(() => api.switchToOfficial(formText(f, "pass")));
      toast("Đã chuyển sang chính thức");
      await ctx.refresh();
      const box = document.createElement("div");
      box.className = "ok-box";
      box.id = "official-ok";
      box.textContent = r.message;
      document.querySelector("main")?.prepend(box);
    } catch (e) { showError(e, msg); }
  } }, "Chuyển sang chính thức…");
  return h("section", { id: "rehearsal-panel", class: "banner rehearsal" },
    h("h2", {}, "Chế độ diễn tập"),
    h("p", {}, "Tổ đang diễn tập trên chính tệp dữ liệu này, với danh sách cử tri thật: phát phiếu cho cử tri giả, kiểm phiếu thử, in thử biên bản. Mọi trang in mang dòng “DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ”; gói kết quả là gói diễn tập, Ủy ban bầu cử chính thức không nhận."),
    h("p", {}, "Diễn tập bàn phát phiếu: tobaucu drill checkin --voters 150. Diễn tập kiểm phiếu: màn hình Kiểm phiếu → Diễn tập kiểm phiếu."),
    h("div", { class: "toolbar" }, go, zero), msg);
}

/** Sao lưu: where (a USB folder), how often, how many kept; back up now. */
/** Bầu cử lại / bầu cử thêm: the team opens the round from its board's file. */
function roundPanel(): HTMLElement {
  const path = h("input", { id: "round-file", type: "text", size: "50", placeholder: "Tệp vòng bầu cử của Ban bầu cử, ví dụ E:\\vong-2-XA-04.json" });
  const msg = h("div", { id: "round-msg", role: "status" });
  const btn = h("button", { id: "round-open", onclick: async () => {
    try {
      const r = await api.openRound(path.value.trim());
      msg.className = "ok-box";
      msg.textContent = r.message;
      toast(r.message);
    } catch (e) { showError(e, msg); }
  } }, "Mở vòng bầu cử");
  return h("details", { class: "panel", id: "round-panel" },
    h("summary", {}, "Bầu cử lại hoặc bầu cử thêm (Điều 79, 80)"),
    h("p", { class: "hint" }, "Khi Ban bầu cử công bố bầu cử lại hoặc bầu cử thêm, mở tệp vòng bầu cử Ban gửi: vòng đó thành một cấp riêng để phát phiếu, kiểm phiếu và lập biên bản."),
    h("div", { class: "inline-form" }, path, btn), msg);
}

function backupPanel(ctx: Ctx): HTMLElement {
  const dir = h("input", { id: "backup-dir", type: "text", placeholder: "Thư mục trên USB, ví dụ E:\\sao-luu", size: "40" });
  const every = h("input", { id: "backup-every", type: "number", min: "1", max: "240", value: "15", size: "4" });
  const keep = h("input", { id: "backup-keep", type: "number", min: "1", max: "100", value: "8", size: "4" });
  const last = h("p", { id: "backup-last" });
  const msg = h("div", { id: "backup-msg", role: "status" });
  const show = (b: { dir: string | null; every_minutes: number; keep: number; last: { at: string; path: string } | null }) => {
    dir.value = b.dir ?? "";
    every.value = String(b.every_minutes);
    keep.value = String(b.keep);
    last.textContent = b.last ? `Lần sao lưu gần nhất: ${b.last.at.slice(11, 16)} ${dateVi(b.last.at.slice(0, 10))} — ${b.last.path}` : b.dir ? "Chưa có bản sao lưu nào." : "Sao lưu tự động đang tắt: hãy chọn một thư mục trên USB.";
  };
  api.backupSettings().then(show).catch((e) => showError(e, msg));
  const save = h("button", { id: "backup-save", onclick: async () => {
    try {
      show(await api.setBackupSettings(dir.value.trim() || null, Number(every.value), Number(keep.value)));
      msg.className = "ok-box";
      msg.textContent = dir.value.trim() ? `Sẽ sao lưu mỗi ${every.value} phút vào ${dir.value.trim()}.` : "Đã tắt sao lưu tự động.";
      if (dir.value.trim()) document.getElementById("backup-warning")?.remove();
    } catch (e) { showError(e, msg); }
  } }, "Lưu cài đặt");
  const now = h("button", { id: "backup-now", class: "primary", onclick: async () => {
    try {
      const b = await api.backupNow();
      msg.className = "ok-box";
      msg.textContent = `Đã sao lưu: ${b.path}${b.pdf ? ` và ${b.pdf}` : ""}`;
      show(await api.backupSettings());
    } catch (e) { showError(e, msg); }
  } }, "Sao lưu ngay");
  return h("section", { id: "backup-panel" },
    h("h2", {}, "Sao lưu"),
    h("p", {}, "Bản sao cơ sở dữ liệu và danh sách cử tri đã nhận phiếu (PDF) được ghi định kỳ sang nơi thứ hai (USB), giữ các bản gần nhất."),
    h("label", {}, "Nơi sao lưu ", dir), " ",
    h("label", {}, "mỗi ", every, " phút"), " ",
    h("label", {}, "giữ ", keep, " bản"), " ", save, " ", now,
    last, msg,
    h("details", { class: "panel" }, h("summary", {}, "Khôi phục bản sao lưu vào tệp này"),
      restorePanel(ctx, "Khôi phục", "Tệp dữ liệu hiện tại được giữ lại dưới tên khác (không bị xóa). Dùng khi tệp này hỏng, hoặc trên máy dự phòng.")));
}
