#!/usr/bin/env python3
"""Reference trajectories of the COURSE forms, written straight from shared/OPTIMIZERS.md in numpy.

Independent of the Rust code (nothing here was read from optim/src). Run once by hand in the
reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_course.py

Math in float64; results rounded to float32 (9 significant digits) when written. The starting
point, inputs and hyperparameters are first rounded to float32, because that is what the f32
Rust code receives. Problems are those of tools/reference_pytorch.py:
(a) Rosenbrock f(x, y) = (1 − x)² + 100 (y − x²)² from (−1.2, 1.0), analytic gradient, 60 steps;
(b) the MLP 4 → 8 → 3 with mean cross-entropy, hand-written forward/backward, with the initial
    weights and batches read from optim/tests/fixtures/pytorch_mlp.json (so run
    reference_pytorch.py first).

Writes optim/tests/fixtures/course_rosenbrock.json and course_mlp.json.
"""
import json
import os

import numpy as np

STEPS = 60
MLP_RECORD = [1, 2, 3, 5, 10, 20, 30, 40, 50, 60]
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "optim", "tests", "fixtures")


def f32(v):
    """The float64 value of v rounded to float32 (what the Rust code holds)."""
    return np.asarray(v, dtype=np.float32).astype(np.float64)


def r9(v):
    return float(f"{float(np.float32(v)):.9g}")


# ---------------------------------------------------------------- the course's update rules
# Each rule: init(w) -> state; update(w, g, state, t, lr) -> new w (state updated in place).
# `grad_at` is only used by NAG, which needs the gradient at the look-ahead point.


def sgd(h):
    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        g = [gi + h["weight_decay"] * wi for gi, wi in zip(g, w)]
        return [wi - lr * gi for wi, gi in zip(w, g)]

    return step


def momentum(h):
    # ĝ_{i+1} = μ ĝ_i + λ g_i ;  w_{i+1} = w_i − ĝ_{i+1}
    mu = h["momentum"]

    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        s.setdefault("g_hat", [np.zeros_like(wi) for wi in w])
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * wi
            s["g_hat"][k] = mu * s["g_hat"][k] + lr * gk
            out.append(wi - s["g_hat"][k])
        return out

    return step


def nag(h):
    # ĝ_{i+1} = μ ĝ_i + λ g(w_i − μ ĝ_i) ;  w_{i+1} = w_i − ĝ_{i+1}
    mu = h["momentum"]

    def step(w, grad_at, s, t, lr):
        s.setdefault("g_hat", [np.zeros_like(wi) for wi in w])
        ahead = [wi - mu * gh for wi, gh in zip(w, s["g_hat"])]
        g = grad_at(ahead)
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * ahead[k]
            s["g_hat"][k] = mu * s["g_hat"][k] + lr * gk
            out.append(wi - s["g_hat"][k])
        return out

    return step


def adagrad(h):
    # G_t = Σ g² ;  w ← w − λ / sqrt(G_t + ε) · g
    eps = h["eps"]

    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        s.setdefault("G", [np.zeros_like(wi) for wi in w])
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * wi
            s["G"][k] = s["G"][k] + gk * gk
            out.append(wi - lr / np.sqrt(s["G"][k] + eps) * gk)
        return out

    return step


def adadelta(h):
    # MA[g²]_t = γ MA + (1 − γ) g² ; Δw = sqrt(MA[Δw²]_{t−1} + ε) / sqrt(MA[g²]_t + ε) · g ;
    # w ← w − Δw ; MA[Δw²]_t = γ MA + (1 − γ) Δw².  No learning rate (the lr argument is ignored).
    gamma, eps = h["gamma"], h["eps"]

    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        s.setdefault("ma_g2", [np.zeros_like(wi) for wi in w])
        s.setdefault("ma_dw2", [np.zeros_like(wi) for wi in w])
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * wi
            s["ma_g2"][k] = gamma * s["ma_g2"][k] + (1 - gamma) * gk * gk
            dw = np.sqrt(s["ma_dw2"][k] + eps) / np.sqrt(s["ma_g2"][k] + eps) * gk
            out.append(wi - dw)
            s["ma_dw2"][k] = gamma * s["ma_dw2"][k] + (1 - gamma) * dw * dw
        return out

    return step


def rmsprop(h):
    # MA[g²]_t = γ MA + (1 − γ) g² ;  w ← w − λ / sqrt(MA[g²]_t + ε) · g
    gamma, eps = h["gamma"], h["eps"]

    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        s.setdefault("ma_g2", [np.zeros_like(wi) for wi in w])
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * wi
            s["ma_g2"][k] = gamma * s["ma_g2"][k] + (1 - gamma) * gk * gk
            out.append(wi - lr / np.sqrt(s["ma_g2"][k] + eps) * gk)
        return out

    return step


def adam(h):
    # m = β1 m + (1 − β1) g ; v = β2 v + (1 − β2) g² ; m̂ = m/(1 − β1^t) ; v̂ = v/(1 − β2^t) ;
    # w ← w − λ / (sqrt(v̂) + ε) · m̂   or, eps_inside_sqrt, w ← w − λ / sqrt(v̂ + ε) · m̂
    b1, b2, eps = h["beta1"], h["beta2"], h["eps"]

    def step(w, grad_at, s, t, lr):
        g = grad_at(w)
        s.setdefault("m", [np.zeros_like(wi) for wi in w])
        s.setdefault("v", [np.zeros_like(wi) for wi in w])
        out = []
        for k, wi in enumerate(w):
            gk = g[k] + h["weight_decay"] * wi
            s["m"][k] = b1 * s["m"][k] + (1 - b1) * gk
            s["v"][k] = b2 * s["v"][k] + (1 - b2) * gk * gk
            m_hat = s["m"][k] / (1 - b1**t)
            v_hat = s["v"][k] / (1 - b2**t)
            denom = np.sqrt(v_hat + eps) if h["eps_inside_sqrt"] else np.sqrt(v_hat) + eps
            out.append(wi - lr / denom * m_hat)
        return out

    return step


RULES = {"sgd": sgd, "momentum": momentum, "nag": nag, "adagrad": adagrad, "adadelta": adadelta, "rmsprop": rmsprop, "adam": adam}
BASE = {"weight_decay": 0.0, "eps_inside_sqrt": False}

# (case name, optimizer, hyperparameters on Rosenbrock, hyperparameters on the MLP, lr by step or None)
HALF_AT_30 = lambda lr: [lr if t <= 30 else lr / 2 for t in range(1, STEPS + 1)]  # noqa: E731
CASES = [
    ("sgd", "sgd", dict(lr=5e-4), dict(lr=0.1), None),
    ("momentum", "momentum", dict(lr=1e-4, momentum=0.9), dict(lr=0.05, momentum=0.9), None),
    # λ halves after step 30: ĝ keeps the old rate's contribution (differs from PyTorch's form).
    ("momentum_lr_change", "momentum", dict(lr=1e-4, momentum=0.9), dict(lr=0.05, momentum=0.9), HALF_AT_30),
    ("momentum_wd", "momentum", dict(lr=1e-4, momentum=0.9, weight_decay=0.1), dict(lr=0.05, momentum=0.9, weight_decay=0.01), None),
    ("nag", "nag", dict(lr=1e-4, momentum=0.9), dict(lr=0.05, momentum=0.9), None),
    ("adagrad", "adagrad", dict(lr=0.05, eps=1e-8), dict(lr=0.05, eps=1e-8), None),
    ("adadelta", "adadelta", dict(gamma=0.9, eps=1e-6), dict(gamma=0.9, eps=1e-6), None),
    ("rmsprop", "rmsprop", dict(lr=1e-3, gamma=0.9, eps=1e-8), dict(lr=0.01, gamma=0.9, eps=1e-8), None),
    ("adam", "adam", dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8), dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8), None),
    ("adam_eps_inside", "adam", dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, eps_inside_sqrt=True), dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, eps_inside_sqrt=True), None),
]


def full(h):
    """Hyperparameters with defaults filled in, numbers rounded to f32 as the Rust code holds them."""
    out = dict(BASE)
    out.update(h)
    return {k: (v if isinstance(v, bool) else float(f32(v))) for k, v in out.items()}


def run(rule, h, lrs, w0, grad_at, record):
    w = [f32(wi) for wi in w0]
    s = {}
    traj = {}
    for t in range(1, STEPS + 1):
        lr = float(f32(lrs[t - 1])) if lrs else h.get("lr", 1.0)
        w = rule(w, grad_at(t), s, t, lr)
        if record is None or t in record:
            traj[t] = w
    return traj


# ---------------------------------------------------------------- (a) Rosenbrock


def rosenbrock_grad(w):
    x, y = w
    # ∂f/∂x = −2(1 − x) − 400 x (y − x²) ;  ∂f/∂y = 200 (y − x²)
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


# ---------------------------------------------------------------- (b) MLP


def mlp_grad(w, xb, yb):
    """Mean cross-entropy of relu(x W1ᵀ + b1) W2ᵀ + b2 and its gradient, by hand."""
    W1, b1, W2, b2 = w
    z = xb @ W1.T + b1  # [B, 8]
    h = np.maximum(z, 0)
    logits = h @ W2.T + b2  # [B, 3]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    B = xb.shape[0]
    dlogits = p.copy()
    dlogits[np.arange(B), yb] -= 1
    dlogits /= B  # ∂L/∂logits = (softmax − onehot) / B
    dW2 = dlogits.T @ h
    db2 = dlogits.sum(axis=0)
    dz = (dlogits @ W2) * (z > 0)
    dW1 = dz.T @ xb
    db1 = dz.sum(axis=0)
    return [dW1, db1, dW2, db2]


def check_mlp_grad():
    """Finite-difference check of the hand-written backward (float64)."""
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(8, 4)), rng.normal(size=8), rng.normal(size=(3, 8)), rng.normal(size=3)]
    xb, yb = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])

    def loss(w):
        W1, b1, W2, b2 = w
        logits = np.maximum(xb @ W1.T + b1, 0) @ W2.T + b2
        m = logits.max(axis=1, keepdims=True)
        lse = np.log(np.exp(logits - m).sum(axis=1)) + m[:, 0]
        return np.mean(lse - logits[np.arange(5), yb])

    g = mlp_grad(w, xb, yb)
    for k in range(4):
        for idx in np.ndindex(w[k].shape):
            wp = [a.copy() for a in w]
            wm = [a.copy() for a in w]
            wp[k][idx] += 1e-6
            wm[k][idx] -= 1e-6
            fd = (loss(wp) - loss(wm)) / 2e-6
            assert abs(fd - g[k][idx]) < 1e-6, (k, idx, fd, g[k][idx])


def main():
    check_mlp_grad()
    with open(os.path.join(FIXTURES, "pytorch_mlp.json")) as f:
        problem = json.load(f)
    names = ["0.weight", "0.bias", "2.weight", "2.bias"]
    shapes = [problem["shapes"][n] for n in names]
    w0 = [np.array(problem["init"][n], dtype=np.float32).reshape(s) for n, s in zip(names, shapes)]
    xs = [np.array(b, dtype=np.float32).reshape(5, 4).astype(np.float64) for b in problem["inputs"]]
    ys = [np.array(b) for b in problem["labels"]]

    ros = {"start": [-1.2, 1.0], "steps": STEPS, "cases": []}
    mlp = {"problem": "pytorch_mlp.json", "steps": STEPS, "record_steps": MLP_RECORD, "cases": []}
    for name, opt, ros_h, mlp_h, schedule in CASES:
        for h_in, out in [(ros_h, ros), (mlp_h, mlp)]:
            h = full(h_in)
            lrs = schedule(h_in["lr"]) if schedule else None
            rule = RULES[opt](h)
            if out is ros:
                traj = run(rule, h, lrs, [np.array([-1.2]), np.array([1.0])], lambda t: rosenbrock_grad, None)
                rec = [[r9(w[0][0]), r9(w[1][0])] for _, w in sorted(traj.items())]
                case = {"name": name, "optimizer": opt, "hyper": h, "trajectory": rec}
            else:
                traj = run(rule, h, lrs, w0, lambda t: (lambda w: mlp_grad(w, xs[t - 1], ys[t - 1])), MLP_RECORD)
                rec = {str(t): {n: [r9(v) for v in wi.reshape(-1)] for n, wi in zip(names, w)} for t, w in traj.items()}
                case = {"name": name, "optimizer": opt, "hyper": h, "params": rec}
            if lrs:
                case["lrs"] = [float(f32(v)) for v in lrs]
            out["cases"].append(case)
        x, y = ros["cases"][-1]["trajectory"][-1]
        print(f"{name:<18} rosenbrock end ({x:.5f}, {y:.5f})")
    for fname, data in [("course_rosenbrock.json", ros), ("course_mlp.json", mlp)]:
        path = os.path.join(FIXTURES, fname)
        with open(path, "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
