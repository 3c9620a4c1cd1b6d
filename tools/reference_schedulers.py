#!/usr/bin/env python3
"""Record PyTorch's learning-rate schedules for optim/tests/reference_schedulers.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_schedulers.py

Writes optim/tests/fixtures/schedulers.json: for each case a spec string naming the schedule
(`step:3:0.1`; the Rust test reads the few forms used here), λ0, the metrics fed to
ReduceLROnPlateau, and PyTorch's rate for epochs 0..30 (epoch 0 = right after construction, then
one `scheduler.step()` per epoch).

Also writes optim/tests/fixtures/schedulers_groups.json: every kind of schedule on an optimizer
with two parameter groups of different base rates (0.1 and 0.03), its hyperparameters as
PyTorch's keyword arguments (`kind` is the class), and both groups' rates for epochs 0..30.
"""
import json
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

EPOCHS = 30
OUT = os.path.join(os.path.dirname(__file__), "..", "optim", "tests", "fixtures", "schedulers.json")


def plateau_metrics():
    """A loss that falls, stalls, wobbles and falls again; multiples of 1/1024 so f32 holds them exactly."""
    ms = []
    for e in range(1, EPOCHS + 1):
        if e <= 6:
            v = 2.0 - 0.25 * e
        elif e <= 16:
            v = 0.5 + (0.0078125 if e % 3 == 0 else 0.0)  # flat with small bumps
        elif e <= 20:
            v = 0.5 - 0.0625 * (e - 16)
        else:
            v = 0.25 + 0.001953125 * (e % 2)  # never below the best 0.25 again: all bad epochs
        ms.append(round(v * 1024) / 1024)
    return ms


def accuracy_metrics():
    """An accuracy-like metric for mode='max' (multiples of 1/1024)."""
    return [round(min(0.9, 0.5 + 0.05 * e) * 1024) / 1024 if e < 12 else round(0.875 * 1024) / 1024 for e in range(1, EPOCHS + 1)]


def cases():
    """(name, spec string for Rust, base lr, constructor, metrics or None, plateau config or None)."""
    return [
        ("constant", "constant", 0.1, lambda o: S.LambdaLR(o, lambda e: 1.0), None, None),
        ("step", "step:3:0.1", 1.0, lambda o: S.StepLR(o, step_size=3, gamma=0.1), None, None),
        ("step_half", "step:7:0.5", 0.05, lambda o: S.StepLR(o, step_size=7, gamma=0.5), None, None),
        ("multistep", "multistep:5,12,20:0.3", 0.2, lambda o: S.MultiStepLR(o, milestones=[5, 12, 20], gamma=0.3), None, None),
        ("exp", "exp:0.9", 0.1, lambda o: S.ExponentialLR(o, gamma=0.9), None, None),
        ("cosine", "cosine:10", 0.1, lambda o: S.CosineAnnealingLR(o, T_max=10), None, None),
        ("cosine_eta", "cosine:25:0.001", 0.5, lambda o: S.CosineAnnealingLR(o, T_max=25, eta_min=0.001), None, None),
        ("warmup", "warmup:5", 0.1, lambda o: S.LinearLR(o, start_factor=1.0 / 3.0, end_factor=1.0, total_iters=5), None, None),
        ("warmup_factor", "warmup:8,0.1", 0.3, lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=8), None, None),
        (
            "warmup_cosine",
            "warmup-cosine:5,0.1:20",
            0.1,
            lambda o: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5), S.CosineAnnealingLR(o, T_max=20)],
                milestones=[5],
            ),
            None,
            None,
        ),
        (
            "warmup_cosine_eta",
            "warmup-cosine:3:10:0.01",
            0.2,
            lambda o: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=1.0 / 3.0, end_factor=1.0, total_iters=3), S.CosineAnnealingLR(o, T_max=10, eta_min=0.01)],
                milestones=[3],
            ),
            None,
            None,
        ),
        ("plateau", "plateau:0.5:2", 0.1, lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2), plateau_metrics(), None),
        (
            "plateau_full",
            None,
            0.1,
            lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.3, patience=1, threshold=0.01, threshold_mode="rel", cooldown=2, min_lr=0.002),
            plateau_metrics(),
            {"mode": "min", "factor": 0.3, "patience": 1, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 2, "min_lr": 0.002},
        ),
        (
            "plateau_max_abs",
            None,
            0.5,
            lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs", cooldown=1),
            accuracy_metrics(),
            {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 1, "min_lr": 0.0},
        ),
    ]


def record(base_lr, make, metrics):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for e in range(EPOCHS):
        opt.step()  # PyTorch's order: optimizer first, scheduler after the epoch
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


GROUP_LRS = [0.1, 0.03]


def group_cases():
    """(name, schedule as JSON for Rust, constructor, metrics or None): each on two groups."""
    lin = {"kind": "LinearLR", "start_factor": 0.1, "end_factor": 1.0, "total_iters": 8}
    cos = {"kind": "CosineAnnealingLR", "T_max": 12, "eta_min": 0.001}
    plateau = {"kind": "ReduceLROnPlateau", "mode": "min", "factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "rel", "cooldown": 1, "min_lr": 0.005}
    make = {
        "StepLR": lambda o, k: S.StepLR(o, step_size=k["step_size"], gamma=k["gamma"]),
        "MultiStepLR": lambda o, k: S.MultiStepLR(o, milestones=k["milestones"], gamma=k["gamma"]),
        "ExponentialLR": lambda o, k: S.ExponentialLR(o, gamma=k["gamma"]),
        "CosineAnnealingLR": lambda o, k: S.CosineAnnealingLR(o, T_max=k["T_max"], eta_min=k["eta_min"]),
        "LinearLR": lambda o, k: S.LinearLR(o, start_factor=k["start_factor"], end_factor=k["end_factor"], total_iters=k["total_iters"]),
        "Constant": lambda o, k: S.LambdaLR(o, lambda e: 1.0),
        "SequentialLR": lambda o, k: S.SequentialLR(o, [make[c["kind"]](o, c) for c in k["schedules"]], milestones=k["milestones"]),
        "ReduceLROnPlateau": lambda o, k: S.ReduceLROnPlateau(o, **{n: v for n, v in k.items() if n != "kind"}),
    }
    schedules = [
        ("constant", {"kind": "Constant"}),
        ("step", {"kind": "StepLR", "step_size": 4, "gamma": 0.5}),
        ("multistep", {"kind": "MultiStepLR", "milestones": [3, 9, 9, 20], "gamma": 0.3}),
        ("exp", {"kind": "ExponentialLR", "gamma": 0.9}),
        ("cosine", cos),
        ("warmup", lin),
        ("linear_decay", {"kind": "LinearLR", "start_factor": 1.0, "end_factor": 0.2, "total_iters": 10}),
        ("warmup_cosine", {"kind": "SequentialLR", "schedules": [dict(lin, total_iters=5), cos], "milestones": [5]}),
        ("plateau", plateau),
    ]
    return [(name, k, (lambda o, k=k: make[k["kind"]](o, k)), plateau_metrics() if k["kind"] == "ReduceLROnPlateau" else None) for name, k in schedules]


def record_groups(make, metrics):
    ps = [torch.nn.Parameter(torch.zeros(1)) for _ in GROUP_LRS]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(ps, GROUP_LRS)], lr=GROUP_LRS[0])
    sched = make(opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for e in range(EPOCHS):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        lrs.append([g["lr"] for g in opt.param_groups])
    return lrs


def main():
    warnings.simplefilter("ignore")  # SequentialLR's step(0) deprecation notice
    out = {"torch_version": torch.__version__, "epochs": EPOCHS, "cases": []}
    for name, spec, base_lr, make, metrics, plateau in cases():
        case = {"name": name, "spec": spec, "base_lr": base_lr, "lrs": [float(f"{v:.12g}") for v in record(base_lr, make, metrics)]}
        if metrics is not None:
            case["metrics"] = metrics
        if plateau is not None:
            case["plateau"] = plateau
        out["cases"].append(case)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(out['cases'])} cases")
    groups = {"torch_version": torch.__version__, "epochs": EPOCHS, "base_lrs": GROUP_LRS, "cases": []}
    for name, schedule, make, metrics in group_cases():
        lrs = [[float(f"{v:.12g}") for v in tick] for tick in record_groups(make, metrics)]
        case = {"name": name, "schedule": schedule, "lrs": lrs}
        if metrics is not None:
            case["metrics"] = metrics
        groups["cases"].append(case)
    path = OUT.replace("schedulers.json", "schedulers_groups.json")
    with open(path, "w") as f:
        json.dump(groups, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(groups['cases'])} cases")


if __name__ == "__main__":
    main()
