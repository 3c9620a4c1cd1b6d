//! Saving and restoring optimizer state, and the rejection of bad hyperparameters and states.

use autograd::{ArrayD, IxDyn, Parameters, Tensor};
use optim::{
    by_name, AdaDelta, AdaGrad, Adam, Form, Hyper, Momentum, MomentumSchedule, Nesterov, Optim,
    OptimError, Optimizer, RmsProp, Sgd,
};

// ------------------------------------------------------------------------------- resuming

/// A tiny layer `y = tanh(x W + b)` with fixed initial values.
fn layer_params(weight: &[f32], bias: &[f32]) -> Parameters {
    let mut params = Parameters::new();
    params.push(
        "layer.weight",
        Tensor::from_vec(weight.to_vec(), &[2, 2])
            .unwrap()
            .requires_grad(),
    );
    params.push(
        "layer.bias",
        Tensor::from_vec(bias.to_vec(), &[2])
            .unwrap()
            .requires_grad(),
    );
    params
}

/// The closure of a training step over `params`: zero grads, loss, backward.
fn loss_of(params: &Parameters) -> impl FnMut() -> f32 {
    let w = params.get("layer.weight").unwrap().clone();
    let b = params.get("layer.bias").unwrap().clone();
    move || {
        w.zero_grad();
        b.zero_grad();
        let x = Tensor::from_vec(vec![0.5, -1.5], &[1, 2]).unwrap();
        let y = Tensor::from_vec(vec![0.25, -0.75], &[1, 2]).unwrap();
        let loss = (&x.matmul(&w) + &b).tanh().mse_loss(&y);
        loss.backward();
        loss.item()
    }
}

/// Runs steps `from..to` (1-based, `to` exclusive), halving λ before step 4.
fn run(opt: &mut dyn Optim, from: u64, to: u64) {
    let mut closure = loss_of(opt.params());
    for step in from..to {
        if step == 4 {
            let lr = opt.lr();
            opt.set_lr(lr * 0.5);
        }
        opt.step_with_closure(&mut closure).unwrap();
    }
}

fn bits(params: &Parameters) -> Vec<u32> {
    params
        .iter()
        .flat_map(|p| p.tensor.to_vec())
        .map(f32::to_bits)
        .collect()
}

#[test]
fn every_optimizer_resumes_bit_exactly() {
    let (w0, b0) = ([0.3, -0.2, 0.8, 0.1], [0.05, -0.1]);
    let names = [
        "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
    ];
    for name in names {
        for form in [Form::Course, Form::PyTorch] {
            let hp = Hyper {
                lr: Some(0.05),
                weight_decay: Some(0.01),
                form,
                ..Default::default()
            };
            let label = format!("{name} {form:?}");

            // 10 steps straight.
            let mut straight = by_name(name, layer_params(&w0, &b0), &hp).unwrap();
            run(straight.as_mut(), 1, 11);

            // 5 steps, save, rebuild everything from the saved values, 5 more.
            let mut first = by_name(name, layer_params(&w0, &b0), &hp).unwrap();
            run(first.as_mut(), 1, 6);
            let saved = first.state_dict();
            let (w5, b5) = (
                first.params().get("layer.weight").unwrap().to_vec(),
                first.params().get("layer.bias").unwrap().to_vec(),
            );
            drop(first);
            let mut resumed = by_name(name, layer_params(&w5, &b5), &hp).unwrap();
            resumed.load_state_dict(&saved).unwrap();
            assert_eq!((resumed.step_count(), resumed.lr()), (5, 0.025), "{label}");
            run(resumed.as_mut(), 6, 11);

            assert_eq!(
                bits(resumed.params()),
                bits(straight.params()),
                "{label}: resumed run differs"
            );
            assert_eq!(
                resumed.state_dict(),
                straight.state_dict(),
                "{label}: state differs"
            );
            assert_ne!(
                bits(straight.params()),
                bits(&layer_params(&w0, &b0)),
                "{label}: nothing moved"
            );
        }
    }
}

#[test]
fn the_saved_state_names_buffers_by_parameter() {
    let mut opt = by_name(
        "adam",
        layer_params(&[1.0; 4], &[0.0; 2]),
        &Hyper::default(),
    )
    .unwrap();
    run(opt.as_mut(), 1, 3);
    let saved = opt.state_dict();
    let names: Vec<&str> = saved.buffers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "layer.weight.m",
            "layer.weight.v",
            "layer.bias.m",
            "layer.bias.v"
        ]
    );
    assert_eq!(
        (saved.optimizer.as_str(), saved.step, saved.lr),
        ("adam", 2, 0.001)
    );
    assert_eq!(saved.scalars.len(), 2);
    assert_eq!(saved.scalars["layer.bias.step"], 2.0);
}

// --------------------------------------------------------------------- bad saved states

/// An Adam over one parameter `name` of `shape`, stepped once (so it has state).
fn adam_over(name: &str, shape: &[usize]) -> Optimizer<Adam> {
    let mut params = Parameters::new();
    let n = shape.iter().product();
    params.push(
        name,
        Tensor::from_vec(vec![1.0; n], shape)
            .unwrap()
            .requires_grad(),
    );
    let w = params.get(name).unwrap().clone();
    let mut opt = Optimizer::new(params, Adam::default()).unwrap();
    (&w * &w).sum().backward();
    opt.step().unwrap();
    opt
}

#[test]
fn a_state_from_another_optimizer_is_refused() {
    let saved = adam_over("w", &[2]).state_dict();
    let mut params = Parameters::new();
    params.push("w", Tensor::zeros(&[2]).requires_grad());
    let mut sgd = Optimizer::new(params, Sgd::default()).unwrap();
    let err = sgd.load_state_dict(&saved).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: the state was saved by `adam`, not `sgd`"
    );
}

#[test]
fn a_buffer_of_the_wrong_shape_is_refused_naming_parameter_and_shapes() {
    let saved = adam_over("fc.weight", &[2, 3]).state_dict();
    let mut other = adam_over("fc.weight", &[3, 2]);
    let before = other.state_dict();
    let err = other.load_state_dict(&saved).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: state `m` of parameter `fc.weight` has shape [2, 3], but the parameter has shape [3, 2]"
    );
    assert_eq!(other.state_dict(), before, "a refused load changes nothing");
}

#[test]
fn missing_and_unknown_state_is_refused() {
    let mut opt = adam_over("w", &[2]);
    let good = opt.state_dict();

    let mut missing = good.clone();
    missing.buffers.retain(|(n, _)| n != "w.v");
    assert_eq!(
        opt.load_state_dict(&missing).unwrap_err(),
        OptimError::MissingState("w.v".into())
    );

    let mut no_step = good.clone();
    no_step.scalars.clear();
    assert_eq!(
        opt.load_state_dict(&no_step).unwrap_err(),
        OptimError::MissingState("w.step".into())
    );

    let mut stranger = good.clone();
    stranger
        .buffers
        .push(("other.m".into(), ArrayD::zeros(IxDyn(&[2]))));
    let err = opt.load_state_dict(&stranger).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: unknown state `other.m` (no such parameter or slot in this optimizer)"
    );

    let mut bad_slot = good.clone();
    bad_slot.buffers[0].0 = "w.momentum_buffer".into();
    assert_eq!(
        opt.load_state_dict(&bad_slot).unwrap_err(),
        OptimError::UnknownState("w.momentum_buffer".into())
    );

    let mut bad_count = good.clone();
    bad_count.scalars.insert("w.step".into(), 1.5);
    assert_eq!(
        opt.load_state_dict(&bad_count).unwrap_err().to_string(),
        "load_state_dict: `w.step` = 1.5 is not a non-negative integer"
    );

    opt.load_state_dict(&good).unwrap();
}

#[test]
fn a_state_saved_in_the_other_form_is_refused_where_the_slots_mean_different_things() {
    // Course ĝ = λ·v of the PyTorch form: loading one as the other would be wrong by a factor λ.
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(1.0).requires_grad());
    let w = params.get("w").unwrap().clone();
    let mut course = Optimizer::new(params.clone(), Momentum::default()).unwrap();
    (&w * &w).backward();
    course.step().unwrap();
    let mut pytorch = Optimizer::new(
        params,
        Momentum {
            form: Form::PyTorch,
            ..Default::default()
        },
    )
    .unwrap();
    let err = pytorch.load_state_dict(&course.state_dict()).unwrap_err();
    assert_eq!(err, OptimError::UnknownState("w.g_hat".into()));
}

// -------------------------------------------------------------------- bad hyperparameters

fn one_param() -> Parameters {
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(1.0).requires_grad());
    params
}

/// The message of the error building an optimizer with `rule`.
fn rejection<R: optim::UpdateRule>(rule: R) -> String {
    Optimizer::new(one_param(), rule)
        .map(|_| ())
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_learning_rates_are_rejected() {
    assert_eq!(
        rejection(Sgd {
            lr: -0.1,
            ..Default::default()
        }),
        "sgd: lr = -0.1 must be finite and >= 0"
    );
    assert_eq!(
        rejection(Adam {
            lr: f32::NAN,
            ..Default::default()
        }),
        "adam: lr = NaN must be finite and >= 0"
    );
    assert_eq!(
        rejection(AdaDelta {
            lr: f32::INFINITY,
            ..Default::default()
        }),
        "adadelta: lr = inf must be finite and >= 0"
    );
}

#[test]
fn bad_momentum_and_averaging_coefficients_are_rejected() {
    assert_eq!(
        rejection(Momentum {
            momentum: 1.0.into(),
            ..Default::default()
        }),
        "momentum: momentum = 1 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Nesterov {
            momentum: (-0.5).into(),
            ..Default::default()
        }),
        "nesterov: momentum = -0.5 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Nesterov {
            momentum: MomentumSchedule::Steps(vec![(1, 0.9), (50, 1.5)]),
            ..Default::default()
        }),
        "nesterov: momentum from step 50 = 1.5 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Adam {
            beta1: 1.2,
            ..Default::default()
        }),
        "adam: beta1 = 1.2 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Adam {
            beta2: 1.0,
            ..Default::default()
        }),
        "adam: beta2 = 1 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Adam {
            beta2: -0.1,
            decoupled_weight_decay: true,
            ..Default::default()
        }),
        "adamw: beta2 = -0.1 is outside [0, 1)"
    );
    assert_eq!(
        rejection(RmsProp {
            gamma: 1.5,
            ..Default::default()
        }),
        "rmsprop: gamma = 1.5 is outside [0, 1)"
    );
    assert_eq!(
        rejection(AdaDelta {
            gamma: -0.1,
            ..Default::default()
        }),
        "adadelta: gamma = -0.1 is outside [0, 1)"
    );
}

#[test]
fn bad_eps_and_weight_decay_are_rejected() {
    assert_eq!(
        rejection(AdaGrad {
            eps: 0.0,
            ..Default::default()
        }),
        "adagrad: eps = 0 must be finite and > 0"
    );
    assert_eq!(
        rejection(Adam {
            eps: -1e-8,
            ..Default::default()
        }),
        "adam: eps = -0.00000001 must be finite and > 0"
    );
    assert_eq!(
        rejection(RmsProp {
            eps: f32::NAN,
            ..Default::default()
        }),
        "rmsprop: eps = NaN must be finite and > 0"
    );
    assert_eq!(
        rejection(AdaDelta {
            eps: 0.0,
            ..Default::default()
        }),
        "adadelta: eps = 0 must be finite and > 0"
    );
    let wd = -0.5;
    assert_eq!(
        rejection(Sgd {
            weight_decay: wd,
            ..Default::default()
        }),
        "sgd: weight_decay = -0.5 must be finite and >= 0"
    );
    assert!(rejection(Momentum {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("momentum: weight_decay = -0.5"));
    assert!(rejection(Nesterov {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("nesterov: weight_decay = -0.5"));
    assert!(rejection(AdaGrad {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("adagrad: weight_decay = -0.5"));
    assert!(rejection(AdaDelta {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("adadelta: weight_decay = -0.5"));
    assert!(rejection(RmsProp {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("rmsprop: weight_decay = -0.5"));
    assert!(rejection(Adam {
        weight_decay: wd,
        ..Default::default()
    })
    .starts_with("adam: weight_decay = -0.5"));
}

#[test]
fn by_name_knows_the_names_and_rejects_others() {
    let hp = Hyper::default();
    let names = [
        ("sgd", "sgd", 0.01),
        ("momentum", "momentum", 0.01),
        ("nesterov", "nesterov", 0.01),
        ("NAG", "nesterov", 0.01),
        ("adagrad", "adagrad", 0.01),
        ("adadelta", "adadelta", 1.0),
        ("rmsprop", "rmsprop", 0.001),
        ("adam", "adam", 0.001),
        ("adamw", "adamw", 0.001),
    ];
    for (asked, name, lr) in names {
        let opt = by_name(asked, one_param(), &hp).unwrap();
        assert_eq!((opt.name(), opt.lr()), (name, lr), "{asked}");
    }
    let pytorch = Hyper {
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_eq!(
        by_name("rmsprop", one_param(), &pytorch).unwrap().lr(),
        0.01
    );
    let err = by_name("adamax", one_param(), &hp).map(|_| ()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown optimizer `adamax` (expected one of sgd,"),
        "{err}"
    );
    let bad = Hyper {
        beta1: Some(1.2),
        ..Default::default()
    };
    let err = by_name("adam", one_param(), &bad).map(|_| ()).unwrap_err();
    assert_eq!(err.to_string(), "adam: beta1 = 1.2 is outside [0, 1)");
}

#[test]
#[should_panic(expected = "set_lr: sgd: lr = -1 must be finite and >= 0")]
fn a_negative_learning_rate_cannot_be_set_later() {
    let mut opt = Optimizer::new(one_param(), Sgd::default()).unwrap();
    opt.set_lr(-1.0);
}
