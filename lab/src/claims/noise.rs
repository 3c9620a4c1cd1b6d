//! Claim: Momentum averages out noisy gradients.
//!
//! Booth from (−4, −4), 300 steps, Gaussian gradient noise σ = 3 on each coordinate, seeds
//! 0 to 9. Booth is the bowl of the zig-zag experiment, with the same settings: SGD at λ = 0.1,
//! where its factor along the steep direction is 1 − 0.1·18 = −0.8 (each noise kick bounces
//! across the bowl), and Momentum at λ = 0.01, μ = 0.9, the same long-run step λ/(1 − μ). SGD
//! is also run at Momentum's λ = 0.01: there Momentum moves 1/(1 − μ) = 10 times farther for the
//! same gradient, so its noise is amplified too; the verdict compares equal long-run steps and
//! prints both. The spread is measured over the second half of each run, after the paths have
//! reached the minimum.

use optim::UpdateRule;

use super::{course, label, Checked, Picture, Verdict};
use crate::surfaces::Surface;
use crate::trajectory::{run_noisy, Noise, Trajectory, TrajectoryError};

/// Noise level of the experiment.
pub const SIGMA: f32 = 3.0;
/// Seeds 0 to `SEEDS − 1`.
pub const SEEDS: u64 = 10;
const STEPS: usize = 300;
const START: [f32; 2] = [-4.0, -4.0];

/// How far the noisy paths stay from the minimum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Root mean square distance to the minimum, over the measured steps of all paths.
    pub rms_distance: f64,
    /// Mean loss above the minimum's, over the same points.
    pub mean_loss: f64,
}

/// The spread of `paths` around `minimum` (value `min_value`) from point `from` on.
pub fn spread(paths: &[Trajectory], minimum: [f64; 2], min_value: f64, from: usize) -> Spread {
    let (mut sq, mut loss, mut n) = (0.0, 0.0, 0usize);
    for t in paths {
        for (p, &l) in t.points.iter().zip(&t.losses).skip(from) {
            let (dx, dy) = (p[0] as f64 - minimum[0], p[1] as f64 - minimum[1]);
            sq += dx * dx + dy * dy;
            loss += l as f64 - min_value;
            n += 1;
        }
    }
    let n = n.max(1) as f64;
    Spread {
        rms_distance: (sq / n).sqrt(),
        mean_loss: loss / n,
    }
}

/// What the noise experiment measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseNumbers {
    /// SGD at the long-run step of Momentum (λ = 0.1).
    pub sgd: Spread,
    /// Momentum, λ = 0.01, μ = 0.9.
    pub momentum: Spread,
    /// SGD at Momentum's λ = 0.01.
    pub sgd_same_lr: Spread,
}

/// Held when Momentum stays closer to the minimum, in distance and in loss, than SGD with the
/// same long-run step.
pub fn noise_verdict(n: &NoiseNumbers) -> Verdict {
    let held =
        n.momentum.rms_distance < n.sgd.rms_distance && n.momentum.mean_loss < n.sgd.mean_loss;
    Verdict {
        claim: format!(
            "Momentum averages out noisy gradients (booth, gradient noise σ = {SIGMA}, {SEEDS} \
             seeds: closer to the minimum than SGD with the same long-run step λ/(1 − μ))"
        ),
        held: Some(held),
        evidence: format!(
            "steps 150 to 300, RMS distance to the minimum / mean loss: momentum λ=0.01 μ=0.9 \
             {:.3} / {:.3}, sgd λ=0.1 {:.3} / {:.3}; at the same λ = 0.01 sgd {:.3} / {:.3} \
             (ten times slower steps, so less noise)",
            n.momentum.rms_distance,
            n.momentum.mean_loss,
            n.sgd.rms_distance,
            n.sgd.mean_loss,
            n.sgd_same_lr.rms_distance,
            n.sgd_same_lr.mean_loss
        ),
    }
}

/// Runs the experiment: the verdict, and the seed-0 paths on Booth.
///
/// # Errors
/// [`TrajectoryError`] if a run fails (a bug in the settings).
pub fn check() -> Result<Checked, TrajectoryError> {
    let settings = [
        course("sgd", Some(0.1), None, None, None),
        course("momentum", Some(0.01), Some(0.9), None, None),
        course("sgd", Some(0.01), None, None, None),
    ];
    let min = Surface::Booth.minima()[0];
    let mut spreads = Vec::new();
    let mut tracks = Vec::new();
    for h in &settings {
        let paths = (0..SEEDS)
            .map(|seed| {
                let noise = Some(Noise { sigma: SIGMA, seed });
                run_noisy(Surface::Booth, h, START, STEPS, noise)
            })
            .collect::<Result<Vec<_>, _>>()?;
        spreads.push(spread(&paths, min, 0.0, STEPS / 2));
        tracks.push((label(h), h.name(), paths[0].points.clone()));
    }
    // The picture shows the two settings of the verdict; SGD at λ = 0.01 shares SGD's colour.
    tracks.truncate(2);
    let numbers = NoiseNumbers {
        sgd: spreads[0],
        momentum: spreads[1],
        sgd_same_lr: spreads[2],
    };
    Ok(Checked {
        text: String::new(),
        verdicts: vec![noise_verdict(&numbers)],
        pictures: vec![Picture::Paths {
            name: "noise",
            surface: Surface::Booth,
            title: format!("booth, gradient noise σ = {SIGMA}, seed 0, {STEPS} steps"),
            tracks,
        }],
    })
}
