// Nhiều bàn phát phiếu: several check-in desks of one Tổ on one voter list,
// without internet. The peers panel (connected, lost since, refused), the
// double check-ins for the Tổ trưởng to resolve with a reason, the USB path,
// and on the main laptop the desk packages and the pairing code. Every
// rule is on the Rust side (`tobaucu_app::desk`).
import type { Ctx } from "../ctx";
import type { AnomalyDto, DeskStatusDto } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { h, num, showError, toast } from "../ui";

const statusVi: Record<string, string> = { self: "máy này", connected: "đang kết nối", lost: "mất liên lạc", never: "chưa kết nối" };

/** "2026-03-15T10:05:00+07:00" → "10:05 15/03". */
function when(t: string | null | undefined): string {
  return t ? `${t.slice(11, 16)} ${t.slice(8, 10)}/${t.slice(5, 7)}` : "";
}

function peersTable(s: DeskStatusDto): HTMLElement {
  return h("table", { id: "desk-peers", class: "figures" },
    h("thead", {}, h("tr", {}, h("th", {}, "Bàn"), h("th", {}, "Tình trạng"), h("th", {}, "Thấy lần cuối"), h("th", {}, "Địa chỉ"), h("th", {}, "Cử tri đã phát phiếu"), h("th", {}, "Sự kiện"), h("th", {}, "Chưa nhận về"))),
    h("tbody", {}, ...s.desks.map((d) => h("tr", { "data-desk": String(d.desk), "data-status": d.status },
      h("td", {}, h("strong", {}, `${d.desk}`), ` ${d.name}`),
      h("td", {}, statusVi[d.status] ?? d.status, d.status === "lost" && d.since ? ` từ ${when(d.since)}` : ""),
      h("td", {}, when(d.last_seen)),
      h("td", {}, d.addr),
      h("td", { class: "n" }, num(d.voters)),
      h("td", { class: "n" }, num(d.events)),
      h("td", { class: "n" }, d.unmerged ? num(d.unmerged) : "")))));
}

function refusals(s: DeskStatusDto): HTMLElement {
  if (!s.refusals.length) return h("p", { id: "desk-refusals" }, "Không có máy nào bị từ chối.");
  return h("table", { id: "desk-refusals", class: "figures" },
    h("thead", {}, h("tr", {}, h("th", {}, "Lúc"), h("th", {}, "Máy"), h("th", {}, "Lý do"))),
    h("tbody", {}, ...s.refusals.map((r) => h("tr", { "data-code": r.code }, h("td", {}, when(r.at)), h("td", {}, r.addr), h("td", {}, r.detail)))));
}

function anomalyRow(a: AnomalyDto, main: boolean, reload: () => void, msg: HTMLElement): HTMLElement {
  const seen = a.checkins.map((c) => `${c.desk_name} (bàn ${c.desk}) lúc ${when(c.at)}${c.mobile_box ? ", hòm phụ" : ""}`).join("; ");
  const cells = [h("td", {}, h("strong", {}, `${a.stt}`), ` ${a.name}`), h("td", {}, a.level), h("td", {}, seen)];
  if (a.resolved) {
    cells.push(h("td", {}, `Đã xử lý${a.keep ? ` (giữ lượt ${a.keep})` : ""}: ${a.reason ?? ""}`));
  } else if (main) {
    const keep = h("select", { class: "anomaly-keep", "aria-label": "Lượt được giữ" },
      ...a.checkins.map((c) => h("option", { value: c.id }, `Giữ lượt ở ${c.desk_name}`)),
      h("option", { value: "" }, "Giữ mọi lượt như đã ghi"));
    const reason = h("input", { class: "anomaly-reason", placeholder: "Lý do (bắt buộc)", size: "30" });
    const go = h("button", { class: "primary", onclick: async () => {
      try {
        await api.deskResolve(a.stt, a.level, keep.value || null, reason.value);
        toast(`Đã xử lý cử tri số ${a.stt} — cấp ${a.level}`);
        reload();
      } catch (e) { showError(e, msg); }
    } }, "Xử lý");
    cells.push(h("td", {}, keep, reason, go));
  } else {
    cells.push(h("td", {}, "Chờ Tổ trưởng xử lý trên máy chính"));
  }
  return h("tr", { class: `anomaly ${a.resolved ? "resolved" : "open"}`, "data-stt": String(a.stt), "data-level": a.level }, ...cells);
}

export function desksScreen(main: HTMLElement, _ctx: Ctx) {
  const msg = h("div", { id: "desks-msg", role: "status" });
  const body = h("div", { id: "desks-body" });
  async function load() {
    try {
      const [s, anomalies] = await Promise.all([api.deskStatus(), api.deskAnomalies().catch(() => [] as AnomalyDto[])]);
      const isMain = s.role === "main" || s.role === "";
      const parts: HTMLElement[] = [h("p", { id: "desks-summary" }, s.message)];
      if (s.held) {
        // The Tổ trưởng's way out when the desks that hold the missing events are gone for good.
        const why = h("input", { id: "desk-release-reason", size: "40", placeholder: "Lý do (bắt buộc)" });
        parts.push(h("div", { class: "banner backup required", id: "desks-held", role: "alert" }, s.held,
          h("div", { class: "inline-form" }, why, h("button", { class: "secondary", id: "desk-release", onclick: async () => {
            try { await api.deskReleaseHold(why.value.trim()); toast("Đã cho máy này phát phiếu lại (ghi vào nhật ký)."); await load(); } catch (e) { showError(e, msg); }
          } }, "Tổ trưởng cho phát phiếu lại không chờ"))));
      }
      if (s.unmerged_warning) parts.push(h("div", { class: "banner backup required", id: "desks-unmerged", role: "alert" }, s.unmerged_warning));
      if (s.role) {
        const listen = h("input", { id: "desk-listen", value: s.listen, placeholder: "mọi địa chỉ mạng nội bộ, cổng 47153", size: "28" });
        const peers = h("input", { id: "desk-peers-config", value: s.peers_config, placeholder: "tự tìm trong mạng nội bộ", size: "36" });
        parts.push(
          h("h2", {}, "Đồng bộ qua mạng nội bộ"),
          h("p", { class: "hint" }, "Chỉ trong mạng nội bộ (bộ chia mạng, hoặc điểm phát wifi của một máy), không bao giờ qua Internet. Khi bật, máy này nghe ở cổng TCP 47153 và báo sự có mặt ở cổng UDP 47154 của mạng nội bộ; chỉ các bàn có chứng nhận của cùng tổ, cùng cuộc bầu cử mới trao đổi được."),
          h("div", { class: "inline-form" },
            h("label", {}, "Nghe tại ", listen), h("label", {}, " Gọi tới ", peers),
            h("button", { class: "primary", id: "desk-apply", onclick: async () => {
              try {
                await api.deskEnable(true, listen.value, peers.value);
                toast("Đã bật đồng bộ nhiều bàn");
                void load();
              } catch (e) { showError(e, msg); }
            } }, s.enabled ? "Áp dụng" : "Bật đồng bộ"),
            s.enabled ? h("button", { class: "secondary", id: "desk-off", onclick: async () => {
              try {
                await api.deskEnable(false, listen.value, peers.value);
                toast("Đã tắt đồng bộ nhiều bàn: máy này không nghe, không gọi bàn nào");
                void load();
              } catch (e) { showError(e, msg); }
            } }, "Tắt đồng bộ") : ""),
          h("h2", {}, "Các bàn"), peersTable(s));
      }
      parts.push(h("h2", {}, "Cử tri nhận phiếu hai lần"),
        anomalies.length
          ? h("table", { id: "desk-anomalies", class: "figures" },
            h("thead", {}, h("tr", {}, h("th", {}, "Cử tri"), h("th", {}, "Cấp"), h("th", {}, "Các lượt nhận phiếu"), h("th", {}, "Xử lý"))),
            h("tbody", {}, ...anomalies.map((a) => anomalyRow(a, isMain, () => void load(), msg))))
          : h("p", { id: "desk-anomalies" }, "Không có cử tri nào nhận phiếu hai lần."));
      if (isMain) {
        const dir = h("input", { id: "desk-package-dir", size: "40", placeholder: "Thư mục trên USB, ví dụ E:\\ hoặc /media/usb" });
        const name = h("input", { id: "desk-package-name", size: "24", placeholder: "Tên bàn, ví dụ Bàn 2 — thôn Đông" });
        const code = h("strong", { id: "desk-pairing-code", class: "big" }, s.pairing_code ?? "");
        parts.push(h("h2", {}, "Thêm một máy bàn"),
          h("p", { class: "hint" }, "Gói bàn chứa cả danh sách cử tri và khóa của bàn: mang sang máy bàn bằng USB rồi xóa khỏi USB. Hoặc bật đồng bộ, tạo mã ghép nối và gõ mã đó trên máy bàn (cùng mạng nội bộ)."),
          h("div", { class: "inline-form" }, name, dir, h("button", { class: "primary", id: "desk-package", onclick: async () => {
            try {
              const r = await api.deskPackage(dir.value.trim(), name.value.trim());
              toast(r.message);
              void load();
            } catch (e) { showError(e, msg); }
          } }, "Làm gói bàn")),
          h("div", { class: "inline-form" }, h("button", { class: "secondary", id: "desk-pair", onclick: async () => {
            try {
              code.textContent = await api.deskPairingCode();
            } catch (e) { showError(e, msg); }
          } }, "Tạo mã ghép nối"), code, s.pairing_expires ? h("span", {}, ` hết hạn lúc ${when(s.pairing_expires)}`) : ""));
      }
      if (s.role) {
        const out = h("input", { id: "desk-export-dir", size: "40", placeholder: "Thư mục trên USB" });
        const files = h("input", { id: "desk-merge-files", size: "60", placeholder: "Các tệp su-kien-ban-….tbsk, cách nhau bởi dấu ;" });
        parts.push(h("h2", {}, "Không có mạng: hợp nhất qua USB"),
          h("div", { class: "inline-form" }, out, h("button", { class: "secondary", id: "desk-export", onclick: async () => {
            try { toast((await api.deskExport(out.value.trim())).message); } catch (e) { showError(e, msg); }
          } }, "Ghi sự kiện của các bàn ra USB")),
          h("div", { class: "inline-form" }, files, h("button", { class: "primary", id: "desk-merge", onclick: async () => {
            try {
              const r = await api.deskMerge(files.value.split(";").map((x) => x.trim()).filter((x) => x));
              toast(r.message);
              void load();
            } catch (e) { showError(e, msg); }
          } }, "Hợp nhất")),
          h("h2", {}, "Máy bị từ chối"), refusals(s));
      }
      body.replaceChildren(...parts);
    } catch (e) { showError(e, msg); }
  }
  main.append(h("div", { class: "toolbar" }, h("h1", {}, "Nhiều bàn phát phiếu"), h("button", { class: "secondary", id: "desks-refresh", onclick: () => void load() }, "Cập nhật")), msg, body);
  void load();
  const onNote = () => void load();
  document.addEventListener("desk-note", onNote);
  const t = window.setInterval(() => void load(), 5000);
  return () => { window.clearInterval(t); document.removeEventListener("desk-note", onNote); };
}

/** The setup screen's panel: this laptop becomes a check-in desk of a Tổ. */
export function deskJoinPanel(ctx: Ctx): HTMLElement {
  const msg = h("div", { id: "desk-join-msg", role: "status" });
  const path = h("input", { id: "desk-join-path", size: "50", placeholder: "Gói bàn trên USB: ban-2-….tbban" });
  const host = h("input", { id: "desk-join-host", size: "22", placeholder: "Địa chỉ máy chính, ví dụ 192.168.1.10" });
  const code = h("input", { id: "desk-join-code", size: "10", placeholder: "Mã 8 chữ số" });
  const name = h("input", { id: "desk-join-name", size: "20", placeholder: "Tên bàn" });
  const done = async (message: string) => {
    toast(message);
    await ctx.refresh();
    ctx.go("desk");
  };
  return h("section", { id: "desk-join-panel" },
    h("h2", {}, "Máy bàn phát phiếu của một tổ có nhiều bàn"),
    h("p", { class: "hint" }, "Máy chính của Tổ trưởng làm gói bàn (USB) hoặc hiện mã ghép nối (cùng mạng nội bộ). Máy bàn nhận cả danh sách cử tri và phát phiếu độc lập; các bàn đồng bộ với nhau khi có mạng."),
    h("div", { class: "inline-form" }, path, h("button", { class: "primary", id: "desk-join-file", onclick: async () => {
      try { await done((await api.deskJoinFile(path.value.trim())).message); } catch (e) { showError(e, msg); }
    } }, "Nhận gói bàn")),
    h("div", { class: "inline-form" }, host, code, name, h("button", { class: "secondary", id: "desk-join-net", onclick: async () => {
      try { await done((await api.deskJoinNetwork(host.value.trim(), code.value.trim(), name.value.trim())).message); } catch (e) { showError(e, msg); }
    } }, "Ghép nối qua mạng")),
    msg);
}
