//! Parameter groups: each with its own rule, as `torch.optim`'s `param_groups`.
//!
//! The fixture `fixtures/pytorch_groups.json` was recorded by `tools/reference_groups.py` (run by
//! hand in the reference venv, see `tools/README.md`): the MLP of `pytorch_mlp.json` trained 30
//! steps by `torch.optim` with two groups, the weights (`0.weight`, `2.weight`) with rate λ and
//! weight decay, the biases with another rate and no decay; one case per optimizer, and two
//! with a StepLR stepped after every optimizer step. Tolerance as in `reference.rs`:
//! `|got − want| ≤ 1e-5·|want| + 1e-6`.

mod common;

use autograd::{Parameters, Tensor};
use common::{f32s, fixture, torch_rule, Mlp, Problem};
use optim::scheduler::{Scheduler, StepLr};
use optim::{groups, AdaDelta, Adam, Algorithm, Group, OptimError, Optimizer, Sgd, UpdateRule};
use serde_json::Value;

fn scalar(name: &str, value: f32) -> Parameters {
    let mut params = Parameters::new();
    params.push(name, Tensor::scalar(value).requires_grad());
    params
}

fn sgd(lr: f32) -> Sgd {
    Sgd {
        lr,
        ..Sgd::default()
    }
}

#[test]
fn an_optimizer_over_nothing_is_refused_with_pytorchs_words() {
    let err = Optimizer::new(Parameters::new(), Sgd::default()).unwrap_err();
    assert_eq!(err, OptimError::NoParameters);
    assert_eq!(err.to_string(), "optimizer got an empty parameter list");
    let none: Vec<Group<Sgd>> = Vec::new();
    assert_eq!(
        Optimizer::with_groups(none).unwrap_err(),
        OptimError::NoParameters
    );
    let empty = || Group {
        params: Parameters::new(),
        rule: Sgd::default(),
    };
    assert_eq!(
        Optimizer::with_groups(vec![empty(), empty()]).unwrap_err(),
        OptimError::NoParameters
    );
    // An empty group next to others is allowed, as in PyTorch (a model without biases).
    let with_empty = vec![
        Group {
            params: scalar("w", 1.0),
            rule: Sgd::default(),
        },
        empty(),
    ];
    assert_eq!(
        Optimizer::with_groups(with_empty).unwrap().groups().len(),
        2
    );
}

#[test]
fn a_parameter_in_two_groups_is_refused() {
    let w = Tensor::scalar(1.0).requires_grad();
    let mut first = Parameters::new();
    first.push("w", w.clone());
    let mut second = Parameters::new();
    second.push("b", Tensor::scalar(0.0).requires_grad());
    second.push("w_again", w.clone());
    let groups = vec![
        Group {
            params: first,
            rule: sgd(0.1),
        },
        Group {
            params: second,
            rule: sgd(0.2),
        },
    ];
    let err = Optimizer::with_groups(groups).unwrap_err();
    assert_eq!(
        err.to_string(),
        "some parameters appear in more than one parameter group: `w_again` is in group 0 and \
         again in group 1"
    );
    // Twice in one group too.
    let mut twice = Parameters::new();
    twice.push("w", w.clone());
    twice.push("v", w);
    let err = Optimizer::new(twice, sgd(0.1)).unwrap_err();
    assert_eq!(
        err,
        OptimError::ParameterInTwoGroups {
            param: "v".into(),
            groups: (0, 0)
        }
    );
}

#[test]
fn two_parameters_of_one_name_are_refused() {
    let groups = vec![
        Group {
            params: scalar("w", 1.0),
            rule: sgd(0.1),
        },
        Group {
            params: scalar("w", 2.0),
            rule: sgd(0.2),
        },
    ];
    let err = Optimizer::with_groups(groups).unwrap_err();
    assert_eq!(
        err.to_string(),
        "two parameters are named `w` (groups 0 and 1); saved state is keyed by name, so names \
         must differ"
    );
}

#[test]
fn a_bad_rule_in_any_group_is_refused() {
    let groups = vec![
        Group {
            params: scalar("w", 1.0),
            rule: Adam::default(),
        },
        Group {
            params: scalar("b", 1.0),
            rule: Adam {
                beta2: 1.0,
                ..Adam::default()
            },
        },
    ];
    let err = Optimizer::with_groups(groups).unwrap_err();
    assert_eq!(err.to_string(), "adam: beta2 = 1 is outside [0, 1)");
}

#[test]
fn each_group_steps_with_its_own_rule() {
    // L = ½·w² + ½·b², g = (w, b), from w = b = 1. Group 0: SGD λ = 0.1 → w = 0.9, 0.81.
    // Group 1: SGD λ = 0.5 with weight decay 1 → g = 2b, b = 1 − 0.5·2 = 0 after one step.
    let mut opt = Optimizer::with_groups(vec![
        Group {
            params: scalar("w", 1.0),
            rule: sgd(0.1),
        },
        Group {
            params: scalar("b", 1.0),
            rule: Sgd {
                lr: 0.5,
                weight_decay: 1.0,
            },
        },
    ])
    .unwrap();
    let all = opt.params();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["w", "b"]);
    let (w, b) = (all.get("w").unwrap().clone(), all.get("b").unwrap().clone());
    for _ in 0..2 {
        opt.zero_grad();
        (&(&w * &w) + &(&b * &b)).mul_scalar(0.5).backward();
        opt.step().unwrap();
    }
    assert!(
        (w.item() - 0.81).abs() < 1e-6 && b.item() == 0.0,
        "{} {}",
        w.item(),
        b.item()
    );
    assert_eq!(opt.step_count(), 2);
    assert_eq!(opt.lr(), Some(0.1), "the first group's");
    assert_eq!(
        opt.to_string(),
        "group 0: sgd (lr 0.1, weight decay 0)\ngroup 1: sgd (lr 0.5, weight decay 1)"
    );
    // set_lr sets every group's.
    opt.set_lr(0.01).unwrap();
    let rates: Vec<f32> = opt.groups().iter().map(|g| g.rule.lr).collect();
    assert_eq!(rates, [0.01, 0.01]);
    opt.zero_grad();
    assert!(w.grad().is_none() && b.grad().is_none());
}

#[test]
fn set_lr_on_a_group_without_a_learning_rate_changes_nothing() {
    let mut opt = Optimizer::with_groups(vec![
        Group {
            params: scalar("w", 1.0),
            rule: Algorithm::from(sgd(0.1)),
        },
        Group {
            params: scalar("b", 1.0),
            rule: Algorithm::from(AdaDelta::default()),
        },
    ])
    .unwrap();
    let err = opt.set_lr(0.5).unwrap_err();
    assert!(
        matches!(
            err,
            OptimError::NoSuchHyperparameter {
                what: "learning rate",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(opt.lr(), Some(0.1));
}

#[test]
fn the_learning_rate_has_three_holders() {
    // `Adam.lr` (what a command line fills), the group's rule inside the optimizer (the struct,
    // moved in), and the local λ of `update`; a scheduler changes the group's.
    let adam = Adam {
        lr: 0.01,
        ..Default::default()
    };
    let mut opt = Optimizer::new(scalar("w", 1.0), adam).unwrap();
    assert_eq!(opt.groups()[0].rule.lr, 0.01);
    let mut sched = Scheduler::new(&mut opt, StepLr::new(1, 0.5).unwrap()).unwrap();
    assert_eq!(opt.groups()[0].rule.lr, 0.01);
    sched.step(&mut opt, None).unwrap();
    assert_eq!(opt.groups()[0].rule.lr, 0.005);
    assert_eq!(opt.lr(), Some(0.005));
}

#[test]
fn no_weight_decay_on_biases() {
    let mut params = Parameters::new();
    for name in ["0.weight", "0.bias", "2.weight", "2.bias"] {
        params.push(name, Tensor::scalar(1.0).requires_grad());
    }
    let (biases, weights) = groups::split_by_name(&params, |name| name.ends_with("bias"));
    let decayed = Adam {
        weight_decay: 0.1,
        ..Adam::adamw()
    };
    let undecayed = Adam {
        weight_decay: 0.0,
        ..decayed.clone()
    };
    let mut opt = Optimizer::with_groups(vec![
        Group {
            params: weights,
            rule: decayed,
        },
        Group {
            params: biases,
            rule: undecayed,
        },
    ])
    .unwrap();
    // With a zero gradient Adam's step is 0, so only the decay moves: w ← w − λ·wd·w.
    for p in params.iter() {
        *p.tensor.grad_slot() = Some(autograd::ArrayD::zeros(autograd::IxDyn(&[])));
    }
    opt.step().unwrap();
    let after: Vec<f32> = params.iter().map(|p| p.tensor.item()).collect();
    assert_eq!(after, [1.0 - 0.001 * 0.1, 1.0, 1.0 - 0.001 * 0.1, 1.0]);
    let order: Vec<String> = opt.params().iter().map(|p| p.name.clone()).collect();
    assert_eq!(order, ["0.weight", "2.weight", "0.bias", "2.bias"]);
}

/// The MLP's parameters named `names`, from the fixture's initial weights.
fn mlp_params(mlp: &Mlp, names: &[String]) -> Parameters {
    let all = mlp.params();
    let mut params = Parameters::new();
    for name in names {
        params.push(name.clone(), all.get(name).unwrap().clone());
    }
    params
}

#[test]
fn two_groups_match_torch_optim() {
    let mlp_fixture = fixture("pytorch_mlp.json");
    let mlp = Mlp::from_fixture(&mlp_fixture);
    let f = fixture("pytorch_groups.json");
    let names = ["0.weight", "0.bias", "2.weight", "2.bias"];
    let mut failures = Vec::new();
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let optimizer = case["optimizer"].as_str().unwrap();
        let groups: Vec<Group<Algorithm>> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                let names: Vec<String> = g["params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap().to_string())
                    .collect();
                Group {
                    params: mlp_params(&mlp, &names),
                    rule: torch_rule(optimizer, &g["hyper"]),
                }
            })
            .collect();
        let mut opt = Optimizer::with_groups(groups).unwrap();
        let mut sched = case.get("steplr").map(|s| {
            let step = StepLr::new(
                s["step_size"].as_u64().unwrap() as usize,
                s["gamma"].as_f64().unwrap(),
            );
            Scheduler::new(&mut opt, step.unwrap()).unwrap()
        });
        let params = opt.params();
        let (mut worst, mut first_bad) = (0.0f64, None);
        for t in 1..=30 {
            // Each group's λ before the step, as PyTorch held it.
            let want = case["lrs"][t - 1].as_array().unwrap();
            for (group, lr) in opt.groups().iter().zip(want) {
                let (got, lr) = (f64::from(group.rule.lr().unwrap()), lr.as_f64().unwrap());
                assert!(
                    (got - lr).abs() <= 1e-6 * lr,
                    "{name} step {t}: λ {got} vs {lr}"
                );
            }
            opt.zero_grad();
            mlp.loss(&params, t).backward();
            opt.step().unwrap();
            if let Some(sched) = &mut sched {
                sched.step(&mut opt, None).unwrap();
            }
            let Some(recorded) = case["params"].get(t.to_string()) else {
                continue;
            };
            for n in names {
                let (got, want) = (params.get(n).unwrap().to_vec(), f32s(&recorded[n]));
                for (&g, &w) in got.iter().zip(&want) {
                    let ratio = f64::from((g - w).abs()) / (1e-5 * f64::from(w.abs()) + 1e-6);
                    worst = worst.max(ratio);
                    if ratio > 1.0 && first_bad.is_none() {
                        first_bad =
                            Some(format!("{name} step {t} {n}: got {got:?}, want {want:?}"));
                    }
                }
            }
        }
        println!("{name:<16} err/tol {worst:.3}");
        failures.extend(first_bad);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.get("steplr").is_some()));
    assert_eq!(
        f["cases"][0]["groups"][1]["hyper"]["weight_decay"],
        Value::from(0.0)
    );
}
