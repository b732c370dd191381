#!/usr/bin/env python3
"""Draws each worked example's application latency chart from a test run's measurements.

The examples test writes, when PGSHIFT_EXAMPLES_LATENCY_DIR is set, one CSV per run in
DIR/EXAMPLE/: naive.csv (naive.sql in one shot), plan.csv (the hand-written plan.toml) and
generated.csv (the plan `pgshift plan new` writes), with lines

    sample,RELEASE,START_MS,LATENCY_MS,OK
    mark,AT_MS,LABEL

This script draws, for each example folder found in DIR, one SVG with a panel per run: the
slowest statement of each release in every slice of time (log scale), failed statements as red
ticks, the runner's lock timeout as a dashed line, and the stages and deploys as marks.

    PGSHIFT_EXAMPLES_LATENCY_DIR=/tmp/lat build/tests/pgshift_examples_test
    python3 tools/latency_chart.py /tmp/lat migrations-examples

writes migrations-examples/EXAMPLE/latency.svg. Python 3 standard library only.
"""

import math
import os
import sys
from xml.sax.saxutils import escape

RUNS = [
    ("naive", "naive.sql in one shot"),
    ("plan", "plan.toml, written by hand"),
    ("generated", "the plan pgshift plan new writes"),
]
COLOURS = {"old": "#1f6fb4", "new": "#e07b00"}
LOCK_TIMEOUT_MS = 500.0
WIDTH, PANEL, LEFT, RIGHT, TOP, GAP = 760, 200, 62, 16, 44, 34
LABEL_CHARS = 30
Y_MIN_MS = 0.05


def read_run(path):
    samples, marks = [], []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.rstrip("\n").split(",", 4)
            try:
                if parts[0] == "sample" and len(parts) == 5:
                    samples.append((parts[1], float(parts[2]), float(parts[3]), parts[4] == "1"))
                elif parts[0] == "mark" and len(parts) >= 3:
                    marks.append((float(parts[1]), ",".join(parts[2:])))
                else:
                    raise ValueError("not a sample or mark line")
            except ValueError as error:
                sys.exit(f"{path}:{number}: {error}")
    return samples, marks


def polyline(points, release):
    return f'<polyline points="{" ".join(points)}" stroke="{COLOURS[release]}" class="series"/>'


def panel(out, top, title, samples, marks):
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = PANEL - 50
    end_ms = max([s[1] + s[2] for s in samples] + [m[0] for m in marks] + [1.0])
    y_max = max([LOCK_TIMEOUT_MS * 2] + [s[2] * 1.3 for s in samples])
    lo, hi = math.log10(Y_MIN_MS), math.log10(y_max)

    def x(ms):
        return LEFT + plot_w * ms / end_ms

    def y(ms):
        return top + plot_h - plot_h * (math.log10(max(ms, Y_MIN_MS)) - lo) / (hi - lo)

    out.append(f'<text x="{LEFT}" y="{top - 8}" class="title">{escape(title)}</text>')
    out.append(f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{plot_h}" class="frame"/>')
    decade = 0.1
    while decade <= y_max:
        if decade >= Y_MIN_MS:
            label = f"{decade:g} ms" if decade < 1000 else f"{decade / 1000:g} s"
            out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(decade):.1f}" '
                       f'y2="{y(decade):.1f}" class="grid"/>')
            out.append(f'<text x="{LEFT - 4}" y="{y(decade) + 3:.1f}" class="axis" '
                       f'text-anchor="end">{label}</text>')
        decade *= 10
    out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(LOCK_TIMEOUT_MS):.1f}" '
               f'y2="{y(LOCK_TIMEOUT_MS):.1f}" class="timeout"/>')
    out.append(f'<text x="{LEFT + plot_w - 2}" y="{y(LOCK_TIMEOUT_MS) - 3:.1f}" class="axis" '
               f'text-anchor="end">lock timeout {LOCK_TIMEOUT_MS:g} ms</text>')
    step = 10 ** math.floor(math.log10(end_ms / 1000.0 / 2)) if end_ms > 2000 else 0.1
    while end_ms / 1000.0 / step > 10:
        step *= 2
    second = 0.0
    while second * 1000 <= end_ms:
        out.append(f'<text x="{x(second * 1000):.1f}" y="{top + plot_h + 13}" class="axis" '
                   f'text-anchor="middle">{second:g} s</text>')
        second = round(second + step, 6)
    # Stages labelled from the top; deploys and retirements, in the release's colour, from the
    # bottom, so that a deploy right after a stage does not hide the stage's name.
    for at, label in marks:
        if label == "done":
            continue
        release = label.split(" ")[0] if label.endswith((" deployed", " retired")) else None
        shown = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        colour = COLOURS.get(release, "#999")
        out.append(f'<line x1="{x(at):.1f}" x2="{x(at):.1f}" y1="{top}" y2="{top + plot_h}" '
                   f'stroke="{colour}" class="mark"/>')
        if release:
            out.append(f'<text transform="translate({x(at) - 2:.1f},{top + plot_h - 3}) '
                       f'rotate(-90)" style="fill:{colour}" class="label">{escape(shown)}</text>')
        else:
            out.append(f'<text transform="translate({x(at) + 3:.1f},{top + 4}) rotate(90)" '
                       f'class="label">{escape(shown)}</text>')
    # The slowest statement of each release per pixel column; a gap where it did not run.
    columns = int(plot_w)
    summary = []
    for release in ("old", "new"):
        mine = [s for s in samples if s[0] == release]
        if not mine:
            continue
        slowest = {}
        for _, start, latency, _ in mine:
            column = min(columns - 1, int(columns * start / end_ms))
            slowest[column] = max(slowest.get(column, 0.0), latency)
        # Joined from one slice to the next unless the release ran nothing for a while (it
        # was not deployed, or retired); a lone slice is a short dash, so it still shows.
        gap = max(3, columns // 30)
        line, last = [], None
        for column in sorted(slowest):
            if last is not None and column - last > gap:
                out.append(polyline(line, release))
                line = []
            x0 = LEFT + column
            line.append(f"{x0:.1f},{y(slowest[column]):.1f} {x0 + 1:.1f},{y(slowest[column]):.1f}")
            last = column
        if line:
            out.append(polyline(line, release))
        failed = [s for s in mine if not s[3]]
        for column in sorted({min(columns - 1, int(columns * s[1] / end_ms)) for s in failed}):
            out.append(f'<line x1="{LEFT + column + 0.5:.1f}" x2="{LEFT + column + 0.5:.1f}" '
                       f'y1="{top + 1}" y2="{top + 9}" class="error"/>')
        longest = max(s[2] for s in mine)
        summary.append(f"{release} release: {len(mine)} statements, slowest {longest:.1f} ms, "
                       f"{len(failed)} failed")
    out.append(f'<text x="{LEFT}" y="{top + plot_h + 28}" class="axis">'
               f'{escape("; ".join(summary))}</text>')


def chart(example, runs):
    out = []
    height = TOP + len(runs) * (PANEL + GAP)
    top = TOP + 20
    for title, (samples, marks) in runs:
        panel(out, top, title, samples, marks)
        top += PANEL + GAP
    legend = (f'<text x="{LEFT}" y="16" class="title">{escape(example)}: application latency '
              f'over time</text>'
              f'<text x="{LEFT}" y="32" class="axis">'
              f'<tspan fill="{COLOURS["old"]}">old release</tspan> · '
              f'<tspan fill="{COLOURS["new"]}">new release</tspan> · '
              f'<tspan fill="#d62728">failed statement</tspan> · line: the slowest statement per '
              f'slice of time · dotted: a stage starts, a release comes or goes'
              f'</text>')
    style = ("<style>text{font-family:sans-serif}.title{font-size:13px;font-weight:bold}"
             ".axis{font-size:10px;fill:#444}.label{font-size:9px;fill:#666}"
             ".frame{fill:#fff;stroke:#999}.grid{stroke:#eee}.mark{stroke-dasharray:2 2}"
             ".timeout{stroke:#d62728;stroke-dasharray:6 3}.series{fill:none;stroke-width:1.2}"
             ".error{stroke:#d62728;stroke-width:1}</style>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height + 10}" '
            f'viewBox="0 0 {WIDTH} {height + 10}">{style}'
            f'<rect width="100%" height="100%" fill="#fff"/>{legend}\n' + "\n".join(out) +
            "\n</svg>\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: latency_chart.py LATENCY_DIR EXAMPLES_DIR")
    source, examples = sys.argv[1], sys.argv[2]
    drawn = 0
    for example in sorted(os.listdir(source)):
        runs = []
        for run, title in RUNS:
            path = os.path.join(source, example, run + ".csv")
            if os.path.isfile(path):
                runs.append((title, read_run(path)))
        if not runs:
            continue
        target = os.path.join(examples, example)
        if not os.path.isdir(target):
            sys.exit(f"{target}: no such example folder")
        with open(os.path.join(target, "latency.svg"), "w", encoding="utf-8") as f:
            f.write(chart(example, runs))
        drawn += 1
    if drawn == 0:
        sys.exit(f"{source}: no example's measurements in it")
    print(f"drew {drawn} charts")


if __name__ == "__main__":
    main()
