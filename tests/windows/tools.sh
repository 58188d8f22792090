# Sourced by tests/windows/run.sh and desktop.sh: installs what is missing
# to cross-build for Windows and run the result under Wine (apt packages
# given as arguments besides mingw-w64 and Wine; the Rust target), and sets
# the mingw linker through environment variables (no committed
# .cargo/config.toml: Linux builds are untouched).
target=x86_64-pc-windows-gnu
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || need+=(wine wine64)
for extra in "$@"; do
  case "$extra" in
    xvfb) command -v Xvfb >/dev/null || need+=(xvfb) ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
