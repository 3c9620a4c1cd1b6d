//! Saving and restoring optimizer state, and the rejection of bad hyperparameters and states.

use autograd::{ArrayD, IxDyn, Parameters, Tensor};
use optim::scheduler::{Scheduler, StepLr};
use optim::{
    groups, AdaDelta, AdaGrad, Adam, Algorithm, Form, Group, Momentum, Nesterov, OptimError,
    Optimizer, RmsProp, Sgd, UpdateRule,
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

/// Runs steps `from..to` (1-based, `to` exclusive), halving λ (where there is one) before
/// step 4.
fn run<R: UpdateRule>(opt: &mut Optimizer<R>, from: u64, to: u64) {
    let mut closure = loss_of(&opt.params());
    for step in from..to {
        if let (4, Some(lr)) = (step, opt.lr()) {
            opt.set_lr(lr * 0.5).unwrap();
        }
        opt.step_with_closure(&mut closure).unwrap();
    }
}

/// The optimizer `name` in `form`, with λ = 0.05 (where it has one) and weight decay 0.01.
fn rule(name: &str, form: Form) -> Algorithm {
    let mut rule = serde_json::to_value(Algorithm::defaults(name, form).unwrap()).unwrap();
    rule["weight_decay"] = serde_json::json!(0.01);
    let mut rule: Algorithm = serde_json::from_value(rule).unwrap();
    if rule.lr().is_some() {
        rule.set_lr(0.05);
    }
    rule
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
    for name in Algorithm::NAMES {
        for form in [Form::Course, Form::PyTorch] {
            let label = format!("{name} {form:?}");
            let fresh = |w: &[f32], b: &[f32]| Optimizer::new(layer_params(w, b), rule(name, form));

            // 10 steps straight.
            let mut straight = fresh(&w0, &b0).unwrap();
            run(&mut straight, 1, 11);

            // 5 steps, save, rebuild everything from the saved values, 5 more.
            let mut first = fresh(&w0, &b0).unwrap();
            run(&mut first, 1, 6);
            let saved = first.state_dict();
            let params = first.params();
            let (w5, b5) = (
                params.get("layer.weight").unwrap().to_vec(),
                params.get("layer.bias").unwrap().to_vec(),
            );
            drop(first);
            let mut resumed = fresh(&w5, &b5).unwrap();
            resumed.load_state_dict(&saved).unwrap();
            // The halved rate comes back with the rule.
            let lr = resumed.lr().map(|_| 0.025);
            assert_eq!((resumed.step_count(), resumed.lr()), (5, lr), "{label}");
            run(&mut resumed, 6, 11);

            assert_eq!(
                bits(&resumed.params()),
                bits(&straight.params()),
                "{label}: resumed run differs"
            );
            assert_eq!(
                resumed.state_dict(),
                straight.state_dict(),
                "{label}: state differs"
            );
            assert_ne!(
                bits(&straight.params()),
                bits(&layer_params(&w0, &b0)),
                "{label}: nothing moved"
            );
        }
    }
}

#[test]
fn the_saved_state_names_buffers_by_parameter() {
    let mut opt = Optimizer::new(layer_params(&[1.0; 4], &[0.0; 2]), Adam::default()).unwrap();
    run(&mut opt, 1, 3);
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
    assert_eq!(saved.step, 2);
    assert_eq!(saved.groups.len(), 1);
    assert_eq!(saved.groups[0].rule, Adam::default());
    assert_eq!(saved.groups[0].params, ["layer.weight", "layer.bias"]);
    assert_eq!(saved.scalars.len(), 2);
    assert_eq!(saved.scalars["layer.bias.step"], 2.0);
}

#[test]
fn groups_are_saved_and_restored_with_their_own_rules() {
    // Weights with decay and a scheduled rate, biases without: the state holds both groups,
    // and loading restores each group's rule as the scheduler left it.
    let grouped = |params: Parameters| {
        let (biases, weights) = groups::split_by_name(&params, |n| n.ends_with("bias"));
        let adam = Adam {
            lr: 0.04,
            weight_decay: 0.01,
            ..Adam::default()
        };
        Optimizer::with_groups(vec![
            Group {
                params: weights,
                rule: adam.clone(),
            },
            Group {
                params: biases,
                rule: Adam {
                    lr: 0.02,
                    weight_decay: 0.0,
                    ..adam
                },
            },
        ])
        .unwrap()
    };
    let (w0, b0) = ([0.3, -0.2, 0.8, 0.1], [0.05, -0.1]);
    let mut straight = grouped(layer_params(&w0, &b0));
    let mut sched = Scheduler::new(&mut straight, StepLr::new(2, 0.5).unwrap()).unwrap();
    let mut closure = loss_of(&straight.params());
    for _ in 0..3 {
        straight.step_with_closure(&mut closure).unwrap();
        sched.step(&mut straight, None).unwrap();
    }
    let saved = straight.state_dict();
    assert_eq!(saved.groups[0].params, ["layer.weight"]);
    assert_eq!(saved.groups[1].params, ["layer.bias"]);
    assert_eq!(
        (saved.groups[0].rule.lr, saved.groups[1].rule.lr),
        (0.02, 0.01)
    );
    let params = straight.params();
    let now = |n: &str| params.get(n).unwrap().to_vec();
    let mut resumed = grouped(layer_params(&now("layer.weight"), &now("layer.bias")));
    resumed.load_state_dict(&saved).unwrap();
    assert_eq!(resumed.groups()[0].rule, straight.groups()[0].rule);
    assert_eq!(resumed.groups()[1].rule.lr, 0.01);
    let mut again = loss_of(&resumed.params());
    straight.step_with_closure(&mut closure).unwrap();
    resumed.step_with_closure(&mut again).unwrap();
    assert_eq!(bits(&resumed.params()), bits(&straight.params()));

    // The same parameters in one group: another grouping, refused, naming both.
    let mut one = Optimizer::new(layer_params(&w0, &b0), Adam::default()).unwrap();
    let err = one.load_state_dict(&saved).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: the state was saved for the parameter groups [[\"layer.weight\"], \
         [\"layer.bias\"]], but this optimizer has [[\"layer.weight\", \"layer.bias\"]]"
    );
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
    let over_w = |rule: Algorithm| {
        let mut params = Parameters::new();
        params.push("w", Tensor::ones(&[2]).requires_grad());
        Optimizer::new(params, rule).unwrap()
    };
    let mut adam = over_w(Adam::default().into());
    let w = adam.params().get("w").unwrap().clone();
    (&w * &w).sum().backward();
    adam.step().unwrap();
    let mut sgd = over_w(Sgd::default().into());
    let err = sgd.load_state_dict(&adam.state_dict()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "load_state_dict: the state was saved by `adam`, not `sgd`"
    );
    // Adam and AdamW are one struct, but two optimizers.
    let mut adamw = over_w(Adam::adamw().into());
    let err = adamw.load_state_dict(&adam.state_dict()).unwrap_err();
    assert_eq!(
        err,
        OptimError::WrongOptimizer {
            expected: "adamw".into(),
            found: "adam".into()
        }
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
    // Not even the rule, whose λ the saved state would have changed.
    let mut faster = saved.clone();
    faster.groups[0].rule.lr = 0.5;
    other.load_state_dict(&faster).unwrap_err();
    assert_eq!(other.lr(), Some(0.001));
    let mut bad = adam_over("fc.weight", &[2, 3]).state_dict();
    bad.groups[0].rule.beta1 = 1.5;
    let err = other.load_state_dict(&bad).unwrap_err().to_string();
    assert_eq!(err, "adam: beta1 = 1.5 is outside [0, 1)");
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
            ..AdaDelta::pytorch()
        }),
        "adadelta: lr = inf must be finite and >= 0"
    );
}

#[test]
fn bad_momentum_and_averaging_coefficients_are_rejected() {
    assert_eq!(
        rejection(Momentum {
            momentum: 1.0,
            ..Default::default()
        }),
        "momentum: momentum = 1 is outside [0, 1)"
    );
    assert_eq!(
        rejection(Nesterov {
            momentum: -0.5,
            ..Default::default()
        }),
        "nesterov: momentum = -0.5 is outside [0, 1)"
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
fn each_name_starts_from_its_documented_rate() {
    let names = [
        ("sgd", Some(0.01)),
        ("momentum", Some(0.01)),
        ("nesterov", Some(0.01)),
        ("NAG", Some(0.01)),
        ("adagrad", Some(0.01)),
        ("adadelta", None),
        ("rmsprop", Some(0.001)),
        ("adam", Some(0.001)),
        ("adamw", Some(0.001)),
    ];
    for (asked, lr) in names {
        let rule = Algorithm::named(asked, Form::Course).unwrap();
        assert_eq!(
            Optimizer::new(one_param(), rule).unwrap().lr(),
            lr,
            "{asked}"
        );
    }
    let rmsprop = Algorithm::named("rmsprop", Form::PyTorch).unwrap();
    assert_eq!(
        Optimizer::new(one_param(), rmsprop).unwrap().lr(),
        Some(0.01)
    );
    let bad = Adam {
        beta1: 1.2,
        ..Default::default()
    };
    let err = Optimizer::new(one_param(), Algorithm::from(bad))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.to_string(), "adam: beta1 = 1.2 is outside [0, 1)");
}

#[test]
fn a_bad_learning_rate_cannot_be_set_later() {
    let mut opt = Optimizer::new(one_param(), Sgd::default()).unwrap();
    let err = opt.set_lr(-1.0).unwrap_err();
    assert_eq!(err.to_string(), "sgd: lr = -1 must be finite and >= 0");
    assert_eq!(opt.lr(), Some(0.01), "a refused rate changes nothing");
    // Nor through `groups_mut`: the next step refuses it, and moves nothing.
    opt.groups_mut()[0].rule.lr = f32::NAN;
    let w = opt.params().get("w").unwrap().clone();
    (&w * &w).backward();
    let err = opt.step().unwrap_err();
    assert_eq!(err.to_string(), "sgd: lr = NaN must be finite and >= 0");
    assert_eq!((w.item(), opt.step_count()), (1.0, 0));
}
