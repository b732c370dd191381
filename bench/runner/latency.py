#!/usr/bin/env python3
"""Summarises a bench/runner/latency.sh directory: per variant (a batch duration, with this or the
other binary, or the busy-CPU control), the application's pooled p99 in its baseline windows and
during its backfills (or the control's busy session), the ratio, the lock waits and the rate."""
import statistics
import sys

from analyze import percentile, server_lock_waits, transactions


def main():
    out, rows = sys.argv[1], int(sys.argv[2])
    windows = []  # (kind, batch_time, round, start, end)
    with open(f"{out}/phases") as f:
        for line in f:
            kind, batch_time, round_, start, end = line.split()
            windows.append((kind, batch_time, int(round_), float(start), float(end)))
    waits = server_lock_waits(out)
    batch_times = list(dict.fromkeys(w[1] for w in windows))
    # Each round's ratio is its backfill's p99 over its own baseline's, next to each other in
    # time: their median is steadier on a shared machine than the ratio of pooled p99s, which
    # one slow baseline window moves.
    print("| variant | rounds | baseline p99 ms | backfill p99 ms | ratio | median ratio per round "
          "| backfill p99 per round | lock waits >= 1 ms | longest ms | transactions "
          "| rows/s under load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for batch_time in batch_times:
        pooled = {"baseline": [], "backfill": []}
        per_round, lock_waits, seconds = [], [], 0.0
        round_base = {}  # round -> the p99 of its own baseline window
        round_ratios = []
        for kind, bt, round_, start, end in windows:
            if bt != batch_time:
                continue
            latencies = [l for (s, l) in transactions(out, f"app-{round_}-{bt}") if start <= s < end]
            pooled[kind] += latencies
            if kind == "baseline":
                round_base[round_] = percentile(sorted(latencies), 99)
            if kind == "backfill":
                per_round.append(percentile(sorted(latencies), 99))
                round_ratios.append(per_round[-1] / round_base[round_])
                lock_waits += [w for (t, w) in waits if start <= t <= end + 1]
                seconds += end - start
        base = percentile(sorted(pooled["baseline"]), 99)
        during = percentile(sorted(pooled["backfill"]), 99)
        rate = f"{round(rows * len(per_round) / seconds):,}" if batch_time != "busy" else "-"
        print(f"| {batch_time} | {len(per_round)} | {base:.2f} | {during:.2f} | {during / base:.2f} "
              f"| {statistics.median(round_ratios):.2f} "
              f"| {', '.join(f'{p:.2f}' for p in per_round)} | {len(lock_waits)} "
              f"| {max(lock_waits, default=0):.1f} | {len(pooled['backfill'])} "
              f"| {rate} |")


main()
