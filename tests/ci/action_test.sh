#!/usr/bin/env bash
# The GitHub Action (action.yml) run step by step on this machine (tests/ci/run_action.py), with
# the tarball ci/package made served from a file:// URL instead of the release page: it installs
# pgshift at the version CMakeLists.txt defines, lints, writes SARIF for the upload step (not run
# here), and fails on an unsafe migration; a safe one passes; a tarball of another version is
# refused.
# Usage: action_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$(cd "$1" && pwd) build_dir=$(cd "$2" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PGSHIFT_RELEASE_URL=file://$build_dir/package/pgshift-linux-x86_64.tar.gz
# No pgshift on PATH: the action must install its own.
PATH=$(tr ':' '\n' <<<"$PATH" | grep -v "^$build_dir" | paste -sd:)
mkdir -p "$work/repo/db" "$work/temp"
echo "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);" >"$work/repo/db/V1__safe.sql"
run() { (cd "$work/repo" && "$source_dir/tests/ci/run_action.py" "$source_dir" "$work/temp" "$@") >"$work/log" 2>&1; }

run paths=db || { cat "$work/log"; fail "the action failed on a safe migration"; }
grep -q "Installed pgshift $("$build_dir/pgshift" --version | awk '{print $2}') " "$work/log" ||
  { cat "$work/log"; fail "the action did not install the version of CMakeLists.txt"; }
grep -q '"version": "2.1.0"' "$work/temp/pgshift.sarif" || fail "no SARIF report for the upload"

echo "CREATE INDEX users_name_idx ON users (name);" >"$work/repo/db/V2__unsafe.sql"
status=0
run paths=db || status=$?
[ $status -eq 1 ] || { cat "$work/log"; fail "the action exited $status on an unsafe migration"; }
grep -q "^::error .*non-concurrent-index-creation" "$work/log" || { cat "$work/log"; fail "no annotation"; }
grep -q '"ruleId": *"non-concurrent-index-creation"' "$work/temp/pgshift.sarif" || fail "finding not in SARIF"
run paths=db fail-on=never || { cat "$work/log"; fail "fail-on=never still failed"; }

rm -rf "$work/temp" && mkdir "$work/temp"
if run paths=db version=9.9.9; then fail "a tarball of another version was accepted as 9.9.9"; fi
grep -q "not 9.9.9" "$work/log" || { cat "$work/log"; fail "no message for the wrong version"; }
echo "PASS"
