//! The catalog: every optimizer named once, `by_name` built from it, and the hyperparameters a
//! built optimizer shows. Expected values are the defaults documented in each optimizer's file.

use autograd::{Parameters, Tensor};
use optim::catalog::{self, Entry};
use optim::{by_name, Form, Hyper, Optim};

fn one_param() -> Parameters {
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(1.0).requires_grad());
    params
}

fn built(name: &str, hp: &Hyper) -> Box<dyn Optim> {
    by_name(name, one_param(), hp).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_catalog_lists_each_of_the_eight_once_with_its_aliases() {
    let listed: Vec<(&str, &[&str], bool)> = catalog::ALL
        .iter()
        .map(|e| (e.name, e.aliases, e.in_course))
        .collect();
    let no_alias: &[&str] = &[];
    assert_eq!(
        listed,
        [
            ("sgd", no_alias, true),
            ("momentum", no_alias, true),
            ("nesterov", &["nag"][..], true),
            ("adagrad", no_alias, true),
            ("adadelta", no_alias, true),
            ("rmsprop", no_alias, true),
            ("adam", no_alias, true),
            ("adamw", no_alias, false),
        ]
    );
    // No name or alias is claimed twice, whatever the case.
    let mut all: Vec<String> = catalog::ALL
        .iter()
        .flat_map(Entry::names)
        .map(str::to_ascii_lowercase)
        .collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "{all:?}");
    assert_eq!(catalog::course().count(), 7);
}

#[test]
fn by_name_builds_every_name_and_alias_under_its_canonical_name() {
    for entry in catalog::ALL {
        for name in entry.names() {
            for asked in [name.to_string(), name.to_ascii_uppercase()] {
                for form in Form::ALL {
                    let hp = Hyper {
                        form,
                        ..Hyper::default()
                    };
                    assert_eq!(built(&asked, &hp).name(), entry.name, "{asked}, {form}");
                }
                assert_eq!(catalog::find(&asked).map(|e| e.name), Some(entry.name));
            }
        }
    }
    assert!(catalog::find("adamax").is_none());
}

#[test]
fn every_recommended_rate_is_accepted_by_its_optimizer() {
    for entry in catalog::ALL {
        let hp = Hyper {
            lr: Some(entry.recommended_lr),
            ..Hyper::default()
        };
        let opt = entry.build(one_param(), &hp).unwrap();
        assert_eq!(opt.lr(), entry.recommended_lr, "{}", entry.name);
        assert!(!entry.lr_reason.is_empty() && !entry.summary.is_empty());
    }
}

#[test]
fn the_unknown_name_error_lists_the_catalog() {
    let err = by_name("lion", one_param(), &Hyper::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown optimizer `lion` (expected one of sgd, momentum, nesterov, nag, adagrad, \
         adadelta, rmsprop, adam, adamw)"
    );
}

#[test]
fn a_built_optimizer_shows_its_documented_defaults() {
    let pytorch = Hyper {
        form: Form::PyTorch,
        ..Hyper::default()
    };
    let course = Hyper::default();
    // Defaults from the files: sgd.rs λ 0.01; momentum.rs, nesterov.rs λ 0.01 μ 0.9;
    // adagrad.rs λ 0.01, ε 1e-8 (course) or 1e-10 (PyTorch); adadelta.rs λ 1, γ 0.9, ε 1e-6;
    // rmsprop.rs λ 0.001 γ 0.9 (course) or λ 0.01 γ 0.99 (PyTorch), ε 1e-8; adam.rs λ 0.001,
    // β1 0.9, β2 0.999, ε 1e-8, wd 0, and AdamW's decoupled wd 0.01.
    for (name, hp, shown) in [
        ("sgd", &course, "sgd (lr 0.01, weight decay 0)"),
        (
            "momentum",
            &course,
            "momentum (lr 0.01, μ 0.9, weight decay 0, course form)",
        ),
        (
            "nag",
            &pytorch,
            "nesterov (lr 0.01, μ 0.9, weight decay 0, PyTorch form)",
        ),
        (
            "adagrad",
            &course,
            "adagrad (lr 0.01, ε 1e-8, weight decay 0, course form)",
        ),
        (
            "adagrad",
            &pytorch,
            "adagrad (lr 0.01, ε 1e-10, weight decay 0, PyTorch form)",
        ),
        (
            "adadelta",
            &course,
            "adadelta (lr 1, γ 0.9, ε 1e-6, weight decay 0)",
        ),
        (
            "rmsprop",
            &course,
            "rmsprop (lr 0.001, γ 0.9, ε 1e-8, weight decay 0, course form)",
        ),
        (
            "rmsprop",
            &pytorch,
            "rmsprop (lr 0.01, γ 0.99, ε 1e-8, weight decay 0, PyTorch form)",
        ),
        (
            "adam",
            &course,
            "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)",
        ),
        (
            "adamw",
            &course,
            "adamw (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, decoupled weight decay 0.01)",
        ),
    ] {
        assert_eq!(built(name, hp).to_string(), shown, "{name}, {}", hp.form);
    }
}

#[test]
fn a_built_optimizer_shows_the_values_it_was_given_and_its_current_rate() {
    let common = Hyper {
        lr: Some(0.5),
        weight_decay: Some(0.125),
        ..Hyper::default()
    };
    let momentum = Hyper {
        momentum: Some(0.25),
        ..common.clone()
    };
    let adadelta = Hyper {
        gamma: Some(0.75),
        eps: Some(1e-3),
        ..common.clone()
    };
    let adamw = Hyper {
        beta1: Some(0.5),
        beta2: Some(0.875),
        eps: Some(1e-3),
        ..common.clone()
    };
    assert_eq!(
        built("momentum", &momentum).to_string(),
        "momentum (lr 0.5, μ 0.25, weight decay 0.125, course form)"
    );
    assert_eq!(
        built("adadelta", &adadelta).to_string(),
        "adadelta (lr 0.5, γ 0.75, ε 1e-3, weight decay 0.125)"
    );
    assert_eq!(
        built("adamw", &adamw).to_string(),
        "adamw (lr 0.5, β1 0.5, β2 0.875, ε 1e-3, decoupled weight decay 0.125)"
    );
    let inside = Hyper {
        eps_inside_sqrt: true,
        ..Hyper::default()
    };
    assert_eq!(
        built("adam", &inside).to_string(),
        "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8 inside the root, weight decay 0)"
    );
    // The rate shown is the one in use, after a scheduler has changed it.
    let mut sgd = built("sgd", &Hyper::default());
    sgd.set_lr(0.25);
    assert_eq!(sgd.to_string(), "sgd (lr 0.25, weight decay 0)");
}

#[test]
fn a_form_reads_back_what_it_writes() {
    for form in Form::ALL {
        assert_eq!(form.to_string().parse::<Form>(), Ok(form));
    }
    assert_eq!(
        (Form::Course.to_string(), Form::PyTorch.to_string()),
        ("course".to_string(), "pytorch".to_string())
    );
    assert_eq!("PyTorch".parse::<Form>(), Ok(Form::PyTorch));
    assert_eq!(
        "torch".parse::<Form>(),
        Err("`torch` is not a form (expected course or pytorch)".to_string())
    );
}
