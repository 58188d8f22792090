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
