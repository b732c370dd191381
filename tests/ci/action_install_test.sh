#!/usr/bin/env bash
# The GitHub Action's install step (action.yml runs packaging/install-release.sh) with the tarball
# ci/package made, served from a file:// URL instead of the release page: pgshift lands in
# DIR/bin and lints; the version the action reads from CMakeLists.txt is the binary's; a tarball
# of another version is refused.
# Usage: action_install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$(cd "$2" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same expression as action.yml's install step.
grep -qF "sed -n 's/^project(pgshift VERSION \\([0-9.]*\\).*/\\1/p' \"\$GITHUB_ACTION_PATH/CMakeLists.txt\"" \
  "$source_dir/action.yml" || fail "action.yml no longer reads the version from CMakeLists.txt this way"
version=$(sed -n 's/^project(pgshift VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
[ "$version" = "$("$build_dir/pgshift" --version | awk '{print $2}')" ] ||
  fail "CMakeLists.txt says $version, the binary $("$build_dir/pgshift" --version)"

export PGSHIFT_RELEASE_URL=file://$build_dir/package/pgshift-linux-x86_64.tar.gz
"$source_dir/packaging/install-release.sh" "$version" "$work/pgshift" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "install-release.sh failed"; }
echo "CREATE INDEX users_name_idx ON users (name);" >"$work/unsafe.sql"
status=0
"$work/pgshift/bin/pgshift" lint "$work/unsafe.sql" --format sarif -o "$work/out.sarif" || status=$?
[ $status -eq 1 ] && grep -q '"ruleId": *"non-concurrent-index-creation"' "$work/out.sarif" ||
  fail "the installed pgshift exited $status"
if "$source_dir/packaging/install-release.sh" 9.9.9 "$work/other" >"$work/other.log" 2>&1; then
  fail "a tarball of $version was accepted as 9.9.9"
fi
echo "PASS"
