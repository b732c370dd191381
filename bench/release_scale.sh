#!/usr/bin/env bash
# How long `pgshift lint --release` takes when the release's application code is large: builds a
# synthetic git repository (300 migrations; FILES files of 400 lines of identifiers, 2.7 KB per
# 100 lines) in a temporary directory, then times a release that drops one column.
#
#   bench/release_scale.sh [FILES]     (default 5000 files, about 137 MB of code)
#
# Uses the pgshift in build/ (or $PGSHIFT_BUILD_DIR). Prints wall and CPU time (pgshift and the
# git processes it runs) and peak memory, three runs.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-5000}
pgshift=$(realpath "${PGSHIFT_BUILD_DIR:-build}/pgshift")
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@pgshift.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@pgshift.invalid
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
cd "$repo"
git init -q -b main
python3 - "$files" <<'PY'
import os, random, sys
random.seed(1)
words = [f"ident_{i}" for i in range(20000)]
os.makedirs("db/migrations")
for i in range(1, 301):
    with open(f"db/migrations/V{i}__m.sql", "w") as f:
        f.write(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, c{i} text, legacy_{i} boolean);\n")
for n in range(int(sys.argv[1])):
    os.makedirs(f"app/mod{n // 100}", exist_ok=True)
    with open(f"app/mod{n // 100}/f{n % 100}.rb", "w") as f:
        f.write("\n".join(" ".join(random.choice(words) for _ in range(6)) for _ in range(400)) + "\n")
PY
git add -A && git commit -qm base && git tag r1
echo "ALTER TABLE t5 DROP COLUMN legacy_5;" > db/migrations/V301__drop.sql
echo "x = 1" >> app/mod0/f0.rb
git add -A && git commit -qm release
echo "application code: $(find app -type f | wc -l) files, $(du -sh app | cut -f1)"
for run in 1 2 3; do
  /usr/bin/time -q -f "run $run: %e s wall, %U s user, %S s system, %M KB peak" \
    "$pgshift" lint db/migrations --release r1..HEAD >/dev/null || true
done
