#!/usr/bin/env bash
# How pgshift lint copes with very large inputs: time and peak memory for
#   - a 100 MB migration of DDL and multi-row INSERTs (seed data),
#   - a file of one million short statements,
#   - a single INSERT statement of 100 MB,
# each at the default max_memory (2 GiB), at --max-memory 1GiB (a file whose parse trees outgrow
# the limit is refused where it stopped) and 256MiB (a file over a quarter of the limit is refused
# unread); a statement over a 1/1024 share is reported and skipped at every limit.
# Generated in a temporary directory; nothing is kept.
#
#   bench/large_input.sh [MB] [STATEMENTS]     (default 100 MB and 1000000 statements)
#
# Uses the pgshift in build/ (or $PGSHIFT_BUILD_DIR). Prints exit code, wall and CPU time, peak
# RSS, the summary line and the first line of any refusal, per run.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-100}
statements=${2:-1000000}
pgshift=$(realpath "${PGSHIFT_BUILD_DIR:-build}/pgshift")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" "$megabytes" "$statements" <<'PY'
import os, sys
dir, megabytes, statements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
target = megabytes * 1000 * 1000

# A seed-data migration: tables, then INSERTs of 200 rows each, with an index now and then.
with open(os.path.join(dir, "big.sql"), "w") as f:
    f.write("SET lock_timeout = '2s';\n")
    size, n = 0, 0
    while size < target:
        table = f"t{n % 500}"
        if n < 500:
            chunk = (f"CREATE TABLE {table} (id bigint PRIMARY KEY, name text NOT NULL, "
                     f"qty integer, note text, created_at timestamptz DEFAULT now());\n")
        elif n % 97 == 0:
            chunk = f"CREATE INDEX CONCURRENTLY {table}_name_{n}_idx ON {table} (name);\n"
        else:
            rows = ", ".join(f"({n * 200 + i}, 'name {i}', {i}, 'a note about row {i}', now())"
                             for i in range(200))
            chunk = f"INSERT INTO {table} (id, name, qty, note, created_at) VALUES {rows};\n"
        f.write(chunk)
        size += len(chunk)
        n += 1

# One million short statements of the kinds migrations hold, on tables created before this
# file, one in five a finding.
forms = [
    "ALTER TABLE t{t} ADD COLUMN c{n} text;",
    "CREATE INDEX CONCURRENTLY i{n} ON t{t} (c{n});",
    "UPDATE t{t} SET c{n} = 'x' WHERE id = {n};",
    "CREATE INDEX i{n}_plain ON t{t} (c{n});",  # non-concurrent: one finding in five
    "ALTER TABLE t{t} ALTER COLUMN c{n} SET DEFAULT 'y';",
]
with open(os.path.join(dir, "million.sql"), "w") as f:
    f.write("SET lock_timeout = '2s';\n")
    for n in range(statements - 1):
        f.write(forms[n % len(forms)].format(t=n % 100, n=n) + "\n")

# One INSERT of the whole size.
with open(os.path.join(dir, "one-statement.sql"), "w") as f:
    f.write("SET lock_timeout = '2s';\nINSERT INTO t (id, name) VALUES (0, 'n')")
    size, i = 0, 1
    while size < target:
        row = f", ({i}, 'name {i}')"
        f.write(row)
        size += len(row)
        i += 1
    f.write(";\n")
PY

cat >"$dir/summary.py" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except Exception:
    print("no report")
    sys.exit()
s = report["summary"]
print("%d statements, %d errors, %d warnings, %d infos, %d unreadable"
      % (s["statements"], s["errors"], s["warnings"], s["infos"], s["unreadable"]))
for f in report["findings"]:
    if f["rule"] == "syntax-error":
        print("    %d:%d: %s" % (f["line"], f["column"], f["message"][:200]))
        break
PY

for file in big.sql million.sql one-statement.sql; do
  echo "$file: $(du -m "$dir/$file" | cut -f1) MB, $(grep -c ';$' "$dir/$file") lines ending a statement"
  for limit in "" 1GiB 256MiB; do
    args=(lint --no-history --format json -o "$dir/out.json" "$dir/$file")
    [ -n "$limit" ] && args+=(--max-memory "$limit")
    status=0
    /usr/bin/time -q -f "%e s wall, %U s user, %S s system, %M KB peak" -o "$dir/time" \
      "$pgshift" "${args[@]}" 2>"$dir/err" || status=$?
    summary=$(python3 "$dir/summary.py" "$dir/out.json")
    echo "  max_memory ${limit:-2GiB (default)}: exit $status, $(cat "$dir/time"); $summary"
    if [ -s "$dir/err" ]; then echo "    stderr: $(head -c 300 "$dir/err" | head -1)"; fi
    rm -f "$dir/out.json"
  done
done
