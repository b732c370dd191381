#!/usr/bin/env python3
"""Summarises a bench/runner/run.sh directory: per phase, the application's throughput and
latency (p50, p99, max) from pgbench's per-transaction logs, the longest lock wait seen, and the
backfill rate against one unbatched UPDATE."""
import glob
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

    def summary(load, start, end):
        latencies = sorted(l for (s, l) in transactions(out, load) if start <= s < end)
        waits = [w for (t, w) in lockwaits if start <= t <= end + 1]
        seconds = end - start
        return {
            "seconds": round(seconds, 2),
            "transactions": len(latencies),
            "tps": round(len(latencies) / seconds, 1) if seconds > 0 else None,
            "p50_ms": round(percentile(latencies, 50), 2) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 2) if latencies else None,
            "max_ms": round(latencies[-1], 2) if latencies else None,
            "longest_lock_wait_ms": round(max(waits) * 1000, 1) if waits else 0.0,
        }

    result = {"rows": rows, "phases": {}}
    result["phases"]["baseline"] = summary("baseline", *phases["baseline"])
    result["phases"]["naive change"] = summary("naive", *phases["naive"])
    for name, (start, end) in phases.items():
        if name.startswith("pgshift-"):
            result["phases"][name] = summary("pgshift", start, end)
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


main()
