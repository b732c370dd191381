#!/usr/bin/env python3
"""Runs one command and prints "wall_s peak_rss_kib cpu_s" for that process alone.

    measure.py CWD STDERR_FILE COMMAND

COMMAND is split like a shell word list (quotes kept, no globbing: a quoted glob reaches the tool
as it is). Wall time comes from a monotonic clock to the microsecond, CPU time (user + system)
and peak RSS from the child's own rusage (wait4). GNU time prints wall time in hundredths of a
second only, too coarse for runs of 50 to 100 ms. Exits with the command's exit status.
"""
import os
import shlex
import subprocess
import sys
import time


def main() -> int:
    cwd, stderr_path, command = sys.argv[1], sys.argv[2], sys.argv[3]
    argv = shlex.split(command)
    with open(stderr_path, "wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{wall:.4f} {usage.ru_maxrss} {cpu:.3f}")
    return child.returncode if child.returncode >= 0 else 128 - child.returncode


if __name__ == "__main__":
    sys.exit(main())
