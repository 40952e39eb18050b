#!/usr/bin/env python3
"""Prints the side-by-side table of bench/compare.sh: per configuration and setting the median over rounds of each
run's median step time, then the best setting of each side and the best-against-best ratio (C# / reference)."""
import json, statistics, sys
from collections import defaultdict


def load(path):
    rows = defaultdict(list)
    mem = defaultdict(list)
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        key = (r["config"].replace("langevin-2000x1000", "langevin"), r["setting"])
        rows[key].append(r.get("ms_per_step_median", r.get("ms_per_run_median")))
        mem[key].append(r["peak_rss_mb"])
    return {k: statistics.median(v) for k, v in rows.items()}, {k: max(v) for k, v in mem.items()}


ref, ref_mem = load(sys.argv[1])
cs, cs_mem = load(sys.argv[2])
configs = sorted({k[0] for k in ref} | {k[0] for k in cs}, key=lambda c: ["ring2d", "annealed2d", "mnist-mlp", "ring2d-dsm", "langevin"].index(c) if c in ["ring2d", "annealed2d", "mnist-mlp", "ring2d-dsm", "langevin"] else 99)
print(f"{'config':<12} {'side':<10} {'setting':<8} {'ms (median of rounds)':>22} {'peak RSS MB':>12}")
for c in configs:
    for side, tab, mem in (("reference", ref, ref_mem), ("C#", cs, cs_mem)):
        for (cc, s), v in sorted(tab.items()):
            if cc == c:
                print(f"{c:<12} {side:<10} {s:<8} {v:>22.2f} {mem[(cc, s)]:>12.1f}")
print()
print(f"{'config':<12} {'best ref ms':>12} {'(setting)':>10} {'best C# ms':>12} {'(setting)':>10} {'ratio':>8} {'ref RSS':>9} {'C# RSS':>9}")
for c in configs:
    r = min(((v, s) for (cc, s), v in ref.items() if cc == c), default=None)
    k = min(((v, s) for (cc, s), v in cs.items() if cc == c), default=None)
    if r and k:
        print(f"{c:<12} {r[0]:>12.2f} {r[1]:>10} {k[0]:>12.2f} {k[1]:>10} {k[0] / r[0]:>8.3f} {ref_mem[(c, r[1])]:>9.1f} {cs_mem[(c, k[1])]:>9.1f}")
