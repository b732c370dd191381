"""What the precision scripts share: the project list, a finding's key, and the judgements file.

A finding is keyed by project, file (relative to the repository root), line, column, rule and nth:
1, or 2, 3, ... for the further findings of one rule at one place (one per column of a statement),
counted in the order of their messages. The repositories are pinned, so a finding that a changed
pgshift still reports at the same place keeps its key, and its verdict is reused; severity and
message are not in the key, and the report says when they changed since the verdict was given.
A build that moves a finding to another column of the same line (to the statement's start, say)
still finds its verdict: verdict_for falls back to the one verdict of that rule and nth on the line.
"""

import csv
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECTS_TSV = os.path.join(HERE, "projects.tsv")
JUDGEMENTS_TSV = os.path.join(HERE, "judgements.tsv")

JUDGEMENT_FIELDS = [
    "project", "file", "line", "column", "rule", "nth", "severity",
    "verdict", "mechanism", "category", "why", "message",
]
VERDICTS = {"right", "wrong"}


def load_projects(path=PROJECTS_TSV):
    projects = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, repo, commit, tool, folders = line.split("\t")
            projects.append({
                "name": name, "repo": repo, "commit": commit, "tool": tool,
                "folders": folders.split(","),
            })
    return projects


def place_of(finding):
    return "|".join([finding["project"], finding["file"], str(finding["line"]),
                     str(finding["column"]), finding["rule"]])


def key_of(finding):
    return place_of(finding) + "|" + str(finding["nth"])


def number_duplicates(findings):
    """Sets each finding's nth: its rank, by message, among the findings of its rule and place."""
    by_place = {}
    for finding in findings:
        by_place.setdefault(place_of(finding), []).append(finding)
    for group in by_place.values():
        for nth, finding in enumerate(sorted(group, key=lambda f: f["message"]), start=1):
            finding["nth"] = nth
    return findings


def read_findings(path):
    """A collect.py output, plain or gzipped (.gz, as the recorded baselines are kept)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_findings(path, findings):
    with open(path, "w", encoding="utf-8") as f:
        for finding in findings:
            f.write(json.dumps(finding, sort_keys=True) + "\n")


def gating(findings):
    """The findings a user is asked to act on: errors and warnings."""
    return [f for f in findings if f["severity"] in ("error", "warning")]


def read_judgements(path=JUDGEMENTS_TSV):
    """Judgements by key. Lines starting with # are comments."""
    judgements = {}
    if not os.path.exists(path):
        return judgements
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")),
                              delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, row in enumerate(rows, start=2):
            missing = [k for k in JUDGEMENT_FIELDS if row.get(k) in (None, "")]
            if missing:
                raise SystemExit(f"{path}: row {number}: empty {', '.join(missing)}")
            for field in ("verdict", "mechanism"):
                if row[field] not in VERDICTS:
                    raise SystemExit(f"{path}: row {number}: {field} must be right or wrong,"
                                     f" not {row[field]!r}")
            judgements[key_of(row)] = row
    return judgements


def verdict_for(finding, judgements):
    """The verdict of a finding: by its key, else the only one of its rule and nth on its line."""
    exact = judgements.get(key_of(finding))
    if exact:
        return exact
    same_line = [j for j in judgements.values()
                 if (j["project"], j["file"], str(j["line"]), j["rule"], str(j["nth"])) ==
                 (finding["project"], finding["file"], str(finding["line"]), finding["rule"],
                  str(finding["nth"]))]
    return same_line[0] if len(same_line) == 1 else None
