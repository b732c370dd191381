# Sourced by the runner benchmarks that run an application (run.sh, latency.sh): the settings
# they share, the application's load, the busy-CPU control and exact lock-wait logging. Expects
# `out` (the output directory), `url` and `psql` (an array) once the sandbox is up.
pgshift=${PGSHIFT:-build/pgshift}
bin=${PGSHIFT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
scale=${SCALE:-10}
clients=${CLIENTS:-8}
rate=${RATE:-400}
app_cpu=()  # a command prefix for the application (latency.sh's PIN=1: taskset)

# Every application lock wait of 1 ms or more goes to the server's log ("acquired ... after N
# ms"): exact, where sampling pg_stat_activity sees only waits that span a tick. Sets server_log.
log_lock_waits() {
  "${psql[@]}" -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET deadlock_timeout = '1ms'" \
    -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '" -c "SELECT pg_reload_conf()" >/dev/null
  server_log="$("${psql[@]}" -At -c "SELECT current_setting('data_directory')")/../server.log"
}

# application NAME SECONDS: the application (bench/runner/app.sql) in the background, logging
# each transaction to $out/NAME.*; its pid in app_pid. -s: a custom script's :scale is 1 unless
# given, and the application would touch only the first 100,000 rows (runs before 2026-12-06
# late did: see RESULTS.md).
application() {
  "${app_cpu[@]}" "$bin/pgbench" -n -f bench/runner/app.sql -s "$scale" -c "$clients" -j 2 \
    -R "$rate" -T "$2" -l --log-prefix="$out/$1" "$url" >"$out/$1.pgbench" 2>&1 &
  app_pid=$!
}

# busy_session SECONDS [PREFIX...]: the control, one session busy on the CPU with no I/O and no
# locks; on a machine with few cores, what it costs the application is what any busy session costs.
busy_session() {
  local seconds=$1
  shift
  PGAPPNAME=busy "$@" "${psql[@]}" -c "DO \$\$ DECLARE t timestamptz := clock_timestamp();
    BEGIN WHILE clock_timestamp() < t + interval '$seconds s' LOOP END LOOP; END \$\$"
}
