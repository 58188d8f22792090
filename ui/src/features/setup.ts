// Chuẩn bị: load the election definition, pick the polling area, or use the demo.
import type { Ctx } from "../main";
import { api } from "../platform/tauri";
import { dateVi, h, num, showError, toast } from "../ui";

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
      backupPanel(),
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
  }, "Dùng cuộc bầu cử mẫu (Thiệu Ngọc, 2026)");
  const file = h("input", { type: "file", id: "election-file", accept: ".json,application/json" }) as HTMLInputElement;
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    const json = await f.text();
    try {
      const p = await api.previewElection(json);
      const select = h("select", { id: "area-select", size: Math.min(8, p.areas.length + 1) },
        ...p.areas.map((a) => h("option", { value: a.id }, `Khu vực số ${a.number} — ${a.name} (${a.commune_name})`)));
      (select as HTMLSelectElement).selectedIndex = 0;
      areaBox.replaceChildren(
        h("h2", {}, p.election_name),
        h("p", {}, `Ngày bầu cử ${dateVi(p.election_date)} · ${p.levels.length} cấp: ${p.levels.map((l) => l.code).join(", ")}`),
        h("label", { class: "field" }, h("span", {}, "Chọn khu vực bỏ phiếu của tổ"), select),
        h("button", {
          class: "primary", id: "setup-button",
          onclick: async () => {
            try {
              await api.setup(json, (select as HTMLSelectElement).value);
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
    h("p", {}, "Chưa có tệp? Xem thử với cuộc bầu cử mẫu:"), demo);
  demo.focus();
}

/** Sao lưu: where (a USB folder), how often, how many kept; back up now. */
/** Bầu cử lại / bầu cử thêm: the team opens the round from its board's file. */
function roundPanel(): HTMLElement {
  const path = h("input", { id: "round-file", type: "text", size: "50", placeholder: "Tệp vòng bầu cử của Ban bầu cử, ví dụ E:\\vong-2-XA-04.json" }) as HTMLInputElement;
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

function backupPanel(): HTMLElement {
  const dir = h("input", { id: "backup-dir", type: "text", placeholder: "Thư mục trên USB, ví dụ E:\\sao-luu", size: "40" }) as HTMLInputElement;
  const every = h("input", { id: "backup-every", type: "number", min: "1", max: "240", value: "15", size: "4" }) as HTMLInputElement;
  const keep = h("input", { id: "backup-keep", type: "number", min: "1", max: "100", value: "8", size: "4" }) as HTMLInputElement;
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
    last, msg);
}
