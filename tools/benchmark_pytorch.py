#!/usr/bin/env python3
"""The benchmark's protocol for `mnist_mlp` in PyTorch, for three optimizers of torch.optim.

Same problem and protocol as `cargo run --release --example benchmark` (lab/src/benchmark/):
784-512-512-10 ReLU with nn.Linear's default initialization, MNIST standardized with mean
0.1307 and std 0.3081, 5000 training images held out for validation, batches of 128 (the last
partial batch of an epoch dropped), 860 steps at a constant λ, the validation accuracy measured
every 86 steps; tuning over 13 values of λ log-uniform from 1/100 to 100 times the starting
rate (SGD 0.1, Momentum 0.01 with μ 0.9, Adam 0.001), 2 tuning seeds each, the λ with the best
mean final validation accuracy chosen, then 10 seeds of it. What differs is only what must:
PyTorch's random numbers (initial weights, batch order, which 5000 images are held out).

Never part of the tests or CI. Set-up: python3 -m venv /work/venv && /work/venv/bin/pip install torch numpy scipy
Run from the repository root (about 5 minutes on 2 cores):
    /work/venv/bin/python tools/benchmark_pytorch.py [--out runs/benchmark-pytorch.json] [--jobs 2]
        [--compare runs/benchmark]   # and side by side with the Rust benchmark's results folder
"""
import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MNIST = Path(os.environ.get("MNIST_DIR", ROOT / "data" / "cache" / "mnist"))
STEPS, BATCH, EVAL_EVERY, VAL, TARGET = 860, 128, 86, 5000, 0.97
GRID_POINTS, SPAN = 13, (-2.0, 2.0)
TUNING_SEEDS, SEEDS = [100, 101], list(range(1, 11))
OPTIMIZERS = {"sgd": 0.1, "momentum": 0.01, "adam": 0.001}  # the rates train starts from


def grid(center):
    n = GRID_POINTS
    return [float(f"{center * 10 ** (SPAN[0] + (SPAN[1] - SPAN[0]) * i / (n - 1)):.2e}") for i in range(n)]


def read_idx(path):
    import numpy as np
    raw = path.read_bytes()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


DATA = None


def data():
    global DATA
    if DATA is None:
        import numpy as np
        import torch
        def images(name):
            x = read_idx(MNIST / name).reshape(-1, 784).astype(np.float32) / 255.0
            return torch.from_numpy((x - 0.1307) / 0.3081)
        def labels(name):
            return torch.from_numpy(read_idx(MNIST / name).astype(np.int64))
        x, y = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
        val, train = order[:VAL], order[VAL:]
        DATA = dict(train=(x[train], y[train]), val=(x[val], y[val]),
                    test=(images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")))
    return DATA


def trial(job):
    """One trial: (optimizer, λ, seed) -> its result, as the Rust benchmark records it."""
    import torch
    from torch import nn
    name, lr, seed = job
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    d = data()
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    if name == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr)
    elif name == "momentum":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)  # the course's form, for a constant λ
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()

    def accuracy(split):
        x, y = d[split]
        with torch.no_grad():
            return (model(x).argmax(1) == y).float().mean().item()

    x, y = d["train"]
    per_epoch = len(x) // BATCH
    step, target_step, diverged, trained = 0, None, None, 0.0
    curve = [(0, accuracy("val"))]
    generator = torch.Generator().manual_seed(seed)
    while step < STEPS and diverged is None:
        order = torch.randperm(len(x), generator=generator)
        for b in range(per_epoch):
            rows = order[b * BATCH:(b + 1) * BATCH]
            started = time.perf_counter()
            opt.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            if not torch.isfinite(loss):
                diverged = f"the loss is {loss.item()} at step {step + 1}"
                break
            loss.backward()
            opt.step()
            trained += time.perf_counter() - started
            step += 1
            if step % EVAL_EVERY == 0 or step == STEPS:
                curve.append((step, accuracy("val")))
                if target_step is None and curve[-1][1] >= TARGET:
                    target_step = step
            if step == STEPS:
                break
    return dict(optimizer=name, lr=lr, seed=seed, val=None if diverged else curve[-1][1],
                test=None if diverged else accuracy("test"), target_step=target_step,
                diverged=diverged, seconds=trained, curve=curve)


def quartiles(values):
    import numpy as np
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
    return median, q1, q3


def rust_results(folder):
    """The Rust benchmark's mnist_mlp results of these optimizers: tuned λ and final test accuracies."""
    out = {}
    for name in OPTIMIZERS:
        finals = []
        for path in sorted((Path(folder) / "results" / "mnist_mlp").glob(f"final-{name}-s*.json")):
            r = json.loads(path.read_text())
            finals.append(r)
        if finals:
            out[name] = dict(lr=finals[0]["value"], test=[r["test"] or 0.0 for r in finals],
                             steps=[r["target_step"] for r in finals])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/benchmark-pytorch.json")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--compare", help="a results folder of the Rust benchmark (full plan)")
    args = parser.parse_args()
    import torch
    started = time.time()
    jobs = [(name, lr, seed) for name, center in OPTIMIZERS.items() for lr in grid(center) for seed in TUNING_SEEDS]
    with ProcessPoolExecutor(args.jobs) as pool:
        tuning = list(pool.map(trial, jobs))
        chosen = {}
        for name in OPTIMIZERS:
            scores = {}
            for r in tuning:
                if r["optimizer"] == name:
                    scores.setdefault(r["lr"], []).append(r["val"] if r["val"] is not None else 0.0)
            center = OPTIMIZERS[name]
            # The best mean; ties to the value nearest the centre, as the Rust side does.
            chosen[name] = max(scores, key=lambda lr: (statistics.mean(scores[lr]), -abs(__import__("math").log10(lr / center))))
        finals = list(pool.map(trial, [(name, chosen[name], seed) for name in OPTIMIZERS for seed in SEEDS]))
    report = dict(torch=torch.__version__, protocol=dict(steps=STEPS, batch=BATCH, val=VAL, target=TARGET,
                  grid_points=GRID_POINTS, span=SPAN, tuning_seeds=TUNING_SEEDS, seeds=SEEDS),
                  chosen=chosen, tuning=tuning, finals=finals, minutes=(time.time() - started) / 60)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report) + "\n")
    ours = rust_results(args.compare) if args.compare else {}
    print(f"PyTorch {torch.__version__}, {len(jobs) + len(finals)} trials in {report['minutes']:.1f} min; written to {args.out}")
    print("| optimizer | λ chosen (PyTorch) | λ chosen (ours) | test accuracy, PyTorch | test accuracy, ours | Mann–Whitney p | steps to 97%, PyTorch | ours |")
    print("|---|---|---|---|---|---|---|---|")
    for name in OPTIMIZERS:
        theirs = [r["test"] or 0.0 for r in finals if r["optimizer"] == name]
        steps = [r["target_step"] for r in finals if r["optimizer"] == name]
        m, q1, q3 = quartiles(theirs)
        cells = [name, str(chosen[name])]
        def median_steps(s):
            m = statistics.median([v if v is not None else float("inf") for v in s])
            return "—" if m == float("inf") else f"{m:.0f}"  # half the seeds or more never reached it
        if name in ours:
            o = ours[name]
            om, oq1, oq3 = quartiles(o["test"])
            try:
                from scipy.stats import mannwhitneyu
                p = f"{mannwhitneyu(theirs, o['test'], alternative='two-sided').pvalue:.3f}"
            except ImportError:
                p = "(scipy missing)"
            cells += [str(o["lr"]), f"{100 * m:.2f}% [{100 * q1:.2f}, {100 * q3:.2f}]",
                      f"{100 * om:.2f}% [{100 * oq1:.2f}, {100 * oq3:.2f}]", p,
                      median_steps(steps), median_steps(o["steps"])]
        else:
            cells += ["—", f"{100 * m:.2f}% [{100 * q1:.2f}, {100 * q3:.2f}]", "—", "—", median_steps(steps), "—"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
