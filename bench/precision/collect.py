"""Lints each project's migration folders as a new user would and records every finding.

    collect.py PGSHIFT REPOS OUT.jsonl

For each project: `pgshift lint FOLDER... --format json -v`, run from the repository root (so no
flags, no pgshift.toml: the repositories have none, and HOME is an empty folder), paths as the
README shows them. Every finding goes to OUT.jsonl, one JSON object a line, with the project
added and the file relative to the repository root. What -v says (the migration tool recognised,
the history each file was judged against) goes to OUT.notes/<project>.txt. Exit code 1 (findings)
is expected; 2 or 3, or a report that does not parse, stops the run.
"""

import json
import os
import subprocess
import sys
import tempfile

from findings import load_projects, number_duplicates, write_findings


def lint(pgshift, tree, folders, home):
    env = dict(os.environ, HOME=home)
    done = subprocess.run([pgshift, "lint", *folders, "--format", "json", "-v"], cwd=tree,
                          env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"bench/precision: pgshift lint in {tree} exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout), done.stderr


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pgshift, repos, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    notes_dir = out + ".notes"
    os.makedirs(notes_dir, exist_ok=True)
    everything = []
    with tempfile.TemporaryDirectory() as home:
        for project in load_projects():
            tree = os.path.join(repos, project["name"])
            report, notes = lint(pgshift, tree, project["folders"], home)
            if report.get("unreadable"):
                print(f"bench/precision: {project['name']}: unreadable: {report['unreadable']}",
                      file=sys.stderr)
            with open(os.path.join(notes_dir, project["name"] + ".txt"), "w") as f:
                f.write(notes)
            for finding in report["findings"]:
                path = finding["file"]
                if os.path.isabs(path):
                    path = os.path.relpath(path, tree)
                everything.append({
                    "project": project["name"], "file": path,
                    "line": finding["line"], "column": finding["column"],
                    "end_line": finding["end_line"], "end_column": finding["end_column"],
                    "rule": finding["rule"], "severity": finding["severity"],
                    "message": finding["message"], "lock": finding.get("lock", ""),
                })
    write_findings(out, number_duplicates(everything))


if __name__ == "__main__":
    main()
