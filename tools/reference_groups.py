#!/usr/bin/env python3
"""Record torch.optim with two parameter groups for optim/tests/groups.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_groups.py

The MLP 4 → 8 → 3 of tools/reference_pytorch.py, with its initial weights and batches read from
optim/tests/fixtures/pytorch_mlp.json (so run reference_pytorch.py first), trained for 30 steps
by a torch.optim optimizer (single-tensor code path, foreach=False, float32) with two parameter
groups: group 0 the weights (0.weight, 2.weight) with learning rate λ and weight decay wd, group
1 the biases (0.bias, 2.bias) with another learning rate and no weight decay. One case also
steps a StepLR after every optimizer step, which acts on both groups.

Writes optim/tests/fixtures/pytorch_groups.json: per case the optimizer, each group's
hyperparameters as PyTorch holds them (defaults included) and parameter names, each group's
learning rate before every step, and every parameter after the steps in RECORD. Floats are
written with 9 significant digits, which round-trip an f32 exactly.
"""
import json
import os

import torch

STEPS = 30
RECORD = [1, 2, 3, 5, 10, 15, 20, 25, 30]
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "optim", "tests", "fixtures")
WEIGHTS, BIASES = ["0.weight", "2.weight"], ["0.bias", "2.bias"]

# (case name, Rust optimizer name, torch class, kwargs of group 0, kwargs of group 1, StepLR
# kwargs or None). Rates are those of reference_pytorch.py's MLP cases, the biases' another.
CASES = [
    ("momentum", "momentum", torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.01), dict(lr=0.1, momentum=0.9, weight_decay=0.0), None),
    ("nag", "nesterov", torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), dict(lr=0.02, momentum=0.5, nesterov=True, weight_decay=0.0), None),
    ("adagrad", "adagrad", torch.optim.Adagrad, dict(lr=0.05, weight_decay=0.01), dict(lr=0.2, weight_decay=0.0), None),
    ("adadelta", "adadelta", torch.optim.Adadelta, dict(lr=1.0, weight_decay=0.01), dict(lr=0.5, weight_decay=0.0), None),
    ("rmsprop", "rmsprop", torch.optim.RMSprop, dict(lr=0.01, weight_decay=0.01), dict(lr=0.003, alpha=0.9, weight_decay=0.0), None),
    ("adam", "adam", torch.optim.Adam, dict(lr=0.01, weight_decay=0.01), dict(lr=0.03, weight_decay=0.0), None),
    ("adamw", "adamw", torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), dict(lr=0.03, weight_decay=0.0), None),
    ("adam_steplr", "adam", torch.optim.Adam, dict(lr=0.01, weight_decay=0.01), dict(lr=0.03, weight_decay=0.0), dict(step_size=10, gamma=0.5)),
    ("momentum_steplr", "momentum", torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=0.01), dict(lr=0.1, momentum=0.9, weight_decay=0.0), dict(step_size=7, gamma=0.3)),
]


def r9(v):
    """An f32 value as a JSON number with 9 significant digits (exact round trip)."""
    return float(f"{float(v):.9g}")


def flat(t):
    return [r9(v) for v in t.detach().reshape(-1).tolist()]


def hyper(group):
    """Every hyperparameter PyTorch holds for the group, defaults included."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k not in ("params", "initial_lr") and (v is None or isinstance(v, (bool, int, float, tuple)))}


def main():
    torch.set_num_threads(1)
    with open(os.path.join(FIXTURES, "pytorch_mlp.json")) as f:
        mlp = json.load(f)
    shapes = {k: tuple(v) for k, v in mlp["shapes"].items()}
    init = {k: torch.tensor(v, dtype=torch.float32).reshape(shapes[k]) for k, v in mlp["init"].items()}
    xs = [torch.tensor(b, dtype=torch.float32).reshape(5, 4) for b in mlp["inputs"]]
    ys = [torch.tensor(b) for b in mlp["labels"]]
    out = {"torch_version": torch.__version__, "steps": STEPS, "record_steps": RECORD, "source": "pytorch_mlp.json", "cases": []}
    for name, rust_name, cls, kw0, kw1, steplr in CASES:
        params = {k: torch.nn.Parameter(v.clone()) for k, v in init.items()}
        opt = cls([{"params": [params[n] for n in WEIGHTS], **kw0}, {"params": [params[n] for n in BIASES], **kw1}], foreach=False)
        sched = torch.optim.lr_scheduler.StepLR(opt, **steplr) if steplr else None
        groups = [{"params": names, "hyper": hyper(g)} for names, g in zip([WEIGHTS, BIASES], opt.param_groups)]
        lrs, record = [], {}
        for step in range(1, STEPS + 1):
            lrs.append([g["lr"] for g in opt.param_groups])
            opt.zero_grad()
            h = torch.relu(xs[step - 1] @ params["0.weight"].T + params["0.bias"])
            loss = torch.nn.functional.cross_entropy(h @ params["2.weight"].T + params["2.bias"], ys[step - 1])
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            if step in RECORD:
                record[str(step)] = {k: flat(p) for k, p in params.items()}
        case = {"name": name, "optimizer": rust_name, "torch": cls.__name__, "groups": groups, "lrs": lrs, "params": record}
        if steplr:
            case["steplr"] = steplr
        out["cases"].append(case)
        print(f"{name:<16} final loss {loss.item():.4f}")
    path = os.path.join(FIXTURES, "pytorch_groups.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
