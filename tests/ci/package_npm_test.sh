#!/usr/bin/env bash
# The npm packages ci/package makes, as a project installs them: `npm install ./pgshift-*.tgz`
# (pgshift, the launcher, and @pgshift/linux-x64, the binary it names as an optional dependency)
# in an empty folder, offline; then `npx pgshift lint` fails an unsafe migration and passes a safe
# one. Without a binary for the platform, the launcher says so.
# Usage: package_npm_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "$1" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v npm >/dev/null || fail "npm is not installed (ci/install-deps installs it)"
cd "$build_dir/package"
tgzs=(pgshift-*.tgz)
[ ${#tgzs[@]} -eq 2 ] || fail "expected pgshift-VERSION.tgz and pgshift-linux-x64-VERSION.tgz, found ${tgzs[*]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work npm_config_cache=$work/npm-cache npm_config_offline=true \
       npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# The launcher's package is small; the binary is in the platform's.
contents() { tar -tzf "$1" | sort | tr '\n' ' '; }
launcher=$(ls pgshift-[0-9]*.tgz) native=$(ls pgshift-linux-x64-*.tgz)
[ "$(contents "$launcher")" = "package/LICENSE package/README.md package/bin/pgshift.js package/package.json " ] ||
  fail "$launcher holds $(contents "$launcher")"
[ "$(contents "$native")" = "package/LICENSE package/THIRD-PARTY-NOTICES package/package.json package/pgshift " ] ||
  fail "$native holds $(contents "$native")"
[ "$(stat -c %s "$launcher")" -lt 100000 ] || fail "$launcher is not small"

mkdir "$work/project" && cd "$work/project"
cp "$build_dir"/package/pgshift-*.tgz .
npm install ./pgshift-*.tgz >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "npm install failed"; }
echo "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);" >safe.sql
echo "CREATE INDEX users_name_idx ON users (name);" >unsafe.sql
npx --no-install pgshift lint safe.sql --fail-on error >"$work/safe.log" 2>&1 ||
  { cat "$work/safe.log"; fail "npx pgshift lint rejected a safe migration"; }
status=0
npx --no-install pgshift lint unsafe.sql >"$work/unsafe.log" 2>&1 || status=$?
[ $status -eq 1 ] && grep -q non-concurrent-index-creation "$work/unsafe.log" ||
  { cat "$work/unsafe.log"; fail "npx pgshift lint on an unsafe migration exited $status"; }
npx --no-install pgshift --version | grep -q "^pgshift " || fail "npx pgshift --version"

# Another platform: a clear message and exit code 2, not a loader error.
status=0
node -e "Object.defineProperty(process, 'platform', {value: 'darwin'});
         require('./node_modules/pgshift/bin/pgshift.js')" >"$work/other.log" 2>&1 || status=$?
[ $status -eq 2 ] && grep -q "no prebuilt binary for darwin-x64" "$work/other.log" ||
  { cat "$work/other.log"; fail "unsupported platform: exit $status"; }
# Without the platform's package (npm skips it where os, cpu or libc do not match): the same.
mkdir "$work/elsewhere" && cd "$work/elsewhere"
npm install "$build_dir/package/$launcher" >"$work/install2.log" 2>&1 ||
  { cat "$work/install2.log"; fail "npm install of the launcher alone failed"; }
status=0
npx --no-install pgshift lint x.sql >"$work/none.log" 2>&1 || status=$?
[ $status -eq 2 ] && grep -q "no package @pgshift/linux-x64 is installed" "$work/none.log" ||
  { cat "$work/none.log"; fail "without @pgshift/linux-x64: exit $status"; }
echo "PASS"
