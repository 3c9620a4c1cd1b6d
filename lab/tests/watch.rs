//! `train --watch`: the effective per-weight rates it records are AdaGrad's `λ / sqrt(G + ε)`,
//! computed here by hand from the gradients a hook of the test's own sees.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use lab::training::{ModelConfig, RunConfig, Trainer};
use lab::watch::Watch;
use optim::{AdaGrad, Algorithm};

/// Quantile `q` of sorted values as the watch takes it: the value at position round((n − 1)·q).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Every gradient a hook saw: the parameter's name and its values, in the order of the steps.
type GradientLog = Vec<(String, Vec<f64>)>;
#[test]
fn adagrads_watched_rates_are_lambda_over_the_root_of_the_summed_squares() {
    let (lr, eps) = (0.05f32, 1e-8f32);
    let data = common::tiny(0);
    let config = RunConfig {
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        optimizer: Algorithm::from(AdaGrad {
            lr,
            eps,
            ..AdaGrad::default()
        }),
        schedule: "constant".parse().unwrap(),
        epochs: 1,
        batch_size: 16,
        seed: 3,
        ..RunConfig::default()
    };
    let mut trainer = Trainer::new(config, data.input_size(), data.classes).unwrap();
    // The test's own record of every gradient, per parameter, step by step.
    let seen: Rc<RefCell<GradientLog>> = Rc::default();
    let hooks: Vec<_> = (trainer.parameters().iter())
        .map(|p| {
            let (seen, name) = (seen.clone(), p.name.clone());
            p.tensor.register_hook(move |g| {
                seen.borrow_mut()
                    .push((name.clone(), g.iter().map(|&v| f64::from(v)).collect()));
                None
            })
        })
        .collect();
    let mut watch = Watch::new(&trainer, 5);
    trainer.fit(&data, &mut watch, None).unwrap();
    drop(hooks);

    let params: Vec<String> = trainer
        .parameters()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let steps = 240 / 16; // 15 full batches, the last one too
    assert_eq!(seen.borrow().len(), steps * params.len());
    let watched: Vec<u64> = watch.rows().iter().map(|r| r.step).collect();
    assert_eq!(watched.iter().filter(|&&s| s == 1).count(), params.len());
    assert!(
        watched.iter().all(|s| [1, 5, 10, 15].contains(s)),
        "{watched:?}"
    );

    for row in watch.rows() {
        // G after `row.step` steps, for each weight of the parameter.
        let record = seen.borrow();
        let grads: Vec<&Vec<f64>> = (record.iter())
            .filter(|(name, _)| *name == row.param)
            .take(row.step as usize)
            .map(|(_, g)| g)
            .collect();
        let last = grads.last().unwrap();
        let mut rates: Vec<f64> = (0..last.len())
            .filter(|&i| last[i] != 0.0)
            .map(|i| {
                let sum: f64 = grads.iter().map(|g| g[i] * g[i]).sum();
                f64::from(lr) / (sum + f64::from(eps)).sqrt()
            })
            .collect();
        rates.sort_by(f64::total_cmp);
        for (k, q) in [0.1, 0.5, 0.9].into_iter().enumerate() {
            let (want, got) = (quantile(&rates, q), row.rate[k]);
            assert!(
                ((got - want) / want).abs() < 2e-3,
                "{} step {}: quantile {q}: {got} vs λ/√(G+ε) = {want}",
                row.param,
                row.step
            );
        }
        // The rate only shrinks: at a later step, each quantile is at most what it was.
        if row.step > 1 {
            let first = watch
                .rows()
                .iter()
                .find(|r| r.step == 1 && r.param == row.param)
                .unwrap();
            assert!(
                row.rate[1] <= first.rate[1],
                "{}: {:?} after {:?}",
                row.param,
                row.rate,
                first.rate
            );
        }
    }
    assert_eq!(params.len(), 4);
}
