#!/usr/bin/env bash
# How often each rule fires on a corpus of real migrations: findings, files, and how many of the
# findings sit in down (rollback) migrations. Prints a Markdown table for bench/RESULTS.md.
#
#   bench/rule_frequency.sh /path/to/corpus
#
# Uses the pgshift in build/ (or $PGSHIFT_BUILD_DIR); every rule at its default setting.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: bench/rule_frequency.sh CORPUS_DIR}
pgshift=${PGSHIFT_BUILD_DIR:-build}/pgshift

report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$pgshift" lint --color never --fail-on never "$corpus" >"$report" || true

grep -E '^(No findings|Found) ' "$report" | tail -1
echo
echo "| rule | severity | findings | files | of the findings, in down migrations |"
echo "|---|---|---:|---:|---:|"
# "path:line:col: severity[rule] message" -> rule, severity, path
sed -nE 's/^(.*):[0-9]+:[0-9]+: (error|warning|info)\[([a-z0-9-]+)\] .*/\3\t\2\t\1/p' "$report" |
  awk -F '\t' '
    { findings[$1]++; severity[$1] = $2
      if (!(($1, $3) in seen)) { seen[$1, $3] = 1; files[$1]++ }
      if ($3 ~ /down/) down[$1]++ }
    END { for (r in findings) printf "%d\t%s\t%s\t%d\t%d\n", findings[r], r, severity[r], files[r], down[r] }' |
  sort -t "$(printf '\t')" -k1,1nr -k2,2 |
  awk -F '\t' '{ printf "| `%s` | %s | %d | %d | %d |\n", $2, $3, $1, $4, $5 }'
