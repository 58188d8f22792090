// Small DOM helpers: no framework, typed.
import { AppError, api } from "./platform/tauri";

type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;

/** Creates an element: h("button", {class: "big", onclick: f}, "Lưu"). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Vietnamese number style: 1.052 */
export const num = (n: number) => n.toLocaleString("vi-VN");

/** dd/mm/yyyy from yyyy-mm-dd */
export const dateVi = (iso: string) => iso.split("-").reverse().join("/");

/** HH:MM from an RFC 3339 stamp (already in Vietnam time). */
export const timeOf = (stamp: string) => stamp.slice(11, 16);

/** The message to show for any thrown value. */
export function messageOf(e: unknown): { message: string; problems: string[] } {
  if (e instanceof AppError) return { message: e.detail.message, problems: e.detail.problems };
  return { message: String(e), problems: [] };
}

let toastTimer: number | undefined;
/** A short notice at the bottom of the screen. */
export function toast(text: string, kind: "ok" | "error" = "ok") {
  let t = document.getElementById("toast");
  if (!t) {
    t = h("div", { id: "toast", role: "status", "aria-live": "polite" });
    document.body.append(t);
  }
  t.className = `toast ${kind}`;
  t.textContent = text;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => t?.classList.add("hidden"), 6000);
}

/** Shows an error with every problem listed (file, row, column). */
export function showError(e: unknown, into?: HTMLElement) {
  const { message, problems } = messageOf(e);
  if (!into) {
    toast(message, "error");
    return;
  }
  into.replaceChildren(
    h("div", { class: "error-box", role: "alert" },
      h("strong", {}, message),
      problems.length ? h("ul", {}, ...problems.map((p) => h("li", {}, p))) : null),
  );
}

/**
 * Runs a call that checks the Tổ trưởng's passphrase. After repeated wrong
 * passphrases the app first waits (issue 11 §8): a modal that cannot be
 * dismissed says so and counts down meanwhile.
 */
export async function guarded<T>(run: () => Promise<T>): Promise<T> {
  const secs = await api.passphraseWait().catch(() => 0);
  if (secs <= 0) return run();
  const say = (n: number) => n > 0 ? `Đang chờ ${n} giây vì đã nhập sai nhiều lần…` : "Đang kiểm tra cụm mật khẩu…";
  const text = h("p", { id: "passphrase-wait" }, say(secs));
  const dlg = h("dialog", { class: "modal", id: "passphrase-wait-dialog" }, h("h2", {}, "Cụm mật khẩu của Tổ trưởng"), text,
    h("p", { class: "hint" }, "Mỗi lần nhập sai, thời gian chờ tăng gấp đôi (tối đa 5 phút). Không cần làm gì: hết thời gian chờ, ứng dụng tự kiểm tra cụm mật khẩu vừa nhập."));
  dlg.addEventListener("cancel", (e) => e.preventDefault());
  document.body.append(dlg);
  dlg.showModal();
  let left = secs;
  const timer = window.setInterval(() => { left = Math.max(0, left - 1); text.textContent = say(left); }, 1000);
  try {
    return await run();
  } finally {
    window.clearInterval(timer);
    dlg.close();
    dlg.remove();
  }
}

/** A modal dialog with a form; resolves with the form values or null. */
export function dialog(title: string, body: HTMLElement[], okLabel = "Lưu (Enter)"): Promise<FormData | null> {
  return new Promise((resolve) => {
    const form = h("form", { class: "dialog-form", method: "dialog" },
      h("h2", {}, title), ...body,
      h("div", { class: "err" }),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", id: "dialog-cancel" }, "Hủy (Esc)"),
        h("button", { type: "submit", class: "primary", id: "dialog-ok" }, okLabel)));
    const dlg = h("dialog", { class: "modal" }, form);
    document.body.append(dlg);
    const close = (v: FormData | null) => { dlg.close(); dlg.remove(); resolve(v); };
    form.addEventListener("submit", (e) => { e.preventDefault(); close(new FormData(form)); });
    form.querySelector("#dialog-cancel")?.addEventListener("click", () => close(null));
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); close(null); });
    dlg.showModal();
    form.querySelector<HTMLElement>("input, select, textarea")?.focus();
  });
}

export function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

/** The text typed in a form's field `name` ("" when absent or a file). */
export function formText(f: FormData, name: string): string {
  const v = f.get(name);
  return typeof v === "string" ? v : "";
}
