#!/usr/bin/env bash
# Runs the end-to-end test of the real app window: Xvfb + tauri-driver +
# WebKitWebDriver. Expects target/debug/tobaucu-desktop to be built (or the
# app named by TOBAUCU_APP).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
export TOBAUCU_DB="$work/e2e.sqlite"
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :87 -screen 0 1366x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb=$!
  export DISPLAY=:87
  sleep 1
fi
tauri-driver >"$work/driver.log" 2>&1 &
driver=$!
cleanup() {
  kill -TERM "$driver" 2>/dev/null || true
  wait "$driver" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# E2E_ONLY: run only the tests whose name matches (the package test runs the
# first one against the installed app, TOBAUCU_APP).
node --test --test-reporter=spec ${E2E_ONLY:+--test-name-pattern="$E2E_ONLY"} tests/e2e/ || { echo "--- tauri-driver log"; cat "$work/driver.log"; exit 1; }
echo "screenshots: target/e2e/"
