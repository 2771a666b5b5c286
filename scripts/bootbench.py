#!/usr/bin/env python3
"""The boot benchmark (issue #16): table, slopes and SVG from the boots of `Tests/QEMU/run.py --only bootbench`.

Usage: scripts/bootbench.py [FIGURES.json] [--svg OUT.svg]   (default .build/qemu-figures.json; prints, asserts nothing)
The counted boot benchmark (issue #28: `bootbench-counted`, QEMU -icount, 1 vCPU) has the same records, its times the
guest's TSC from QEMU's start in executed instructions; print_report(counted=True) and daemon_slope() read them.
Each record is one boot: variant (full, kernel-deferred, deferred-memd), gib, init_ms (from the kernel's banner to /init,
host clock), all_online_ms (full, kernel-deferred: /init, since 6.1 initialises every struct page before it;
deferred-memd: the daemon's end). Medians per variant and size; slopes are least-squares fits of those medians against GiB.
The systemd guest's variants (systemd-kernel-deferred, systemd-deferred-memd: Debian's stock kernel, so a table of
their own) add systemd_ms (systemd's first line as PID 1); their all_online_ms is the mark of a unit ordered after
deferred-memd.service, in both."""
import argparse, json, os, statistics
from html import escape

import svgchart  # the frame shared with timeline.py

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = ["full", "kernel-deferred", "deferred-memd"]
SYSTEMD_VARIANTS = ["systemd-kernel-deferred", "systemd-deferred-memd"]
SYSTEMD_KEYS = ("init", "systemd", "all")
COLOURS = {"full": "#d62728", "kernel-deferred": "#1f77b4", "deferred-memd": "#2ca02c"}


FIELDS = {"init": "init_ms", "systemd": "systemd_ms", "all": "all_online_ms"}


def medians(records, variants=VARIANTS, keys=("init", "all")):
    """{(variant, gib): {"init": ms, "all": ms, "boots": n}} over the boots that reported every time of keys."""
    out = {}
    for variant in variants:
        for gib in sorted({r["gib"] for r in records}):
            boots = [r for r in records if r["variant"] == variant and r["gib"] == gib and all(FIELDS[k] in r for k in keys)]
            if boots:
                values = {k: [float(r[FIELDS[k]]) for r in boots] for k in keys}
                out[(variant, gib)] = {**{k: statistics.median(v) for k, v in values.items()},
                                       **{k + "_spread": max(v) - min(v) for k, v in values.items()}, "boots": len(boots)}
    return out


def slope(points):
    """Least-squares ms per GiB through (gib, ms) points; None with fewer than two sizes."""
    if len({x for x, _ in points}) < 2:
        return None
    mx, my = statistics.fmean(x for x, _ in points), statistics.fmean(y for _, y in points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def slopes(table, variants=VARIANTS, keys=("init", "all")):
    """ms per GiB of each variant's time to /init and to all memory (and to systemd, for its variants)."""
    fit = lambda variant, key: slope([(gib, m[key]) for (v, gib), m in table.items() if v == variant])
    return {(variant, key): fit(variant, key) for variant in variants for key in keys}


def print_report(records, log=print, counted=False):
    """counted: the records of the counted boot benchmark (QEMU -icount, the guest's TSC from QEMU's start)."""
    table = medians(records)
    if not table:
        if not medians(records, SYSTEMD_VARIANTS, SYSTEMD_KEYS):
            log("  (no boot benchmark figures: run python3 Tests/QEMU/run.py --only bootbench first)")
        print_systemd_report(records, log)
        return
    sizes = sorted({gib for _, gib in table})
    boots = max(m["boots"] for m in table.values())
    if counted:
        log(f"boot benchmark in COUNTED time (6.1 probe kernel, -icount shift=0,sleep=off, 1 vCPU, -M pc): medians of up to "
            f"{boots} boots, ms of executed instructions from QEMU's start (the guest's TSC)")
    else:
        log(f"boot benchmark (6.1 probe kernel, QEMU TCG wall time, 2 vCPUs, -M pc): medians of up to {boots} boots, ms from the kernel's banner")
    log("  " + f"{'GiB':>4s}" + "".join(f"{v + ' /init':>22s}{v + ' all':>20s}" for v in VARIANTS))
    for gib in sizes:
        cells = "".join(f"{fmt(table.get((v, gib)), 'init'):>22s}{fmt(table.get((v, gib)), 'all'):>20s}" for v in VARIANTS)
        log("  " + f"{gib:>4d}" + cells)
    if boots > 1:
        log("  spread over each figure's boots (largest - smallest), ms:")
        for gib in sizes:
            cells = [(v, table[(v, gib)]) for v in VARIANTS if (v, gib) in table]
            log(f"  {gib:>4d}  " + ", ".join(f"{v} /init {c['init_spread']:.3f} all {c['all_spread']:.3f} ({c['boots']} boots)" for v, c in cells))
    s = slopes(table)
    ms = lambda value: "-" if value is None else f"{value:.1f}"
    log("  slopes, ms per GiB (least squares over the medians):")
    for variant in VARIANTS:
        log(f"    {variant:16s} to /init {ms(s[(variant, 'init')]):>8s}   to all memory online {ms(s[(variant, 'all')]):>8s}")
    saved = lambda other: None if s[(other, "init")] is None else s[(other, "init")] - s[("deferred-memd", "init")]
    log(f"    saved before /init by deferred-memd: {ms(saved('full'))} ms/GiB against full, "
        f"{ms(saved('kernel-deferred'))} ms/GiB against kernel-deferred")
    starts = [int(r["kernel_start_ms"]) for r in records if int(r.get("kernel_start_ms", -1)) >= 0]
    if starts:
        log(f"  QEMU start -> kernel banner: median {statistics.median(starts):.0f} ms over {len(starts)} boots (firmware, "
            "decompression; not included above)")
    for gib in sizes:
        mib = {v: statistics.median(int(r["memtotal_kib"]) for r in records if r["variant"] == v and r["gib"] == gib and "memtotal_kib" in r) / 1024
               for v in VARIANTS if any(r["variant"] == v and r["gib"] == gib and "memtotal_kib" in r for r in records)}
        log(f"  {gib} GiB, MemTotal at the end: " + ", ".join(f"{v} {m:.0f} MiB" for v, m in mib.items()))
    for line in user_view(table):
        log("  " + line)
    print_systemd_report(records, log)


def print_systemd_report(records, log=print):
    """The systemd guest's table: apart from the busybox guest's, since the kernel differs."""
    table = medians(records, SYSTEMD_VARIANTS, SYSTEMD_KEYS)
    if not table:
        return
    sizes = sorted({gib for _, gib in table})
    boots = max(m["boots"] for m in table.values())
    log(f"boot benchmark, systemd guest (Debian's stock 6.1 kernel, DEFERRED_STRUCT_PAGE_INIT=y; QEMU TCG, 2 vCPUs, -M pc): "
        f"medians of up to {boots} boots, ms from the kernel's banner")
    log("  " + f"{'GiB':>4s}" + "".join(f"{v.removeprefix('systemd-') + ' ' + k:>24s}" for v in SYSTEMD_VARIANTS for k in ("/init", "systemd", "all")))
    for gib in sizes:
        log("  " + f"{gib:>4d}" + "".join(f"{fmt(table.get((v, gib)), k):>24s}" for v in SYSTEMD_VARIANTS for k in SYSTEMD_KEYS))
    s = slopes(table, SYSTEMD_VARIANTS, SYSTEMD_KEYS)
    ms = lambda value: "-" if value is None else f"{value:.1f}"
    log("  slopes, ms per GiB (least squares over the medians):")
    for variant in SYSTEMD_VARIANTS:
        log(f"    {variant:24s} to /init {ms(s[(variant, 'init')]):>8s}   to systemd {ms(s[(variant, 'systemd')]):>8s}"
            f"   to all memory online {ms(s[(variant, 'all')]):>8s}")
    for gib in sizes:
        mib = {v: statistics.median(int(r["memtotal_kib"]) for r in records if r["variant"] == v and r["gib"] == gib and "memtotal_kib" in r) / 1024
               for v in SYSTEMD_VARIANTS if any(r["variant"] == v and r["gib"] == gib and "memtotal_kib" in r for r in records)}
        log(f"  {gib} GiB, MemTotal at the end: " + ", ".join(f"{v} {m:.0f} MiB" for v, m in mib.items()))
    both = [gib for gib in sizes if all((v, gib) in table for v in SYSTEMD_VARIANTS)]
    if both:
        gib = both[-1]
        kernel, memd = (table[(v, gib)] for v in SYSTEMD_VARIANTS)
        log(f"  at {gib} GiB, deferred-memd against all memory as boot RAM (negative: sooner): systemd starts "
            f"{memd['systemd'] - kernel['systemd']:+.0f} ms, a unit ordered after deferred-memd.service {memd['all'] - kernel['all']:+.0f} ms.")


def user_view(table):
    """What the medians mean for a user at the largest size measured with all three variants."""
    sizes = [gib for gib in sorted({g for _, g in table}, reverse=True) if all((v, gib) in table for v in VARIANTS)]
    if not sizes:
        return []
    gib = sizes[0]
    full, kernel, memd = (table[(v, gib)] for v in VARIANTS)
    than = lambda ms: f"{ms:.0f} ms later than" if ms >= 0 else f"{-ms:.0f} ms sooner than"
    return [f"at {gib} GiB, with deferred-memd userspace starts {full['init'] - memd['init']:.0f} ms sooner than in a full "
            f"boot and {kernel['init'] - memd['init']:.0f} ms sooner than with DEFERRED_STRUCT_PAGE_INIT;",
            f"all memory is online {than(memd['all'] - full['all'])} in a full boot "
            f"({than(memd['all'] - kernel['all'])} with DEFERRED_STRUCT_PAGE_INIT)."]


def daemon_slope(table):
    """ms per GiB from deferred-memd's start (/init) to all memory online: the daemon's cost per deferred GiB."""
    return slope([(gib, m["all"] - m["init"]) for (v, gib), m in table.items() if v == "deferred-memd"])


def fmt(m, key):
    return "-" if m is None else f"{m[key]:.1f}"


# Solid: /init began; dotted: systemd's first line as PID 1 (systemd guest only); dashed: all memory online.
STROKES = {"init": "", "systemd": ' stroke-dasharray="2 3"', "all": ' stroke-dasharray="6 4"'}
KEY_WORDS = {"init": "/init", "systemd": "systemd", "all": "all memory"}


def steps(most, step):
    """0, step, 2 step, … up to most."""
    return [i * step for i in range(int(most / step) + 1)]


def axes(out, geometry, x, y, xs, ys, xlabel, ylabel):
    """Both charts' ticks and labels: at xs along the bottom, at ys up the left, and the two axis titles."""
    width, height, left, right, top, bottom = geometry
    for v in xs:
        out.append(f'<line x1="{x(v):.1f}" y1="{height - bottom}" x2="{x(v):.1f}" y2="{height - bottom + 4}" stroke="black"/>')
        out.append(f'<text x="{x(v):.1f}" y="{height - bottom + 17}" text-anchor="middle">{v:g}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">{xlabel}</text>')
    for v in ys:
        out.append(f'<line x1="{left - 4}" y1="{y(v):.1f}" x2="{left}" y2="{y(v):.1f}" stroke="black"/>')
        out.append(f'<text x="{left - 7}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
    out.append(f'<text x="16" y="{(top + height - bottom) / 2}" transform="rotate(-90 16 {(top + height - bottom) / 2})" '
               f'text-anchor="middle">{ylabel}</text>')


def render_online(records, title):
    """The user's view at the largest size booted in every variant (counted records): memory online (GiB) against
    time from QEMU's start. A full boot has all of it at /init; deferred-memd has the boot memory at /init and then
    each block as the daemon onlines it (the guest's online_curve_us)."""
    sizes = sorted({r["gib"] for r in records if all(any(q["variant"] == v and q["gib"] == r["gib"] for q in records) for v in VARIANTS)})
    if not sizes:
        return None
    gib = sizes[-1]
    boot = {v: next(r for r in records if r["variant"] == v and r["gib"] == gib) for v in VARIANTS}
    curves = {}
    for variant, r in boot.items():
        total = int(r["memtotal_kib"]) / (1 << 20)
        times = [float(t) / 1000 for t in str(r.get("online_curve_us", "")).split(",") if t]
        block = int(r.get("block_mib", 128)) / 1024
        start = total - block * len(times)  # what the kernel had at /init: MemTotal at the end less the daemon's blocks
        points = [(0.0, 0.0), (float(r["init_ms"]), 0.0), (float(r["init_ms"]), start)]
        for i, t in enumerate(times):
            points += [(t, start + block * i), (t, start + block * (i + 1))]
        curves[variant] = points
    width, height, left, right, top, bottom = 840, 400, 70, 250, 52, 52
    tmax = max(t for points in curves.values() for t, _ in points) * 1.05
    ymax = max(g for points in curves.values() for _, g in points) * 1.1
    tstep = next(s for s in (50, 100, 200, 250, 500, 1000, 1e9) if tmax / s <= 10)
    gstep = next(s for s in (1, 2, 4, 8, 16, 1e9) if ymax / s <= 8)
    x = lambda ms: left + (width - left - right) * ms / tmax
    y = lambda g: height - bottom - (height - top - bottom) * g / ymax
    out = svgchart.frame(width, height, left, right, top, bottom, title,
                         f"{gib} GiB guest; ms of executed instructions from QEMU&#8217;s start (-icount, the guest&#8217;s TSC)")
    axes(out, (width, height, left, right, top, bottom), x, y, steps(tmax, tstep), steps(ymax, gstep),
         "counted ms since QEMU started", "GiB online (MemTotal)")
    for i, (variant, points) in enumerate(curves.items()):
        colour = COLOURS[variant]
        path = " ".join(f"{x(t):.1f},{y(g):.1f}" for t, g in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        ly = top + 8 + 40 * i
        out.append(f'<line x1="{width - right + 12}" y1="{ly}" x2="{width - right + 32}" y2="{ly}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{width - right + 38}" y="{ly + 4}">{escape(variant)}</text>')
        r = boot[variant]
        out.append(f'<text x="{width - right + 38}" y="{ly + 19}" fill="#555">/init {float(r["init_ms"]):.0f}, all {float(r["all_online_ms"]):.0f} ms</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render(records, title, variants=VARIANTS, keys=("init", "all"), clock="ms from the kernel&#8217;s first line (host clock)",
           ylabel="ms since the kernel started"):
    """Each time of keys against RAM size, one colour per variant (the two guests' kernels differ: one chart each)."""
    table = medians(records, variants, keys)
    sizes = sorted({gib for _, gib in table})
    width, height, left, right, top, bottom = 840, 400, 70, 250, 52, 52
    most = max([m[k] for m in table.values() for k in keys] + [1])
    ystep = next(s for s in (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 1e9) if most / s <= 7)
    ymax = ystep * (int(most / ystep) + 1)
    xmax = max(sizes + [1])
    x = lambda gib: left + (width - left - right) * gib / xmax
    y = lambda ms: height - bottom - (height - top - bottom) * ms / ymax
    legend = {"init": "solid, /init began", "systemd": "dotted, systemd started", "all": "dashed, all memory online"}
    out = svgchart.frame(width, height, left, right, top, bottom, title,
                         f"{clock}, medians: " + "; ".join(legend[k] for k in keys))
    axes(out, (width, height, left, right, top, bottom), x, y, [0] + sizes, steps(ymax, ystep), "guest RAM, GiB (-m)", ylabel)
    s = slopes(table, variants, keys)
    for i, variant in enumerate(variants):
        colour = COLOURS[variant.removeprefix("systemd-")]
        for key in keys:
            points = [(x(gib), y(table[(variant, gib)][key])) for gib in sizes if (variant, gib) in table]
            if not points:
                continue
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{STROKES[key]}/>')
            out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
        ly = top + 8 + (15 * len(keys) + 18) * i
        per = lambda key: "-" if s[(variant, key)] is None else f"{s[(variant, key)]:.0f}"
        out.append(f'<line x1="{width - right + 12}" y1="{ly}" x2="{width - right + 32}" y2="{ly}" stroke="{colour}" stroke-width="3"/>')
        out.append(f'<text x="{width - right + 38}" y="{ly + 4}">{escape(variant)}</text>')
        for j, key in enumerate(keys):
            out.append(f'<text x="{width - right + 38}" y="{ly + 19 + 15 * j}" fill="#555">{KEY_WORDS[key]} {per(key)} ms/GiB</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_systemd(records):
    return render(records, "Boot of the systemd guest under QEMU TCG: Debian's stock 6.1 kernel", SYSTEMD_VARIANTS, SYSTEMD_KEYS)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", nargs="?", default=os.path.join(REPO, ".build/qemu-figures.json"))
    parser.add_argument("--svg")
    args = parser.parse_args()
    with open(args.figures) as f:
        records = json.load(f).get("bootbench", [])
    print_report(records)
    if args.svg and records:
        with open(args.svg, "w") as f:
            f.write(render(records, "Boot under QEMU TCG: time to /init and to all memory, 6.1 probe kernel"))
        print(f"boot benchmark SVG: {args.svg}")


if __name__ == "__main__":
    main()
