#!/usr/bin/env python3
"""Record how PyTorch propagates NaN and infinities through every op, for
autograd/tests/nan_propagation.rs.

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/nan_propagation.py

For every op of autograd/src/ops/ (one or more cases each), small float32 inputs holding NaN,
+inf, −inf and ordinary numbers go through torch on the CPU; the case records the inputs, the
forward value y, a fixed upstream gradient c (the shape of y) and every input's gradient from
`(y * c).sum().backward()`, so that ∂L/∂y = c exactly. For the element-wise functions c holds
NaN and ±inf too, in a second row whose inputs are finite, so that the fixture also says what
each backward does with a NaN or infinite gradient arriving from above (select or multiply).

Writes autograd/tests/fixtures/nan_propagation.json. JSON has no NaN or infinity, so those are
the strings "nan", "inf" and "-inf"; finite floats are written with 9 significant digits, which
round-trip an f32 exactly. Every input value is exactly representable in f32.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "autograd", "tests", "fixtures", "nan_propagation.json")

NAN, INF = math.nan, math.inf

# Element-wise ops: row 0 feeds NaN, ±inf and ordinary numbers with a finite upstream gradient;
# row 1 feeds ordinary numbers (both sides of every kink, 0 included) with NaN and ±inf arriving
# from above.
UNARY_X = [[NAN, INF, -INF, -3.0, -0.5, 0.0, 0.5, 2.0], [-3.0, 0.0, 2.0, -0.5, 0.5, -3.0, 0.0, 2.0]]
UNARY_C = [[0.5, -1.5, 2.0, 1.25, -0.75, 3.0, -2.0, 1.0], [NAN, NAN, NAN, INF, -INF, INF, -INF, -INF]]


def enc(v):
    """One f32 value for JSON: a number with 9 significant digits, or "nan", "inf", "-inf"."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(f"{v:.9g}")


def flat(t):
    return [enc(v) for v in t.detach().reshape(-1).tolist()]


def tensor(values, shape):
    t = torch.tensor(values, dtype=torch.float32).reshape(shape)
    assert all(math.isnan(a) and math.isnan(b) or a == b for a, b in zip(t.reshape(-1).tolist(), torch.tensor(values, dtype=torch.float64).reshape(-1).tolist())), "inputs must be exact in f32"
    return t


def finite_upstream(shape):
    """A fixed, finite, non-zero gradient of any shape: 0.5, −1.5, 2, 1.25, −0.75, 3, −2, 1, …"""
    cycle = [0.5, -1.5, 2.0, 1.25, -0.75, 3.0, -2.0, 1.0]
    n = math.prod(shape)
    return torch.tensor([cycle[i % len(cycle)] for i in range(n)], dtype=torch.float32).reshape(shape)


def case(name, op, f, inputs, params=None, upstream=None, grad=None):
    """Runs y = f(*inputs) and the backward of (y * c).sum(); `inputs` are (values, shape) pairs,
    `grad` says which of them require a gradient (all by default)."""
    grad = grad or [True] * len(inputs)
    xs = [tensor(v, s).requires_grad_(g) for (v, s), g in zip(inputs, grad)]
    y = f(*xs)
    c = finite_upstream(list(y.shape)) if upstream is None else tensor(upstream, list(y.shape))
    (y * c).sum().backward()
    return {
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": [{"shape": list(x.shape), "values": flat(x)} for x in xs],
        "output": {"shape": list(y.shape), "values": flat(y)},
        "upstream": flat(c),
        "grads": [flat(x.grad) if g else None for x, g in zip(xs, grad)],
    }


def unary(name, op, f, params=None):
    return case(name, op, f, [(UNARY_X, [2, 8])], params, upstream=UNARY_C)


def gelu_case():
    """GELU, with one value replaced: torch's vectorized float32 CPU kernel gives gelu(+inf) = NaN,
    while its one-element, strided and float64 paths give +inf, the value of x·Φ(x); the fixture
    records +inf there (the gradient at +inf is NaN on every path: +inf·φ(+inf) = inf·0)."""
    c = unary("gelu", "gelu", F.gelu)
    one = F.gelu(torch.tensor([INF])).item()
    wide = F.gelu(torch.tensor([INF, INF])).tolist()
    assert one == INF and all(math.isnan(v) for v in wide), "torch's gelu(+inf) changed: drop this override"
    xs = flat(tensor(UNARY_X, [2, 8]))
    c["output"]["values"] = [enc(one) if x == "inf" else y for x, y in zip(xs, c["output"]["values"])]
    c["note"] = "gelu(+inf) = +inf from torch's one-element path; its vectorized float32 CPU kernel gives NaN"
    return c


def elementwise_cases():
    yield unary("relu", "relu", torch.relu)
    yield unary("leaky_relu 0.125", "leaky_relu", lambda x: F.leaky_relu(x, 0.125), {"negative_slope": 0.125})
    yield unary("elu 1", "elu", lambda x: F.elu(x, 1.0), {"alpha": 1.0})
    yield unary("elu 0.5", "elu", lambda x: F.elu(x, 0.5), {"alpha": 0.5})
    yield gelu_case()
    yield unary("softplus", "softplus", F.softplus)
    yield unary("sigmoid", "sigmoid", torch.sigmoid)
    yield unary("tanh", "tanh", torch.tanh)
    yield unary("exp", "exp", torch.exp)
    yield unary("log", "log", torch.log)
    yield unary("sqrt", "sqrt", torch.sqrt)
    yield unary("abs", "abs", torch.abs)
    yield unary("neg", "neg", torch.neg)
    yield unary("clamp -1..1", "clamp", lambda x: torch.clamp(x, -1.0, 1.0), {"min": -1.0, "max": 1.0})
    # Torch computes x.pow(p) with sqrt for p = 0.5, 1/sqrt for −0.5, 1/x for −1, x·x for 2,
    # x·x·x for 3, 1/(x·x) for −2, a copy for 1 and 1 for 0, std::pow otherwise; the backward is
    # p·x.pow(p − 1) through the same cases, and zero for p = 0.
    for p in [2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 0.0, 1.0, 1.5, 2.5]:
        yield unary(f"powf {p:g}", "powf", lambda x, p=p: x.pow(p), {"p": p})
    # Arithmetic with a number, as the operators spell it.
    yield unary("x + 1.5", "add_scalar", lambda x: x + 1.5, {"s": 1.5})
    yield unary("x + inf", "add_scalar", lambda x: x + INF, {"s": "inf"})
    yield unary("x * -2.5", "mul_scalar", lambda x: x * -2.5, {"s": -2.5})
    yield unary("x * 0", "mul_scalar", lambda x: x * 0.0, {"s": 0.0})
    yield unary("x - 2", "sub_scalar", lambda x: x - 2.0, {"s": 2.0})
    yield unary("x / 4", "div_scalar", lambda x: x / 4.0, {"s": 4.0})
    yield unary("x / 0", "div_scalar", lambda x: x / 0.0, {"s": 0.0})
    yield unary("2 - x", "scalar_sub", lambda x: 2.0 - x, {"s": 2.0})
    yield unary("2 / x", "scalar_div", lambda x: 2.0 / x, {"s": 2.0})


# Broadcasting pairs: (label, a, b). Same shape: inf − inf, 0·inf, 0/0, x/0, x/inf all occur.
PAIRS = [
    ("[2,4] [2,4]", ([NAN, INF, -INF, 1.0, INF, 0.0, -2.0, 3.0], [2, 4]), ([1.0, -INF, -INF, NAN, INF, 0.0, INF, 0.0], [2, 4])),
    ("[4] [2,4]", ([1.0, INF, 0.0, -2.0], [4]), ([NAN, -INF, INF, 2.0, 3.0, INF, 0.0, -1.0], [2, 4])),
    ("[] [2,4]", ([INF], []), ([1.0, -INF, INF, 0.0, NAN, 2.0, -3.0, 0.5], [2, 4])),
    ("[2,1] [1,4]", ([2.0, -INF], [2, 1]), ([1.0, INF, 0.0, -INF], [1, 4])),
]


def arithmetic_cases():
    for op, f in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div)]:
        for label, a, b in PAIRS:
            yield case(f"{op} {label}", op, f, [a, b])


REDUCE_X = ([1.0, NAN, 2.0, 3.0, INF, 1.0, -INF, 2.0, INF, INF, 1.0, 2.0], [3, 4])
INF_ONLY = ([1.0, INF, 2.0, -1.0, 3.0, INF], [2, 3])
MAX_X = ([1.0, NAN, 3.0, 2.0, -INF, -INF, -INF, -INF, 2.0, INF, INF, 1.0, NAN, 5.0, NAN, 7.0, 3.0, 1.0, 3.0, 0.0], [5, 4])
SOFTMAX_ROWS = [
    [1.0, NAN, 2.0, 3.0],
    [1.0, INF, 2.0, 3.0],
    [1.0, -INF, 2.0, 3.0],
    [-INF, -INF, -INF, -INF],
    [INF, -INF, 1.0, 2.0],
    [0.5, -1.0, 2.0, 0.0],
]


def reduction_cases():
    yield case("sum", "sum", torch.sum, [REDUCE_X])
    yield case("sum of infinities", "sum", torch.sum, [INF_ONLY])
    yield case("sum_axis 0", "sum_axis", lambda x: x.sum(0), [REDUCE_X], {"axis": 0, "keep_dim": False})
    yield case("sum_axis 1 keep_dim", "sum_axis", lambda x: x.sum(1, keepdim=True), [REDUCE_X], {"axis": 1, "keep_dim": True})
    yield case("mean", "mean", torch.mean, [REDUCE_X])
    yield case("mean of infinities", "mean", torch.mean, [INF_ONLY])
    yield case("mean_axis 0", "mean_axis", lambda x: x.mean(0), [REDUCE_X], {"axis": 0, "keep_dim": False})
    yield case("mean_axis 1 keep_dim", "mean_axis", lambda x: x.mean(1, keepdim=True), [REDUCE_X], {"axis": 1, "keep_dim": True})
    yield case("max_axis 1", "max_axis", lambda x: x.max(1).values, [MAX_X], {"axis": 1, "keep_dim": False})
    yield case("max_axis 0 keep_dim", "max_axis", lambda x: x.max(0, keepdim=True).values, [MAX_X], {"axis": 0, "keep_dim": True})
    for axis in [1, 0]:
        x = tensor(MAX_X[0], MAX_X[1])
        yield {
            "name": f"argmax {axis}",
            "op": "argmax",
            "params": {"axis": axis},
            "inputs": [{"shape": MAX_X[1], "values": flat(x)}],
            "output": {"shape": list(x.argmax(axis).shape), "indices": x.argmax(axis).tolist()},
            "upstream": None,
            "grads": [None],
        }


def probability_cases():
    rows = ([v for r in SOFTMAX_ROWS for v in r], [6, 4])
    columns = ([r[j] for j in range(4) for r in SOFTMAX_ROWS], [4, 6])  # the same lanes, along axis 0
    for op, f in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        yield case(f"{op} 1", op, lambda x, f=f: f(x, 1), [rows], {"axis": 1})
        yield case(f"{op} 0", op, lambda x, f=f: f(x, 0), [columns], {"axis": 0})
    ce = [
        ("cross_entropy", [[NAN, 1.0, 2.0], [1.0, -INF, 2.0], [1.0, -INF, 2.0], [INF, 1.0, 2.0], [0.5, -1.0, 2.0]], [1, 0, 1, 0, 2]),
        ("cross_entropy -inf at a label", [[1.0, -INF, 2.0], [1.0, -INF, 2.0], [0.5, -1.0, 2.0]], [0, 1, 2]),
        ("cross_entropy -inf elsewhere", [[1.0, -INF, 2.0], [0.5, -1.0, 2.0]], [0, 2]),
    ]
    for name, logits, labels in ce:
        x = ([v for r in logits for v in r], [len(logits), 3])
        yield case(name, "cross_entropy", lambda x, t=labels: F.cross_entropy(x, torch.tensor(t)), [x], {"labels": labels})
    nll = [
        ("nll_loss", [[NAN, -1.0, -2.0], [-INF, -0.5, -1.0], [-1.0, INF, -2.0]], [1, 0, 2]),
        ("nll_loss nan at a label", [[NAN, -1.0, -2.0], [-0.5, -1.0, INF]], [0, 1]),
    ]
    for name, logp, labels in nll:
        x = ([v for r in logp for v in r], [len(logp), 3])
        yield case(name, "nll_loss", lambda x, t=labels: F.nll_loss(x, torch.tensor(t)), [x], {"labels": labels})
    gather_x = ([NAN, 1.0, INF, 2.0, -INF, NAN, 3.0, 0.0, 1.0, 2.0, NAN, INF, 0.5, NAN, -1.0, 4.0], [4, 4])
    idx = [2, 0, 2, 3]
    yield case("gather_rows", "gather_rows", lambda x: x.gather(1, torch.tensor(idx)[:, None]).squeeze(1), [gather_x], {"indices": idx})
    yield case(
        "mse_loss",
        "mse_loss",
        F.mse_loss,
        [([NAN, INF, INF, 1.0, -INF, 2.0, 0.0, 3.0], [2, 4]), ([1.0, INF, -INF, NAN, 0.0, 2.0, INF, -1.0], [2, 4])],
    )
    yield case("mse_loss of infinities", "mse_loss", F.mse_loss, [([INF, 1.0, 2.0, -INF], [4]), ([0.0, 1.0, 0.0, 1.0], [4])])


def matrix_cases():
    a = ([1.0, NAN, 2.0, INF, 1.0, 0.5, 1.0, 2.0, -1.0], [3, 3])
    b = ([1.0, 0.0, 2.0, 2.0, 1.0, -1.0, INF, -1.0, 0.0], [3, 3])
    yield case("matmul", "matmul", torch.matmul, [a, b])
    x = ([1.0, 2.0, -1.0, INF, 0.0, 1.0, 0.5, NAN, 2.0, 1.0, 1.0, 1.0], [4, 3])
    w = ([1.0, 0.0, -1.0, 2.0, INF, 0.5], [2, 3])
    bias = ([-INF, 1.0], [2])
    yield case("linear", "linear", F.linear, [x, w, bias])
    yield case("linear without bias", "linear", F.linear, [x, w])
    m = ([NAN, INF, -INF, 1.0, 2.0, 3.0], [2, 3])
    yield case("transpose", "transpose", torch.t, [m])
    yield case("reshape", "reshape", lambda x: x.reshape(3, 2), [m], {"shape": [3, 2]})


def chain_cases():
    """The reported bug: one NaN input through Linear → ReLU → Linear → cross-entropy."""
    x = ([0.5, NAN, -1.0, 1.0, 2.0, 0.5], [2, 3])
    w1 = ([0.5, -0.25, 1.0, -1.0, 0.75, 0.5, 0.25, 0.5, -0.5, 1.0, 1.0, 0.25], [4, 3])
    b1 = ([0.125, -0.25, 0.0, 0.375], [4])
    w2 = ([1.0, -0.5, 0.25, 0.5, -1.0, 0.75, 0.5, -0.25], [2, 4])
    b2 = ([0.0, 0.125], [2])
    labels = [0, 1]

    def mlp(x, w1, b1, w2, b2):
        return F.cross_entropy(F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2), torch.tensor(labels))

    yield case("linear relu linear cross_entropy", "mlp", mlp, [x, w1, b1, w2, b2], {"labels": labels})


def main():
    torch.set_num_threads(1)
    groups = [elementwise_cases, arithmetic_cases, reduction_cases, probability_cases, matrix_cases, chain_cases]
    cases = [c for g in groups for c in g()]
    data = {"torch_version": torch.__version__, "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    for c in cases:
        print(f"{c['name']:<36} y = {c['output'].get('values', c['output'].get('indices'))}")
    print(f"wrote {OUT} ({len(cases)} cases, {os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
