//! Claim: Momentum averages out the mini-batch noise in real training: MNIST, `--all --mnist`.
//!
//! The network, seed and batches of `mnist.rs` (784-64-10 ReLU, batch 64, two epochs, the same
//! batches in the same order), trained by SGD at λ = 0.1 (the catalog's rate for SGD on MNIST)
//! and by Momentum, course form, μ = 0.9, at λ(1 − μ) = 0.01. As in claim 8 (`noise.rs`) the two
//! have the same long-run step λ/(1 − μ): for a steady gradient both move equally far per step,
//! so what differs is only how each treats the part of the gradient that changes from batch to
//! batch. At the same λ = 0.1 Momentum would move ten times farther, noise included.
//!
//! Two measures, both over the second epoch, when the loss is no longer falling fast:
//!
//! - the **coherence** of the updates of the first layer's weights over windows of [`WINDOW`]
//!   steps, |w_{t+K} − w_t| / Σ_s |w_{s+1} − w_s|: 1 when every step points the same way, about
//!   1/√K = 0.14 (K = 50) for independent random steps, below that when successive steps
//!   undo each other. Steps that are partly noise partly cancel, so
//!   the less noise in each step, the higher the coherence. The mean over the windows.
//! - the **jitter** of the full test-set loss (10 000 images) evaluated every [`EVAL_EVERY`]
//!   steps: the root mean square of its change from one evaluation to the next, which is small
//!   when the weights drift smoothly and large when each batch kicks them about.
//!
//! The final test loss and accuracy of both runs are printed too; they are not part of the test.

use std::error::Error;

use autograd::{no_grad, Tensor};
use data::{Order, Split};
use nn::{Module, Sequential};
use optim::{Momentum, Sgd};

use super::mnist::{total_steps, train_with};
use super::{chart, label, Picture, Verdict};
use crate::plot::{LinePlot, Series};

/// Steps per coherence window.
pub const WINDOW: usize = 50;
/// Steps between two evaluations on the test set (in the second epoch).
pub const EVAL_EVERY: usize = 10;
/// How much better Momentum must do on both measures for the claim to hold: one seed's luck
/// should not decide it.
pub const MARGIN: f64 = 1.25;
const SGD_LR: f32 = 0.1;
const MU: f32 = 0.9;
/// λ(1 − μ) = 0.1 × (1 − 0.9), written out: in f32 the product is not exactly 0.01.
const MOMENTUM_LR: f32 = 0.01;

/// What one run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseRun {
    /// Mean coherence of the first layer's updates over the windows of the second epoch.
    pub coherence: f64,
    /// Root mean square change of the test loss between successive evaluations.
    pub jitter: f64,
    /// Test loss at the end.
    pub test_loss: f64,
    /// Test accuracy at the end, in `[0, 1]`.
    pub accuracy: f64,
}

/// Held when Momentum's updates are more coherent than SGD's by more than [`MARGIN`] and its
/// test loss jitters less by more than [`MARGIN`]: the noise is averaged out in the steps and
/// that shows in the model.
pub fn mnist_noise_verdict(sgd: &NoiseRun, momentum: &NoiseRun) -> Verdict {
    let coherent = momentum.coherence > MARGIN * sgd.coherence;
    let steady = momentum.jitter * MARGIN < sgd.jitter;
    let caveat = match (coherent, steady) {
        (true, true) | (false, false) => "",
        (true, false) => " — the steps are averaged, but the test loss does not show it",
        (false, true) => " — the test loss is steadier, but the steps are not more coherent",
    };
    Verdict {
        claim: format!(
            "Momentum averages out the mini-batch noise in real training (MNIST, 784-64-10, \
             second epoch: sgd λ = {SGD_LR} against momentum μ = {MU} at λ(1 − μ), the same \
             long-run step; both measures better by more than ×{MARGIN})"
        ),
        held: Some(coherent && steady),
        evidence: format!(
            "coherence of the first layer's updates over {WINDOW} steps: momentum {:.3}, sgd \
             {:.3} (×{:.2}); test-loss jitter every {EVAL_EVERY} steps: momentum {:.2e}, sgd \
             {:.2e} (×{:.2}){caveat}; final test loss / accuracy: momentum {:.4} / {:.2}%, sgd \
             {:.4} / {:.2}%",
            momentum.coherence,
            sgd.coherence,
            momentum.coherence / sgd.coherence,
            momentum.jitter,
            sgd.jitter,
            sgd.jitter / momentum.jitter,
            momentum.test_loss,
            100.0 * momentum.accuracy,
            sgd.test_loss,
            100.0 * sgd.accuracy
        ),
    }
}

/// Mean loss and accuracy of `model` on `test`.
fn evaluate(model: &Sequential, test: &Split) -> (f64, f64) {
    no_grad(|| {
        let (mut loss, mut correct) = (0.0, 0usize);
        for batch in test.batches(1000, Order::Sequential, false) {
            let logits = model.forward(&Tensor::from(batch.images));
            let n = batch.labels.len() as f64;
            loss += logits.cross_entropy(&batch.labels).item() as f64 * n;
            let value = logits.value();
            for (row, &label) in value.outer_iter().zip(&batch.labels) {
                let best = (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b });
                correct += usize::from(best == label);
            }
        }
        let n = test.len().max(1) as f64;
        (loss / n, correct as f64 / n)
    })
}

/// Euclidean distance between two weight vectors.
fn distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The first layer's weights, flattened.
fn first_weights(model: &Sequential) -> Vec<f32> {
    let params = model.parameters();
    let first = params.iter().next();
    first.map_or_else(Vec::new, |p| p.tensor.value().iter().copied().collect())
}

/// What one run recorded for the pictures: `(step, value)` pairs.
struct Curves {
    /// Coherence of each window of [`WINDOW`] steps, at the window's last step.
    coherence: Vec<(f64, f64)>,
    /// Test loss at each evaluation of the second epoch.
    test_loss: Vec<(f64, f64)>,
}

/// One run's measures and curves.
fn measure<R: optim::UpdateRule>(
    mnist: &data::Mnist,
    rule: R,
) -> Result<(NoiseRun, Curves), Box<dyn Error>>
where
    optim::Algorithm: From<R>,
{
    let total = total_steps(mnist);
    let half = total / 2;
    let (mut from, mut prev) = (Vec::new(), Vec::new());
    let (mut path, mut coherence, mut losses) = (0.0, Vec::new(), Vec::new());
    let mut last = (f64::NAN, f64::NAN);
    train_with(mnist, rule, |step, _, model, _| {
        let now = first_weights(model);
        if !prev.is_empty() {
            path += distance(&now, &prev);
        }
        // The first window starts at step WINDOW, after the first weights are seen.
        if step.is_multiple_of(WINDOW) {
            if !from.is_empty() {
                coherence.push((step as f64, distance(&now, &from) / path));
            }
            (from, path) = (now.clone(), 0.0);
        }
        let due = step > half && (step - half).is_multiple_of(EVAL_EVERY);
        if due || step == total {
            last = evaluate(model, &mnist.test);
        }
        if due {
            losses.push((step as f64, last.0));
        }
        prev = now;
        Ok(())
    })?;
    let second: Vec<f64> = coherence
        .iter()
        .filter(|&&(end, _)| end as usize >= half + WINDOW)
        .map(|&(_, c)| c)
        .collect();
    let squares = losses.windows(2).map(|w| (w[1].1 - w[0].1).powi(2));
    let jitter = squares.sum::<f64>() / losses.len().saturating_sub(1).max(1) as f64;
    let run = NoiseRun {
        coherence: second.iter().sum::<f64>() / second.len().max(1) as f64,
        jitter: jitter.sqrt(),
        test_loss: last.0,
        accuracy: last.1,
    };
    let curves = Curves {
        coherence,
        test_loss: losses,
    };
    Ok((run, curves))
}

/// Runs the experiment on `mnist`: the verdict, and the pictures of the coherence over the
/// whole run and of the test loss over the second epoch.
///
/// # Errors
/// If a setting is invalid (a bug in this file).
pub fn check(mnist: &data::Mnist) -> Result<(Verdict, Vec<Picture>), Box<dyn Error>> {
    let (sgd, momentum) = settings();
    let (s, s_curves) = measure(mnist, sgd)?;
    let (m, m_curves) = measure(mnist, momentum)?;
    let pictures = pictures(
        [s_curves.coherence, m_curves.coherence],
        [s_curves.test_loss, m_curves.test_loss],
    );
    Ok((mnist_noise_verdict(&s, &m), pictures))
}

/// The two settings compared: SGD at λ = [`SGD_LR`], Momentum at λ(1 − μ) with μ = [`MU`].
fn settings() -> (Sgd, Momentum) {
    let sgd = Sgd {
        lr: SGD_LR,
        ..Sgd::default()
    };
    let momentum = Momentum {
        lr: MOMENTUM_LR,
        momentum: MU,
        ..Momentum::default()
    };
    (sgd, momentum)
}

/// The pictures of the coherence over the whole run and of the test loss over the second
/// epoch, from `(step, value)` curves of SGD then Momentum, the lines named by their settings.
pub fn pictures(coherence: [Vec<(f64, f64)>; 2], test_loss: [Vec<(f64, f64)>; 2]) -> Vec<Picture> {
    let (sgd, momentum) = settings();
    let names = [label(&sgd.into()), label(&momentum.into())];
    let picture = |name, title: String, y_label: &str, y_min, curves: [Vec<(f64, f64)>; 2]| {
        let series = (names.iter().zip(["sgd", "momentum"]).zip(curves))
            .map(|((label, optimizer), points)| Series {
                color: Some(crate::plot::color_of(optimizer)),
                ..Series::new(label.clone(), points)
            })
            .collect();
        let plot = LinePlot {
            y_min,
            ..chart(&title, y_label, false, series)
        };
        Picture::Lines { name, plot }
    };
    vec![
        picture(
            "mnist_noise",
            format!("MNIST: coherence of the first layer's updates over {WINDOW} steps"),
            "|sum of the steps| / sum of |step|",
            Some(0.0),
            coherence,
        ),
        picture(
            "mnist_test_loss",
            format!("MNIST, second epoch: loss on the full test set every {EVAL_EVERY} steps"),
            "test loss",
            None,
            test_loss,
        ),
    ]
}
