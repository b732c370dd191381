#!/usr/bin/env bash
# The npm package ci/package makes, as a project installs it: `npm install ./pgshift-*.tgz` in an
# empty folder (offline: the package has no dependencies), then `npx pgshift lint` fails an
# unsafe migration and passes a safe one; on a platform without a binary the launcher says so.
# Usage: package_npm_test.sh BUILD_DIR
set -euo pipefail
build_dir=$(cd "$1" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v npm >/dev/null || fail "npm is not installed (ci/install-deps installs it)"
tgz=$(ls "$build_dir"/package/pgshift-[0-9]*.tgz)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work npm_config_cache=$work/npm-cache npm_config_offline=true \
       npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# Small: the launcher, the binary and the documents.
tar -tzf "$tgz" | sort >"$work/contents"
diff <(printf '%s\n' package/LICENSE package/README.md package/THIRD-PARTY-NOTICES package/bin/pgshift.js \
         package/native/linux-x64/pgshift package/package.json) "$work/contents" ||
  fail "unexpected files in $(basename "$tgz")"

mkdir "$work/project" && cd "$work/project"
cp "$tgz" .
npm install --no-save ./"$(basename "$tgz")" >"$work/install.log" 2>&1 ||
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
echo "PASS"
