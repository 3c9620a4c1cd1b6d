//! AdaGrad's vanishing rate on real training: MNIST, `--all --mnist`.
//!
//! A 784-64-10 ReLU network (small, so that the two runs take seconds), batch 64, two epochs,
//! seed 0, AdaGrad and RMSProp (γ = 0.9) at the rate the catalog recommends for each on MNIST.
//! Every 10 steps the effective rate of each weight of the first layer is read from the
//! optimizer's own state (`G` for AdaGrad, `MA[g²]` for RMSProp), and its median is kept: the
//! median, since the few weights that see almost no gradient keep a rate near λ/√ε.
//!
//! The training loop, `train_with`, is shared with `mnist_noise.rs` (Momentum and the
//! mini-batch noise), whose claim [`check`] checks on the same loaded data.

use std::error::Error;

use data::Order;
use nn::{Linear, Module, ReLU, Sequential};
use optim::{AdaGrad, Optimizer, RmsProp, UpdateRule};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::adaptive::RateEnds;
use super::{lines, Checked, Picture, Verdict};

const EPOCHS: u64 = 2;
const BATCH: usize = 64;
const EVERY: usize = 10;

/// Held when AdaGrad's median rate falls to under a tenth of its first value while RMSProp's
/// does not, the test used on Beale; `second_half` is each method's rate at the end over its
/// rate halfway (AdaGrad, then RMSProp), printed to show whether it is still falling.
pub fn mnist_verdict(adagrad: &RateEnds, rmsprop: &RateEnds, second_half: [f64; 2]) -> Verdict {
    Verdict {
        claim: "AdaGrad's rate vanishes in real training too, RMSProp's does not (MNIST, \
                784-64-10, two epochs, median over the first layer's weights)"
            .into(),
        held: Some(adagrad.vanished() && !rmsprop.vanished()),
        evidence: format!(
            "median effective rate at step {EVERY} → end: adagrad {:.2e} → {:.2e}, rmsprop \
             {:.2e} → {:.2e}; over the second half ×{:.2} and ×{:.2}; mean training loss over \
             the last 100 steps adagrad {:.4}, rmsprop {:.4}",
            adagrad.first,
            adagrad.last,
            rmsprop.first,
            rmsprop.last,
            second_half[0],
            second_half[1],
            adagrad.final_loss,
            rmsprop.final_loss
        ),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Trains the network of this file with `rule` (seed 0, batch [`BATCH`], [`EPOCHS`] epochs,
/// the same batches in the same order for every rule), calling `observe` after every step with
/// the step number (from 1), the batch's loss, the model and the optimizer.
///
/// # Errors
/// If a setting is invalid, or whatever `observe` returns.
pub(crate) fn train_with<R: UpdateRule>(
    mnist: &data::Mnist,
    rule: R,
    mut observe: impl FnMut(usize, f64, &Sequential, &Optimizer<R>) -> Result<(), Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let model = Sequential::new()
        .add(Linear::new(784, 64, &mut rng))
        .add(ReLU)
        .add(Linear::new(64, 10, &mut rng));
    let mut opt = Optimizer::new(model.parameters(), rule)?;
    let mut step = 0;
    for epoch in 0..EPOCHS {
        for batch in mnist
            .train
            .batches(BATCH, Order::Shuffled { seed: 0, epoch }, false)
        {
            opt.zero_grad();
            let loss = model
                .forward(&batch.images.into())
                .cross_entropy(&batch.labels);
            loss.backward();
            opt.step()?;
            step += 1;
            observe(step, loss.item() as f64, &model, &opt)?;
        }
    }
    Ok(())
}

/// The steps [`train_with`] takes on `mnist`.
pub(crate) fn total_steps(mnist: &data::Mnist) -> usize {
    EPOCHS as usize * mnist.train.len().div_ceil(BATCH)
}

/// The id of the first layer's weight: the first parameter of the model.
fn first_layer<R: UpdateRule>(opt: &Optimizer<R>) -> Result<String, Box<dyn Error>> {
    Ok(opt
        .params()
        .iter()
        .next()
        .map(|p| p.name.clone())
        .ok_or("the model has parameters")?)
}

/// Trains with `rule`; returns the median first-layer rate every [`EVERY`] steps, computed from
/// the state by `rate`, and the mean loss of the last 100 steps.
fn train<R: UpdateRule>(
    mnist: &data::Mnist,
    rule: R,
    rate: impl Fn(f32) -> f64,
) -> Result<(Vec<f64>, f64), Box<dyn Error>> {
    let (mut rates, mut losses) = (Vec::new(), Vec::new());
    train_with(mnist, rule, |step, loss, _, opt| {
        losses.push(loss);
        if step % EVERY == 0 {
            let state = opt
                .state(&first_layer(opt)?)
                .and_then(|s| s.first())
                .ok_or("state after a step")?;
            rates.push(median(state.iter().map(|&g2| rate(g2)).collect()));
        }
        Ok(())
    })?;
    let tail = &losses[losses.len().saturating_sub(100)..];
    Ok((rates, tail.iter().sum::<f64>() / tail.len().max(1) as f64))
}

/// Runs this experiment and that of `mnist_noise.rs` (loads MNIST once, downloading it if
/// needed): two verdicts, three pictures.
///
/// # Errors
/// If MNIST cannot be obtained or loaded, or a setting is invalid.
pub fn check() -> Result<Checked, Box<dyn Error>> {
    let mnist = data::mnist()?;
    // The rates `train` starts these two from on this network.
    let lr = |a: optim::Algorithm| crate::training::recommended_lr(&a).map_or(0.01, |(lr, _)| lr);
    let ada = AdaGrad {
        lr: lr(AdaGrad::default().into()),
        ..AdaGrad::default()
    };
    let rms = RmsProp {
        lr: lr(RmsProp::default().into()),
        ..RmsProp::default()
    };
    let (ada_lr, ada_eps) = (ada.lr as f64, ada.eps as f64);
    let (rms_lr, rms_eps) = (rms.lr as f64, rms.eps as f64);
    let (a, a_loss) = train(&mnist, ada, |g2| ada_lr / (g2 as f64 + ada_eps).sqrt())?;
    let (r, r_loss) = train(&mnist, rms, |g2| rms_lr / (g2 as f64 + rms_eps).sqrt())?;
    let ends = |v: &[f64], loss| RateEnds {
        first: v.first().copied().unwrap_or(f64::NAN),
        last: v.last().copied().unwrap_or(f64::NAN),
        final_loss: loss,
        moved_last: f64::NAN,
    };
    let half = |v: &[f64]| {
        v.last().copied().unwrap_or(f64::NAN) / v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let verdict = mnist_verdict(&ends(&a, a_loss), &ends(&r, r_loss), [half(&a), half(&r)]);
    let mut picture = lines(
        "mnist_rate",
        "MNIST: median effective rate of the first layer's weights",
        "effective rate",
        true,
        vec![("adagrad".to_string(), a), ("rmsprop".to_string(), r)],
    );
    // Point i was read after step (i + 1)·EVERY.
    if let Picture::Lines { plot, .. } = &mut picture {
        for p in plot.series.iter_mut().flat_map(|s| s.points.iter_mut()) {
            p.0 = (p.0 + 1.0) * EVERY as f64;
        }
    }
    let (noise_verdict, noise_pictures) = super::mnist_noise::check(&mnist)?;
    Ok(Checked {
        text: String::new(),
        verdicts: vec![verdict, noise_verdict],
        pictures: [vec![picture], noise_pictures].concat(),
    })
}
