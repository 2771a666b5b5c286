#!/usr/bin/env python3
"""A run over time, as SVG: blocks onlined by each zone worker against time, from a run report.

Usage: scripts/timeline.py REPORT.json OUT.svg [--title TEXT]
One step line per worker (cumulative blocks onlined, at each block's finish), a tick under the axis for every
kernel write of a block that failed. Reads only the report (`/run/deferred-memd/report.json`)."""
import json, os, sys
from html import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svgchart  # noqa: E402  (the frame shared with bootbench.py)

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def render(report, title):
    blocks = report["blocks"]
    workers = []
    for block in blocks:
        if block["worker"] not in workers and block["worker"] != "none":
            workers.append(block["worker"])
    width, height, left, right, top, bottom = 840, 360, 64, 230, 48, 52
    end_ns = max([b["finishedAt"] for b in blocks] + [report.get("elapsedNanoseconds", 0), 1])
    most = max([sum(1 for b in blocks if b["worker"] == w) for w in workers] + [1])
    x = lambda ns: left + (width - left - right) * ns / end_ns
    y = lambda n: height - bottom - (height - top - bottom) * n / most
    out = svgchart.frame(width, height, left, right, top, bottom, title, escape(report.get("summary", "")))
    # Ticks at round milliseconds and block counts.
    end_ms = end_ns / 1e6
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 1e9) if end_ms / s <= 8)
    t = 0
    while t <= end_ms + 1e-9:
        px = x(t * 1e6)
        out.append(f'<line x1="{px:.1f}" y1="{height - bottom}" x2="{px:.1f}" y2="{height - bottom + 4}" stroke="black"/>')
        out.append(f'<text x="{px:.1f}" y="{height - bottom + 17}" text-anchor="middle">{t:g}</text>')
        t += step
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">ms since the engine started</text>')
    ystep = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 1e9) if most / s <= 6)
    n = 0
    while n <= most:
        py = y(n)
        out.append(f'<line x1="{left - 4}" y1="{py:.1f}" x2="{left}" y2="{py:.1f}" stroke="black"/>')
        out.append(f'<text x="{left - 7}" y="{py + 4:.1f}" text-anchor="end">{n:g}</text>')
        n += ystep
    out.append(f'<text x="16" y="{(top + height - bottom) / 2}" transform="rotate(-90 16 {(top + height - bottom) / 2})" '
               'text-anchor="middle">blocks onlined</text>')
    for i, worker in enumerate(workers):
        colour = COLOURS[i % len(COLOURS)]
        mine = sorted((b for b in blocks if b["worker"] == worker), key=lambda b: b["finishedAt"])
        points, done = [(x(mine[0]["startedAt"]) if mine else left, y(0))], 0
        for block in mine:
            if block["outcome"] in ("onlined", "already-online", "raced"):
                points.append((x(block["finishedAt"]), y(done)))
                done += 1
                points.append((x(block["finishedAt"]), y(done)))
            else:
                out.append(f'<line x1="{x(block["finishedAt"]):.1f}" y1="{height - bottom - 6}" x2="{x(block["finishedAt"]):.1f}" '
                           f'y2="{height - bottom}" stroke="{colour}" stroke-width="2"><title>memory{block["index"]}: '
                           f'{escape(block["outcome"])}</title></line>')
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        zone = next((b["zone"] for b in mine), "")
        busy = sum(b["writeNanoseconds"] for b in mine) / 1e6
        ly = top + 8 + 36 * i
        out.append(f'<line x1="{width - right + 12}" y1="{ly}" x2="{width - right + 32}" y2="{ly}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{width - right + 38}" y="{ly + 4}">{escape(worker)}</text>')
        out.append(f'<text x="{width - right + 38}" y="{ly + 19}" fill="#555">{done} {escape(zone)}, writes {busy:.0f} ms</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    title = sys.argv[sys.argv.index("--title") + 1] if "--title" in sys.argv else "deferred-memd run"
    with open(sys.argv[1]) as f:
        report = json.load(f)
    with open(sys.argv[2], "w") as f:
        f.write(render(report, title))


if __name__ == "__main__":
    main()
