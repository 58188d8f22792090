// Ngày bầu cử on paper (NQ 40, Mẫu 18/23/32): the opening check of the
// ballot box and its two witnesses (with "nơi ở hiện nay"), when voting
// started and ended, the events of the day and night and how the Tổ handled
// them (item 6), and the matters left unsettled with the Tổ's
// recommendations (item 7). Shown where a Tổ meets them: the desk screen in
// the morning and during the day, the counting screen at night.
import type { DayFactsDto } from "../bindings/ipc";
import { api } from "../platform/tauri";
import { field, h, showError, toast } from "../ui";

type Where = "desk" | "count";

function personInputs(prefix: string, i: number, name: string, address: string | null): [HTMLInputElement, HTMLInputElement] {
  return [
    h("input", { id: `${prefix}-name${i}`, value: name, autocomplete: "off" }),
    h("input", { id: `${prefix}-address${i}`, value: address ?? "", autocomplete: "off", placeholder: "thôn, tổ dân phố…" }),
  ];
}

/** The day's facts panel; `reload` repaints the screen after a change. */
export async function dayFactsPanel(where: Where, msg: HTMLElement, reload: () => void): Promise<HTMLElement> {
  const f: DayFactsDto = await api.dayFacts();
  const ow = [0, 1].map((i) => personInputs("opening", i + 1, f.opening_witnesses[i]?.name ?? "", f.opening_witnesses[i]?.address ?? null));
  const openTime = h("input", { id: "opening-time", value: f.opening_time ?? "07:00", class: "num-in", placeholder: "07:00" });
  const opening = h("form", { class: "inline-form", id: "opening-form" },
    field("Giờ bắt đầu bỏ phiếu", openTime),
    ...ow.flatMap(([n, a], i) => [field(`Cử tri chứng kiến ${i + 1}`, n), field("Nơi ở hiện nay", a)]),
    h("button", { class: "primary", type: "submit", id: "opening-save" }, "Ghi việc kiểm tra hòm phiếu"));
  opening.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.recordOpening({ time: openTime.value, witnesses: ow.map(([n, a]) => ({ name: n.value.trim(), address: a.value.trim() || null })) });
      toast("Đã ghi việc kiểm tra hòm phiếu trước hai cử tri chứng kiến");
      reload();
    } catch (err) { showError(err, msg); }
  });
  const closeTime = h("input", { id: "closing-time", value: f.closing_time ?? "", class: "num-in", placeholder: "19:00" });
  const closing = h("form", { class: "inline-form", id: "closing-form" },
    field("Giờ Tổ trưởng tuyên bố kết thúc bỏ phiếu", closeTime),
    h("button", { class: "secondary", type: "submit", id: "closing-save" }, "Ghi giờ kết thúc"));
  closing.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await api.recordClosing(closeTime.value); toast("Đã ghi giờ kết thúc bỏ phiếu"); reload(); } catch (err) { showError(err, msg); }
  });
  const what = h("input", { id: "incident-what", placeholder: "Sự việc đã xảy ra" });
  const when = h("input", { id: "incident-time", class: "num-in", placeholder: "10:05" });
  const handled = h("input", { id: "incident-handled", placeholder: "Tổ đã giải quyết thế nào" });
  const incident = h("form", { class: "inline-form", id: "incident-form" },
    field("Giờ", when), field("Sự việc", what), field("Cách giải quyết", handled),
    h("button", { class: "secondary", type: "submit", id: "incident-save" }, "Ghi sự việc"));
  incident.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const r = await api.addIncident({ what: what.value, time: when.value.trim() || null, handled: handled.value.trim() || null });
      toast(`Đã ghi sự việc số ${r.id}`);
      reload();
    } catch (err) { showError(err, msg); }
  });
  const incidents = h("ol", { id: "incident-list" }, ...f.incidents.map((i) =>
    h("li", {}, `${i.time ?? "--:--"} — ${i.what}${i.handled ? ` (cách giải quyết: ${i.handled})` : ""}`)));
  const text = h("textarea", { id: "recommend-text", rows: 2, placeholder: "Vấn đề Tổ chưa giải quyết được và kiến nghị" });
  const recommend = h("form", { class: "inline-form", id: "recommend-form" }, field("Kiến nghị", text),
    h("button", { class: "secondary", type: "submit", id: "recommend-save" }, "Ghi kiến nghị"));
  recommend.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { await api.recommend(text.value); toast("Đã ghi kiến nghị"); reload(); } catch (err) { showError(err, msg); }
  });
  const recs = h("ol", { id: "recommend-list" }, ...f.recommendations.map((r) => h("li", {}, r.text)));
  const opened = f.opening_time && f.opening_witnesses.length === 2;
  const summary = `Ngày bầu cử — ${opened ? `mở hòm lúc ${f.opening_time}` : "chưa ghi việc kiểm tra hòm phiếu"}${f.closing_time ? `, kết thúc lúc ${f.closing_time}` : ""}; ${f.incidents.length} sự việc${where === "count" ? `, ${f.recommendations.length} kiến nghị` : ""}`;
  return h("details", { class: "panel", open: where === "desk" ? !opened : false, id: "dayfacts-panel" },
    h("summary", {}, summary),
    h("h3", {}, "Kiểm tra hòm phiếu trước khi bỏ phiếu (hai cử tri chứng kiến, không phải người ứng cử)"), opening,
    h("h3", {}, "Sự việc trong ngày bầu cử và khi kiểm phiếu (mục 6 của biên bản)"), incident, incidents,
    h("h3", {}, "Kết thúc bỏ phiếu"), closing,
    ...(where === "count" ? [h("h3", {}, "Vấn đề chưa giải quyết được và kiến nghị (mục 7 của biên bản)"), recommend, recs] : []));
}
