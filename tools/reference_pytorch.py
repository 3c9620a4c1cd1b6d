#!/usr/bin/env python3
"""Record reference trajectories of torch.optim for optim/tests/reference.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_pytorch.py

Every optimizer in its PyTorch form (the single-tensor, non-foreach code path, float32) on
(a) Rosenbrock f(x, y) = (1 − x)² + 100 (y − x²)² from (−1.2, 1.0), 60 steps, the point after
    every step; x and y are two parameters of shape [1];
(b) an MLP 4 → 8 → 3 (Linear, ReLU, Linear; weights [out, in], logits = x·Wᵀ + b) with mean
    cross-entropy, initial weights from torch.manual_seed(0) stored in the fixture, 60 fixed
    batches of 5 samples stored in the fixture, every parameter after the steps in MLP_RECORD.

Writes optim/tests/fixtures/pytorch_rosenbrock.json and pytorch_mlp.json. Floats are written
with 9 significant digits, which round-trip an f32 exactly.
"""
import json
import os

import torch

STEPS = 60
MLP_RECORD = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60]
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "optim", "tests", "fixtures")

# (case name, Rust optimizer name, torch class, kwargs on Rosenbrock, kwargs on the MLP).
# Learning rates are chosen per optimizer so that Rosenbrock (curvature ~ 1000 at the start)
# does not diverge in 60 steps. foreach=False pins the single-tensor code path whose order of
# floating-point operations the Rust PyTorch form follows.
CASES = [
    ("sgd", "sgd", torch.optim.SGD, dict(lr=5e-4), dict(lr=0.1)),
    ("sgd_wd", "sgd", torch.optim.SGD, dict(lr=5e-4, weight_decay=0.1), dict(lr=0.1, weight_decay=0.01)),
    ("momentum", "momentum", torch.optim.SGD, dict(lr=1e-4, momentum=0.9), dict(lr=0.05, momentum=0.9)),
    ("momentum_wd", "momentum", torch.optim.SGD, dict(lr=1e-4, momentum=0.9, weight_decay=0.1), dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("nag", "nag", torch.optim.SGD, dict(lr=1e-4, momentum=0.9, nesterov=True), dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("nag_wd", "nag", torch.optim.SGD, dict(lr=1e-4, momentum=0.9, nesterov=True, weight_decay=0.1), dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("adagrad", "adagrad", torch.optim.Adagrad, dict(lr=0.05), dict(lr=0.05)),
    ("adagrad_wd", "adagrad", torch.optim.Adagrad, dict(lr=0.05, weight_decay=0.1), dict(lr=0.05, weight_decay=0.01)),
    ("adadelta", "adadelta", torch.optim.Adadelta, dict(lr=1.0, rho=0.9, eps=1e-6), dict(lr=1.0, rho=0.9, eps=1e-6)),
    ("adadelta_wd", "adadelta", torch.optim.Adadelta, dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.1), dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.01)),
    ("rmsprop", "rmsprop", torch.optim.RMSprop, dict(lr=1e-3, alpha=0.99, eps=1e-8), dict(lr=0.01, alpha=0.99, eps=1e-8)),
    ("rmsprop_wd", "rmsprop", torch.optim.RMSprop, dict(lr=1e-3, alpha=0.99, eps=1e-8, weight_decay=0.1), dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01)),
    ("adam", "adam", torch.optim.Adam, dict(lr=0.01), dict(lr=0.01)),
    ("adam_wd", "adam", torch.optim.Adam, dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, weight_decay=0.01)),
    ("adamw", "adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, weight_decay=0.01)),
]


def r9(v):
    """An f32 value as a JSON number with 9 significant digits (exact round trip)."""
    return float(f"{float(v):.9g}")


def flat(t):
    return [r9(v) for v in t.detach().reshape(-1).tolist()]


def make_opt(cls, params, kwargs):
    return cls(params, foreach=False, **kwargs)


def effective_hyper(opt):
    """Every hyperparameter PyTorch used, defaults included (so the Rust test sets them all)."""
    group = opt.param_groups[0]
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k != "params" and (v is None or isinstance(v, (bool, int, float, tuple)))}


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def run_rosenbrock(cls, kwargs):
    x = torch.nn.Parameter(torch.tensor([-1.2], dtype=torch.float32))
    y = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float32))
    opt = make_opt(cls, [x, y], kwargs)
    hyper = effective_hyper(opt)
    traj, losses = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = rosenbrock(x, y)
        loss.backward()
        losses.append(r9(loss.item()))
        opt.step()
        traj.append([r9(x.item()), r9(y.item())])
    return traj, losses, hyper


def mlp_problem():
    """Initial weights (nn.Linear's default init under seed 0) and 60 batches."""
    torch.manual_seed(0)
    l1 = torch.nn.Linear(4, 8)
    l2 = torch.nn.Linear(8, 3)
    init = {"0.weight": l1.weight.detach().clone(), "0.bias": l1.bias.detach().clone(), "2.weight": l2.weight.detach().clone(), "2.bias": l2.bias.detach().clone()}
    xs = torch.randn(STEPS, 5, 4)
    # Labels from a fixed linear rule plus noise, so there is something to learn.
    ys = (xs @ torch.tensor([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0], [-1.0, 0.5, 1.0], [0.2, 0.2, 0.2]]) + 0.3 * torch.randn(STEPS, 5, 3)).argmax(-1)
    # Round inputs to 9 significant digits so the fixture holds exactly the inputs used.
    xs = torch.tensor([[[r9(v) for v in row] for row in b] for b in xs.tolist()], dtype=torch.float32)
    return init, xs, ys


def run_mlp(cls, kwargs, init, xs, ys):
    params = {k: torch.nn.Parameter(v.clone()) for k, v in init.items()}
    opt = make_opt(cls, list(params.values()), kwargs)
    hyper = effective_hyper(opt)
    record, losses = {}, []
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        h = torch.relu(xs[step - 1] @ params["0.weight"].T + params["0.bias"])
        logits = h @ params["2.weight"].T + params["2.bias"]
        loss = torch.nn.functional.cross_entropy(logits, ys[step - 1])
        loss.backward()
        losses.append(r9(loss.item()))
        opt.step()
        if step in MLP_RECORD:
            record[str(step)] = {k: flat(p) for k, p in params.items()}
    return record, losses, hyper


def main():
    torch.set_num_threads(1)
    ros = {"torch_version": torch.__version__, "start": [-1.2, 1.0], "steps": STEPS, "cases": []}
    init, xs, ys = mlp_problem()
    mlp = {
        "torch_version": torch.__version__,
        "steps": STEPS,
        "record_steps": MLP_RECORD,
        "shapes": {k: list(v.shape) for k, v in init.items()},
        "init": {k: flat(v) for k, v in init.items()},
        "inputs": [flat(b) for b in xs],
        "labels": [b.tolist() for b in ys],
        "cases": [],
    }
    for name, rust_name, cls, ros_kw, mlp_kw in CASES:
        traj, losses, hyper = run_rosenbrock(cls, ros_kw)
        ros["cases"].append({"name": name, "optimizer": rust_name, "torch": cls.__name__, "hyper": hyper, "losses": losses, "trajectory": traj})
        record, mlosses, hyper = run_mlp(cls, mlp_kw, init, xs, ys)
        mlp["cases"].append({"name": name, "optimizer": rust_name, "torch": cls.__name__, "hyper": hyper, "losses": mlosses, "params": record})
        print(f"{name:<12} rosenbrock f: {losses[0]:.4g} -> {rosenbrock(*map(torch.tensor, traj[-1])).item():.4g}   mlp loss: {mlosses[0]:.4f} -> {mlosses[-1]:.4f}")
    for fname, data in [("pytorch_rosenbrock.json", ros), ("pytorch_mlp.json", mlp)]:
        path = os.path.join(FIXTURES, fname)
        with open(path, "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
