// Màn hình cho hội trường (issue 15 item 6): read-only, full screen, large
// type, refreshes itself; pages turn by themselves for thousands of areas.
// Nothing on it acts: Esc leaves. Readable on a projector at 1024×768.
import type { RoomDto } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { h, messageOf, num } from "../ui";

const REFRESH_MS = 5000;
/** Pages turn every second refresh. */
const TURN_EVERY = 2;

const STATUS_VI: Record<string, string> = { waiting: "Đang chờ", imported: "Đã nhập", refused: "Bị từ chối" };

/** Opens the room screen over the window; resolves when it is closed. */
export function openRoom(): Promise<void> {
  return new Promise((done) => {
    const root = h("div", { class: "room", id: "room", role: "dialog", "aria-label": "Màn hình cho hội trường", tabindex: -1 });
    document.body.append(root);
    root.focus();
    document.documentElement.requestFullscreen?.().catch(() => {});
    let cPage = 0;
    let aPage = 0;
    let tick = 0;
    let last: RoomDto | null = null;
    const perPage = () => (window.innerWidth >= 1600 && window.innerHeight >= 1000 ? 9 : 6);
    const tilesPerPage = () => Math.max(12, Math.floor((window.innerWidth - 40) / 150) * 3);

    function render(r: RoomDto) {
      const clock = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" });
      const big = (n: number, label: string, cls: string, id: string) => h("div", { class: `room-count ${cls}`, id }, h("span", { class: "room-n" }, num(n)), h("span", {}, label));
      const waitingOnly = r.areas_expected > 300;
      root.replaceChildren(
        h("header", { class: "room-head" },
          h("h1", {}, `Kết quả bầu cử — ${r.unit_name}`),
          r.test_mode ? h("span", { class: "room-test" }, "THỬ NGHIỆM") : "",
          h("span", { class: "room-clock" }, clock)),
        h("section", { class: "room-counts" },
          big(r.areas_imported, `/${num(r.areas_expected)} khu vực đã nhập`, "ok", "room-imported"),
          big(r.areas_waiting, "đang chờ", "wait", "room-waiting"),
          big(r.areas_refused, "bị từ chối", "bad", "room-refused"),
          h("div", { class: "room-turnout", id: "room-turnout" }, ...r.levels.map((l) => h("div", { class: "room-level" },
            h("span", {}, `${l.code}: đi bầu ${l.percent_vi}%`),
            h("progress", { max: 100, value: Number(l.percent_vi.replace(",", ".")) }))))),
        h("section", { class: "room-grid", id: "room-constituencies" }, ...r.constituencies.map((c) => h("article", { class: `room-card ${c.complete ? "done" : ""}`, "data-id": c.id },
          h("h2", {}, c.name), h("p", { class: "room-level-name" }, c.level_name),
          h("progress", { max: Math.max(1, c.areas_expected), value: c.areas_reported }),
          h("p", { class: "room-verdict" }, c.verdict),
          c.complete && c.elected.length ? h("ol", { class: "room-elected" }, ...c.elected.map((e) => h("li", {}, `★ ${e.name} — ${e.percent_vi}%`))) : ""))),
        h("footer", { class: "room-foot" },
          h("span", {}, `Đơn vị bầu cử: ${r.constituencies_complete}/${r.constituencies_total} đã đủ khu vực · trang ${r.constituency_page + 1}/${r.constituency_pages}`),
          h("div", { class: "room-tiles", id: "room-areas" }, ...(r.areas.length ? r.areas.map((a) => h("span", { class: `room-tile ${a.status}`, title: STATUS_VI[a.status] ?? a.status }, a.label))
            : [h("span", {}, waitingOnly ? "Mọi khu vực đã nhập." : "")])),
          h("span", { class: "room-hint" }, `${waitingOnly ? "Khu vực còn chờ" : "Khu vực"}: trang ${r.area_page + 1}/${r.area_pages} · Esc: thoát`)));
    }

    async function refresh() {
      tick += 1;
      if (last && tick % TURN_EVERY === 0) {
        cPage = (cPage + 1) % Math.max(1, last.constituency_pages);
        aPage = (aPage + 1) % Math.max(1, last.area_pages);
      }
      try {
        const big = last ? last.areas_expected > 300 : false;
        last = await api.roomView({ constituency_page: cPage, constituencies_per_page: perPage(), area_page: aPage, areas_per_page: tilesPerPage(), waiting_only: big });
        cPage = last.constituency_page;
        aPage = last.area_page;
        render(last);
      } catch (e) {
        root.replaceChildren(h("p", { class: "room-error" }, messageOf(e).message));
      }
    }

    function close() {
      window.clearInterval(timer);
      window.removeEventListener("keydown", onKey, true);
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      root.remove();
      done();
    }
    function onKey(e: KeyboardEvent) {
      // Read-only: every key is swallowed; Esc leaves.
      e.preventDefault();
      e.stopPropagation();
      if (e.key === "Escape") close();
    }
    window.addEventListener("keydown", onKey, true);
    void refresh();
    const timer = window.setInterval(refresh, REFRESH_MS);
  });
}
