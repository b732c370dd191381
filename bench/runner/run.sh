#!/usr/bin/env bash
# The runner benchmark (see ../../docs/runner.md and bench/RESULTS.md): a pgbench-style workload on
# a sandbox with SCALE*100,000 rows, a baseline, then the same schema change twice under the same
# load: the naive way (one ALTER, one UPDATE, one SET NOT NULL in a transaction) and as a pgshift
# plan. Also times the backfill without load against one unbatched UPDATE of the same rows.
# Prints a JSON summary (analyze.py) and leaves the raw logs in $OUT (default: a temp directory).
#
#   bench/runner/run.sh            # SCALE=10 (1,000,000 rows), 8 clients at 400 tps
#   SCALE=2 CLIENTS=4 RATE=200 bench/runner/run.sh
#   BATCH_TIME=200ms bench/runner/run.sh  # the backfill's target batch duration (default 50ms)
#   THROTTLE=25ms bench/runner/run.sh     # a pause after each batch (--throttle; default none)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/runner/common.sh
baseline_seconds=${BASELINE_SECONDS:-15}
batch_time=${BATCH_TIME:-50ms}
throttle=${THROTTLE:-0ms}
out=${OUT:-$(mktemp -d /tmp/pgshift-bench-XXXXXX)}
mkdir -p "$out"
export XDG_STATE_HOME="$out/state" PGSHIFT_JOURNAL="$out/journal.db"
plan=bench/runner/plan.toml

cleanup() {
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  "$pgshift" sandbox stop --name bench >/dev/null 2>&1 || true
}
trap cleanup EXIT

url=$("$pgshift" sandbox start --name bench 2>/dev/null)
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 "$url")
now() { date +%s.%N; }
mark() { echo "$1 $2 $3" >>"$out/phases"; }  # name start end
: >"$out/phases"

log_lock_waits

echo "bench: initialising $((scale * 100000)) rows" >&2
"$bin/pgbench" -i -q -s "$scale" -I dtgvp "$url" >"$out/init.log" 2>&1

# The practical ceiling: one unbatched UPDATE of every row, no load. The machine may be shared,
# so this and the quiet backfill are each measured twice and the faster run counts.
for try in 1 2; do
  "${psql[@]}" -c "ALTER TABLE pgbench_accounts ADD COLUMN ceiling text"
  start=$(now)
  "${psql[@]}" -c "UPDATE pgbench_accounts SET ceiling = filler"
  mark "ceiling-$try" "$start" "$(now)"
  "${psql[@]}" -c "ALTER TABLE pgbench_accounts DROP COLUMN ceiling" -c "VACUUM FULL ANALYZE pgbench_accounts"
done

# The pgshift backfill alone, no load (each run from a freshly rolled-back table).
for try in 1 2; do
  "$pgshift" run "$plan" --db "$url" --through expand --progress none >"$out/quiet-expand.log"
  start=$(now)
  "$pgshift" run "$plan" --db "$url" --through backfill --batch-time "$batch_time" --throttle "$throttle" --progress none \
    >"$out/quiet-backfill.log"
  mark "quiet-backfill-$try" "$start" "$(now)"
  "$pgshift" rollback "$plan" --db "$url" >"$out/quiet-rollback.log"
  "${psql[@]}" -c "VACUUM FULL ANALYZE pgbench_accounts"
done

# Longest lock wait of any application query, sampled every 100 ms for the rest of the run.
printf '%s\n' "SELECT extract(epoch FROM clock_timestamp()), coalesce(max(extract(epoch FROM clock_timestamp() - query_start)), 0) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'pgbench';" \
  '\watch 0.1' | "$bin/psql" -X -A -t -q -F ' ' "$url" >"$out/lockwait" 2>/dev/null &
sampler=$!


echo "bench: baseline (${baseline_seconds} s)" >&2
start=$(now)
application baseline "$baseline_seconds"
wait "$app_pid"
mark baseline "$start" "$(now)"

echo "bench: one CPU-bound session under load (the control)" >&2
application busy 20
sleep 5
start=$(now)
busy_session "${BUSY_SECONDS:-8}"
mark busy "$start" "$(now)"
wait "$app_pid"

echo "bench: naive change under load" >&2
application naive 40
sleep 5
start=$(now)
"${psql[@]}" -f bench/runner/naive.sql
mark naive "$start" "$(now)"
wait "$app_pid"
"${psql[@]}" -c "ALTER TABLE pgbench_accounts DROP COLUMN note" -c "VACUUM FULL ANALYZE pgbench_accounts"

echo "bench: pgshift plan under load" >&2
application pgshift 90
sleep 5
for through in add-note fill-note add-check validate-check require-note; do
  start=$(now)
  "$pgshift" run "$plan" --db "$url" --through "$through" --batch-time "$batch_time" --throttle "$throttle" --progress json \
    >>"$out/pgshift-run.log" 2>>"$out/pgshift-progress.jsonl"
  mark "pgshift-$through" "$start" "$(now)"
done
wait "$app_pid"
kill "$sampler" 2>/dev/null || true
sampler=

"${psql[@]}" -At -c "SELECT count(*) FROM pgbench_accounts WHERE note IS DISTINCT FROM filler" >"$out/mismatches"
cp "$server_log" "$out/server.log" 2>/dev/null || true
python3 bench/runner/analyze.py "$out" "$scale" "$batch_time"
echo "bench: raw logs in $out" >&2
