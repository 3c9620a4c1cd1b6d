//! ReduceLROnPlateau: multiply λ by `factor` when a watched metric stops improving.
//!
//! After each tick (usually an epoch) the caller passes the metric (say, the validation loss).
//! With `best` the best value so far, a tick is *better* when (mode min, threshold mode rel)
//! `metric < best·(1 − τ)`; otherwise it is *bad*. When more than `patience` bad ticks have
//! come in a row, every group's `λ ← max(λ·factor, min_lr)` (skipped for a group where that
//! changes λ by no more than `eps`), and the next `cooldown` ticks count no bad ticks. This is
//! PyTorch's `ReduceLROnPlateau` step for step, including its order: update best/bad count,
//! then cooldown, then the reduction check. Each group's λ is kept in `f64`, as PyTorch keeps
//! Python floats, and set in the group rounded to `f32`.

use super::schedule::{check_rate, invalid};
use crate::error::OptimError;

/// Whether a smaller or a larger metric is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlateauMode {
    /// Lower is better (a loss).
    Min,
    /// Higher is better (an accuracy).
    Max,
}

/// How the improvement threshold τ is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdMode {
    /// Better means beyond `best·(1 ∓ τ)`.
    Rel,
    /// Better means beyond `best ∓ τ`.
    Abs,
}

/// Hyperparameters of PyTorch's `ReduceLROnPlateau` for
/// [`Scheduler::plateau`](super::Scheduler::plateau); `Default` is PyTorch's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlateauConfig {
    /// Min (default) or max.
    pub mode: PlateauMode,
    /// λ multiplier on a plateau, in [0, 1); default 0.1.
    pub factor: f64,
    /// Bad ticks tolerated before reducing; default 10.
    pub patience: usize,
    /// Improvement threshold τ ≥ 0; default 1e-4.
    pub threshold: f64,
    /// Rel (default) or abs.
    pub threshold_mode: ThresholdMode,
    /// Ticks after a reduction during which bad ticks are not counted; default 0.
    pub cooldown: usize,
    /// Floor for λ, the same for every group; default 0.
    pub min_lr: f64,
    /// Reductions smaller than this are skipped; default 1e-8.
    pub eps: f64,
}

impl Default for PlateauConfig {
    fn default() -> PlateauConfig {
        PlateauConfig {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }
}

/// Where a plateau schedule stands: each group's λ, the best metric and the counters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plateau {
    pub(crate) config: PlateauConfig,
    /// Each group's λ.
    pub(crate) lrs: Vec<f64>,
    /// Best metric so far; ±∞ (the worst value) before the first tick.
    pub(crate) best: f64,
    pub(crate) num_bad_epochs: usize,
    pub(crate) cooldown_counter: usize,
}

impl Plateau {
    pub(crate) const NAME: &'static str = "ReduceLROnPlateau";

    /// A plateau schedule starting from each group's λ in `lrs`.
    ///
    /// # Errors
    /// `factor` outside [0, 1) (PyTorch: "Factor should be < 1.0"); a negative or non-finite
    /// `threshold`, `min_lr` or `eps`.
    pub(crate) fn new(config: PlateauConfig, lrs: Vec<f64>) -> Result<Plateau, OptimError> {
        if !(0.0..1.0).contains(&config.factor) {
            let reason = format!("factor must be in [0, 1), got {}", config.factor);
            return Err(invalid(Plateau::NAME, reason));
        }
        check_rate(config.threshold, "threshold", Plateau::NAME)?;
        check_rate(config.min_lr, "min_lr", Plateau::NAME)?;
        check_rate(config.eps, "eps", Plateau::NAME)?;
        let best = Plateau::worst(config.mode);
        Ok(Plateau {
            config,
            lrs,
            best,
            num_bad_epochs: 0,
            cooldown_counter: 0,
        })
    }

    /// The metric value every real metric beats.
    pub(crate) fn worst(mode: PlateauMode) -> f64 {
        match mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        }
    }

    fn is_better(&self, a: f64) -> bool {
        let (best, tau) = (self.best, self.config.threshold);
        match (self.config.mode, self.config.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => a < best * (1.0 - tau),
            (PlateauMode::Min, ThresholdMode::Abs) => a < best - tau,
            (PlateauMode::Max, ThresholdMode::Rel) => a > best * (tau + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => a > best + tau,
        }
    }

    /// Feeds one tick's metric, reducing every group's λ on a plateau.
    pub(crate) fn step(&mut self, metric: f64) {
        if self.is_better(metric) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0; // bad ticks during cooldown do not count
        }
        if self.num_bad_epochs > self.config.patience {
            for lr in &mut self.lrs {
                let new_lr = (*lr * self.config.factor).max(self.config.min_lr);
                if *lr - new_lr > self.config.eps {
                    *lr = new_lr;
                }
            }
            self.cooldown_counter = self.config.cooldown;
            self.num_bad_epochs = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::assert_close;

    /// λ of the first group at ticks 0..=n, fed `metric(t)` at tick t.
    fn sequence(
        config: PlateauConfig,
        lr: f64,
        n: usize,
        metric: impl Fn(usize) -> f64,
    ) -> Vec<f32> {
        let mut p = Plateau::new(config, vec![lr, 2.0 * lr]).unwrap();
        let mut out = vec![p.lrs[0] as f32];
        for t in 1..=n {
            p.step(metric(t));
            assert_eq!(p.lrs[1], 2.0 * p.lrs[0], "every group is reduced alike");
            out.push(p.lrs[0] as f32);
        }
        out
    }

    #[test]
    fn reduces_after_patience_with_cooldown() {
        // factor 0.5, patience 2, cooldown 1, from λ = 1; metrics improve to 1.0 by tick 3.
        // t1 4.0 better (best 4), t2 2.0 better, t3 1.0 better (best 1).
        // t4 bad(1), t5 bad(2), t6 bad(3) > 2 → λ 0.5, cooldown 1, bad 0.
        // t7 bad(1) but in cooldown → cooldown 0, bad 0. t8 bad 1, t9 bad 2, t10 bad 3 → λ 0.25.
        // t11 cooldown eats it; t12 bad 1; t13 bad 2.
        let config = PlateauConfig {
            factor: 0.5,
            patience: 2,
            cooldown: 1,
            ..Default::default()
        };
        let metric = |t: usize| [0.0, 4.0, 2.0, 1.0][t.min(3)];
        let want = [
            1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25,
        ];
        assert_close(&sequence(config, 1.0, 13, metric), &want);
    }

    #[test]
    fn relative_threshold_and_min_lr() {
        // threshold 0.1 rel: better only below 0.9·best. From best 1.0 (tick 1), 0.95 is *not*
        // better, so with patience 0 each such tick reduces: λ 1 → 0.1 → floor 0.05 → 0.05.
        let config = PlateauConfig {
            patience: 0,
            threshold: 0.1,
            min_lr: 0.05,
            ..Default::default()
        };
        let mut p = Plateau::new(config, vec![1.0]).unwrap();
        let mut got = vec![1.0];
        for t in 1..=4 {
            p.step(if t == 1 { 1.0 } else { 0.95 });
            got.push(p.lrs[0] as f32);
        }
        assert_close(&got, &[1.0, 1.0, 0.1, 0.05, 0.05]);
    }

    #[test]
    fn max_mode_abs_threshold() {
        // Accuracy rising by 0.005 per tick with abs threshold 0.02: not better after tick 1,
        // patience 1 → reduce at ticks 3 (bad 2) and 5 (bad 2 again after reset).
        let config = PlateauConfig {
            mode: PlateauMode::Max,
            threshold_mode: ThresholdMode::Abs,
            threshold: 0.02,
            patience: 1,
            factor: 0.5,
            ..Default::default()
        };
        let got = sequence(config, 0.8, 5, |t| f64::from(0.5 + 0.005 * t as f32));
        assert_close(&got, &[0.8, 0.8, 0.8, 0.4, 0.4, 0.2]);
    }

    #[test]
    fn rejects_bad_config() {
        let bad = |config| Plateau::new(config, vec![1.0]).unwrap_err().to_string();
        let factor = |factor| PlateauConfig {
            factor,
            ..Default::default()
        };
        assert_eq!(
            bad(factor(1.0)),
            "ReduceLROnPlateau: factor must be in [0, 1), got 1"
        );
        assert!(bad(factor(-0.5)).contains("-0.5"));
        assert!(bad(PlateauConfig {
            threshold: -1e-3,
            ..Default::default()
        })
        .contains("-0.001"));
    }
}
