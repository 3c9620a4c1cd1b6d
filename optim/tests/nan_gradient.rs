//! In anomaly mode a gradient holding a NaN or an infinity stops the step with an error naming
//! the parameter, and no weight changes; outside it the step goes ahead (the check reads every
//! element, which the default does not pay for).

use autograd::{anomaly, Parameters, Tensor};
use optim::{Algorithm, Form, OptimError, Optimizer};

/// `a` (finite gradient) and `b`, whose gradient is `x` = `[1, bad]` after `backward()` on
/// `sum(a) + sum(b·x)`, computed with anomaly mode off.
fn params_with_gradient(bad: f32) -> Parameters {
    let a = Tensor::from_vec(vec![0.5, -0.5], &[2])
        .unwrap()
        .requires_grad();
    let b = Tensor::from_vec(vec![1.0, 2.0], &[2])
        .unwrap()
        .requires_grad();
    let x = Tensor::from_vec(vec![1.0, bad], &[2]).unwrap();
    (a.sum() + (&b * &x).sum()).backward();
    let mut params = Parameters::new();
    params.push("a", a);
    params.push("b", b);
    params
}

fn values(params: &Parameters) -> Vec<Vec<f32>> {
    params.iter().map(|p| p.tensor.to_vec()).collect()
}

#[test]
fn anomaly_mode_refuses_a_non_finite_gradient_naming_the_parameter() {
    for name in Algorithm::NAMES {
        for bad in [f32::NAN, f32::INFINITY] {
            let params = params_with_gradient(bad);
            let before = values(&params);
            let rule = Algorithm::defaults(name, Form::Course).unwrap();
            let mut opt = Optimizer::new(params, rule).unwrap();
            anomaly::set_enabled(true);
            let mut closure = || 0.0;
            let result = if name == "nesterov" {
                // The course form of NAG steps through a closure.
                opt.step_with_closure(&mut closure).map(|_| ())
            } else {
                opt.step()
            };
            anomaly::set_enabled(false);
            let err = result.unwrap_err();
            assert!(
                matches!(&err, OptimError::NonFiniteGradient { param, .. } if param == "b"),
                "{name}: {err:?}"
            );
            assert_eq!(
                err.to_string(),
                format!("{name}: the gradient of `b` holds {bad}; no parameter was updated")
            );
            if name != "nesterov" {
                assert_eq!(values(&opt.params()), before, "{name}");
            }
        }
    }
}

#[test]
fn outside_anomaly_mode_the_step_goes_ahead() {
    let params = params_with_gradient(f32::NAN);
    let mut opt = Optimizer::new(params, optim::Sgd::default()).unwrap();
    assert!(!anomaly::is_enabled());
    opt.step().unwrap();
    let after = values(&opt.params());
    assert!(after[1][1].is_nan() && after[0].iter().all(|v| v.is_finite()));
}
