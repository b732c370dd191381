"""Prints what a judge needs for each sampled finding that has no verdict yet.

    worksheet.py FINDINGS.jsonl REPOS [--all] [--each]

For each finding: its key, severity, rule, message and lock, the lines of the file it covers (with
a little context), the other findings on the same lines (duplicates), and when git added the file
(commit, date, subject), so that the judge can see which files shipped in the same commit and
whether the table was new then. Appends nothing: the
judge completes the "row:" line printed for each (verdict, mechanism, category, why) and adds it
to judgements.tsv. --all also prints findings that already have a verdict. --each takes every
finding of FINDINGS.jsonl instead of the sample (for the list compare.py --unjudged writes).
"""

import os
import subprocess
import sys

from findings import verdict_for, key_of, read_findings, read_judgements
from sample import draw

CONTEXT = 2


def added_by(tree, path):
    log = subprocess.run(["git", "-C", tree, "log", "--diff-filter=A",
                          "--format=%h %ad %s", "--date=short", "--", path],
                         capture_output=True, text=True).stdout.strip().splitlines()
    return log[-1] if log else "(not found in history)"


def excerpt(tree, finding):
    with open(os.path.join(tree, finding["file"]), encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    first = max(1, finding["line"] - CONTEXT)
    last = min(len(lines), max(finding["end_line"], finding["line"]) + CONTEXT)
    return "\n".join(f"{n:5} | {lines[n - 1]}" for n in range(first, last + 1))


def main():
    args = [a for a in sys.argv[1:] if a not in ("--all", "--each")]
    if len(args) != 2:
        sys.exit(__doc__)
    findings_path, repos = args
    judgements = read_judgements()
    findings = read_findings(findings_path)
    by_file = {}
    for other in findings:
        by_file.setdefault((other["project"], other["file"]), []).append(other)
    chosen = findings if "--each" in sys.argv else draw(findings)
    for number, finding in enumerate(chosen, start=1):
        key = key_of(finding)
        if verdict_for(finding, judgements) and "--all" not in sys.argv:
            continue
        tree = os.path.join(repos, finding["project"])
        print(f"=== {number}. {key}  [{finding['severity']}]")
        print(f"message: {finding['message']}")
        if finding["lock"]:
            print(f"lock:    {finding['lock']}")
        print(f"added:   {added_by(tree, finding['file'])}")
        near = [f"{o['rule']}@{o['line']}:{o['column']}" for o in by_file[(finding["project"], finding["file"])]
                if o is not finding and o["line"] <= finding["end_line"] and o["end_line"] >= finding["line"]]
        if near:
            print(f"overlap: {', '.join(near)}")
        print(excerpt(tree, finding))
        # A row to complete (verdict, mechanism, category, why) and add to judgements.tsv.
        print("row:\t" + "\t".join(str(finding[k]) for k in ("project", "file", "line", "column", "rule", "nth", "severity"))
              + "\tVERDICT\tMECHANISM\tCATEGORY\tWHY\t" + finding["message"])
        print()


if __name__ == "__main__":
    main()
