// Before the box is opened: the kiểm kê of ballot papers (Mẫu 32) and the
// Tổ with its two witnesses (Mẫu 18/23), per level.
import type { SummaryDto } from "../../bindings/ipc";
import { api } from "../../platform/tauri";
import { field, h, num, showError, toast } from "../../ui";
import type { CountState } from "./state";

export function inventoryForm(st: CountState, s: SummaryDto): HTMLElement {
  const inv = s.inventory;
  const inp = (id: string, v: number | undefined) =>
    h("input", { id, type: "number", min: 0, inputmode: "numeric", value: v ?? "", class: "num-in" });
  const rec = inp("inv-received", inv?.received), un = inp("inv-unused", inv?.unused), sp = inp("inv-spoiled", inv?.spoiled);
  const iss = inp("inv-issued", inv?.issued_entered ? inv.issued : undefined);
  const save = async () => {
    try {
      await api.recordInventory({ level: st.level, received: Number(rec.value || 0), unused: Number(un.value || 0), spoiled: Number(sp.value || 0),
        issued: iss.value === "" ? null : Number(iss.value) });
      toast(`Đã lưu kiểm kê phiếu cấp ${st.level}`);
      void st.load();
    } catch (e) { showError(e, st.msg); }
  };
  const form = h("form", { class: "inline-form", id: "inventory-form" },
    field("Số phiếu Tổ nhận", rec), field("Chưa sử dụng", un), field("Gạch hỏng (đã đổi)", sp),
    field("Phát ra (nếu đếm riêng)", iss),
    h("button", { class: "primary", type: "submit", id: "inventory-save" }, "Lưu kiểm kê"));
  form.addEventListener("submit", (e) => { e.preventDefault(); void save(); });
  return h("details", { class: "panel", open: !inv, id: "inventory-panel" },
    h("summary", {}, `Kiểm kê phiếu trước khi mở hòm — ${inv ? `nhận ${num(inv.received)}, phát ra ${num(inv.issued)}, chưa dùng ${num(inv.unused)}, hỏng ${num(inv.spoiled)}` : "chưa nhập"}`),
    form);
}

export async function teamPanel(st: CountState): Promise<HTMLElement> {
  const t = await api.team();
  const leader = h("input", { id: "team-leader", value: t.leader ?? "" });
  const sec = h("input", { id: "team-secretary", value: t.secretary ?? "" });
  const mem = h("input", { id: "team-members", value: t.members.join(", "), placeholder: "cách nhau dấu phẩy" });
  const w1 = h("input", { id: "team-witness1", value: t.witnesses[0]?.name ?? "" });
  const w2 = h("input", { id: "team-witness2", value: t.witnesses[1]?.name ?? "" });
  const a1 = h("input", { id: "team-witness1-address", value: t.witnesses[0]?.address ?? "", placeholder: "nơi ở hiện nay" });
  const a2 = h("input", { id: "team-witness2-address", value: t.witnesses[1]?.address ?? "", placeholder: "nơi ở hiện nay" });
  const form = h("form", { class: "inline-form", id: "team-form" },
    field("Tổ trưởng", leader), field("Thư ký", sec), field("Ủy viên", mem),
    field("Cử tri chứng kiến 1", w1), field("Nơi ở hiện nay", a1), field("Cử tri chứng kiến 2", w2), field("Nơi ở hiện nay", a2),
    h("button", { class: "primary", type: "submit", id: "team-save" }, "Lưu thành phần"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.setTeam({
        leader: leader.value.trim() || null, secretary: sec.value.trim() || null,
        members: mem.value.split(",").map((x) => x.trim()).filter(Boolean),
        witnesses: [[w1, a1], [w2, a2]].map(([n, a]) => ({ name: n.value.trim(), address: a.value.trim() || null })).filter((p) => p.name),
      });
      toast("Đã lưu thành phần Tổ bầu cử và cử tri chứng kiến");
      void st.load();
    } catch (err) { showError(err, st.msg); }
  });
  const done = t.leader && t.secretary && t.witnesses.length === 2;
  return h("details", { class: "panel", open: !done, id: "team-panel" },
    h("summary", {}, `Tổ bầu cử và hai cử tri chứng kiến — ${done ? `${t.leader} (Tổ trưởng), chứng kiến: ${t.witnesses.map((w) => w.name).join(", ")}` : "chưa đủ"}`),
    form);
}
