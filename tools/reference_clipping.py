#!/usr/bin/env python3
"""Record torch.nn.utils.clip_grad_norm_ and clip_grad_value_ for optim/tests/clipping.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_clipping.py

Four float32 parameters "a" [3, 4], "b" [4], "c" [2, 2] and "frozen" [3], the first three with
fixed gradients and "frozen" with none. Each case clips a fresh copy of the gradients and
records what the function returned (the total norm before clipping, for clip_grad_norm_) and
every gradient after (null for "frozen"): norm types 2, 1 and inf, each with max_norm below
and above the total norm; gradients holding inf and NaN (error_if_nonfinite=False, the
default); and clip_grad_value_. Non-finite values are the strings "nan", "inf", "-inf".

Writes optim/tests/fixtures/pytorch_clipping.json; floats with 9 significant digits.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "optim", "tests", "fixtures", "pytorch_clipping.json")
SHAPES = {"a": [3, 4], "b": [4], "c": [2, 2], "frozen": [3]}


def r9(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(f"{v:.9g}")


def gradients(special=None):
    g = torch.Generator().manual_seed(0)
    grads = {n: (torch.randn(s, generator=g) * 0.7).to(torch.float32) for n, s in SHAPES.items() if n != "frozen"}
    grads = {n: torch.tensor([float(f"{v:.9g}") for v in t.reshape(-1).tolist()], dtype=torch.float32).reshape(t.shape) for n, t in grads.items()}
    if special is not None:
        grads["b"][1] = special
    return grads


def params_with(grads):
    params = {}
    for n, s in SHAPES.items():
        p = torch.nn.Parameter(torch.zeros(s))
        if n in grads:
            p.grad = grads[n].clone()
        params[n] = p
    return params


def main():
    torch.set_num_threads(1)
    base = gradients()
    total2 = torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in base.values()])).item()
    cases = []
    for norm_type in [2.0, 1.0, math.inf]:
        total = torch.linalg.vector_norm(torch.cat([g.reshape(-1) for g in base.values()]), norm_type).item()
        for label, max_norm in [("below", 0.5 * total), ("above", 2.0 * total)]:
            cases.append((f"norm_{norm_type}_{label}", "norm", dict(max_norm=float(f"{max_norm:.6g}"), norm_type=norm_type), None))
    cases.append(("norm_2_inf_gradient", "norm", dict(max_norm=1.0, norm_type=2.0), math.inf))
    cases.append(("norm_2_nan_gradient", "norm", dict(max_norm=1.0, norm_type=2.0), math.nan))
    cases.append(("norm_inf_nan_gradient", "norm", dict(max_norm=1.0, norm_type=math.inf), math.nan))
    cases.append(("value_0.3", "value", dict(clip_value=0.3), None))
    cases.append(("value_nan_gradient", "value", dict(clip_value=0.3), math.nan))
    out = {"torch_version": torch.__version__, "shapes": SHAPES, "gradients": {n: [r9(v) for v in g.reshape(-1).tolist()] for n, g in base.items()}, "total_norm_2": r9(total2), "cases": []}
    for name, kind, kwargs, special in cases:
        grads = gradients(special)
        params = params_with(grads)
        case = {"name": name, "kind": kind, "special_b1": None if special is None else r9(special)}
        case.update({k: (r9(v) if isinstance(v, float) else v) for k, v in kwargs.items()})
        if kind == "norm":
            case["returned"] = r9(torch.nn.utils.clip_grad_norm_(params.values(), **kwargs).item())
        else:
            torch.nn.utils.clip_grad_value_(params.values(), **kwargs)
        case["clipped"] = {n: None if p.grad is None else [r9(v) for v in p.grad.reshape(-1).tolist()] for n, p in params.items()}
        out["cases"].append(case)
        print(f"{name:<24} {case.get('returned', '')}")
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
