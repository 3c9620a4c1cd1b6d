#!/usr/bin/env python3
"""Side-by-side speed comparison: this project vs PyTorch eager, same machine, same run.

Runs each workload (one epoch over the 60,000 MNIST training images, data already in memory,
2 threads) alternately in this project (the `workload` binary of the `benches` package) and in
PyTorch, `--reps` times each, and prints a table: median seconds per epoch (min-max), test
accuracy after the epoch, peak memory (max RSS of the process), and the ratio ours/PyTorch.
With `--others DIR` (by default /work/other-target/release when the binaries are there), the same
workloads written in burn and in candle (tools/other_frameworks, see its README) run in the same
alternating loop, and the table gains their columns and the ratios ours/burn, ours/candle.

Set-up (once; never part of CI, installs nothing into the system):
    python3 -m venv /work/venv && /work/venv/bin/pip install torch numpy
    cargo build --release -p benches --bin workload
Run from the repository root:
    /work/venv/bin/python tools/compare_pytorch.py [--reps 3] [--workloads W1-adam,W1-sgd,W2,W3]
        [--others /work/other-target/release] [--burn-backend flex|ndarray]

The PyTorch side is the course's FC-NN exercise written the ordinary way: nn.Sequential of
Linear/ReLU, CrossEntropyLoss, torch.optim.Adam / SGD(momentum=0.9), a DataLoader-free loop
over a shuffled index (the data is already a float32 tensor, as on our side).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKLOADS = {
    "W1-adam": dict(sizes=[784, 512, 512, 10], batch=64, optimizer="adam", lr=1e-3),
    "W1-sgd": dict(sizes=[784, 512, 512, 10], batch=64, optimizer="momentum", lr=0.1),
    "W2": dict(sizes=[784, 128, 64, 10], batch=32, optimizer="adam", lr=1e-3),
    "W3": dict(sizes=[784, 1024, 1024, 10], batch=512, optimizer="momentum", lr=0.1),
}
ROOT = Path(__file__).resolve().parent.parent
MNIST = Path(os.environ.get("MNIST_DIR", ROOT / "data" / "cache" / "mnist"))
OTHERS = Path("/work/other-target/release")  # where tools/other_frameworks/README.md builds them


def read_idx(path):
    import numpy as np
    raw = path.read_bytes()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def torch_epoch(name, threads):
    """One epoch in PyTorch; prints one JSON line like the Rust `workload` binary."""
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    spec = WORKLOADS[name]

    def load(images, labels):
        x = read_idx(MNIST / images).reshape(-1, 784).astype(np.float32) / 255.0
        x = (x - 0.1307) / 0.3081
        return torch.from_numpy(x), torch.from_numpy(read_idx(MNIST / labels).astype(np.int64))

    x_train, y_train = load("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    x_test, y_test = load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    layers = []
    sizes = spec["sizes"]
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    if spec["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=spec["lr"], momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    batch = spec["batch"]
    start = time.perf_counter()
    order = torch.randperm(len(x_train))
    for i in range(0, len(order), batch):
        idx = order[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(workload=name, seconds=seconds, accuracy=accuracy, peak_rss_mb=peak_mb)))


def run(cmd, env):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--others", type=Path, default=None,
                        help=f"directory of burn_workload and candle_workload (default {OTHERS} if they are there; '' for none)")
    parser.add_argument("--burn-backend", default="flex", choices=["flex", "ndarray"])
    parser.add_argument("--torch-epoch", help=argparse.SUPPRESS)  # internal: run one PyTorch epoch
    args = parser.parse_args()
    if args.torch_epoch:
        return torch_epoch(args.torch_epoch, args.threads)

    binary = ROOT / "target" / "release" / "workload"
    if not binary.exists():
        sys.exit(f"{binary} not found: run `cargo build --release -p benches --bin workload` first")
    others = args.others if args.others is not None else (OTHERS if (OTHERS / "burn_workload").exists() else None)
    if others is not None and str(others) in ("", "."):
        others = None  # `--others ''` turns the burn and candle columns off
    if others is not None:
        for name in ("burn_workload", "candle_workload"):
            if not (others / name).exists():
                sys.exit(f"{others / name} not found: see tools/other_frameworks/README.md")
    # MATMUL_NUM_THREADS: the thread count of matrixmultiply, which burn's ndarray backend uses.
    env = dict(os.environ, AUTOGRAD_THREADS=str(args.threads), RAYON_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads),
               MATMUL_NUM_THREADS=str(args.threads))
    import torch
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores, {platform.system()}, "
          f"torch {torch.__version__}, {args.threads} threads, {args.reps} alternating runs each"
          + (f", burn ({args.burn_backend} backend) and candle from {others}" if others else ""))
    rows = []
    for name in args.workloads.split(","):
        ours, theirs, burn, candle = [], [], [], []
        for _ in range(args.reps):  # alternate so that machine noise hits all sides alike
            ours.append(run([str(binary), "--workload", name, "--json"], env))
            theirs.append(run([sys.executable, __file__, "--torch-epoch", name, "--threads", str(args.threads)], env))
            if others:
                burn.append(run([str(others / "burn_workload"), "--workload", name,
                                 "--backend", args.burn_backend, "--json"], env))
                candle.append(run([str(others / "candle_workload"), "--workload", name, "--json"], env))
        rows.append((name, ours, theirs, burn, candle))

    def summary(runs):
        s = [r["seconds"] for r in runs]
        return statistics.median(s), min(s), max(s), statistics.median(r["accuracy"] for r in runs), max(r["peak_rss_mb"] for r in runs)

    print("| workload | ours s/epoch (min-max) | PyTorch s/epoch (min-max) | ratio | ours acc | PyTorch acc | ours MB | PyTorch MB | mem ratio |"
          + (" burn s/epoch | ours/burn | candle s/epoch | ours/candle | burn acc | candle acc | burn MB | candle MB |" if others else ""))
    print("|---|---|---|---|---|---|---|---|---|" + ("---|" * 8 if others else ""))
    for name, ours, theirs, burn, candle in rows:
        o, t = summary(ours), summary(theirs)
        line = (f"| {name} | {o[0]:.2f} ({o[1]:.2f}-{o[2]:.2f}) | {t[0]:.2f} ({t[1]:.2f}-{t[2]:.2f}) | {o[0] / t[0]:.2f} "
                f"| {100 * o[3]:.2f}% | {100 * t[3]:.2f}% | {o[4]:.0f} | {t[4]:.0f} | {o[4] / t[4]:.2f} |")
        if others:
            b, c = summary(burn), summary(candle)
            line += (f" {b[0]:.2f} ({b[1]:.2f}-{b[2]:.2f}) | {o[0] / b[0]:.2f} | {c[0]:.2f} ({c[1]:.2f}-{c[2]:.2f}) | {o[0] / c[0]:.2f} "
                     f"| {100 * b[3]:.2f}% | {100 * c[3]:.2f}% | {b[4]:.0f} | {c[4]:.0f} |")
        print(line)


if __name__ == "__main__":
    main()
