#!/usr/bin/env bash
# The .pre-commit-hooks.yaml at the repository root works as teams use it: a project references
# this repository, pinned to a commit, from its .pre-commit-config.yaml, and each hook fails a
# commit that adds an unsafe migration and passes a safe one:
#   pgshift-lint-system  with the pgshift on PATH;
#   pgshift-lint         installed by pre-commit itself from the npm package (language: node).
#                        The registry is not used here: additional_dependencies names the npm
#                        packages ci/package built (pgshift and @pgshift/linux-x64), which is
#                        what `pgshift@VERSION` resolves to.
# A pgshift.toml `baseline` keeps accepted findings quiet without hook arguments.
# Usage: pre_commit_hook_test.sh SOURCE_DIR PGSHIFT_BINARY [NPM_PACKAGE]
set -euo pipefail
source_dir=$1
binary_dir=$(cd "$(dirname "$2")" && pwd)
npm_package=${3:-}
[ -n "$npm_package" ] && npm_package=$(cd "$(dirname "$npm_package")" && pwd)/$(basename "$npm_package")
if ! command -v pre-commit >/dev/null; then
  echo "pre-commit is not installed (ci/install-deps installs it)" >&2
  exit 1
fi
if ! git -C "$source_dir" rev-parse HEAD >/dev/null 2>&1; then
  echo "SKIP: $source_dir is not a git checkout"; exit 0
fi
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work PRE_COMMIT_HOME=$work/cache
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export npm_config_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# pre-commit clones the hook repository at a commit: use a copy of this tree's committed state.
git clone -q "$source_dir" "$work/hooks-repo"
rev=$(git -C "$work/hooks-repo" rev-parse HEAD)

# The npm version the node hook installs is the binary's (the version defined in CMake).
version=$("$binary_dir/pgshift" --version | awk '{print $2}')
grep -q "additional_dependencies: \[\"pgshift@$version\"\]" "$work/hooks-repo/.pre-commit-hooks.yaml" ||
  fail ".pre-commit-hooks.yaml does not install pgshift@$version"
grep -q "\"version\": \"$version\"" "$work/hooks-repo/package.json" || fail "package.json is not at version $version"

# The configuration docs/ci-integration.md gives, as written but for the repository address and
# rev (this clone, at its commit) and the hook id.
docs_config=$(sed -n '/^# \.pre-commit-config\.yaml$/,/^```$/p' "$source_dir/docs/ci-integration.md" | sed '$d')
grep -q "id: pgshift-lint$" <<<"$docs_config" || fail "docs/ci-integration.md has no pre-commit configuration"

# check_hook ID [YAML LINES]: the hook on a fresh project: safe passes, unsafe fails, baselined passes.
check_hook() {
  local id=$1 extra=${2:-}
  rm -rf "$work/project" && git init -q "$work/project" && cd "$work/project"
  sed -e "s|^  - repo: .*|  - repo: $work/hooks-repo|" -e "s|^    rev: .*|    rev: $rev|" \
      -e "s|^      - id: pgshift-lint\$|      - id: $id|" <<<"$docs_config" >.pre-commit-config.yaml
  printf '%s' "$extra" >>.pre-commit-config.yaml
  mkdir -p db/migrations
  echo "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);" >db/migrations/V1__safe.sql
  git add -A
  pre-commit run --all-files >"$work/safe.log" 2>&1 || { cat "$work/safe.log"; fail "$id: safe migration rejected"; }
  echo "CREATE INDEX users_name_idx ON users (name);" >db/migrations/V2__unsafe.sql
  git add -A
  if pre-commit run --all-files >"$work/unsafe.log" 2>&1; then
    cat "$work/unsafe.log"; fail "$id: unsafe migration accepted"
  fi
  grep -q "non-concurrent-index-creation" "$work/unsafe.log" || { cat "$work/unsafe.log"; fail "$id: finding not shown"; }
  # Accepted once, as the docs say, in the baseline pgshift.toml names: the same hook passes.
  "$binary_dir/pgshift" baseline db/migrations -o db/migrations/pgshift-baseline.json >/dev/null
  echo 'baseline = "pgshift-baseline.json"' >db/migrations/pgshift.toml
  git add -A
  pre-commit run --all-files >"$work/baselined.log" 2>&1 ||
    { cat "$work/baselined.log"; fail "$id: baselined finding still fails"; }
  echo "$id: ok"
}

PATH="$binary_dir:$PATH" check_hook pgshift-lint-system
if [ -z "$npm_package" ]; then echo "PASS (the node hook was not run: no npm package given)"; exit 0; fi
command -v npm >/dev/null || fail "npm is not installed (ci/install-deps installs it)"
# No pgshift on PATH: the hook must bring its own.
PATH=$(tr ':' '\n' <<<"$PATH" | grep -v "^$binary_dir\$" | paste -sd:)
command -v pgshift >/dev/null && echo "note: a pgshift is on PATH at $(command -v pgshift)"
native_package=$(dirname "$npm_package")/pgshift-linux-x64-$version.tgz
check_hook pgshift-lint "        additional_dependencies: [\"$npm_package\", \"$native_package\"]
"
echo "PASS"
