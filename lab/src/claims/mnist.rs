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
use std::time::Instant;

use data::Order;
use nn::{Linear, Module, ReLU, Sequential};
use optim::{AdaGrad, Optimizer, RmsProp, UpdateRule};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::adaptive::RateEnds;
use super::{at_steps, chart, label, Checked, Picture, Verdict};
use crate::plot::Series;

const EPOCHS: u64 = 2;
const BATCH: usize = 64;
const EVERY: usize = 10;
/// Steps between two progress lines of a run.
const PROGRESS_EVERY: usize = 500;

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
/// the step number (from 1), the batch's loss, the model and the optimizer. Prints a line
/// every [`PROGRESS_EVERY`] steps and at the end (a second or two apart), naming the run by
/// the rule's [`label`].
///
/// # Errors
/// If a setting is invalid, or whatever `observe` returns.
pub(crate) fn train_with<R: UpdateRule>(
    mnist: &data::Mnist,
    rule: R,
    mut observe: impl FnMut(usize, f64, &Sequential, &Optimizer<R>) -> Result<(), Box<dyn Error>>,
) -> Result<(), Box<dyn Error>>
where
    optim::Algorithm: From<R>,
{
    let name = label(&rule.clone().into());
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let model = Sequential::new()
        .add(Linear::new(784, 64, &mut rng))
        .add(ReLU)
        .add(Linear::new(64, 10, &mut rng));
    let mut opt = Optimizer::new(model.parameters(), rule)?;
    let (mut step, mut since) = (0, 0.0);
    let total = total_steps(mnist);
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
            since += loss.item() as f64;
            observe(step, loss.item() as f64, &model, &opt)?;
            if step.is_multiple_of(PROGRESS_EVERY) || step == total {
                let over = (step - 1) % PROGRESS_EVERY + 1;
                println!(
                    "  {name}: step {step}/{total} (epoch {}/{EPOCHS}), mean batch loss {:.4} \
                     over the last {over} steps ({:.1} s)",
                    epoch + 1,
                    since / over as f64,
                    started.elapsed().as_secs_f64()
                );
                since = 0.0;
            }
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
) -> Result<(Vec<f64>, f64), Box<dyn Error>>
where
    optim::Algorithm: From<R>,
{
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

/// The picture of the median rates `rates` of `ada` and `rms` (one every 10 steps from step
/// 10, as the experiment reads them), each line named by its settings.
pub fn rate_picture(ada: &AdaGrad, rms: &RmsProp, rates: [Vec<f64>; 2]) -> Picture {
    let names = [label(&ada.clone().into()), label(&rms.clone().into())];
    let series = (names.iter().zip(&rates))
        .map(|(name, rate)| Series::new(name.clone(), at_steps(rate, EVERY, EVERY)))
        .collect();
    Picture::Lines {
        name: "mnist_rate",
        plot: chart(
            &format!(
                "MNIST (784-64-10, batch {BATCH}): median effective rate of the first layer's weights"
            ),
            "effective rate",
            true,
            series,
        ),
    }
}

/// Runs this experiment and that of `mnist_noise.rs` (loads MNIST once, downloading it if
/// needed): two verdicts, three pictures.
///
/// # Errors
/// If MNIST cannot be obtained or loaded, or a setting is invalid.
pub fn check() -> Result<Checked, Box<dyn Error>> {
    println!("  loading MNIST…");
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
    let (ada_setting, rms_setting) = (ada.clone(), rms.clone());
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
    let picture = rate_picture(&ada_setting, &rms_setting, [a, r]);
    let (noise_verdict, noise_pictures) = super::mnist_noise::check(&mnist)?;
    Ok(Checked {
        text: String::new(),
        verdicts: vec![verdict, noise_verdict],
        pictures: [vec![picture], noise_pictures].concat(),
    })
}
