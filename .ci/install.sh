#!/usr/bin/env bash
# Installs what building and testing Tổ Bầu Cử needs on a fresh Debian 12:
# the system libraries of Tauri/WebKitGTK, Xvfb and the WebKit WebDriver for
# the end-to-end test, iproute2 for the desks' network-namespace test, the
# UI's npm packages and tauri-driver. Idempotent:
# already-present pieces are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb webkit2gtk-driver poppler-utils zbar-tools iproute2)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  # Exactly what package-lock.json says (committed as npm 11 writes it,
  # rollup's optional platform packages included); never rewrites it.
  echo "== npm ci (ui)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

# The format and lint checks of .ci/run (present with a default rustup
# toolchain; added only where missing).
for c in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
    echo "== rustup component add $c"
    rustup component add "$c"
  fi
done

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "== cargo install tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2 --locked --quiet
fi
