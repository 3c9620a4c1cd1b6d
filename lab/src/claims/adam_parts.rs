//! Claim: Adam is Momentum (the first moment) plus RMSProp (the second moment), with bias
//! correction.
//!
//! Adam runs 500 steps on Beale from (1, 1.5) at λ = 0.05 (β1 = 0.9, β2 = 0.999, ε = 1e-8).
//! The gradients it was given are then fed, one by one, to a Momentum (λ = 0.01, μ = β1) and an
//! RMSProp (λ = 0.01, γ = β2) of the library, so that all three see the same gradients. From
//! their steps alone Adam's step is rebuilt: Momentum's step is λ Σ μ^(t−k) g_k, so
//! m_t = (1 − β1)/λ · ĝ_t; RMSProp's step λ g/√(MA + ε) gives MA = v_t. Then
//! Adam's step = λ_Adam · m_t/(1 − β1^t) / (√(v_t/(1 − β2^t)) + ε). What differs is only the two
//! bias corrections and the (1 − β1) weight: without them Adam's first step would be
//! (1 − β1)/√(1 − β2) ≈ 3.16 times its λ per coordinate, with them it is λ.

use autograd::{Parameters, Tensor};
use optim::{Adam, Algorithm, Optimizer};

use super::{course, label, lines, Checked, Verdict};
use crate::surfaces::Surface;
use crate::trajectory::{gradient, run, TrajectoryError};

const LR_ADAM: f64 = 0.05;
const LR: f64 = 0.01;
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;
const STEPS: usize = 500;

/// The steps `w_t − w_{t+1}` an optimizer takes when given the gradients `grads` in turn.
///
/// # Errors
/// [`TrajectoryError::Optim`] if `optimizer` refuses its hyperparameters.
pub fn steps_for(
    optimizer: &Algorithm,
    grads: &[[f32; 2]],
) -> Result<Vec<[f64; 2]>, TrajectoryError> {
    let p = Tensor::from_vec(vec![0.0, 0.0], &[2])
        .expect("2 values for shape [2]")
        .requires_grad();
    let mut params = Parameters::new();
    params.push("xy", p.clone());
    let mut opt = Optimizer::new(params, optimizer.clone())?;
    let mut out = Vec::with_capacity(grads.len());
    for g in grads {
        let before = p.to_vec();
        opt.step_with_closure(&mut || {
            *p.grad_slot() = Some(autograd::ndarray::arr1(g).into_dyn());
            0.0
        })?;
        let after = p.to_vec();
        out.push([(before[0] - after[0]) as f64, (before[1] - after[1]) as f64]);
    }
    Ok(out)
}

/// Adam's steps rebuilt from Momentum's steps (λ = `lr`, μ = β1), RMSProp's steps (λ = `lr`,
/// γ = β2, ε inside the root) and the gradients they were given.
pub fn rebuild_adam(
    momentum: &[[f64; 2]],
    rmsprop: &[[f64; 2]],
    grads: &[[f32; 2]],
    lr: f64,
) -> Vec<[f64; 2]> {
    momentum
        .iter()
        .zip(rmsprop)
        .zip(grads)
        .enumerate()
        .map(|(i, ((m, r), g))| {
            let t = (i + 1) as i32;
            let mut s = [0.0; 2];
            for d in 0..2 {
                let m_hat = (1.0 - BETA1) / lr * m[d] / (1.0 - BETA1.powi(t));
                // RMSProp's step λ g/√(v + ε) read backwards; f32 steps carry f32 round-off.
                let root = lr * g[d] as f64 / r[d];
                let v = (root * root - EPS).max(0.0);
                let v_hat = v / (1.0 - BETA2.powi(t));
                s[d] = LR_ADAM * m_hat / (v_hat.sqrt() + EPS);
            }
            s
        })
        .collect()
}

/// The largest gap between `actual` and `rebuilt` steps, relative to the largest actual step.
pub fn largest_gap(actual: &[[f64; 2]], rebuilt: &[[f64; 2]]) -> f64 {
    let scale = actual
        .iter()
        .flat_map(|s| s.iter())
        .fold(0.0f64, |a, &b| a.max(b.abs()));
    let gap = actual
        .iter()
        .zip(rebuilt)
        .flat_map(|(a, b)| [(a[0] - b[0]).abs(), (a[1] - b[1]).abs()])
        .fold(0.0f64, f64::max);
    if actual.len() == rebuilt.len() {
        gap / scale.max(f64::MIN_POSITIVE)
    } else {
        f64::INFINITY
    }
}

/// Held when Adam's steps are rebuilt from Momentum's and RMSProp's to within 1e-3 of the
/// largest step; `first_step` is Adam's first step over its λ (1 per coordinate with bias
/// correction).
pub fn adam_verdict(gap: f64, first_step: f64) -> Verdict {
    let uncorrected = (1.0 - BETA1) / (1.0 - BETA2).sqrt();
    Verdict {
        claim: "Adam is Momentum plus RMSProp (beale: Adam's 500 steps rebuilt from the steps of \
                a Momentum and an RMSProp given the same gradients, with bias correction)"
            .into(),
        held: Some(gap < 1e-3),
        evidence: format!(
            "largest gap between Adam's step and its rebuild: {gap:.1e} of the largest step \
             (exact up to f32 round-off); what differs is the bias correction: Adam's first step \
             is {first_step:.3}·λ per coordinate, {uncorrected:.3}·λ without it"
        ),
    }
}

/// Runs the experiment.
///
/// # Errors
/// [`TrajectoryError`] if a run fails (a bug in the settings).
pub fn check() -> Result<Checked, TrajectoryError> {
    let adam = Algorithm::from(Adam {
        lr: LR_ADAM as f32,
        beta1: BETA1 as f32,
        beta2: BETA2 as f32,
        eps: EPS as f32,
        ..Adam::default()
    });
    let t = run(Surface::Beale, &adam, [1.0, 1.5], STEPS)?;
    let grads: Vec<[f32; 2]> = t.points[..STEPS]
        .iter()
        .map(|&p| gradient(Surface::Beale, p))
        .collect();
    let actual = steps_for(&adam, &grads)?;
    let (lr, beta1, beta2, eps) = (
        Some(LR as f32),
        Some(BETA1 as f32),
        Some(BETA2 as f32),
        Some(EPS as f32),
    );
    let (momentum_setting, rmsprop_setting) = (
        course("momentum", lr, beta1, None, None),
        course("rmsprop", lr, None, beta2, eps),
    );
    let momentum = steps_for(&momentum_setting, &grads)?;
    let rmsprop = steps_for(&rmsprop_setting, &grads)?;
    let rebuilt = rebuild_adam(&momentum, &rmsprop, &grads, LR);
    let first = actual.first().map_or(f64::NAN, |s| s[0].abs() / LR_ADAM);
    let xs = |s: &[[f64; 2]]| s.iter().take(100).map(|s| s[0]).collect::<Vec<_>>();
    Ok(Checked {
        text: String::new(),
        verdicts: vec![adam_verdict(largest_gap(&actual, &rebuilt), first)],
        pictures: vec![lines(
            "adam_parts",
            "beale: Adam's x-step, rebuilt from Momentum and RMSProp",
            "step in x",
            false,
            vec![
                (label(&adam), xs(&actual)),
                (
                    format!(
                        "rebuilt from {} and {}",
                        label(&momentum_setting),
                        label(&rmsprop_setting)
                    ),
                    xs(&rebuilt),
                ),
                (
                    format!(
                        "{}: its step ÷ 10 (same gradients)",
                        label(&momentum_setting)
                    ),
                    momentum.iter().take(100).map(|s| s[0] / 10.0).collect(),
                ),
            ],
        )],
    })
}
