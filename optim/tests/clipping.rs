//! Gradient clipping against `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`.
//!
//! The fixture `fixtures/pytorch_clipping.json` was recorded by `tools/reference_clipping.py`
//! (run by hand in the reference venv, see `tools/README.md`): parameters `a` [3, 4], `b` [4],
//! `c` [2, 2] with fixed gradients and `frozen` [3] with none; per case the returned total norm
//! and every gradient after clipping. Norms here are summed in f64 and PyTorch's in f32, and
//! PyTorch computes `max_norm / (N + 1e-6)` as a reciprocal times `max_norm`: both agree to a
//! few f32 ulps, so the tolerance is 1e-6 relative with a floor of 1e-7.

mod common;

use autograd::{ArrayD, IxDyn, Parameters, Tensor};
use common::fixture;
use optim::{clip_grad_norm, clip_grad_value};
use serde_json::Value;

/// A number of the fixture: a JSON number or `"nan"`, `"inf"`, `"-inf"`.
fn value(v: &Value) -> f32 {
    match v.as_str() {
        Some("nan") => f32::NAN,
        Some("inf") => f32::INFINITY,
        Some("-inf") => f32::NEG_INFINITY,
        Some(other) => panic!("not a number: {other}"),
        None => v.as_f64().expect("a number") as f32,
    }
}

fn values(v: &Value) -> Vec<f32> {
    v.as_array().expect("an array").iter().map(value).collect()
}

/// Equal to the tolerance, with NaN equal to NaN and infinities of the same sign.
fn close(got: f32, want: f32) -> bool {
    if want.is_nan() || want.is_infinite() {
        return got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
    }
    (got - want).abs() <= 1e-6 * want.abs() + 1e-7
}

/// The fixture's parameters, with its gradients (`b[1]` replaced by `special`, if any).
fn parameters(f: &Value, special: Option<f32>) -> Parameters {
    let mut params = Parameters::new();
    for name in ["a", "b", "c", "frozen"] {
        let shape: Vec<usize> = f["shapes"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let n = shape.iter().product();
        let tensor = Tensor::from_vec(vec![0.0; n], &shape)
            .unwrap()
            .requires_grad();
        if let Some(g) = f["gradients"].get(name) {
            let mut g = values(g);
            if let (Some(x), "b") = (special, name) {
                g[1] = x;
            }
            *tensor.grad_slot() = Some(ArrayD::from_shape_vec(IxDyn(&shape), g).unwrap());
        }
        params.push(name, tensor);
    }
    params
}

#[test]
fn clipping_matches_pytorch() {
    let f = fixture("pytorch_clipping.json");
    let mut failures = Vec::new();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let special = (!case["special_b1"].is_null()).then(|| value(&case["special_b1"]));
        let params = parameters(&f, special);
        if case["kind"] == "norm" {
            let norm_type = value(&case["norm_type"]);
            let got = clip_grad_norm(&params, value(&case["max_norm"]), norm_type);
            let want = value(&case["returned"]);
            if !close(got, want) {
                failures.push(format!("{name}: returned {got}, PyTorch {want}"));
            }
        } else {
            clip_grad_value(&params, value(&case["clip_value"]));
        }
        for p in params.iter() {
            let want = &case["clipped"][&p.name];
            let got = p
                .tensor
                .grad()
                .map(|g| g.iter().copied().collect::<Vec<f32>>());
            match (got, want.is_null()) {
                (None, true) => {}
                (Some(got), false) => {
                    let want = values(want);
                    if !got.iter().zip(&want).all(|(&g, &w)| close(g, w)) {
                        failures.push(format!("{name} {}: got {got:?}, PyTorch {want:?}", p.name));
                    }
                }
                (got, _) => {
                    failures.push(format!("{name} {}: got {got:?}, PyTorch {want}", p.name))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(f["cases"].as_array().unwrap().len() >= 10);
}

#[test]
fn without_gradients_the_norm_is_zero_and_nothing_changes() {
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(1.0).requires_grad());
    assert_eq!(clip_grad_norm(&params, 1.0, 2.0), 0.0);
    clip_grad_value(&params, 1.0);
    assert!(params.get("w").unwrap().grad().is_none());
}

#[test]
fn below_max_norm_the_gradients_are_left_as_they_are() {
    // g = (3, 4), ‖g‖ = 5 ≤ 10: the factor 10/(5 + 1e-6) is clamped to 1.
    let f = Tensor::from_vec(vec![3.0, 4.0], &[2]).unwrap();
    let w = Tensor::from_vec(vec![0.0, 0.0], &[2])
        .unwrap()
        .requires_grad();
    (&w * &f).sum().backward();
    let mut params = Parameters::new();
    params.push("w", w.clone());
    assert_eq!(clip_grad_norm(&params, 10.0, 2.0), 5.0);
    assert_eq!(
        w.grad().unwrap().iter().copied().collect::<Vec<_>>(),
        [3.0, 4.0]
    );
    // By ∞-norm, max |g| = 4 → factor 2/(4 + 1e-6).
    assert_eq!(clip_grad_norm(&params, 2.0, f32::INFINITY), 4.0);
    let g: Vec<f32> = w.grad().unwrap().iter().copied().collect();
    assert!(
        (g[0] - 1.5).abs() < 1e-6 && (g[1] - 2.0).abs() < 1e-6,
        "{g:?}"
    );
}

#[test]
#[should_panic(expected = "clip_grad_norm: max_norm = -1 must be >= 0")]
fn a_negative_max_norm_panics() {
    clip_grad_norm(&Parameters::new(), -1.0, 2.0);
}

#[test]
#[should_panic(expected = "clip_grad_norm: norm_type = 0 must be > 0")]
fn a_zero_norm_type_panics() {
    clip_grad_norm(&Parameters::new(), 1.0, 0.0);
}

#[test]
#[should_panic(expected = "clip_grad_value: clip_value = NaN must be >= 0")]
fn a_nan_clip_value_panics() {
    clip_grad_value(&Parameters::new(), f32::NAN);
}
