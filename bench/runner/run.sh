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
pgshift=${PGSHIFT:-build/pgshift}
bin=${PGSHIFT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
scale=${SCALE:-10}
clients=${CLIENTS:-8}
rate=${RATE:-400}
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

# Every lock wait of 1 ms or more goes to the server's log ("acquired ... after N ms"): exact,
# where the sampler below sees only waits that span one of its ticks.
"${psql[@]}" -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '1ms'" \
  -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '" -c "SELECT pg_reload_conf()" >/dev/null
server_log="$("${psql[@]}" -At -c "SELECT current_setting('data_directory')")/../server.log"

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

load() {  # load NAME SECONDS: the application, in the background
  # -s: a custom script's :scale is 1 unless given, and the application would touch only the
  # first 100,000 rows (runs before 2026-12-06 late did: see bench/RESULTS.md).
  "$bin/pgbench" -n -f bench/runner/app.sql -s "$scale" -c "$clients" -j 2 -R "$rate" -T "$2" \
    -l --log-prefix="$out/$1" "$url" >"$out/$1.pgbench" 2>&1 &
  load_pid=$!
}

echo "bench: baseline (${baseline_seconds} s)" >&2
start=$(now)
load baseline "$baseline_seconds"
wait "$load_pid"
mark baseline "$start" "$(now)"

# The control: one session busy on the CPU for as long as a backfill, with no I/O and no locks.
# On a machine with few cores, what it costs the application is what any busy session costs.
echo "bench: one CPU-bound session under load" >&2
load busy 20
sleep 5
start=$(now)
"${psql[@]}" -c "DO \$\$ DECLARE t timestamptz := clock_timestamp(); BEGIN WHILE clock_timestamp() < t + interval '${BUSY_SECONDS:-8} s' LOOP END LOOP; END \$\$"
mark busy "$start" "$(now)"
wait "$load_pid"

echo "bench: naive change under load" >&2
load naive 40
sleep 5
start=$(now)
"${psql[@]}" -f bench/runner/naive.sql
mark naive "$start" "$(now)"
wait "$load_pid"
"${psql[@]}" -c "ALTER TABLE pgbench_accounts DROP COLUMN note" -c "VACUUM FULL ANALYZE pgbench_accounts"

echo "bench: pgshift plan under load" >&2
load pgshift 90
sleep 5
for through in add-note fill-note add-check validate-check require-note; do
  start=$(now)
  "$pgshift" run "$plan" --db "$url" --through "$through" --batch-time "$batch_time" --throttle "$throttle" --progress json \
    >>"$out/pgshift-run.log" 2>>"$out/pgshift-progress.jsonl"
  mark "pgshift-$through" "$start" "$(now)"
done
wait "$load_pid"
kill "$sampler" 2>/dev/null || true
sampler=

"${psql[@]}" -At -c "SELECT count(*) FROM pgbench_accounts WHERE note IS DISTINCT FROM filler" >"$out/mismatches"
cp "$server_log" "$out/server.log" 2>/dev/null || true
python3 bench/runner/analyze.py "$out" "$scale" "$batch_time"
echo "bench: raw logs in $out" >&2
