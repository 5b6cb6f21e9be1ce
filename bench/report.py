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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
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

    with open(args.results) as f:
        results = {r["command"]: r for r in json.load(f)["results"]}
    rss = {k: int(v) for k, v in pairs(args.rss).items() if v.strip().isdigit()}
    for needed in ("netns-exec", "C reference", "sudo recipe", "/bin/true"):
        if needed not in results:
            print(f"bench: no result for {needed}", file=sys.stderr)
            return 2

    rows = []
    order = ["/bin/true", "C reference", "netns-exec", "C reference, libseccomp at run time",
             "sudo recipe", "firejail"]
    for name in order:
        r = results.get(name)
        if r is None:
            continue
        rows.append((name, r["mean"], r["stddev"] or 0.0, r["median"], r["min"], rss.get(name)))
    fj_root = None
    if args.firejail_root:
        with open(args.firejail_root) as f:
            fj_root = json.load(f)["results"][0]

    nx = results["netns-exec"]["mean"]
    ref = results["C reference"]["mean"]
    sudo = results["sudo recipe"]["mean"]
    true = results["/bin/true"]["mean"]
    ratio_c = nx / ref
    speedup = sudo / nx
    # Launcher overhead alone: what each adds on top of exec'ing /bin/true.
    over_nx, over_ref = nx - true, ref - true
    rss_ratio = rss["netns-exec"] / rss["C reference"] if "netns-exec" in rss and "C reference" in rss else None

    checks = [
        (f"netns-exec / C reference <= {MAX_RATIO_TO_C}", ratio_c <= MAX_RATIO_TO_C, f"{ratio_c:.2f}"),
        (f"sudo recipe / netns-exec >= {MIN_SPEEDUP_OVER_SUDO:g}", speedup >= MIN_SPEEDUP_OVER_SUDO, f"{speedup:.1f}"),
        (f"peak RSS netns-exec / C reference <= {MAX_RSS_TO_C:g}",
         rss_ratio is not None and rss_ratio <= MAX_RSS_TO_C,
         f"{rss_ratio:.2f}" if rss_ratio is not None else "not measured"),
    ]

    out = [BEGIN, ""]
    out.append(f"`/bin/true` launched through each, as an unprivileged user, one hyperfine run "
               f"(`-N`, {args.warmup} warm-up runs, {args.runs} runs each).")
    out.append("")
    out.append("| launcher | mean ± σ (ms) | median (ms) | min (ms) | peak RSS (KiB) |")
    out.append("|---|---|---|---|---|")
    for name, mean, sd, median, mn, r in rows:
        out.append(f"| {name} | {ms(mean):.3f} ± {ms(sd):.3f} | {ms(median):.3f} | {ms(mn):.3f} | "
                   f"{r if r is not None else '–'} |")
    if "firejail" not in results:
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
    out.append(f"Overhead over `/bin/true` alone: netns-exec {ms(over_nx):.3f} ms, "
               f"C reference {ms(over_ref):.3f} ms (ratio {over_nx / over_ref:.2f}).")
    if "firejail" in results:
        out[-1] += f" firejail / netns-exec: {results['firejail']['mean'] / nx:.1f}."
    out.append("")
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
