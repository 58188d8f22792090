// Tỷ lệ đi bầu: per level bars, check-ins per hour, named snapshots (printable).
import type { Ctx } from "../ctx";
import type { TurnoutView } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { h, num, showError, toast } from "../ui";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bar chart of voters who received ballots per hour, 5:00–21:00 (Art. 71). */
function hourlyChart(t: TurnoutView): SVGElement {
  const hours = Array.from({ length: 17 }, (_, i) => i + 5);
  const counts = new Map(t.hourly.map((x) => [x.hour, x.count]));
  const max = Math.max(1, ...t.hourly.map((x) => x.count));
  const W = 720, H = 240, left = 40, bottom = 30, bw = (W - left) / hours.length;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", id: "hourly-chart", role: "img", "aria-label": "Số cử tri nhận phiếu theo giờ" });
  hours.forEach((hr, i) => {
    const c = counts.get(hr) ?? 0;
    const bh = ((H - bottom - 20) * c) / max;
    const x = left + i * bw;
    root.append(svg("rect", { x: x + 3, y: H - bottom - bh, width: bw - 6, height: bh, class: "bar" }));
    if (c) root.append(svg("text", { x: x + bw / 2, y: H - bottom - bh - 4, "text-anchor": "middle", class: "val" }, num(c)));
    root.append(svg("text", { x: x + bw / 2, y: H - 10, "text-anchor": "middle", class: "axis" }, `${hr}h`));
  });
  root.append(svg("line", { x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: "axisline" }));
  return root;
}

export function turnoutScreen(main: HTMLElement, _ctx: Ctx) {
  const body = h("div", { id: "turnout-body" });
  const msg = h("div");
  async function load() {
    try {
      const t = await api.turnoutView();
      const table = h("table", { id: "turnout-table", class: "figures" },
        h("thead", {}, h("tr", {}, h("th", {}, "Cấp"), h("th", {}, "Cử tri trong danh sách"), h("th", {}, "Đã bỏ phiếu"), h("th", {}, "Tỷ lệ"), h("th", {}, ""))),
        h("tbody", {}, ...t.levels.map((l) => h("tr", { "data-level": l.code },
          h("td", { title: l.name }, h("strong", {}, l.code), ` ${l.name}`),
          h("td", { class: "n listed" }, num(l.voters_listed)),
          h("td", { class: "n voted" }, num(l.voters_voted)),
          h("td", { class: "n percent" }, `${l.percent_vi}%`),
          h("td", {}, h("progress", { max: 100, value: l.percent, "aria-label": `${l.code} ${l.percent_vi}%` }))))));
      const snaps = h("table", { id: "snapshots", class: "figures" },
        h("thead", {}, h("tr", {}, h("th", {}, "Lần báo cáo"), h("th", {}, "Lúc"), ...t.levels.map((l) => h("th", {}, l.code)))),
        h("tbody", {}, ...t.snapshots.map((s) => h("tr", {},
          h("td", {}, s.name), h("td", {}, `${s.taken_at.slice(11, 16)} ${s.taken_at.slice(8, 10)}/${s.taken_at.slice(5, 7)}`),
          ...s.levels.map((l) => h("td", { class: "n" }, `${num(l.voters_voted)}/${num(l.voters_listed)} (${l.percent_vi}%)`))))));
      // Nhiều bàn: each desk's voters as this laptop knows them, with when
      // it last heard from each.
      const desks = t.desks.length ? [h("h2", {}, "Theo bàn phát phiếu"), h("table", { id: "turnout-desks", class: "figures" },
        h("thead", {}, h("tr", {}, h("th", {}, "Bàn"), h("th", {}, "Cử tri đã nhận phiếu"), h("th", {}, "Tình trạng"), h("th", {}, "Thấy lần cuối"))),
        h("tbody", {}, ...t.desks.map((d) => h("tr", { "data-desk": String(d.desk) },
          h("td", {}, h("strong", {}, `${d.desk}`), ` ${d.name}${d.this ? " (máy này)" : ""}`),
          h("td", { class: "n" }, num(d.voters)),
          h("td", {}, d.status === "connected" ? "đang kết nối" : d.status === "lost" ? "mất liên lạc" : d.status === "self" ? "máy này" : "chưa kết nối"),
          h("td", {}, d.last_seen ? `${d.last_seen.slice(11, 16)} ${d.last_seen.slice(8, 10)}/${d.last_seen.slice(5, 7)}` : "")))))] : [];
      body.replaceChildren(table, ...desks, h("h2", {}, "Số cử tri nhận phiếu theo giờ"), hourlyChart(t),
        h("h2", {}, "Các lần báo cáo đã lưu"), t.snapshots.length ? snaps : h("p", {}, "Chưa lưu lần báo cáo nào."));
    } catch (e) { showError(e, msg); }
  }
  const name = h("input", { id: "snapshot-name", placeholder: "Tên lần báo cáo, ví dụ \"11 giờ\"" });
  const save = async () => {
    try {
      const s = await api.takeSnapshot(name.value || `${new Date().getHours()} giờ`);
      toast(`Đã lưu số liệu "${s.name}"`);
      name.value = "";
      void load();
    } catch (e) { showError(e, msg); }
  };
  name.addEventListener("keydown", (e) => { if (e.key === "Enter") void save(); });
  main.append(
    h("div", { class: "toolbar" }, h("h1", {}, "Tỷ lệ cử tri đi bầu"),
      h("button", { class: "secondary", onclick: load, id: "turnout-refresh" }, "Cập nhật"),
      name, h("button", { class: "primary", id: "snapshot-save", onclick: save }, "Lưu số liệu lúc này"),
      h("button", { class: "secondary", onclick: () => window.print() }, "In")),
    msg, body);
  void load();
  const t = window.setInterval(load, 30000);
  return () => window.clearInterval(t);
}
