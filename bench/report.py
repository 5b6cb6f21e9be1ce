#!/usr/bin/env python3
"""Turns one hyperfine JSON export into the results block of docs/BENCHMARKS.md
and checks the targets of issue 5. Called by bench/bench.sh; exit 1 when a
target is missed, 2 on bad input.

Only the block between the two markers below is rewritten, so the prose
around it (what was tried, what each change bought) is kept as written.
"""
import argparse
import json
import os
import re
import subprocess
import sys

BEGIN = "<!-- bench:results:begin (written by make bench; edits here are overwritten) -->"
END = "<!-- bench:results:end -->"

# Issue 5 targets.
MAX_RATIO_TO_C = 1.3
MIN_SPEEDUP_OVER_SUDO = 7.0
MAX_RSS_TO_C = 2.0


def pairs(items):
    out = {}
    for item in items or []:
        key, _, value = item.partition("=")
        out[key] = value
    return out


def ms(seconds):
    return seconds * 1000.0


def binary_facts(path):
    size = os.path.getsize(path)
    loaded = None
    try:
        text = subprocess.run(["size", "-B", path], capture_output=True, text=True, check=True).stdout
        fields = text.strip().splitlines()[-1].split()
        loaded = int(fields[0]) + int(fields[1]) + int(fields[2])
    except (OSError, subprocess.CalledProcessError, ValueError, IndexError):
        pass
    needed = []
    relocs = None
    try:
        dyn = subprocess.run(["readelf", "-dW", path], capture_output=True, text=True, check=True).stdout
        needed = re.findall(r"\(NEEDED\).*\[(.*)\]", dyn)
        relsz = re.search(r"\(RELASZ\)\s+(\d+)", dyn)
        pltsz = re.search(r"\(PLTRELSZ\)\s+(\d+)", dyn)
        relocs = (int(relsz.group(1)) if relsz else 0) // 24 + (int(pltsz.group(1)) if pltsz else 0) // 24
    except (OSError, subprocess.CalledProcessError):
        pass
    return size, loaded, needed, relocs


def section_rows(path):
    """The rows that bench/sections/ wrote (bench/rows.sh): a table of
    measurements with each comparison side by side, failures with their
    reason. Returns the lines to add (none when there are no rows)."""
    if not path or not os.path.exists(path):
        return []
    values, compares, failures, order = {}, [], [], []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "row" and len(f) >= 5:
            values[(f[1], f[2])] = (f[3], f[4], f[5] if len(f) > 5 else "")
            order.append((f[1], f[2]))
        elif f[0] == "compare" and len(f) >= 4:
            compares.append((f[1], f[2], f[3]))
        elif f[0] == "failed" and len(f) >= 4:
            failures.append((f[1], f[2], f[3]))
    if not values and not failures:
        return []
    out = ["Other measurements of the same run (bench/sections/):", "",
           "| section | measurement | value | detail |", "|---|---|---|---|"]
    for key in order:
        v, unit, detail = values[key]
        out.append(f"| {key[0]} | {key[1]} | {v} {unit} | {detail} |")
    for sec, label, why in failures:
        out.append(f"| {sec} | {label} | failed | {why} |")
    out.append("")
    if compares:
        out += ["| section | measurement | against | ratio | difference |", "|---|---|---|---|---|"]
        for sec, a, b in compares:
            va, vb = values.get((sec, a)), values.get((sec, b))
            try:
                x, y = float(va[0]), float(vb[0])
                ratio = f"{x / y:.2f}" if y else "–"
                diff = f"{x - y:+.3f} {va[1]}"
            except (TypeError, ValueError):
                ratio, diff = "not measured", ""
            out.append(f"| {sec} | {a} | {b} | {ratio} | {diff} |")
        out.append("")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", action="append", default=[])
    ap.add_argument("--failed", action="append", default=[])
    ap.add_argument("--rows", default="")
    ap.add_argument("--interleaved", default="")
    ap.add_argument("--firejail-root", default="")
    ap.add_argument("--firejail-note", default="")
    ap.add_argument("--rss", action="append")
    ap.add_argument("--binary", action="append")
    ap.add_argument("--machine", default="")
    ap.add_argument("--tools", default="")
    ap.add_argument("--runs", default="")
    ap.add_argument("--warmup", default="")
    ap.add_argument("--doc", required=True)
    args = ap.parse_args()

    # One hyperfine export per launcher (bench.sh runs one per row, so that
    # a failing row costs only itself); --failed NAME=REASON for the others.
    results = {}
    for path in args.results:
        with open(path) as f:
            for r in json.load(f)["results"]:
                results[r["command"]] = r
    failed = pairs(args.failed)
    rss = {k: int(v) for k, v in pairs(args.rss).items() if v.strip().isdigit()}

    rows = []
    order = ["/bin/true", "C reference", "netns-exec", "C reference, libseccomp at run time",
             "sudo recipe", "firejail"]
    for name in order:
        r = results.get(name)
        if r is None:
            if name in failed:
                rows.append((name, None, failed[name], None, None, None))
            continue
        rows.append((name, r["mean"], r["stddev"] or 0.0, r["median"], r["min"], rss.get(name)))
    fj_root = None
    if args.firejail_root:
        with open(args.firejail_root) as f:
            fj_root = json.load(f)["results"][0]

    def mean(name):
        return results[name]["mean"] if name in results else None

    nx, ref, sudo, true = mean("netns-exec"), mean("C reference"), mean("sudo recipe"), mean("/bin/true")
    ratio_c = nx / ref if nx and ref else None
    speedup = sudo / nx if sudo and nx else None
    rss_ratio = rss["netns-exec"] / rss["C reference"] if "netns-exec" in rss and "C reference" in rss else None

    # A target whose rows did not run is not met: it says "not measured".
    def check(desc, value, ok, fmt):
        return (desc, value is not None and ok(value), fmt.format(value) if value is not None else "not measured")

    checks = [
        check(f"netns-exec / C reference <= {MAX_RATIO_TO_C}", ratio_c, lambda v: v <= MAX_RATIO_TO_C, "{:.2f}"),
        check(f"sudo recipe / netns-exec >= {MIN_SPEEDUP_OVER_SUDO:g}", speedup,
              lambda v: v >= MIN_SPEEDUP_OVER_SUDO, "{:.1f}"),
        (f"peak RSS netns-exec / C reference <= {MAX_RSS_TO_C:g}",
         rss_ratio is not None and rss_ratio <= MAX_RSS_TO_C,
         f"{rss_ratio:.2f}" if rss_ratio is not None else "not measured"),
    ]

    out = [BEGIN, ""]
    out.append(f"`/bin/true` launched through each, as an unprivileged user, one hyperfine run each "
               f"(`-N`, {args.warmup} warm-up runs, {args.runs} runs), one after the other.")
    out.append("")
    out.append("| launcher | mean ± σ (ms) | median (ms) | min (ms) | peak RSS (KiB) |")
    out.append("|---|---|---|---|---|")
    for name, mn_, sd, median, mn, r in rows:
        if mn_ is None:
            out.append(f"| {name} | failed: {sd} | | | |")
            continue
        out.append(f"| {name} | {ms(mn_):.3f} ± {ms(sd):.3f} | {ms(median):.3f} | {ms(mn):.3f} | "
                   f"{r if r is not None else '–'} |")
    if "firejail" not in results and "firejail" not in failed:
        note = args.firejail_note or "not run"
        if fj_root is not None:
            note += (f". As root, for scale only (not comparable): "
                     f"{ms(fj_root['mean']):.2f} ± {ms(fj_root['stddev'] or 0):.2f} ms")
        out.append(f"| firejail | {note} | | | |")
    out.append("")
    out.append("| target | measured | result |")
    out.append("|---|---|---|")
    for desc, ok, value in checks:
        out.append(f"| {desc} | {value} | {'met' if ok else 'MISSED'} |")
    out.append("")
    inter = {}
    if args.interleaved and os.path.exists(args.interleaved):
        for line in open(args.interleaved):
            f = line.split()
            if len(f) == 5 and f[0] != "command":
                inter[f[0]] = (float(f[1]), float(f[2]), float(f[3]), int(f[4]))
    if "netns-exec" in inter and "C-reference" in inter:
        n, c = inter["netns-exec"], inter["C-reference"]
        out.append("Cross-check, the same launches interleaved round by round (bench/launchtime.c): "
                   f"median wall {n[0]:.3f} vs {c[0]:.3f} ms (ratio {n[0] / c[0]:.2f}), "
                   f"CPU time charged per launch {n[2]:.3f} vs {c[2]:.3f} ms (ratio {n[2] / c[2]:.2f}).")
        if "sudo-recipe" in inter and inter["sudo-recipe"][3] == 0:
            u = inter["sudo-recipe"]
            out[-1] += (f" The sudo recipe in the same rounds: median wall {u[0]:.3f} ms, "
                        f"{u[0] / n[0]:.1f}× netns-exec's; CPU time {u[2]:.3f} ms, {u[2] / n[2]:.1f}×.")
        out.append("")
    # Launcher overhead alone: what each adds on top of exec'ing /bin/true.
    if nx and ref and true:
        over_nx, over_ref = nx - true, ref - true
        out.append(f"Overhead over `/bin/true` alone: netns-exec {ms(over_nx):.3f} ms, "
                   f"C reference {ms(over_ref):.3f} ms (ratio {over_nx / over_ref:.2f}).")
        if "firejail" in results:
            out[-1] += f" firejail / netns-exec: {results['firejail']['mean'] / nx:.1f}."
        out.append("")
    out.extend(section_rows(args.rows))
    # The hand-off check (HandOff.swift) runs only under state=shared. Its
    # cost is read from the interleaved rounds, where load from the rest of
    # the machine falls on every launcher alike.
    if all(k in inter for k in ("shared-C-reference", "shared-C-no-check", "shared-netns-exec")):
        c, c0, n = inter["shared-C-reference"], inter["shared-C-no-check"], inter["shared-netns-exec"]
        out.append("The hand-off check (step 9, made only under `state=shared`; here with nothing of the "
                   "kind running), from the same interleaved rounds: C reference with it / without it, "
                   f"median wall {c[0]:.3f} / {c0[0]:.3f} ms (ratio {c[0] / c0[0]:.2f}), CPU time "
                   f"{c[2]:.3f} / {c0[2]:.3f} ms (ratio {c[2] / c0[2]:.2f}); netns-exec under "
                   f"`state=shared` {n[0]:.3f} ms wall, {n[2]:.3f} ms CPU (ratio to the C reference with the "
                   f"check {n[2] / c[2]:.2f}). Under per-jail state the check is not made at all.")
        out.append("")
    out.append("| binary | file size | loaded (text+data+bss) | dynamic relocations | shared libraries |")
    out.append("|---|---|---|---|---|")
    for name, path in pairs(args.binary).items():
        size, loaded, needed, relocs = binary_facts(path)
        out.append(f"| {name} | {size:,} B | {f'{loaded:,} B' if loaded else '?'} | "
                   f"{relocs if relocs is not None else '?'} | {', '.join(needed)} |")
    out.append("")
    out.append(f"Machine: {args.machine}.  ")
    out.append(f"Tools: {args.tools}.")
    out.append("")
    out.append(END)
    block = "\n".join(out)

    text = open(args.doc).read() if os.path.exists(args.doc) else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(args.doc, "w") as f:
        f.write(text)

    print("\n".join(out[2:-2]))
    print(f"bench: wrote {args.doc}")
    missed = [d for d, ok, _ in checks if not ok]
    for d in missed:
        print(f"bench: target missed: {d}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
