#!/usr/bin/env python3
"""Rewrites the block of each worked example's README.md that shows what `pgshift plan new`
writes for its naive.sql, so that the README cannot drift from the planner.

    python3 tools/update_example_readmes.py [--check] build/pgshift [migrations-examples]

With --check it writes nothing and exits 1 when a block is out of date (ci/check-docs).

The block is the ```toml fence that follows the line starting with MARKER; a README without the
marker gets a section holding it, before "## What the application deploys" (write the prose
around it by hand). tests/examples/generated_plan_test.cpp fails when a block differs from the
planner's output. Python 3 standard library only.
"""

import os
import subprocess
import sys

MARKER = "<!-- generated: pgshift plan new naive.sql --schema seed.sql"
MARKER_LINE = (MARKER + " (tools/update_example_readmes.py writes it; "
               "tests/examples/generated_plan_test.cpp checks it) -->")
SECTION_BEFORE = "## What the application deploys"


def planned(pgshift, folder):
    result = subprocess.run([pgshift, "plan", "new", "naive.sql", "--schema", "seed.sql"],
                            cwd=folder, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"{folder}: pgshift plan new exited {result.returncode}: {result.stderr}")
    return result.stdout


def rewrite(readme, plan):
    block = "```toml\n" + plan + ("" if plan.endswith("\n") else "\n") + "```\n"
    at = readme.find(MARKER)
    if at < 0:
        before = readme.find(SECTION_BEFORE)
        if before < 0:
            return None
        section = ("## What `pgshift plan new` makes of it\n\n" + MARKER_LINE + "\n\n" + block +
                   "\n")
        return readme[:before] + section + readme[before:]
    line_end = readme.index("\n", at) + 1
    fence = readme.find("```toml\n", line_end)
    end = readme.find("\n```\n", fence)
    if fence < 0 or end < 0:
        return None
    return readme[:at] + MARKER_LINE + "\n" + readme[line_end:fence] + block + readme[end + 5:]


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    if len(args) not in (1, 2):
        sys.exit("usage: update_example_readmes.py [--check] PGSHIFT [EXAMPLES_DIR]")
    pgshift = os.path.abspath(args[0])
    examples = args[1] if len(args) == 2 else "migrations-examples"
    changed = 0
    for name in sorted(os.listdir(examples)):
        folder = os.path.join(examples, name)
        path = os.path.join(folder, "README.md")
        if not os.path.isfile(os.path.join(folder, "naive.sql")) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            readme = f.read()
        updated = rewrite(readme, planned(pgshift, folder))
        if updated is None:
            sys.exit(f"{path}: neither the marker nor \"{SECTION_BEFORE}\" found")
        if updated != readme and check:
            print(f"{path}: the plan new block is out of date; rewrite it with: "
                  f"python3 tools/update_example_readmes.py {args[0]}", file=sys.stderr)
            changed += 1
        elif updated != readme:
            with open(path, "w", encoding="utf-8") as f:
                f.write(updated)
            changed += 1
            print(f"{path}: rewritten")
    if check:
        sys.exit(1 if changed else 0)
    print(f"{changed} README(s) rewritten")


if __name__ == "__main__":
    main()
