// "?" on every screen: the keyboard shortcuts of the app and of this screen.
import { h } from "../ui";

const common: [string, string][] = [
  ["Alt+1 … Alt+8", "Chuyển màn hình (Chuẩn bị, Danh sách cử tri, Phát phiếu, Tỷ lệ đi bầu, Kiểm phiếu, Biên bản, Gói kết quả, Nhiều bàn)"],
  ["?  hoặc  F1", "Bảng phím tắt này"],
  ["Esc", "Đóng hộp thoại, xóa ô tìm"],
];

const perScreen: Record<string, [string, string][]> = {
  setup: [["Tab", "Đi qua các ô của phần Sao lưu, Diễn tập"]],
  voters: [["Ctrl+F", "Tìm trong danh sách"], ["↓  ↑", "Vào bảng, chọn cử tri"], ["Enter / nhấp đúp", "Sửa hoặc thay đổi tình trạng cử tri"], ["Ctrl+N", "Bổ sung cử tri"]],
  desk: [["Gõ tên / STT / căn cước", "Tìm cử tri (không cần dấu)"], ["Enter", "Phát phiếu cho người được tô sáng"], ["↑  ↓", "Chọn người khác"], ["Esc", "Xóa ô tìm"], ["Ctrl+Z", "Hoàn tác lần phát phiếu vừa rồi (có lý do)"], ["F2 … F5", "Chọn / bỏ các cấp phát phiếu"], ["F8", "Hòm phiếu phụ"]],
  turnout: [["Alt+3", "Về bàn phát phiếu"]],
  count: [["1 3 5  hoặc  135", "Số thứ tự các tên được giữ lại, rồi Enter"], ["-", "Gạch hết tên"], ["/", "Không theo mẫu"], ["*", "Không có dấu của Tổ bầu cử"], ["+", "Ghi thêm tên hoặc nội dung khác"], ["Enter", "Ghi phiếu"], ["Ctrl+Z", "Hủy phiếu vừa ghi"], ["Ctrl+1 … Ctrl+4", "Chuyển cấp bầu cử"]],
  minutes: [["Tab", "Đi qua các biểu mẫu và nút In / Lưu PDF"]],
  bundle: [["Enter", "Trong ô cụm mật khẩu: xuất gói"]],
  board: [["Enter", "Trong ô thư mục: nhập mọi gói trong thư mục"]],
  desks: [["Tab", "Đi qua các ô: gói bàn, mã ghép nối, USB, xử lý nhận phiếu hai lần"]],
};

const names: Record<string, string> = {
  setup: "Chuẩn bị", voters: "Danh sách cử tri", desk: "Bàn phát phiếu", turnout: "Tỷ lệ đi bầu", count: "Kiểm phiếu", minutes: "Biên bản", bundle: "Gói kết quả", desks: "Nhiều bàn", board: "Tổng hợp",
};

function table(rows: [string, string][]): HTMLElement {
  return h("table", { class: "figures compact shortcuts" }, h("tbody", {}, ...rows.map(([k, what]) => h("tr", {}, h("td", {}, h("kbd", {}, k)), h("td", {}, what)))));
}

/** Shows the shortcuts of `screen` and of the whole app; Esc or Enter closes. */
export function showShortcuts(screen: string) {
  document.getElementById("shortcuts")?.remove();
  const close = h("button", { class: "primary", id: "shortcuts-close" }, "Đóng (Esc)");
  const dlg = h("dialog", { class: "modal", id: "shortcuts", "aria-label": "Phím tắt" },
    h("h2", {}, `Phím tắt — ${names[screen] ?? ""}`),
    table(perScreen[screen] ?? []),
    h("h3", {}, "Mọi màn hình"),
    table(common),
    h("div", { class: "actions" }, close));
  close.addEventListener("click", () => { dlg.close(); dlg.remove(); });
  dlg.addEventListener("close", () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  close.focus();
}
