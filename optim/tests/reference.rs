//! The seven optimizers against reference trajectories recorded from PyTorch and from an
//! independent implementation of the course's formulas.
//!
//! - PyTorch forms against `torch.optim` itself: `fixtures/pytorch_rosenbrock.json` and
//!   `fixtures/pytorch_mlp.json`, recorded by `tools/reference_pytorch.py` (torch 2.15, float32,
//!   single-tensor code path, `foreach=False`).
//! - Course forms against an independent numpy implementation of the formulas of
//!   `OPTIMIZERS.md` (float64 math, float32-rounded output): `fixtures/course_rosenbrock.json`
//!   and `fixtures/course_mlp.json`, recorded by `tools/reference_course.py`.
//!
//! Both scripts were run once by hand in the reference venv (`tools/README.md`); they never run
//! in CI. Problems: (a) Rosenbrock `f(x, y) = (1 − x)² + 100 (y − x²)²` from (−1.2, 1.0), the
//! point after each of 60 steps; (b) an MLP 4 → 8 → 3 (`x·Wᵀ + b`, ReLU, mean cross-entropy)
//! with the fixture's initial weights and 60 batches of 5, all parameters after steps 1, 2, 3, 5,
//! 10, 20, 30, 40, 50, 60.
//!
//! Tolerance: `|got − want| ≤ 1e-5·|want| + 1e-6` for every value (relative 1e-5 in f32, with a
//! tiny absolute floor for weights passing near zero). The course fixtures come from float64
//! math, so they also bound how far f32 rounding carries the Rust run; on the MLP the observed
//! gap is ≤ 0.2 of the tolerance (see the report printed by `--nocapture`).

use autograd::{Parameters, Tensor};
use optim::{Algorithm, Form, Optimizer};
use serde_json::Value;

const STEPS: usize = 60;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn f32s(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

fn num(h: &Value, key: &str) -> Option<f32> {
    h.get(key).and_then(Value::as_f64).map(|v| v as f32)
}

/// The optimizer `name` with its defaults in `form` and the given fields set, each named as the
/// struct's field; through serde, so a field the struct does not have is refused.
fn rule_with(name: &str, form: Form, fields: Vec<(&str, Value)>) -> Algorithm {
    let rule = Algorithm::defaults(name, form).unwrap_or_else(|| panic!("{name} is a name"));
    let mut json = serde_json::to_value(rule).expect("a rule is plain numbers");
    for (field, value) in fields {
        json[field] = value;
    }
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name} {json}: {e}"))
}

/// `torch.optim` hyperparameters (every one PyTorch used, defaults included) as a rule.
fn torch_rule(name: &str, h: &Value) -> Algorithm {
    // Options the Rust optimizers do not offer must be at PyTorch's neutral defaults.
    for (key, neutral) in [
        ("dampening", 0.0),
        ("lr_decay", 0.0),
        ("initial_accumulator_value", 0.0),
    ] {
        assert_eq!(
            num(h, key).unwrap_or(neutral as f32),
            neutral as f32,
            "unsupported torch option {key}"
        );
    }
    for key in ["centered", "amsgrad", "maximize"] {
        assert_ne!(
            h.get(key),
            Some(&Value::Bool(true)),
            "unsupported torch option {key}"
        );
    }
    // PyTorch's names of our fields: `rho` (Adadelta) and `alpha` (RMSprop) are our γ.
    let mut fields = Vec::new();
    for (theirs, ours) in [
        ("lr", "lr"),
        ("momentum", "momentum"),
        ("rho", "gamma"),
        ("alpha", "gamma"),
        ("eps", "eps"),
        ("weight_decay", "weight_decay"),
    ] {
        // RMSprop's own `momentum` is not offered: it must be 0 (and is not set).
        match h.get(theirs) {
            Some(v) if !(theirs == "momentum" && v.as_f64() == Some(0.0)) => {
                fields.push((ours, v.clone()))
            }
            _ => {}
        }
    }
    if let Some(betas) = h.get("betas") {
        fields.push(("beta1", betas[0].clone()));
        fields.push(("beta2", betas[1].clone()));
    }
    rule_with(name, Form::PyTorch, fields)
}

/// The course fixture's hyperparameters (named as our fields) as a rule.
fn course_rule(name: &str, h: &Value) -> Algorithm {
    let fields = h
        .as_object()
        .expect("an object")
        .iter()
        // `eps_inside_sqrt: false` is written for every optimizer; only Adam has the field.
        .filter(|(k, v)| !(k.as_str() == "eps_inside_sqrt" && **v == Value::Bool(false)))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    rule_with(name, Form::Course, fields)
}

/// A problem: its parameter registry and a loss for step `t` (1-based) built from autograd ops.
trait Problem {
    fn params(&self) -> Parameters;
    fn loss(&self, params: &Parameters, t: usize) -> Tensor;
}

/// Rosenbrock `(1 − x)² + 100 (y − x²)²`, with `x` and `y` two parameters of shape [1].
struct Rosenbrock;

impl Problem for Rosenbrock {
    fn params(&self) -> Parameters {
        let mut p = Parameters::new();
        p.push(
            "x",
            Tensor::from_vec(vec![-1.2], &[1]).unwrap().requires_grad(),
        );
        p.push(
            "y",
            Tensor::from_vec(vec![1.0], &[1]).unwrap().requires_grad(),
        );
        p
    }

    fn loss(&self, params: &Parameters, _t: usize) -> Tensor {
        let (x, y) = (params.get("x").unwrap(), params.get("y").unwrap());
        let a = 1.0 - x;
        let b = y - &(x * x);
        (&(&a * &a) + &(100.0 * &(&b * &b))).sum()
    }
}

/// The MLP 4 → 8 → 3 of `pytorch_mlp.json`: `relu(x·W1ᵀ + b1)·W2ᵀ + b2`, mean cross-entropy.
struct Mlp {
    init: Vec<(String, Vec<usize>, Vec<f32>)>,
    inputs: Vec<Tensor>,
    labels: Vec<Vec<usize>>,
}

impl Mlp {
    fn from_fixture(f: &Value) -> Mlp {
        let init = ["0.weight", "0.bias", "2.weight", "2.bias"]
            .iter()
            .map(|&n| {
                let shape: Vec<usize> = f["shapes"][n]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_u64().unwrap() as usize)
                    .collect();
                (n.to_string(), shape, f32s(&f["init"][n]))
            })
            .collect();
        let inputs = f["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| Tensor::from_vec(f32s(b), &[5, 4]).unwrap())
            .collect();
        let labels = f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                b.as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_u64().unwrap() as usize)
                    .collect()
            })
            .collect();
        Mlp {
            init,
            inputs,
            labels,
        }
    }
}

impl Problem for Mlp {
    fn params(&self) -> Parameters {
        let mut p = Parameters::new();
        for (name, shape, values) in &self.init {
            p.push(
                name.clone(),
                Tensor::from_vec(values.clone(), shape)
                    .unwrap()
                    .requires_grad(),
            );
        }
        p
    }

    fn loss(&self, params: &Parameters, t: usize) -> Tensor {
        let w = |n: &str| params.get(n).unwrap();
        let x = &self.inputs[t - 1];
        let h = (&x.matmul(&w("0.weight").t()) + w("0.bias")).relu();
        let logits = &h.matmul(&w("2.weight").t()) + w("2.bias");
        logits.cross_entropy(&self.labels[t - 1])
    }
}

/// Runs `STEPS` steps and returns the parameters (in registry order, flattened) after each one.
///
/// PyTorch forms step like `torch.optim` (`zero_grad`, `backward`, `step`); course forms go
/// through `step_with_closure`, which NAG's course form needs to take the gradient at its
/// look-ahead point. `lrs`, when given, is set before each step.
fn run(
    problem: &dyn Problem,
    rule: Algorithm,
    form: Form,
    lrs: Option<&[f32]>,
) -> Result<Vec<Vec<f32>>, String> {
    let mut opt = Optimizer::new(problem.params(), rule).map_err(|e| format!("new: {e}"))?;
    let params = opt.params();
    let mut out = Vec::with_capacity(STEPS);
    for t in 1..=STEPS {
        if let Some(lrs) = lrs {
            opt.set_lr(lrs[t - 1])
                .map_err(|e| format!("step {t}: {e}"))?;
        }
        if form == Form::PyTorch {
            opt.zero_grad();
            problem.loss(&params, t).backward();
            opt.step().map_err(|e| format!("step {t}: {e}"))?;
        } else {
            let mut closure = || {
                params.zero_grad();
                let loss = problem.loss(&params, t);
                loss.backward();
                loss.item()
            };
            opt.step_with_closure(&mut closure)
                .map_err(|e| format!("step {t}: {e}"))?;
        }
        out.push(params.iter().flat_map(|p| p.tensor.to_vec()).collect());
    }
    Ok(out)
}

/// A fixture case's rule, from its optimizer name and hyperparameters.
fn rule_of(case: &Value, form: Form) -> Algorithm {
    let name = case["optimizer"].as_str().unwrap();
    match form {
        Form::PyTorch => torch_rule(name, &case["hyper"]),
        Form::Course => course_rule(name, &case["hyper"]),
    }
}

/// Worst value of `|got − want| / (1e-5·|want| + 1e-6)` (≤ 1 passes) and of the plain relative
/// error `|got − want| / |want|` over values with `|want| ≥ 1e-3`.
fn compare(got: &[f32], want: &[f32]) -> (f64, f64) {
    assert_eq!(got.len(), want.len());
    let (mut ratio, mut rel) = (0.0f64, 0.0f64);
    for (&g, &w) in got.iter().zip(want) {
        let (g, w) = (g as f64, w as f64);
        let err = (g - w).abs();
        ratio = ratio.max(if err.is_nan() {
            f64::INFINITY
        } else {
            err / (1e-5 * w.abs() + 1e-6)
        });
        if w.abs() >= 1e-3 {
            rel = rel.max(err / w.abs());
        }
    }
    (ratio, rel)
}

/// Checks every case of a Rosenbrock fixture; returns the failures.
fn check_rosenbrock(file: &str, form: Form) -> Vec<String> {
    let f = fixture(file);
    let mut failures = Vec::new();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let lrs = case.get("lrs").map(f32s);
        let want: Vec<Vec<f32>> = case["trajectory"]
            .as_array()
            .unwrap()
            .iter()
            .map(f32s)
            .collect();
        assert_eq!(want.len(), STEPS, "{file} {name}");
        match run(&Rosenbrock, rule_of(case, form), form, lrs.as_deref()) {
            Err(e) => failures.push(format!("{file} {name}: {e}")),
            Ok(got) => {
                let (mut ratio, mut rel, mut first_bad) = (0.0f64, 0.0f64, None);
                for (t, (g, w)) in got.iter().zip(&want).enumerate() {
                    let (r, e) = compare(g, w);
                    if r > 1.0 && first_bad.is_none() {
                        first_bad = Some(format!("step {}: got {g:?}, want {w:?}", t + 1));
                    }
                    (ratio, rel) = (ratio.max(r), rel.max(e));
                }
                println!("{file:<24} {name:<20} max rel err {rel:.2e}  (err/tol {ratio:.3})");
                if let Some(bad) = first_bad {
                    failures.push(format!("{file} {name}: {bad}"));
                }
            }
        }
    }
    failures
}

/// Checks every case of an MLP fixture (`problem` holds the weights and batches); returns the
/// failures.
fn check_mlp(file: &str, problem: &Mlp, form: Form) -> Vec<String> {
    let f = fixture(file);
    let names = ["0.weight", "0.bias", "2.weight", "2.bias"];
    let mut failures = Vec::new();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let lrs = case.get("lrs").map(f32s);
        match run(problem, rule_of(case, form), form, lrs.as_deref()) {
            Err(e) => failures.push(format!("{file} {name}: {e}")),
            Ok(got) => {
                let (mut ratio, mut rel, mut first_bad) = (0.0f64, 0.0f64, None);
                let recorded = case["params"].as_object().unwrap();
                assert!(
                    recorded.contains_key("60"),
                    "{file} {name}: step 60 recorded"
                );
                for (step, params) in recorded {
                    let t: usize = step.parse().unwrap();
                    let want: Vec<f32> = names.iter().flat_map(|n| f32s(&params[*n])).collect();
                    let (r, e) = compare(&got[t - 1], &want);
                    if r > 1.0 && first_bad.is_none() {
                        first_bad = Some(format!("step {t}: err/tol {r:.3}"));
                    }
                    (ratio, rel) = (ratio.max(r), rel.max(e));
                }
                println!("{file:<24} {name:<20} max rel err {rel:.2e}  (err/tol {ratio:.3})");
                if let Some(bad) = first_bad {
                    failures.push(format!("{file} {name}: {bad}"));
                }
            }
        }
    }
    failures
}

#[test]
fn pytorch_forms_match_torch_optim_on_rosenbrock() {
    let failures = check_rosenbrock("pytorch_rosenbrock.json", Form::PyTorch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pytorch_forms_match_torch_optim_on_mlp() {
    let mlp = Mlp::from_fixture(&fixture("pytorch_mlp.json"));
    let failures = check_mlp("pytorch_mlp.json", &mlp, Form::PyTorch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn course_forms_match_numpy_reference_on_rosenbrock() {
    let failures = check_rosenbrock("course_rosenbrock.json", Form::Course);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn course_forms_match_numpy_reference_on_mlp() {
    let mlp = Mlp::from_fixture(&fixture("pytorch_mlp.json"));
    let failures = check_mlp("course_mlp.json", &mlp, Form::Course);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mlp_forward_matches_torch_loss() {
    // The recorded loss of step 1 is the forward pass at the initial weights: checks the
    // problem itself (matmul with Wᵀ, bias broadcast, ReLU, mean cross-entropy), independent
    // of any optimizer.
    let f = fixture("pytorch_mlp.json");
    let mlp = Mlp::from_fixture(&f);
    let want = f["cases"][0]["losses"][0].as_f64().unwrap() as f32;
    let got = mlp.loss(&mlp.params(), 1).item();
    assert!(
        (got - want).abs() <= 1e-6 * want.abs(),
        "loss {got} vs torch {want}"
    );
    // Rosenbrock at (−1.2, 1): 2.2² + 100·0.44² = 4.84 + 19.36 = 24.2.
    assert!((Rosenbrock.loss(&Rosenbrock.params(), 1).item() - 24.2).abs() < 1e-5);
}

#[test]
fn tolerance_separates_the_momentum_forms() {
    // The comparison is sharp enough to tell the conventions apart: when λ halves after step 30,
    // the course form's ĝ keeps the old rate's steps while PyTorch's v is rescaled at once, so
    // PyTorch's form must fail against the course fixture (and the course form passes above).
    let f = fixture("course_rosenbrock.json");
    let case = f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "momentum_lr_change")
        .unwrap();
    let lrs = f32s(&case["lrs"]);
    let Algorithm::Momentum(course) = course_rule("momentum", &case["hyper"]) else {
        panic!("a momentum case")
    };
    let pytorch = optim::Momentum {
        form: Form::PyTorch,
        ..course
    };
    let got = run(&Rosenbrock, pytorch.into(), Form::PyTorch, Some(&lrs)).unwrap();
    let want: Vec<Vec<f32>> = case["trajectory"]
        .as_array()
        .unwrap()
        .iter()
        .map(f32s)
        .collect();
    let before = compare(&got[29], &want[29]).0;
    let after = compare(&got[59], &want[59]).0;
    assert!(
        before <= 1.0,
        "identical while λ is constant: err/tol {before}"
    );
    assert!(
        after > 10.0,
        "PyTorch's form must differ after the change: err/tol {after}"
    );
}
