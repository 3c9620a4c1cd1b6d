#!/usr/bin/env python3
"""Record the learning rate `train` must use at every step of a whole run, for every kind of
`--schedule` and `--warmup`, from `torch.optim.lr_scheduler`, for lab/tests/train_schedules.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_train_schedules.py

`train` ticks its schedule after every optimizer step, with lengths written in epochs turned
into steps (B batches per epoch, S = E·B steps in all). So each case is the PyTorch scheduler
that does the same, stepped once per batch: `StepLR(step_size=EPOCHS·B)`, `CosineAnnealingLR(
T_max=S − warm-up)`, a `LinearLR` warm-up in a `SequentialLR`, and so on. For each step the
fixture holds the rate of `optimizer.param_groups[0]["lr"]` when `optimizer.step()` runs, i.e.
the rate that step uses, the first one set by the scheduler's constructor (a warm-up starts
low). Writes lab/tests/fixtures/train_schedules.json.
"""
import json
import os

import torch
from torch.optim import lr_scheduler as S

EPOCHS = 3
BATCHES = 5  # the test's blobs: 240 training images in batches of 48
STEPS = EPOCHS * BATCHES
LR = 0.1
OUT = os.path.join(os.path.dirname(__file__), "..", "lab", "tests", "fixtures", "train_schedules.json")


def steps(epochs):
    """Epochs as steps, as `train` rounds them."""
    return max(1, round(epochs * BATCHES))


def cases():
    """(schedule text, warm-up text or None, constructor of the PyTorch scheduler)."""
    warm1 = steps(1)
    part = steps(0.4)
    return [
        ("constant", None, lambda o: S.LambdaLR(o, lambda t: 1.0)),
        ("cosine", None, lambda o: S.CosineAnnealingLR(o, T_max=STEPS)),
        ("cosine:0.01", None, lambda o: S.CosineAnnealingLR(o, T_max=STEPS, eta_min=0.01)),
        ("linear", None, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=STEPS)),
        ("step:1:0.5", None, lambda o: S.StepLR(o, step_size=steps(1), gamma=0.5)),
        ("step:0.4:0.9", None, lambda o: S.StepLR(o, step_size=steps(0.4), gamma=0.9)),
        ("multistep:1,2:0.1", None, lambda o: S.MultiStepLR(o, milestones=[steps(1), steps(2)], gamma=0.1)),
        ("exp:0.5", None, lambda o: S.ExponentialLR(o, gamma=0.5 ** (1.0 / BATCHES))),
        # The case: `--warmup 2,0.1` with a flat rate after it gives 0.01, 0.055, 0.1 at
        # the starts of epochs 1, 2, 3, as PyTorch's LinearLR(start_factor=0.1, total_iters=2).
        ("constant", "2,0.1", lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=steps(2))),
        (
            "cosine",
            "1,0.1",
            lambda o: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=warm1),
                 S.CosineAnnealingLR(o, T_max=STEPS - warm1)],
                milestones=[warm1],
            ),
        ),
        (
            "linear",
            "0.4",
            lambda o: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=1.0 / 3.0, end_factor=1.0, total_iters=part),
                 S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=STEPS - part)],
                milestones=[part],
            ),
        ),
        (
            "step:1:0.5",
            "1,0.2",
            lambda o: S.SequentialLR(
                o,
                [S.LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=warm1),
                 S.StepLR(o, step_size=steps(1), gamma=0.5)],
                milestones=[warm1],
            ),
        ),
    ]


def rates(make):
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=LR)
    sched = make(opt)
    out = []
    for _ in range(STEPS):
        out.append(opt.param_groups[0]["lr"])
        w.grad = torch.zeros(1)
        opt.step()
        sched.step()
    return out


def main():
    fixture = {
        "torch_version": torch.__version__,
        "epochs": EPOCHS,
        "batches_per_epoch": BATCHES,
        "lr": LR,
        "cases": [
            {"schedule": spec, "warmup": warmup, "rates": rates(make)} for spec, warmup, make in cases()
        ],
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} ({len(fixture['cases'])} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
