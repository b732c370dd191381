"""Prints the precision of one build as Markdown: figures, wrong-finding categories, and the table.

    report.py FINDINGS.jsonl [--label TEXT]

FINDINGS.jsonl is what collect.py wrote for that build. The sample is drawn as sample.py draws it
and each sampled finding takes its verdict from judgements.tsv by key. A sampled finding with no
verdict is listed as "not judged" and left out of the figures (run worksheet.py to judge it); the
report says how many there are, so figures over a partly judged sample are never mistaken for the
real thing. A verdict given when the finding had another severity or message is flagged with *
in the table: reread it.
"""

import math
import sys
from collections import Counter, defaultdict

from findings import verdict_for, key_of, load_projects, read_findings, read_judgements
from sample import PER_SEVERITY, SEED, draw


def wilson(right, total, z=1.96):
    """95 % Wilson interval of a proportion, as percentages."""
    if total == 0:
        return (0.0, 0.0)
    p = right / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (100 * (centre - half), 100 * (centre + half))


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def main():
    args = sys.argv[1:]
    label = "this build"
    if "--label" in args:
        at = args.index("--label")
        label = args[at + 1]
        del args[at:at + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    findings = read_findings(args[0])
    judgements = read_judgements()
    sample = draw(findings)
    projects = load_projects()

    print(f"Build: {label}. Seed `{SEED}`, {PER_SEVERITY['error']} errors and "
          f"{PER_SEVERITY['warning']} warnings drawn (fewer when a build reports fewer).")
    print()
    print("| project | tool | repository @ commit | folder | errors | warnings | infos |")
    print("|---|---|---|---|---|---|---|")
    counts = Counter((f["project"], f["severity"]) for f in findings)
    for p in projects:
        print(f"| {p['name']} | {p['tool']} | {p['repo']} @ {p['commit'][:10]} | "
              f"{', '.join(p['folders'])} | {counts[(p['name'], 'error')]} | "
              f"{counts[(p['name'], 'warning')]} | {counts[(p['name'], 'info')]} |")
    print()

    rows = []
    tally = defaultdict(Counter)
    categories = defaultdict(Counter)
    for finding in sample:
        verdict = verdict_for(finding, judgements)
        stale = bool(verdict) and (verdict["severity"] != finding["severity"]
                                   or verdict["message"] != finding["message"])
        rows.append((finding, verdict, stale))
        severity = finding["severity"]
        if not verdict:
            tally[severity]["not judged"] += 1
            continue
        tally[severity][verdict["verdict"]] += 1
        tally[severity]["mechanism " + verdict["mechanism"]] += 1
        if verdict["verdict"] == "wrong":
            categories[verdict["category"]][severity] += 1

    print("| severity | sampled | judged | right | precision | 95 % interval | mechanism right | goal |")
    print("|---|---|---|---|---|---|---|---|")
    goals = {"error": 90, "warning": 80}
    for severity in ("error", "warning"):
        t = tally[severity]
        judged = t["right"] + t["wrong"]
        sampled = judged + t["not judged"]
        if judged:
            share = 100 * t["right"] / judged
            low, high = wilson(t["right"], judged)
            mech = 100 * t["mechanism right"] / judged
            met = "met" if share >= goals[severity] else "missed"
            print(f"| {severity} | {sampled} | {judged} | {t['right']} | {share:.0f} % | "
                  f"{low:.0f} to {high:.0f} % | {mech:.0f} % | {goals[severity]} %: {met} |")
        else:
            print(f"| {severity} | {sampled} | 0 | 0 | n/a | n/a | n/a | {goals[severity]} % |")
    both = tally["error"] + tally["warning"]
    judged = both["right"] + both["wrong"]
    if judged:
        print(f"| both | {judged + both['not judged']} | {judged} | {both['right']} | "
              f"{100 * both['right'] / judged:.0f} % | | {100 * both['mechanism right'] / judged:.0f} % | |")
    if both["not judged"]:
        print()
        print(f"**{both['not judged']} sampled findings have no verdict yet: the figures above "
              f"leave them out.**")
    print()

    print("Wrong findings by category:")
    print()
    print("| category | errors | warnings |")
    print("|---|---|---|")
    for category, by in sorted(categories.items(), key=lambda c: -sum(c[1].values())):
        print(f"| {category} | {by['error']} | {by['warning']} |")
    print()

    print("| # | project | file:line | rule | severity | verdict | category | why |")
    print("|---|---|---|---|---|---|---|---|")
    for number, (finding, verdict, stale) in enumerate(rows, start=1):
        nth = f" ({finding['nth']})" if finding["nth"] > 1 else ""
        where = f"{finding['file']}:{finding['line']}{nth}"
        if verdict:
            print(f"| {number} | {finding['project']} | `{cell(where)}` | {finding['rule']} | "
                  f"{finding['severity']} | {verdict['verdict']}{' *' if stale else ''} | "
                  f"{verdict['category']} | {cell(verdict['why'])} |")
        else:
            print(f"| {number} | {finding['project']} | `{cell(where)}` | {finding['rule']} | "
                  f"{finding['severity']} | not judged | | |")


if __name__ == "__main__":
    main()
