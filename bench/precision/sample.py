"""Draws the findings to judge: a fixed-seed sample of errors and of warnings, spread over projects.

    sample.py FINDINGS.jsonl        prints the sample, one finding a line (project, file, line, rule)

Each severity gets PER_SEVERITY findings. They are shared out evenly between the projects that
have findings of that severity; a project with fewer than its share gives all it has and the rest
goes, one at a time, to the projects with the most left over, so no project dominates.

Within a project and severity the findings taken are those with the smallest hash of
SEED|key (a bottom-k sample). A finding's rank depends on its key alone, not on the other
findings, so when a changed pgshift is run later, the findings it still reports keep their rank
and mostly stay in the sample: their verdicts are reused and only new findings need judging.
"""

import hashlib
import sys
from collections import defaultdict

from findings import gating, key_of, read_findings

SEED = "pgshift-precision-2025"
PER_SEVERITY = {"error": 48, "warning": 48}


def rank(finding):
    return hashlib.sha256(f"{SEED}|{key_of(finding)}".encode()).hexdigest()


def shares(available, total):
    """How many of total each project gives, given how many it has (dict name -> count)."""
    share = {name: 0 for name in available}
    left = total
    while left > 0:
        open_projects = [n for n in sorted(available) if share[n] < available[n]]
        if not open_projects:
            break
        # Round-robin, the project with the most findings not yet taken first.
        open_projects.sort(key=lambda n: (-(available[n] - share[n]), n))
        even = max(1, left // len(open_projects))
        for name in open_projects:
            take = min(even, available[name] - share[name], left)
            share[name] += take
            left -= take
            if left == 0:
                break
    return share


def draw(findings):
    strata = defaultdict(list)
    for finding in gating(findings):
        strata[(finding["severity"], finding["project"])].append(finding)
    sample = []
    for severity, total in PER_SEVERITY.items():
        available = {p: len(fs) for (s, p), fs in strata.items() if s == severity}
        for project, count in sorted(shares(available, total).items()):
            ranked = sorted(strata[(severity, project)], key=rank)
            sample.extend(ranked[:count])
    return sample


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for finding in draw(read_findings(sys.argv[1])):
        print("\t".join([finding["severity"], finding["project"], finding["file"],
                         str(finding["line"]), finding["rule"]]))


if __name__ == "__main__":
    main()
