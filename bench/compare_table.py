#!/usr/bin/env python3
"""Tables of bench/compare.sh (reads OUT/ref.jsonl, OUT/cs.jsonl, optional OUT/matmul.jsonl and OUT/soak.jsonl).

Per configuration and setting: the median over rounds of each run's median step time (and the minimum over rounds of
each run's minimum), the peak RSS, the load average the runs started at. Then best against best: each side's fastest
setting by median, the ratio C# / reference against the issue's target, the matrix-product FLOPs of one C# step and
the rate achieved, the Flux/DSM cost ratios, and the soak's resident memory and live tensors.
  python3 bench/compare_table.py artifacts/bench [--markdown]
"""
import json, os, statistics, sys
from collections import defaultdict

ORDER = ["ring2d", "annealed2d", "mnist-mlp", "ring2d-dsm", "langevin", "unet-fmnist", "unet-fmnist-dsm"]
# The image model's targets (issue 13) hold on every instruction set: its work is libtorch's convolutions.
UNET_TARGETS = {"unet-fmnist": 0.7, "unet-fmnist-dsm": 0.7}
# Targets of C# / reference per instruction set the C# kernels ran on (issue 12: AVX2 + FMA CPUs get looser ones).
TARGETS = {"avx512": {"ring2d": 0.12, "annealed2d": 0.2, "mnist-mlp": 0.5, "ring2d-dsm": 0.5, "langevin": 0.35},
           "avx2": {"ring2d": 0.15, "annealed2d": 0.25, "mnist-mlp": 0.6, "ring2d-dsm": 0.5, "langevin": 0.5}}
# (batch, MLP widths, data dimension D, loss)
SHAPES = {
    "ring2d": (512, [2, 128, 128, 2], 2, "flux"),
    "annealed2d": (512, [3, 256, 256, 2], 2, "flux"),
    "mnist-mlp": (128, [784, 1024, 1024, 784], 784, "flux"),
    "ring2d-dsm": (512, [2, 128, 128, 2], 2, "dsm"),
    "langevin": (2000, [2, 128, 128, 2], 2, "sample"),
}
MATMUL_SHAPE = {"ring2d": "ring 1024x128 @ 128x128", "annealed2d": "annealed 1024x256 @ 256x256",
                "mnist-mlp": "mnist 128x1024 @ 1024x1024", "ring2d-dsm": "ring 1024x128 @ 128x128",
                "langevin": "langevin 2000x128 @ 128x128"}


def matmul_flops(name):
    """Matrix-product FLOPs (2mnk) of one C# step (or one 1,000-step sampling run), from the shapes."""
    if name not in SHAPES:
        return None                                                            # the U-Net: convolutions, not counted
    b, w, d, kind = SHAPES[name]
    layers = list(zip(w[:-1], w[1:]))
    forward = sum(2 * b * i * o for i, o in layers)
    if kind == "sample":
        return 1000 * forward
    param_backward = forward + sum(2 * b * i * o for i, o in layers[1:])   # weight grads + input grads (not layer 1)
    if kind == "dsm":
        return forward + param_backward
    h = w[1]
    endpoint = 2 * b * w[0] * h + 2 * b * d * h                               # h1 and tangent of layer 1
    endpoint += sum(2 * 2 * b * i * o for i, o in layers[1:-1])               # stacked [2B] hidden layers
    endpoint += 2 * b * w[-2] * w[-1] + 2 * 2 * b * w[-1] * w[-2]             # f and the seeds [c; p] W_L
    endpoint += sum(2 * 2 * b * i * o for i, o in layers[1:-1])               # stacked reverse pass
    endpoint += 2 * b * h * d                                                  # ∇z through layer 1
    kde = 36 * b * b * d if d > 16 else 0                                      # matrix-product KDE (D > 16)
    return endpoint + forward + param_backward + kde


def load(path):
    rows = defaultdict(list)
    if not os.path.exists(path):
        return rows
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            rows[(r["config"].replace("langevin-2000x1000", "langevin"), r["setting"])].append(r)
    return rows


def summary(rows):
    out = {}
    for key, rs in rows.items():
        med = [r.get("ms_per_step_median", r.get("ms_per_run_median")) for r in rs]
        mins = [r.get("ms_per_step_min", r.get("ms_per_run_min")) for r in rs]
        out[key] = dict(median=statistics.median(med), min=min(mins), rss=max(r["peak_rss_mb"] for r in rs),
                        load=max(r.get("load1", 0) for r in rs), n=len(rs))
    return out


def table(headers, rows, markdown):
    if markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|")
        for r in rows:
            print("| " + " | ".join(str(c) for c in r) + " |")
    else:
        widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(wd) for h, wd in zip(headers, widths)))
        for r in rows:
            print("  ".join(str(c).ljust(wd) for c, wd in zip(r, widths)))
    print()


def main():
    out_dir = sys.argv[1]
    markdown = "--markdown" in sys.argv
    machine = os.path.join(out_dir, "machine.txt")
    if os.path.exists(machine):
        for line in open(machine):
            print(("- " if markdown else "") + line.rstrip())
        print()
    ref = summary(load(os.path.join(out_dir, "ref.jsonl")))
    cs_rows = load(os.path.join(out_dir, "cs.jsonl"))
    cs = summary(cs_rows)
    isas = sorted({r.get("isa", "avx512") for rs in cs_rows.values() for r in rs})
    TARGET = dict(TARGETS.get(isas[0], {}) if len(isas) == 1 else {}, **UNET_TARGETS)
    print(("- " if markdown else "") + f"C# kernels ran on: {', '.join(isas) or '-'}\n")
    matmul = load(os.path.join(out_dir, "matmul.jsonl")).items()
    rates = {r[0][1]: r[1][0]["gflop_per_s"] for r in matmul}
    packed = {r[0][1]: r[1][0].get("packed_gflop_per_s", {}) for r in matmul}
    configs = sorted({k[0] for k in ref} | {k[0] for k in cs}, key=lambda c: ORDER.index(c) if c in ORDER else 99)
    unit = lambda c: "ms/run" if c == "langevin" else "ms/step"

    rows = []
    for c in configs:
        for side, tab in (("reference", ref), ("C#", cs)):
            for (cc, s), v in sorted(tab.items()):
                if cc == c:
                    rows.append([c, side, s, f"{v['median']:.2f}", f"{v['min']:.2f}", f"{v['rss']:.0f}", f"{v['load']:.2f}", v["n"]])
    table(["config", "side", "threads", "median " + "ms", "min ms", "peak RSS MB", "max load", "runs"], rows, markdown)

    best = {}
    rows = []
    for c in configs:
        r = min(((v["median"], s) for (cc, s), v in ref.items() if cc == c), default=None)
        k = min(((v["median"], s) for (cc, s), v in cs.items() if cc == c), default=None)
        if not (r and k):
            continue
        best[c] = (r, k)
        ratio = k[0] / r[0]
        rmin = min(v["min"] for (cc, s), v in ref.items() if cc == c)
        kmin = min(v["min"] for (cc, s), v in cs.items() if cc == c)
        flops = matmul_flops(c)
        achieved = flops / (k[0] * 1e6) if flops else None
        peak = rates.get(k[1].split("/")[0], {}).get(MATMUL_SHAPE.get(c))
        fast = packed.get(k[1].split("/")[0], {}).get(MATMUL_SHAPE.get(c))
        rows.append([c, unit(c), f"{r[0]:.2f} ({r[1]})", f"{k[0]:.2f} ({k[1]})", f"{ratio:.3f}", f"{kmin / rmin:.3f}", f"≤ {TARGET.get(c, '-')}",
                     "yes" if ratio <= TARGET.get(c, 0) else "NO", f"{ref[(c, r[1])]['rss']:.0f}", f"{cs[(c, k[1])]['rss']:.0f}",
                     f"{flops / 1e9:.3f}" if flops else "-", f"{achieved:.1f}" if achieved else "-", f"{peak}" if peak else "-", f"{fast}" if fast else "-"])
    table(["config", "unit", "reference best (threads)", "C# best (threads)", "C#/ref", "min/min", "target", "met",
           "ref RSS MB", "C# RSS MB", "C# GFLOP (matmul)", "achieved GFLOP/s", "libtorch mm GFLOP/s", "packed kernel GFLOP/s"], rows, markdown)

    for flux, dsm, paper in [("ring2d", "ring2d-dsm", None), ("unet-fmnist", "unet-fmnist-dsm", ("2.9-4.1x", "2.0-2.9x"))]:
        if flux not in best or dsm not in best:
            continue
        (rf, kf), (rd, kd) = best[flux], best[dsm]
        table([f"Flux / DSM on {flux}", "reference", "C#"] + (["paper (CIFAR-10, CelebA-64)"] if paper else []),
              [["step time", f"{rf[0] / rd[0]:.1f}x", f"{kf[0] / kd[0]:.1f}x"] + ([paper[0]] if paper else []),
               ["peak RSS", f"{ref[(flux, rf[1])]['rss'] / ref[(dsm, rd[1])]['rss']:.2f}x",
                f"{cs[(flux, kf[1])]['rss'] / cs[(dsm, kd[1])]['rss']:.2f}x"] + ([paper[1]] if paper else [])], markdown)

    soak = load(os.path.join(out_dir, "soak.jsonl"))
    rows = []
    for (c, _), rs in soak.items():
        samples = rs[0]["samples"]
        after = [s for s in samples if s["step"] >= 2000] or samples
        rss = [s["rss_mb"] for s in after]
        live = [s["live_tensors"] for s in after]
        rows.append([c, " ".join(f"{s['rss_mb']:.0f}" for s in samples), f"{(max(rss) - min(rss)) / min(rss) * 100:.1f}%",
                     " ".join(str(s["live_tensors"]) for s in samples), f"{min(live)}-{max(live)}"])
    if rows:
        table(["soak (10,000 steps)", "RSS MB every 1,000 steps", "RSS spread after 2,000", "live tensors", "range after 2,000"], rows, markdown)


if __name__ == "__main__":
    main()
