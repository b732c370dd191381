#!/usr/bin/env bash
# Application latency during a backfill, by batch duration, side by side (see bench/RESULTS.md,
# "Runner"): one sandbox, pgbench_accounts with SCALE*100,000 rows, the application of run.sh
# (CLIENTS clients at RATE tps, over every row), and ROUNDS rounds in which each of BATCH_TIMES in
# turn gets a baseline window and then the backfill of bench/runner/plan.toml under the same load.
# Alternating the batch durations within each round puts the machine's drift on all of them
# alike. Prints, per batch duration, the pooled p99 of its baselines and of its backfills, their
# ratio, the application's lock waits of 1 ms or more (from the server's log) and the rate.
#
#   bench/runner/latency.sh                        # ROUNDS=3, BATCH_TIMES="50ms 25ms 10ms"
#   ROUNDS=5 BATCH_TIMES="50ms 20ms" bench/runner/latency.sh
#   OTHER=/tmp/pgshift-old bench/runner/latency.sh   # each batch time with that binary too
#   BATCH_TIMES="50ms 50ms+150ms" bench/runner/latency.sh  # +150ms: --throttle 150ms, a pause
#                                                          # after each batch (a duty cycle);
#                                                          # BACKFILL_SECONDS=45: load long enough
#
# Each round also has a control: in place of a backfill, one session busy on the CPU for
# BUSY_SECONDS (no I/O, no locks), which shows what any busy session costs the application on
# this machine.
#
# PIN=1 (needs taskset and the right to move the server's processes): the server and the
# application on CPU 0, pgshift, its sessions and the busy session on CPU 1, as on a server with
# a core to spare for the backfill. What is left is what the backfill itself costs the
# application (row locks, WAL, buffers), not the machine's share of CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/runner/common.sh
rounds=${ROUNDS:-3}
batch_times=${BATCH_TIMES:-50ms 25ms 10ms}
baseline_seconds=${BASELINE_SECONDS:-6}
out=${OUT:-$(mktemp -d /tmp/pgshift-bench-latency-XXXXXX)}
mkdir -p "$out"
export XDG_STATE_HOME="$out/state" PGSHIFT_JOURNAL="$out/journal.db"
plan=bench/runner/plan.toml

cleanup() {
  if [ -n "${mover:-}" ]; then kill "$mover" 2>/dev/null || true; fi
  "$pgshift" sandbox stop --name latency >/dev/null 2>&1 || true
}
trap cleanup EXIT
url=$("$pgshift" sandbox start --name latency 2>/dev/null)
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 "$url")
now() { date +%s.%N; }
: >"$out/phases"
log_lock_waits

other_cpu=()
if [ "${PIN:-0}" = 1 ]; then
  postmaster=$(head -1 "$("${psql[@]}" -At -c "SELECT current_setting('data_directory')")/postmaster.pid")
  for pid in $postmaster $(pgrep -P "$postmaster"); do taskset -p 1 "$pid" >/dev/null; done
  app_cpu=(taskset -c 0) other_cpu=(taskset -c 1)
  # New sessions start on CPU 0 with the postmaster; pgshift's and the busy one move to CPU 1.
  "${other_cpu[@]}" bash -c "while :; do
      for pid in \$('$bin/psql' -X -At '$url' -c \"SELECT pid FROM pg_stat_activity
        WHERE application_name LIKE 'pgshift%' OR application_name = 'busy'\"); do
        taskset -p 2 \$pid >/dev/null 2>&1; done; sleep 0.02; done" &
  mover=$!
fi

echo "bench: initialising $((scale * 100000)) rows" >&2
"$bin/pgbench" -i -q -s "$scale" -I dtgvp "$url" >"$out/init.log" 2>&1
"${psql[@]}" -c "VACUUM FULL ANALYZE pgbench_accounts"

variants=(busy::)  # LABEL:BINARY:BATCH_TIME
for batch_time in $batch_times; do
  variants+=("$batch_time:$pgshift:$batch_time")
  if [ -n "${OTHER:-}" ]; then variants+=("$batch_time-other:$OTHER:$batch_time"); fi
done

for round in $(seq "$rounds"); do
  for variant in "${variants[@]}"; do
    IFS=: read -r label binary batch_time <<<"$variant"
    echo "bench: round $round, $label ($binary, batch time $batch_time)" >&2
    [ "$label" = busy ] || "$binary" run "$plan" --db "$url" --through add-note --progress none >>"$out/run.log"
    application "app-$round-$label" $((baseline_seconds + ${BACKFILL_SECONDS:-18}))
    sleep 2
    start=$(now)
    sleep "$baseline_seconds"
    echo "baseline $label $round $start $(now)" >>"$out/phases"
    start=$(now)
    if [ "$label" = busy ]; then
      busy_session "${BUSY_SECONDS:-4}" "${other_cpu[@]}"
      echo "backfill $label $round $start $(now)" >>"$out/phases"
      wait "$app_pid"
      continue
    fi
    pause=0ms
    case $batch_time in *+*) pause=${batch_time#*+} batch_time=${batch_time%%+*} ;; esac
    "${other_cpu[@]}" "$binary" run "$plan" --db "$url" --through fill-note --batch-time "$batch_time" \
      --throttle "$pause" --progress json \
      >>"$out/run.log" 2>"$out/progress-$round-$label.jsonl"
    echo "backfill $label $round $start $(now)" >>"$out/phases"
    wait "$app_pid"
    "$binary" rollback "$plan" --db "$url" >>"$out/run.log"
    "${psql[@]}" -c "VACUUM FULL ANALYZE pgbench_accounts"
  done
done
cp "$server_log" "$out/server.log"
python3 bench/runner/latency.py "$out" "$((scale * 100000))"
echo "bench: raw logs in $out" >&2
