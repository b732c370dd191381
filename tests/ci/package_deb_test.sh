#!/usr/bin/env bash
# The Debian package ci/package makes: its Depends were computed (libc6 and libpq5, nothing
# typed by hand); `apt install ./pgshift_*.deb` installs it, the installed pgshift lints, and
# `apt remove` leaves no file behind. Installs into this system: root only, one run at a time.
# Usage: package_deb_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "$1" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: installing a package needs root"; exit 0; fi
# One at a time on this machine, whichever checkout runs it.
exec 9>/var/lock/pgshift-package-deb-test.lock
flock 9
if dpkg-query -W -f='${Status}' pgshift 2>/dev/null | grep -q "install ok installed"; then
  echo "SKIP: a pgshift package is already installed on this system; not replacing it"; exit 0
fi
debs=("$build_dir"/package/pgshift_*_amd64.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one pgshift_*_amd64.deb in $build_dir/package"
deb=${debs[0]}

depends=$(dpkg-deb -f "$deb" Depends)
[[ "$depends" =~ ^libc6\ \(\>=\ 2\.[0-9]+\),\ libpq5\ \(\>=\ [0-9.~]+\)$ ]] ||
  fail "Depends is \"$depends\"; expected libc6 and libpq5 with versions"
version=$(dpkg-deb -f "$deb" Version)

work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  dpkg-query -W pgshift >/dev/null 2>&1 && apt-get remove -y -qq pgshift >/dev/null 2>&1 || true
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
(cd "$(dirname "$deb")" && apt install -y -q "./$(basename "$deb")") >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "apt install ./$(basename "$deb") failed"; }
[ "$(/usr/bin/pgshift --version | awk '{print $2}')" = "$version" ] || fail "installed pgshift is not $version"
printf 'CREATE INDEX users_name_idx ON users (name);\n' >"$work/unsafe.sql"
status=0
/usr/bin/pgshift lint "$work/unsafe.sql" >"$work/lint.log" 2>&1 || status=$?
[ $status -eq 1 ] || { cat "$work/lint.log"; fail "lint with the installed pgshift exited $status"; }
files=$(dpkg-query -L pgshift | while read -r f; do [ -f "$f" ] && echo "$f"; done)

apt-get remove -y -qq pgshift >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "apt remove failed"; }
for f in $files; do [ -e "$f" ] && fail "$f is left after apt remove"; done
dpkg-query -W -f='${Status}' pgshift 2>/dev/null | grep -q "install ok installed" && fail "still installed"
echo "PASS (Depends: $depends)"
