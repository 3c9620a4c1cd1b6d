//! `Algorithm`: every optimizer by name, with its documented defaults; what a rule prints, saves
//! (serde) and parses from a command line (clap). Expected values are the defaults documented in
//! each optimizer's file.

use autograd::{Parameters, Tensor};
use clap::{Args, Parser};
use optim::{
    AdaDelta, AdaGrad, Adam, Algorithm, Form, Momentum, Nesterov, OptimError, Optimizer, RmsProp,
    Sgd, UpdateRule,
};

fn one_param() -> Parameters {
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(1.0).requires_grad());
    params
}

fn defaults(name: &str, form: Form) -> Algorithm {
    Algorithm::defaults(name, form).unwrap_or_else(|| panic!("{name} is a name"))
}

#[test]
fn the_names_are_the_course_seven_then_adamw() {
    assert_eq!(
        Algorithm::COURSE,
        ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    );
    assert_eq!(&Algorithm::NAMES[..7], &Algorithm::COURSE[..]);
    assert_eq!(Algorithm::NAMES[7], "adamw");
    assert_eq!(Algorithm::ALIASES, [("nag", "nesterov")]);
}

#[test]
fn every_name_and_alias_builds_under_its_canonical_name_in_any_case() {
    let aliases = Algorithm::ALIASES
        .iter()
        .map(|&(alias, name)| (alias, name));
    let names = Algorithm::NAMES.iter().map(|&name| (name, name));
    for (asked, name) in names.chain(aliases) {
        for asked in [asked.to_string(), asked.to_ascii_uppercase()] {
            for form in Form::ALL {
                let rule = defaults(&asked, form);
                assert_eq!(rule.name(), name, "{asked}, {form}");
                let opt = Optimizer::new(one_param(), rule).expect("defaults are valid");
                assert_eq!(opt.rule().name(), name);
                assert!(!opt.rule().summary().is_empty());
            }
        }
    }
    assert_eq!(Algorithm::defaults("adamax", Form::Course), None);
}

#[test]
fn the_unknown_name_error_lists_the_names() {
    let err = Algorithm::named("lion", Form::Course).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown optimizer `lion` (expected one of sgd, momentum, nesterov, nag, adagrad, \
         adadelta, rmsprop, adam, adamw)"
    );
    assert_eq!(
        Algorithm::named("NAG", Form::PyTorch),
        Ok(Nesterov::defaults(Form::PyTorch).into())
    );
}

#[test]
fn each_prints_its_documented_defaults() {
    // sgd.rs λ 0.01; momentum.rs, nesterov.rs λ 0.01 μ 0.9; adagrad.rs λ 0.01, ε 1e-8 (course)
    // or 1e-10 (PyTorch); adadelta.rs γ 0.9, ε 1e-6 and no λ in the course form, λ 1 in
    // PyTorch's; rmsprop.rs λ 0.001 γ 0.9 (course) or λ 0.01 γ 0.99 (PyTorch), ε 1e-8; adam.rs
    // λ 0.001, β1 0.9, β2 0.999, ε 1e-8, wd 0, and AdamW's decoupled wd 0.01.
    use Form::{Course, PyTorch};
    for (name, form, shown) in [
        ("sgd", Course, "sgd (lr 0.01, weight decay 0)"),
        (
            "momentum",
            Course,
            "momentum (lr 0.01, μ 0.9, weight decay 0, course form)",
        ),
        (
            "nag",
            PyTorch,
            "nesterov (lr 0.01, μ 0.9, weight decay 0, PyTorch form)",
        ),
        (
            "adagrad",
            Course,
            "adagrad (lr 0.01, ε 1e-8, weight decay 0, course form)",
        ),
        (
            "adagrad",
            PyTorch,
            "adagrad (lr 0.01, ε 1e-10, weight decay 0, PyTorch form)",
        ),
        (
            "adadelta",
            Course,
            "adadelta (γ 0.9, ε 1e-6, weight decay 0, course form)",
        ),
        (
            "adadelta",
            PyTorch,
            "adadelta (lr 1, γ 0.9, ε 1e-6, weight decay 0, PyTorch form)",
        ),
        (
            "rmsprop",
            Course,
            "rmsprop (lr 0.001, γ 0.9, ε 1e-8, weight decay 0, course form)",
        ),
        (
            "rmsprop",
            PyTorch,
            "rmsprop (lr 0.01, γ 0.99, ε 1e-8, weight decay 0, PyTorch form)",
        ),
        (
            "adam",
            Course,
            "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)",
        ),
        (
            "adamw",
            Course,
            "adamw (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, decoupled weight decay 0.01)",
        ),
    ] {
        let rule = defaults(name, form);
        assert_eq!(rule.to_string(), shown, "{name}, {form}");
        // The optimizer of one group prints its rule.
        assert_eq!(
            Optimizer::new(one_param(), rule).unwrap().to_string(),
            shown
        );
    }
}

#[test]
fn each_prints_the_values_it_was_given_and_its_current_rate() {
    let m = Momentum {
        lr: 0.5,
        momentum: 0.25,
        weight_decay: 0.125,
        ..Default::default()
    };
    assert_eq!(
        m.to_string(),
        "momentum (lr 0.5, μ 0.25, weight decay 0.125, course form)"
    );
    let a = AdaDelta {
        lr: 0.5,
        gamma: 0.75,
        eps: 1e-3,
        weight_decay: 0.125,
        form: Form::PyTorch,
    };
    assert_eq!(
        a.to_string(),
        "adadelta (lr 0.5, γ 0.75, ε 1e-3, weight decay 0.125, PyTorch form)"
    );
    let w = Adam {
        lr: 0.5,
        beta1: 0.5,
        beta2: 0.875,
        eps: 1e-3,
        weight_decay: 0.125,
        ..Adam::adamw()
    };
    assert_eq!(
        w.to_string(),
        "adamw (lr 0.5, β1 0.5, β2 0.875, ε 1e-3, decoupled weight decay 0.125)"
    );
    let inside = Adam {
        eps_inside_sqrt: true,
        ..Adam::default()
    };
    assert_eq!(
        inside.to_string(),
        "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8 inside the root, weight decay 0)"
    );
    // The rate shown is the one in use, after it was changed.
    let mut sgd = Optimizer::new(one_param(), defaults("sgd", Form::Course)).unwrap();
    sgd.set_lr(0.25).unwrap();
    assert_eq!(sgd.to_string(), "sgd (lr 0.25, weight decay 0)");
}

#[test]
fn every_variant_round_trips_through_json() {
    for name in Algorithm::NAMES {
        for form in Form::ALL {
            let mut rule = defaults(name, form);
            rule.set_lr(0.1 + 0.2); // not a short decimal in f32
            let json = serde_json::to_string(&rule).unwrap();
            let back: Algorithm = serde_json::from_str(&json).unwrap();
            assert_eq!(back, rule, "{json}");
            assert_eq!(back.lr().map(f32::to_bits), rule.lr().map(f32::to_bits));
        }
    }
    let json = serde_json::to_string(&defaults("adadelta", Form::Course)).unwrap();
    assert_eq!(
        json,
        r#"{"optimizer":"adadelta","lr":1.0,"gamma":0.9,"eps":0.000001,"weight_decay":0.0,"form":"course"}"#
    );
    // A field the optimizer does not have is refused, not ignored.
    let typo = r#"{"optimizer":"sgd","lr":0.1,"weight_decay":0.0,"momentum":0.9}"#;
    let err = serde_json::from_str::<Algorithm>(typo)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `momentum`"), "{err}");
}

#[test]
fn has_form_is_true_for_the_structs_with_a_form_field() {
    let with_form: Vec<&str> = Algorithm::NAMES
        .iter()
        .copied()
        .filter(|name| defaults(name, Form::Course).has_form())
        .collect();
    assert_eq!(
        with_form,
        ["momentum", "nesterov", "adagrad", "adadelta", "rmsprop"]
    );
}

#[test]
fn adadelta_course_form_refuses_a_learning_rate() {
    let half = AdaDelta {
        lr: 0.5,
        ..AdaDelta::default()
    };
    let err = Optimizer::new(one_param(), half.clone())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "adadelta: the course form has no learning rate (lr = 0.5); the PyTorch form multiplies \
         the step by lr"
    );
    assert!(matches!(
        err,
        OptimError::NotInForm {
            optimizer: "adadelta",
            form: "course",
            ..
        }
    ));
    let pytorch = AdaDelta {
        form: Form::PyTorch,
        ..half
    };
    assert_eq!(
        Optimizer::new(one_param(), pytorch).unwrap().lr(),
        Some(0.5)
    );
    // No λ to set either.
    let mut course = Optimizer::new(one_param(), AdaDelta::default()).unwrap();
    assert_eq!(course.lr(), None);
    let err = course.set_lr(0.5).unwrap_err().to_string();
    assert_eq!(
        err,
        "set_lr: adadelta (γ 0.9, ε 1e-6, weight decay 0, course form) has no learning rate"
    );
}

#[test]
fn a_form_reads_back_what_it_writes() {
    for form in Form::ALL {
        assert_eq!(form.to_string().parse::<Form>(), Ok(form));
        let json = serde_json::to_string(&form).unwrap();
        assert_eq!(serde_json::from_str::<Form>(&json).unwrap(), form);
    }
    assert_eq!("PyTorch".parse::<Form>(), Ok(Form::PyTorch));
    assert_eq!(
        "torch".parse::<Form>(),
        Err("`torch` is not a form (expected course or pytorch)".to_string())
    );
}

/// A command line with one optimizer's options flattened in.
#[derive(Parser, Debug)]
struct With<T: Args> {
    #[command(flatten)]
    rule: T,
}

fn parse<T: Args>(args: &[&str]) -> T {
    With::<T>::try_parse_from(std::iter::once("prog").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
        .rule
}

#[test]
fn a_command_line_parses_into_the_struct_with_its_documented_defaults() {
    assert_eq!(parse::<Sgd>(&[]), Sgd::default());
    assert_eq!(parse::<Momentum>(&[]), Momentum::default());
    assert_eq!(parse::<Nesterov>(&[]), Nesterov::default());
    assert_eq!(parse::<AdaGrad>(&[]), AdaGrad::default());
    assert_eq!(parse::<AdaDelta>(&[]), AdaDelta::default());
    assert_eq!(parse::<RmsProp>(&[]), RmsProp::default());
    assert_eq!(parse::<Adam>(&[]), Adam::default());
    // --form pytorch picks that form's defaults, unless a value is given.
    assert_eq!(parse::<RmsProp>(&["--form", "pytorch"]), RmsProp::pytorch());
    assert_eq!(parse::<AdaGrad>(&["--form", "pytorch"]), AdaGrad::pytorch());
    assert_eq!(
        parse::<AdaDelta>(&["--form", "pytorch"]),
        AdaDelta::pytorch()
    );
    assert_eq!(
        parse::<Nesterov>(&["--form", "pytorch"]),
        Nesterov::defaults(Form::PyTorch)
    );
    let given = parse::<RmsProp>(&["--form", "pytorch", "--lr", "0.5"]);
    assert_eq!(
        given,
        RmsProp {
            lr: 0.5,
            ..RmsProp::pytorch()
        }
    );
    assert_eq!(parse::<Adam>(&["--decoupled-weight-decay"]), Adam::adamw());
    let adamw = parse::<Adam>(&["--decoupled-weight-decay", "--weight-decay", "0"]);
    assert_eq!(
        adamw,
        Adam {
            weight_decay: 0.0,
            ..Adam::adamw()
        }
    );
    let m = parse::<Momentum>(&["--lr", "0.1", "--momentum", "0.5", "--weight-decay", "1e-4"]);
    assert_eq!(
        m,
        Momentum {
            lr: 0.1,
            momentum: 0.5,
            weight_decay: 1e-4,
            ..Default::default()
        }
    );
}

#[derive(Parser, Debug)]
struct Cli {
    #[command(subcommand)]
    optimizer: Algorithm,
}

#[test]
fn each_variant_is_a_subcommand() {
    let cli =
        |args: &[&str]| Cli::try_parse_from(std::iter::once("prog").chain(args.iter().copied()));
    for name in Algorithm::COURSE {
        assert_eq!(
            cli(&[name]).unwrap().optimizer,
            defaults(name, Form::Course),
            "{name}"
        );
        let pytorch = cli(&[name, "--form", "pytorch"]).map(|c| c.optimizer);
        let has_form = defaults(name, Form::Course).has_form();
        assert_eq!(pytorch.is_ok(), has_form, "{name}: --form");
        if has_form {
            assert_eq!(pytorch.unwrap(), defaults(name, Form::PyTorch), "{name}");
        }
    }
    assert_eq!(
        cli(&["nag", "--lr", "0.1"]).unwrap().optimizer,
        Nesterov {
            lr: 0.1,
            ..Default::default()
        }
        .into()
    );
    assert!(cli(&["lion"]).is_err());
    assert!(
        cli(&["sgd", "--beta1", "0.9"]).is_err(),
        "an option sgd does not have is refused"
    );
}
