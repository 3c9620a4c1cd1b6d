//! A hyperparameter set for an optimizer that has no such thing is refused, naming it, instead
//! of being silently ignored; every field an optimizer does use is accepted.

use autograd::{Parameters, Tensor};
use optim::{by_name, catalog, Hyper, OptimError};

fn one_param() -> Parameters {
    let mut p = Parameters::new();
    p.push("w", Tensor::scalar(1.0).requires_grad());
    p
}

/// `hp` with only the field `name` set to a value every optimizer that uses it accepts.
fn only(name: &str) -> Hyper {
    let mut hp = Hyper::default();
    match name {
        "lr" => hp.lr = Some(0.1),
        "momentum" => hp.momentum = Some(0.5),
        "gamma" => hp.gamma = Some(0.5),
        "beta1" => hp.beta1 = Some(0.5),
        "beta2" => hp.beta2 = Some(0.5),
        "eps" => hp.eps = Some(1e-4),
        "weight_decay" => hp.weight_decay = Some(0.1),
        "decoupled" => hp.decoupled = true,
        "eps_inside_sqrt" => hp.eps_inside_sqrt = true,
        other => panic!("no field {other}"),
    }
    hp
}

const FIELDS: [&str; 9] = [
    "lr",
    "momentum",
    "gamma",
    "beta1",
    "beta2",
    "eps",
    "weight_decay",
    "decoupled",
    "eps_inside_sqrt",
];

#[test]
fn every_field_is_accepted_where_used_and_refused_elsewhere() {
    for entry in catalog::ALL {
        for field in FIELDS {
            let hp = only(field);
            assert_eq!(hp.set_fields().collect::<Vec<_>>(), [field]);
            let result = by_name(entry.name, one_param(), &hp).map(|o| o.name().to_string());
            if entry.uses.contains(&field) {
                assert_eq!(result, Ok(entry.name.to_string()), "{} {field}", entry.name);
            } else {
                assert_eq!(
                    result,
                    Err(OptimError::NotUsed {
                        optimizer: entry.name,
                        what: field,
                        uses: entry.uses,
                    }),
                    "{} {field}",
                    entry.name
                );
            }
        }
    }
}

#[test]
fn the_message_names_the_field_and_what_the_optimizer_uses() {
    // The unused field is reported before the bad value of another one.
    let hp = Hyper {
        beta1: Some(1.5),
        eps: Some(-3.0),
        ..Hyper::default()
    };
    let err = by_name("sgd", one_param(), &hp).map(|_| ()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sgd has no beta1 (it uses lr, weight_decay)"
    );
    let hp = Hyper {
        momentum: Some(-1.0),
        ..Hyper::default()
    };
    let err = by_name("adam", one_param(), &hp).map(|_| ()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "adam has no momentum (it uses lr, beta1, beta2, eps, weight_decay, eps_inside_sqrt)"
    );
}
