#!/usr/bin/env bash
# The .pre-commit-hooks.yaml at the repository root works as teams use it: a project references
# this repository from its .pre-commit-config.yaml, and the hook fails a commit that adds an
# unsafe migration and passes a safe one.
# Usage: pre_commit_hook_test.sh SOURCE_DIR PGSHIFT_BINARY
set -euo pipefail
source_dir=$1
binary_dir=$(dirname "$2")
if ! command -v pre-commit >/dev/null; then
  echo "pre-commit is not installed (ci/install-deps installs it)" >&2
  exit 1
fi
if ! git -C "$source_dir" rev-parse HEAD >/dev/null 2>&1; then
  echo "SKIP: $source_dir is not a git checkout"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work PRE_COMMIT_HOME=$work/cache PATH="$binary_dir:$PATH"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
# pre-commit clones the hook repository at a commit: use a copy of this tree's committed state.
git clone -q "$source_dir" "$work/hooks-repo"
rev=$(git -C "$work/hooks-repo" rev-parse HEAD)
cd "$work" && git init -q project && cd project
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/hooks-repo
    rev: $rev
    hooks:
      - id: pgshift-lint
YAML
mkdir -p db
echo "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);" > db/V1__safe.sql
git add -A
pre-commit run --all-files >"$work/safe.log" 2>&1 || { cat "$work/safe.log"; echo "FAIL: safe migration rejected"; exit 1; }
echo "CREATE INDEX users_name_idx ON users (name);" > db/V2__unsafe.sql
git add -A
if pre-commit run --all-files >"$work/unsafe.log" 2>&1; then
  cat "$work/unsafe.log"; echo "FAIL: unsafe migration accepted"; exit 1
fi
grep -q "non-concurrent-index-creation" "$work/unsafe.log" || { cat "$work/unsafe.log"; echo "FAIL: finding not shown"; exit 1; }
echo "PASS"
