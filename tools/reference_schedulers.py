#!/usr/bin/env python3
"""Record PyTorch's learning-rate schedules for optim/tests/reference_schedulers.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_schedulers.py

Writes optim/tests/fixtures/schedulers.json: for each case the spec string the Rust side parses
(`ScheduleSpec`), λ0, the metrics fed to ReduceLROnPlateau, and PyTorch's rate for epochs 0..30
(epoch 0 = right after construction, then one `scheduler.step()` per epoch).
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


if __name__ == "__main__":
    main()
