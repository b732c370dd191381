"""Checks that a new build loses no real hazard the old build reported on the same repositories.

    compare.py OLD.jsonl NEW.jsonl [--unjudged OUT.jsonl]

OLD.jsonl and NEW.jsonl are what collect.py wrote for the two builds, on the same pinned commits.
Each error or warning of the old build is looked for in the new one:

  kept      the new build reports the same rule, as an error or warning, on the same statement
            (same file, and the old line lies within the new finding's lines: one finding per
            statement may replace several, and may start at another column)
  demoted   the same rule on the same statement, but only as an info
  moved     not the same rule, but another error or warning on the same statement
  gone      nothing of error or warning severity on that statement

Then, with the verdicts of judgements.tsv:

  - an old finding judged right that is not kept is a LOST hazard (a moved one is shown with the
    finding that now stands on its statement: a lock reported only by a weaker rule is lost too;
    a rule that was renamed goes into RENAMED below, and then counts as the same rule);
  - an old finding with no verdict that is not kept must be judged before the check is complete:
    --unjudged writes them, and worksheet.py --each prints them for judging. They are written in
    the sample's fixed-seed order, so when there are too many to judge them all, the first N
    judged are a random sample of them: the check is then an estimate, and must be reported as
    one (how many judged, how many of those right).

Exit 0: nothing lost and nothing left to judge. 1: a hazard judged right is lost. 2: the check is
incomplete: findings with no verdict disappeared.
"""

import sys
from collections import Counter, defaultdict

from findings import verdict_for, gating, key_of, read_findings, read_judgements, write_findings
from sample import rank

# Old rule id -> new rule id, for rules a newer build renamed.
RENAMED = {}


def index_by_file(findings):
    by_file = defaultdict(list)
    for finding in findings:
        by_file[(finding["project"], finding["file"])].append(finding)
    return by_file


def covers(new, old):
    return new["line"] <= old["line"] <= max(new["end_line"], new["line"])


def fate(old, new_by_file):
    same_statement = [n for n in new_by_file.get((old["project"], old["file"]), []) if covers(n, old)]
    rule = RENAMED.get(old["rule"], old["rule"])
    same_rule = [n for n in same_statement if n["rule"] == rule]
    if any(n["severity"] in ("error", "warning") for n in same_rule):
        return "kept", None
    if same_rule:
        return "demoted", same_rule[0]
    others = [n for n in same_statement if n["severity"] in ("error", "warning")]
    if others:
        return "moved", others[0]
    return "gone", None


def describe(finding):
    return (f"{finding['project']} {finding['file']}:{finding['line']} {finding['rule']} "
            f"[{finding['severity']}] {finding['message']}")


def main():
    args = sys.argv[1:]
    unjudged_out = None
    if "--unjudged" in args:
        at = args.index("--unjudged")
        unjudged_out = args[at + 1]
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    old = gating(read_findings(args[0]))
    new = read_findings(args[1])
    new_by_file = index_by_file(new)
    judgements = read_judgements()

    fates = Counter()
    lost, unjudged = [], []
    verdict_fates = Counter()
    for finding in old:
        what, other = fate(finding, new_by_file)
        fates[what] += 1
        verdict = verdict_for(finding, judgements)
        verdict_fates[(verdict["verdict"] if verdict else "unjudged", what)] += 1
        if what == "kept":
            continue
        if verdict is None:
            unjudged.append(finding)
        elif verdict["verdict"] == "right":
            lost.append((finding, what, other))

    print(f"old build: {len(old)} errors and warnings; in the new build: "
          + ", ".join(f"{fates[w]} {w}" for w in ("kept", "demoted", "moved", "gone")))
    for verdict in ("right", "wrong", "unjudged"):
        row = ", ".join(f"{verdict_fates[(verdict, w)]} {w}" for w in ("kept", "demoted", "moved", "gone"))
        print(f"  judged {verdict}: {row}" if verdict != "unjudged" else f"  no verdict: {row}")
    print(f"new build: {len(gating(new))} errors and warnings")
    print()
    if lost:
        print(f"LOST: {len(lost)} finding(s) judged right that the new build no longer reports:")
        for finding, what, other in lost:
            print(f"  {what}: {describe(finding)}")
            if other:
                print(f"      now: {describe(other)}")
        print()
    if unjudged:
        by_rule = Counter(f["rule"] for f in unjudged)
        print(f"UNJUDGED: {len(unjudged)} finding(s) with no verdict no longer reported by their rule "
              f"as errors or warnings; judge them to complete the check ("
              + ", ".join(f"{n} {r}" for r, n in by_rule.most_common()) + ")")
        if unjudged_out:
            write_findings(unjudged_out, sorted(unjudged, key=rank))
            print(f"  written to {unjudged_out}: worksheet.py --each {unjudged_out} REPOS")
        print()
    if lost:
        sys.exit(1)
    if unjudged:
        sys.exit(2)
    print("no hazard judged right is lost, and every finding that disappeared has a verdict")


if __name__ == "__main__":
    main()
