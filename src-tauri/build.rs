//! Build script of the desktop shell: Tauri's, and the commit and build
//! date shown in "Giới thiệu" (`build_info.rs`).

include!("build_info.rs");

fn main() {
    emit_build_info();
    tauri_build::build();
}
