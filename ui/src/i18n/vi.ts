// Vietnamese labels used across screens.
import type { VoterStanding } from "../bindings/ipc";

export const vi = {
  app: "Tổ Bầu Cử",
  phases: {
    setup: "Chuẩn bị",
    voters: "Danh sách cử tri",
    desk: "Phát phiếu",
    turnout: "Tỷ lệ đi bầu",
    count: "Kiểm phiếu",
    minutes: "Biên bản",
    bundle: "Gói kết quả",
    desks: "Nhiều bàn",
    board: "Tổng hợp",
  } as Record<string, string>,
  reasons: {
    khong_theo_mau: "Không theo mẫu",
    khong_co_dau: "Không có dấu",
    qua_so_luong: "Quá số lượng",
    gach_het: "Gạch hết tên",
    ghi_them: "Ghi thêm",
  } as Record<string, string>,
  mode: { official: "CHÍNH THỨC", test: "THỬ NGHIỆM" } as Record<string, string>,
  gender: ["Nam", "Nữ"],
  fields: {
    name: "Họ và tên",
    birth_date: "Ngày sinh",
    gender: "Giới tính",
    ethnicity: "Dân tộc",
    id_number: "Số định danh/căn cước",
    residence: "Nơi thường trú",
    residence_temporary: "Nơi tạm trú",
    residence_current: "Nơi ở hiện tại",
    levels: "Các cấp bầu (mã, cách nhau dấu cách)",
    // Mẫu 31/HĐBC column (11) prints only the form's cases; other notes stay in the app.
    note: "Ghi chú (cột (11) chỉ in: \"Tạm trú từ tháng 10/2025\", tạm giam/tạm giữ, bỏ phiếu ở nơi khác…; ghi chú khác chỉ lưu trong máy)",
    mobile_box: "Cần hòm phiếu phụ (1 = có, 0 = không)",
  } as Record<string, string>,
  statusActions: {
    removed: "Xóa tên khỏi danh sách",
    moved_out: "Chuyển đi nơi khác",
    elsewhere: "Cấp giấy chứng nhận bỏ phiếu ở nơi khác",
    active: "Đưa trở lại danh sách",
  } satisfies Record<VoterStanding, string>,
};
