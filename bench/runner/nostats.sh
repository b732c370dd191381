#!/usr/bin/env bash
# Backfill rate on a table without statistics (see bench/RESULTS.md, "Runner"): pgbench_accounts
# freshly loaded (SCALE*100,000 rows, primary key built, never analysed, autovacuum off for it),
# then one unbatched UPDATE of every row against the pgshift backfill of the same rows, each on a
# fresh load, with and without ANALYZE first, on one sandbox. The faster of TRIES runs counts
# (the machine may be shared). Prints one line per measurement and a summary; logs stay in $OUT.
#
#   bench/runner/nostats.sh            # SCALE=10 (1,000,000 rows), TRIES=2
set -euo pipefail
cd "$(dirname "$0")/../.."
pgshift=${PGSHIFT:-build/pgshift}
bin=${PGSHIFT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
scale=${SCALE:-10}
tries=${TRIES:-2}
batch_time=${BATCH_TIME:-50ms}
out=${OUT:-$(mktemp -d /tmp/pgshift-bench-nostats-XXXXXX)}
mkdir -p "$out"
export XDG_STATE_HOME="$out/state" PGSHIFT_JOURNAL="$out/journal.db"
plan=bench/runner/plan.toml
rows=$((scale * 100000))

cleanup() { "$pgshift" sandbox stop --name nostats >/dev/null 2>&1 || true; }
trap cleanup EXIT
url=$("$pgshift" sandbox start --name nostats 2>/dev/null)
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 "$url")
now() { date +%s.%N; }

# A fresh pgbench_accounts: created, autovacuum off for it (so nothing analyses it behind our
# back), loaded, primary key built; analysed only when asked. The ledger goes too.
fresh() {  # fresh analysed|unanalysed
  "${psql[@]}" -c "DROP SCHEMA IF EXISTS pgshift CASCADE" 2>/dev/null
  "$bin/pgbench" -i -q -s "$scale" -I dt "$url" >>"$out/init.log" 2>&1
  "${psql[@]}" -c "ALTER TABLE pgbench_accounts SET (autovacuum_enabled = off)"
  "$bin/pgbench" -i -q -s "$scale" -I gp "$url" >>"$out/init.log" 2>&1
  "${psql[@]}" -c "CHECKPOINT"
  if [ "$1" = analysed ]; then "${psql[@]}" -c "ANALYZE pgbench_accounts"; fi
  local stats
  stats=$("${psql[@]}" -At -c "SELECT count(*) FROM pg_stats WHERE tablename = 'pgbench_accounts'")
  echo "  $1: $stats column statistics" >>"$out/init.log"
}

rate() { python3 -c "import sys; print(int($rows / ($2 - $1)))"; }
best() { sort -n | tail -1; }

for mode in unanalysed analysed; do
  : >"$out/update-$mode" ; : >"$out/backfill-$mode"
  for try in $(seq "$tries"); do
    fresh "$mode"
    "${psql[@]}" -c "ALTER TABLE pgbench_accounts ADD COLUMN note text"
    start=$(now)
    "${psql[@]}" -c "UPDATE pgbench_accounts SET note = filler"
    end=$(now)
    rate "$start" "$end" >>"$out/update-$mode"
    echo "bench: $mode, one UPDATE: $(tail -1 "$out/update-$mode") rows/s" >&2

    fresh "$mode"
    "$pgshift" run "$plan" --db "$url" --through add-note --progress none >>"$out/run.log"
    start=$(now)
    "$pgshift" run "$plan" --db "$url" --through fill-note --batch-time "$batch_time" \
      --progress json >>"$out/run.log" 2>"$out/progress-$mode-$try.jsonl"
    end=$(now)
    rate "$start" "$end" >>"$out/backfill-$mode"
    echo "bench: $mode, pgshift backfill: $(tail -1 "$out/backfill-$mode") rows/s" >&2
    left=$("${psql[@]}" -At -c "SELECT count(*) FROM pgbench_accounts WHERE note IS DISTINCT FROM filler")
    [ "$left" = 0 ] || { echo "bench: $left rows not backfilled" >&2; exit 1; }
  done
done

# A batch's key query's plan on a fresh, unanalysed table, for the record (runner/backfill.cpp).
fresh unanalysed
"${psql[@]}" -c "EXPLAIN SELECT pgshift_k1::text, (pgshift_k1) > (1000000) FROM (SELECT aid AS pgshift_k1 FROM pgbench_accounts WHERE (aid) > (500000) ORDER BY aid OFFSET 4999 LIMIT 1) AS upper_key" >"$out/explain.txt"

echo "| statistics | one UPDATE rows/s | pgshift backfill rows/s | ratio |"
echo "|---|---|---|---|"
for mode in unanalysed analysed; do
  u=$(best <"$out/update-$mode"); b=$(best <"$out/backfill-$mode")
  python3 -c "print('| $mode | {:,} | {:,} | {:.2f} |'.format($u, $b, $b / $u))"
done
echo "bench: logs in $out" >&2
