//! Every op against PyTorch with NaN, +inf and −inf in its inputs, forward and backward.
//!
//! The fixture `fixtures/nan_propagation.json` was recorded by `tools/nan_propagation.py` (run
//! by hand in the reference venv, see `tools/README.md`): for each case the inputs, torch's
//! output, a fixed upstream gradient `c` and torch's input gradients from
//! `(y * c).sum().backward()`. For the element-wise functions `c` holds NaN and ±inf too, so the
//! fixture also pins down what each backward does with a non-finite gradient from above.
//!
//! A value matches when both are NaN, both are the same infinity, or both are finite and agree
//! to 1e-5 relative with an absolute floor of 1e-6 (the ops round differently from torch's
//! kernels in the last bits; gelu's `1 + erf(x/√2)` near −3 cancels to ~1e-6 absolute). Zeros
//! of either sign match.

use autograd::Tensor;
use serde_json::Value;

/// Every op of `autograd/src/ops/`, as the fixture names them: a case of each must be there.
const OPS: &[&str] = &[
    // arithmetic, with broadcasting, and with a number
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "powf",
    "add_scalar",
    "mul_scalar",
    "sub_scalar",
    "div_scalar",
    "scalar_sub",
    "scalar_div",
    // element-wise functions
    "abs",
    "clamp",
    "exp",
    "log",
    "sqrt",
    // activations
    "elu",
    "gelu",
    "leaky_relu",
    "relu",
    "sigmoid",
    "softplus",
    "tanh",
    // shapes and reductions
    "linear",
    "matmul",
    "max_axis",
    "argmax",
    "mean",
    "mean_axis",
    "reshape",
    "sum",
    "sum_axis",
    "transpose",
    // probabilities and losses
    "cross_entropy",
    "nll_loss",
    "gather_rows",
    "log_softmax",
    "mse_loss",
    "softmax",
];

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/nan_propagation.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture committed with the test");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

/// One f32 of the fixture: a number, or the string "nan", "inf" or "-inf".
fn number(v: &Value) -> f32 {
    match v {
        Value::String(s) => match s.as_str() {
            "nan" => f32::NAN,
            "inf" => f32::INFINITY,
            "-inf" => f32::NEG_INFINITY,
            other => panic!("not a number: {other:?}"),
        },
        _ => v.as_f64().expect("a number") as f32,
    }
}

fn numbers(v: &Value) -> Vec<f32> {
    v.as_array().expect("an array").iter().map(number).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_u64().expect("an index") as usize)
        .collect()
}

/// A tensor from `{"shape": […], "values": […]}`.
fn tensor(v: &Value) -> Tensor {
    Tensor::from_vec(numbers(&v["values"]), &usizes(&v["shape"])).expect("values fit the shape")
}

/// Our op for a fixture case, applied to its inputs.
fn apply(case: &Value, t: &[Tensor]) -> Tensor {
    let p = &case["params"];
    let f = |key: &str| number(&p[key]);
    let axis = || p["axis"].as_u64().expect("axis") as usize;
    let keep_dim = || p["keep_dim"].as_bool().expect("keep_dim");
    let labels = || usizes(&p["labels"]);
    match case["op"].as_str().expect("op") {
        "add" => &t[0] + &t[1],
        "sub" => &t[0] - &t[1],
        "mul" => &t[0] * &t[1],
        "div" => &t[0] / &t[1],
        "neg" => -&t[0],
        "powf" => t[0].powf(f("p")),
        "add_scalar" => &t[0] + f("s"),
        "mul_scalar" => &t[0] * f("s"),
        "sub_scalar" => &t[0] - f("s"),
        "div_scalar" => &t[0] / f("s"),
        "scalar_sub" => f("s") - &t[0],
        "scalar_div" => f("s") / &t[0],
        "abs" => t[0].abs(),
        "clamp" => t[0].clamp(f("min"), f("max")),
        "exp" => t[0].exp(),
        "log" => t[0].log(),
        "sqrt" => t[0].sqrt(),
        "elu" => t[0].elu(f("alpha")),
        "gelu" => t[0].gelu(),
        "leaky_relu" => t[0].leaky_relu(f("negative_slope")),
        "relu" => t[0].relu(),
        "sigmoid" => t[0].sigmoid(),
        "softplus" => t[0].softplus(),
        "tanh" => t[0].tanh(),
        "linear" => t[0].linear(&t[1], t.get(2)),
        "matmul" => t[0].matmul(&t[1]),
        "max_axis" => t[0].max_axis(axis(), keep_dim()),
        "mean" => t[0].mean(),
        "mean_axis" => t[0].mean_axis(axis(), keep_dim()),
        "reshape" => t[0].reshape(&usizes(&p["shape"])),
        "sum" => t[0].sum(),
        "sum_axis" => t[0].sum_axis(axis(), keep_dim()),
        "transpose" => t[0].transpose(),
        "cross_entropy" => t[0].cross_entropy(&labels()),
        "nll_loss" => t[0].nll_loss(&labels()),
        "gather_rows" => t[0].gather_rows(&usizes(&p["indices"])),
        "log_softmax" => t[0].log_softmax(axis()),
        "mse_loss" => t[0].mse_loss(&t[1]),
        "softmax" => t[0].softmax(axis()),
        // The reported bug: Linear → ReLU → Linear → cross-entropy on an input holding a NaN.
        "mlp" => t[0]
            .linear(&t[1], Some(&t[2]))
            .relu()
            .linear(&t[3], Some(&t[4]))
            .cross_entropy(&labels()),
        other => panic!("the test has no op for fixture op {other:?}"),
    }
}

/// Where `got` first differs from torch's `want`: NaN against non-NaN, a different infinity, or
/// finite values more than 1e-5 relative (1e-6 absolute) apart.
fn mismatch(got: &[f32], want: &[f32]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{} values, torch has {}", got.len(), want.len()));
    }
    let differ = |g: f32, w: f32| {
        if w.is_nan() || w.is_infinite() {
            !(g.is_nan() && w.is_nan() || g == w)
        } else {
            !g.is_finite() || (g - w).abs() > (1e-5 * w.abs()).max(1e-6)
        }
    };
    let i = (0..got.len()).find(|&i| differ(got[i], want[i]))?;
    Some(format!(
        "at {i}: got {}, torch {}\n      got   {got:?}\n      torch {want:?}",
        got[i], want[i]
    ))
}

/// Runs one case; returns what differs from torch, if anything.
fn check(case: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let grads = case["grads"].as_array().expect("grads");
    let inputs: Vec<Tensor> = case["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .zip(grads)
        .map(|(v, g)| {
            let t = tensor(v);
            if g.is_null() {
                t
            } else {
                t.requires_grad()
            }
        })
        .collect();
    let output = &case["output"];
    if case["op"] == "argmax" {
        let axis = case["params"]["axis"].as_u64().expect("axis") as usize;
        let got = inputs[0].argmax(axis).into_raw_vec_and_offset().0;
        if got != usizes(&output["indices"]) {
            failures.push(format!("indices {got:?}, torch {}", output["indices"]));
        }
        return failures;
    }
    let y = apply(case, &inputs);
    if y.shape() != usizes(&output["shape"]) {
        failures.push(format!("shape {:?}, torch {}", y.shape(), output["shape"]));
        return failures;
    }
    if let Some(m) = mismatch(&y.to_vec(), &numbers(&output["values"])) {
        failures.push(format!("forward {m}"));
    }
    let c = Tensor::from_vec(numbers(&case["upstream"]), &y.shape()).expect("c has y's shape");
    (&y * &c).sum().backward();
    for (i, (x, want)) in inputs.iter().zip(grads).enumerate() {
        if want.is_null() {
            continue;
        }
        let got: Vec<f32> = x.grad().map_or(vec![], |g| g.iter().copied().collect());
        if let Some(m) = mismatch(&got, &numbers(want)) {
            failures.push(format!("gradient of input {i} {m}"));
        }
    }
    failures
}

#[test]
fn every_op_propagates_nan_and_infinity_as_pytorch_does() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().expect("cases");
    let failures: Vec<String> = cases
        .iter()
        .flat_map(|case| {
            let name = case["name"].as_str().expect("name").to_owned();
            check(case).into_iter().map(move |f| format!("{name}: {f}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} differences from torch {} in {} cases:\n{}",
        failures.len(),
        fixture["torch_version"],
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn fixture_covers_every_op() {
    let fixture = fixture();
    let in_fixture: Vec<&str> = fixture["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["op"].as_str().expect("op"))
        .collect();
    let missing: Vec<&&str> = OPS.iter().filter(|op| !in_fixture.contains(op)).collect();
    assert!(missing.is_empty(), "no fixture case for {missing:?}");
}
