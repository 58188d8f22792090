// Tổ Bầu Cử — the app shell: header (phase, area, mode, clock) and screens.
import "./style.css";
import type { StatusDto } from "./bindings/ipc";
import type { Ctx, Screen } from "./ctx";
import { api } from "./platform/tauri";
import { dialog, h, showError, toast } from "./ui";
import { vi } from "./i18n/vi";
import { setupScreen } from "./features/setup";
import { showShortcuts } from "./features/shortcuts";
import { votersScreen } from "./features/voters";
import { deskScreen } from "./features/desk";
import { turnoutScreen } from "./features/turnout";
import { countScreen } from "./features/count";
import { minutesScreen } from "./features/minutes";
import { bundleScreen } from "./features/bundle";
import { boardScreen } from "./features/board";
import { desksScreen } from "./features/desks";


const root = document.getElementById("app")!;
let current: Screen = "desk";
let status: StatusDto | null = null;
let cleanup: (() => void) | null = null;
/** The header clock's timer: one for the window, replaced on each render. */
let clockTimer: number | undefined;

const teamKeys: Record<string, Screen> = { "1": "setup", "2": "voters", "3": "desk", "4": "turnout", "5": "count", "6": "minutes", "7": "bundle", "8": "desks" };
const boardKeys: Record<string, Screen> = { "1": "board" };
const isBoard = (s: StatusDto | null) => !!s?.unit_kind && s.unit_kind !== "area";

function header(s: StatusDto): HTMLElement {
  const names = (isBoard(s) ? Object.values(boardKeys) : Object.values(teamKeys));
  const tabs = names.map((k, i) =>
    h("button", {
      class: `tab ${k === current ? "active" : ""}`, id: `tab-${k}`, "aria-current": k === current ? "page" : undefined,
      onclick: () => go(k), disabled: !s.set_up && k !== "setup",
    }, vi.phases[k], h("kbd", {}, `Alt+${i + 1}`)));
  const area = isBoard(s) ? `${s.unit_name ?? ""} (${s.unit_id ?? ""})` : s.set_up
    ? `Khu vực bỏ phiếu số ${s.area_number ?? ""} — ${s.unit_name ?? ""}, ${s.commune_name ?? ""}`
    : "Chưa thiết lập";
  const areaShort = isBoard(s) ? area : s.set_up ? `KVBP số ${s.area_number ?? ""} · ${s.unit_name ?? ""}` : area;
  const clock = h("span", { class: "clock", id: "clock" });
  const tick = () => { clock.textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }); };
  tick();
  window.clearInterval(clockTimer);
  clockTimer = window.setInterval(tick, 15000);
  // Giờ sao lưu gần nhất (ux.md: the header shows it).
  const backup = h("span", { class: "backup-badge", id: "backup-badge", title: "Sao lưu gần nhất" });
  if (s.set_up) {
    api.backupSettings().then((b) => showBackup(backup, b.last?.at ?? null, !!b.dir)).catch(() => {});
  }
  return h("header", { class: "top" },
    h("button", { class: "brand", id: "about", title: "Giới thiệu: phiên bản, mã nguồn, ngày build", onclick: () => void showAbout() }, vi.app),
    h("nav", { class: "tabs" }, ...tabs),
    h("div", { class: "where" }, h("span", { id: "area-label", title: area }, areaShort),
      s.rehearsal ? h("span", { class: "mode rehearsal", id: "mode-badge" }, "DIỄN TẬP")
        : s.mode ? h("span", { class: `mode ${s.mode}`, id: "mode-badge" }, vi.mode[s.mode] ?? s.mode) : null, backup, clock));
}

/** Banners every screen shows under the header: the rehearsal, and a team without a backup folder. */
function banners(s: StatusDto): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (s.set_up && s.rehearsal) {
    out.push(h("div", { class: "banner rehearsal", id: "rehearsal-banner", role: "note" },
      h("strong", {}, "DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ. "),
      "Mọi số liệu, trang in và gói kết quả lúc này là diễn tập. Diễn tập xong, Tổ trưởng chuyển sang chính thức ở màn hình Chuẩn bị (Alt+1): dữ liệu diễn tập được xóa, danh sách cử tri, thành phần Tổ và khóa ký được giữ."));
  }
  if (s.set_up && s.unit_kind === "area" && !s.backup_dir_set) {
    out.push(h("div", { class: `banner backup ${s.backup_required ? "required" : ""}`, id: "backup-warning", role: "alert" },
      s.backup_required
        ? h("strong", {}, "Hôm nay là ngày bầu cử: chưa chọn nơi sao lưu nên chưa phát phiếu được. ")
        : h("strong", {}, "Chưa chọn nơi sao lưu. "),
      "Chọn một thư mục trên USB ở Chuẩn bị → Sao lưu (hoặc ngay tại bàn phát phiếu): nếu mất điện hay hỏng máy, bản sao lưu mới khôi phục được trên máy khác."));
  }
  return out;
}

/** Giới thiệu: what is installed, to compare with the handover sheet. */
async function showAbout() {
  try {
    const a = await api.about();
    const row = (k: string, v: string, id: string) => h("tr", {}, h("th", {}, k), h("td", { id }, h("code", {}, v)));
    await dialog("Giới thiệu Tổ Bầu Cử", [
      h("table", { class: "about" },
        row("Phiên bản", a.version, "about-version"),
        row("Mã nguồn (commit)", a.commit, "about-commit"),
        row("Ngày build", a.build_date, "about-date"),
        row("Tệp dữ liệu", a.db_path, "about-db")),
      h("p", {}, "So các dòng trên với biên bản bàn giao phần mềm của xã (phiên bản, commit và mã SHA-256 của gói cài đặt)."),
    ], "Đóng (Enter)");
  } catch (e) {
    showError(e);
  }
}

function showBackup(el: HTMLElement, at: string | null, on: boolean) {
  el.dataset.state = at ? "ok" : on ? "pending" : "off";
  el.textContent = at ? `Sao lưu ${at.slice(11, 16)}` : on ? "Chưa sao lưu" : "Sao lưu: tắt";
}

// The desk sync service's news: a line at the bottom, and the screens that
// show desks' figures read them again.
api.onDeskNote((text) => {
  toast(text);
  document.dispatchEvent(new CustomEvent("desk-note", { detail: text }));
}).catch(() => {});

api.onBackup(
  (b) => { const el = document.getElementById("backup-badge"); if (el) showBackup(el, b.at, true); toast(`Đã sao lưu lúc ${b.at.slice(11, 16)}`); },
  (e) => { const el = document.getElementById("backup-badge"); if (el) { el.dataset.state = "failed"; el.textContent = "Sao lưu lỗi"; el.title = e.message; } toast(`Sao lưu không được: ${e.message}`); },
).catch(() => {});

async function refresh() {
  try {
    status = await api.status();
  } catch (e) {
    root.replaceChildren(h("main", { class: "screen" }, h("h1", {}, "Không mở được dữ liệu")));
    showError(e, root.querySelector("main") ?? undefined);
    return;
  }
  render();
}

function go(s: Screen) {
  current = s;
  // The header and banners follow the state (a backup folder chosen, the
  // switch to official): read it again on every change of screen.
  void refresh();
}

function render() {
  if (!status) return;
  if (!status.set_up) current = "setup";
  else if (isBoard(status)) current = "board";
  else if (current === "board") current = "desk";
  cleanup?.();
  cleanup = null;
  const main = h("main", { class: "screen", id: `screen-${current}` });
  root.replaceChildren(header(status), ...banners(status), main);
  const ctx: Ctx = { status, refresh, go };
  const screens = { setup: setupScreen, voters: votersScreen, desk: deskScreen, turnout: turnoutScreen, count: countScreen, minutes: minutesScreen, bundle: bundleScreen, desks: desksScreen, board: boardScreen };
  cleanup = screens[current](main, ctx) ?? null;
}

window.addEventListener("keydown", (e) => {
  // "?" (or F1) on every screen: the keyboard shortcuts. In a text box
  // "?" is typed as usual unless the box is empty (a name or a number
  // never starts with it).
  if ((e.key === "?" || e.key === "F1") && !document.querySelector("dialog[open]")) {
    const el = document.activeElement;
    const typing = el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.value !== "");
    if (e.key === "F1" || !typing) {
      e.preventDefault();
      showShortcuts(current);
      return;
    }
  }
  const keys = isBoard(status) ? boardKeys : teamKeys;
  if (e.altKey && keys[e.key] && status?.set_up) {
    e.preventDefault();
    go(keys[e.key]);
  }
});

void refresh();
