//! Build script of the `tobaucu` CLI: the commit and build date printed by
//! `tobaucu --version` (`src-tauri/build_info.rs`).

include!("src-tauri/build_info.rs");

fn main() {
    emit_build_info();
}
