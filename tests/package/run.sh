#!/usr/bin/env bash
# Installs the .deb made by `.ci/package` with the system package tool, runs
# what was installed — `tobaucu --version`, the whole `tobaucu demo` chain,
# and the installed window under Xvfb (the first end-to-end test: first
# screen, setup, voter list, one check-in, turnout, Giới thiệu) —, then
# uninstalls it and checks that the user's data stayed (issue 17 §1).
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(realpath "${1:?usage: tests/package/run.sh PACKAGE.deb}")
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
name=$(dpkg-deb -f "$deb" Package)
echo "== install $deb ($name)"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null
for f in /usr/bin/tobaucu /usr/bin/tobaucu-desktop; do
  [ -x "$f" ] || { echo "thiếu $f"; exit 1; }
done
grep -q '^Name=Tổ Bầu Cử$' /usr/share/applications/*.desktop || { echo "thiếu mục menu tiếng Việt"; exit 1; }
/usr/bin/tobaucu --version

work=$(mktemp -d)
home="$work/home"
mkdir -p "$home"
echo "== the installed command: tobaucu demo"
HOME="$home" XDG_DATA_HOME="$home/.local/share" env -u TOBAUCU_PASSPHRASE /usr/bin/tobaucu demo --out "$work/demo" >/dev/null
ls "$work"/demo/usb-xa/*.tbc >/dev/null
# The user's own data file (the default place, as the window would use it).
HOME="$home" XDG_DATA_HOME="$home/.local/share" /usr/bin/tobaucu setup --demo >/dev/null
data="$home/.local/share/tobaucu/tobaucu.sqlite"
[ -s "$data" ] || { echo "không thấy tệp dữ liệu $data"; exit 1; }
sum_before=$(sha256sum "$data" | cut -d' ' -f1)

echo "== the installed window (first end-to-end test)"
TOBAUCU_APP=/usr/bin/tobaucu-desktop E2E_ONLY="a team sets up" bash tests/e2e/run.sh

echo "== uninstall: the program goes, the data stays"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$name" >/dev/null
[ ! -e /usr/bin/tobaucu ] && [ ! -e /usr/bin/tobaucu-desktop ] || { echo "chương trình còn sau khi gỡ"; exit 1; }
[ "$(sha256sum "$data" | cut -d' ' -f1)" = "$sum_before" ] || { echo "dữ liệu của người dùng bị thay đổi"; exit 1; }
rm -rf "$work"
echo "== package test passed"
