#!/usr/bin/env python3
"""Summarises a bench/runner/run.sh directory: per phase, the application's throughput and
latency (p50, p99, max) from pgbench's per-transaction logs, the longest lock wait seen, and the
backfill rate against one unbatched UPDATE."""
import datetime
import glob
import re
import json
import sys


def transactions(out, prefix):
    """(start, latency_ms) of every transaction in pgbench's logs with this prefix."""
    rows = []
    for path in glob.glob(f"{out}/{prefix}.*"):
        if path.endswith(".pgbench"):
            continue
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) < 6 or fields[2] == "skipped":
                    continue
                latency_us = int(fields[2])
                end = int(fields[4]) + int(fields[5]) / 1e6
                rows.append((end - latency_us / 1e6, latency_us / 1000.0))
    return rows


def server_lock_waits(out):
    """(end, wait_ms) of every application lock wait the server logged (log_lock_waits with
    deadlock_timeout 1 ms: each wait of 1 ms or more, with its exact length)."""
    pattern = re.compile(r"^(\S+ \S+) UTC \[\d+\] pgbench LOG:  process \d+ acquired .* after ([\d.]+) ms")
    waits = []
    try:
        with open(f"{out}/server.log") as log:
            for line in log:
                m = pattern.match(line)
                if m:
                    at = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
                    waits.append((at.replace(tzinfo=datetime.timezone.utc).timestamp(),
                                  float(m.group(2))))
    except FileNotFoundError:
        pass
    return waits


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main():
    out, scale = sys.argv[1], int(sys.argv[2])
    rows = scale * 100000
    phases = {}
    with open(f"{out}/phases") as f:
        for line in f:
            name, start, end = line.split()
            phases[name] = (float(start), float(end))
    lockwaits = []
    with open(f"{out}/lockwait") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                lockwaits.append((float(parts[0]), float(parts[1])))

    logged_waits = server_lock_waits(out)

    def summary(load, start, end):
        latencies = sorted(l for (s, l) in transactions(out, load) if start <= s < end)
        waits = [w for (t, w) in lockwaits if start <= t <= end + 1]
        logged = [w for (t, w) in logged_waits if start <= t <= end + 1]
        seconds = end - start
        return {
            "seconds": round(seconds, 2),
            "transactions": len(latencies),
            "tps": round(len(latencies) / seconds, 1) if seconds > 0 else None,
            "p50_ms": round(percentile(latencies, 50), 2) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 2) if latencies else None,
            "max_ms": round(latencies[-1], 2) if latencies else None,
            "longest_lock_wait_ms": round(max(waits) * 1000, 1) if waits else 0.0,
            "lock_waits_over_1ms": len(logged),
            "longest_logged_lock_wait_ms": round(max(logged), 1) if logged else 0.0,
        }

    result = {"rows": rows, "phases": {}}
    result["phases"]["baseline"] = summary("baseline", *phases["baseline"])
    if "busy" in phases:
        result["phases"]["one CPU-bound session (control)"] = summary("busy", *phases["busy"])
    result["phases"]["naive change"] = summary("naive", *phases["naive"])
    for name, (start, end) in phases.items():
        if name.startswith("pgshift-"):
            result["phases"][name] = summary("pgshift", start, end)
    base_p99 = result["phases"]["baseline"]["p99_ms"]
    for phase in result["phases"].values():
        if base_p99 and phase["p99_ms"] is not None:
            phase["p99_vs_baseline"] = round(phase["p99_ms"] / base_p99, 2)

    def fastest(prefix):
        return min(end - start for name, (start, end) in phases.items() if name.startswith(prefix))

    ceiling = fastest("ceiling")
    quiet = fastest("quiet-backfill")
    loaded = phases["pgshift-fill-note"][1] - phases["pgshift-fill-note"][0]
    result["backfill"] = {
        "unbatched_update_rows_per_s": round(rows / ceiling),
        "pgshift_no_load_rows_per_s": round(rows / quiet),
        "pgshift_under_load_rows_per_s": round(rows / loaded),
        "no_load_fraction_of_ceiling": round(ceiling / quiet, 2),
        "batch_time": sys.argv[3] if len(sys.argv) > 3 else "",
    }
    with open(f"{out}/mismatches") as f:
        result["rows_not_backfilled"] = int(f.read().strip() or -1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
