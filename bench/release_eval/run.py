#!/usr/bin/env python3
"""Runs `pgshift lint --release BASE..RELEASE` on every case of cases.tsv and compares the verdict
with the hand-made label.

A case is one DROP or RENAME in a migration of a real release, labelled `hazard` (the
application version at the release's base still uses the object) or `safe` (it no longer did,
or the object was added within the same release). The case counts as flagged when a finding
of a release rule (by default contract-still-referenced and contract-with-code-change) of
severity error or warning sits in the case's migration file and names the object.

    bench/release_eval/run.py --pgshift build/pgshift --mirrors DIR [--markdown] [--log DIR]

DIR holds a git copy of each repository named in cases.tsv, as DIR/owner+name/repo,
DIR/owner+name, DIR/owner+name.git or DIR/owner/name (bare or not); for example
`git clone --mirror https://github.com/owner/name DIR/owner+name/repo`. Each release is
checked in a throwaway clone that shares the copy's objects (`git clone --shared`), with the
release's migration directory written out; the copy itself is only read.

Exit status: 0 when every case ran, 1 when a case could not be run, 2 on bad arguments.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_RULES = "contract-still-referenced,contract-with-code-change"
FIELDS = ["repo", "base", "release", "migrations", "file", "object", "kind", "label", "reason"]


def read_cases(path):
    cases = []
    with open(path, newline="") as f:
        for number, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != len(FIELDS):
                sys.exit(f"{path}:{number}: expected {len(FIELDS)} tab-separated fields, got {len(row)}")
            case = dict(zip(FIELDS, row))
            if case["label"] not in ("hazard", "safe") or case["kind"] not in ("drop", "rename"):
                sys.exit(f"{path}:{number}: label must be hazard|safe and kind drop|rename")
            case["line"] = number
            cases.append(case)
    return cases


def find_mirror(root, repo):
    owner, name = repo.split("/", 1)
    for candidate in (root / f"{owner}+{name}" / "repo", root / f"{owner}+{name}",
                      root / f"{owner}+{name}.git", root / owner / name, root / owner / f"{name}.git"):
        if (candidate / "HEAD").exists() or (candidate / ".git").exists():
            return candidate
    return None


def git(directory, *args):
    return subprocess.run(["git", "-C", str(directory), *args], check=True,
                          capture_output=True, text=True).stdout


def prepare(mirror, workdir, release, migrations):
    """A clone sharing the mirror's objects, HEAD at the release, its migrations written out."""
    if not (workdir / ".git").exists():
        subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(mirror), str(workdir)],
                       check=True, capture_output=True)
    commit = git(workdir, "rev-parse", "--verify", f"{release}^{{commit}}").strip()
    git(workdir, "update-ref", "--no-deref", "HEAD", commit)
    git(workdir, "read-tree", commit)
    target = workdir / migrations
    if target.exists():
        shutil.rmtree(target)
    # Only the migrations: large files outside them may be missing from a partial copy, and
    # pgshift reads the application code from the commits.
    git(workdir, "checkout", commit, "--", migrations)


def names_object(message, obj):
    words = set(re.findall(r"[A-Za-z0-9_]+", message))
    return all(part in words for part in obj.split("."))


def verdict(findings, case, rules):
    for f in findings:
        if f["rule"] in rules and f["severity"] in ("error", "warning") \
                and f["file"] == case["file"] and names_object(f["message"], case["object"]):
            return True, f
    return False, None


def cell(text, limit):
    """Text for one Markdown table cell: pipes escaped, cut at a word near `limit` characters."""
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return text.replace("|", "\\|")


def run_pgshift(pgshift, case, workdir):
    """The JSON report (for the verdict) and the text report with -v: only the text report says
    why a rule stayed quiet on a statement (its lines starting with "note:")."""
    release = ["lint", "--release", f"{case['base']}..{case['release']}", case["migrations"],
               "-v", "--fail-on", "never"]
    out = subprocess.run([str(pgshift), *release, "--format", "json"], cwd=workdir,
                         capture_output=True, text=True)
    text = subprocess.run([str(pgshift), *release, "--color", "never"], cwd=workdir,
                          capture_output=True, text=True)
    return out, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pgshift", required=True, help="the pgshift binary to evaluate")
    parser.add_argument("--mirrors", default=os.environ.get("PGSHIFT_EVAL_MIRRORS"),
                        help="directory of git copies (or $PGSHIFT_EVAL_MIRRORS)")
    parser.add_argument("--cases", default=str(HERE / "cases.tsv"))
    parser.add_argument("--rules", default=DEFAULT_RULES,
                        help=f"rules whose findings count as flagging (default {DEFAULT_RULES})")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--log", help="write each release's JSON and -v notes into this directory")
    args = parser.parse_args()
    if not args.mirrors:
        parser.error("--mirrors (or $PGSHIFT_EVAL_MIRRORS) is required")
    pgshift = Path(args.pgshift).resolve()
    if not os.access(pgshift, os.X_OK):
        parser.error(f"{pgshift} is not an executable")
    rules = set(args.rules.split(","))
    cases = read_cases(args.cases)
    log = Path(args.log) if args.log else None
    if log:
        log.mkdir(parents=True, exist_ok=True)

    scratch = Path(tempfile.mkdtemp(prefix="pgshift-release-eval-"))
    runs = {}  # (repo, base, release, migrations) -> (findings, notes) or error text
    failed = 0
    try:
        for case in cases:
            key = (case["repo"], case["base"], case["release"], case["migrations"])
            if key in runs:
                continue
            mirror = find_mirror(Path(args.mirrors), case["repo"])
            if mirror is None:
                runs[key] = f"no git copy of {case['repo']} under {args.mirrors}"
                continue
            workdir = scratch / case["repo"].replace("/", "+")
            try:
                prepare(mirror, workdir, case["release"], case["migrations"])
            except subprocess.CalledProcessError as e:
                runs[key] = f"git: {(e.stderr or b'').strip()[-300:]}"
                continue
            started = time.monotonic()
            try:
                out, text = run_pgshift(pgshift, case, workdir)
            except OSError as e:
                runs[key] = f"pgshift could not run: {e}"
                continue
            seconds = time.monotonic() - started
            if out.returncode not in (0, 1):
                runs[key] = f"pgshift exit {out.returncode}: {out.stderr.strip()[-300:]}"
                continue
            try:
                report = json.loads(out.stdout)
            except json.JSONDecodeError as e:
                runs[key] = f"pgshift printed no JSON report ({e}): {out.stderr.strip()[-300:]}"
                continue
            notes = out.stderr + "".join(line + "\n" for line in text.stdout.splitlines()
                                         if line.startswith("note:"))
            runs[key] = (report["findings"], notes, seconds)
            if log:
                stem = f"{case['repo'].replace('/', '+')}_{case['base']}..{case['release']}"
                (log / f"{stem}.json").write_text(out.stdout)
                (log / f"{stem}.notes.txt").write_text(notes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rows = []
    counts = {("hazard", True): 0, ("hazard", False): 0, ("safe", True): 0, ("safe", False): 0}
    for case in cases:
        run = runs[(case["repo"], case["base"], case["release"], case["migrations"])]
        if isinstance(run, str):
            failed += 1
            rows.append((case, "not run", run))
            continue
        flagged, finding = verdict(run[0], case, rules)
        counts[(case["label"], flagged)] += 1
        if finding:
            detail = f"{finding['rule']}: {finding['message']}"
        else:
            # The note about this statement of this file, else any note naming the object.
            notes = [line for line in run[1].splitlines() if names_object(line, case["object"])]
            own = [line for line in notes if case["file"] + ":" in line]
            detail = (own or notes or [""])[0]
        rows.append((case, "flagged" if flagged else "quiet", detail))

    if args.markdown:
        print("| # | repository | release | object | kind | label | why (shortened; cases.tsv has it whole) "
              "| pgshift | its finding, or the -v note naming the object |")
        print("|---|---|---|---|---|---|---|---|---|")
        for i, (case, got, detail) in enumerate(rows, 1):
            right = (got == "flagged") == (case["label"] == "hazard")
            mark = "" if got == "not run" else (" ✓" if right else " ✗")
            print(f"| {i} | {case['repo']} | {case['base']}..{case['release']} | `{case['object']}` | "
                  f"{case['kind']} | {case['label']} | {cell(case['reason'], 130)} | {got}{mark} | "
                  f"{cell(detail, 220)} |")
        print()
    else:
        for case, got, detail in rows:
            print(f"{case['label']:6} {got:7} {case['repo']} {case['base']}..{case['release']} "
                  f"{case['object']} ({case['kind']})  {detail[:140]}")
        print()

    by_repo = {}
    for case, got, _ in rows:
        tally = by_repo.setdefault(case["repo"], [0, 0, 0, 0])
        if case["label"] == "hazard":
            tally[0] += got == "flagged"
            tally[1] += 1
        else:
            tally[2] += got == "quiet"
            tally[3] += 1
    for repo, (hf, h, sq, s) in by_repo.items():
        print(f"{repo}: hazards flagged {hf} of {h}, safe quiet {sq} of {s}")
    hazards = counts[("hazard", True)] + counts[("hazard", False)]
    safes = counts[("safe", True)] + counts[("safe", False)]
    print(f"hazards flagged: {counts[('hazard', True)]} of {hazards}")
    print(f"safe quiet:      {counts[('safe', False)]} of {safes}")
    if failed:
        print(f"not run:         {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
