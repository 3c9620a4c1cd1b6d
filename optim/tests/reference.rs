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

mod common;

use autograd::{Parameters, Tensor};
use common::{course_rule, f32s, fixture, torch_rule, Mlp, Problem};
use optim::{Algorithm, Form, Optimizer};
use serde_json::Value;

const STEPS: usize = 60;

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
