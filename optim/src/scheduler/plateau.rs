//! ReduceLROnPlateau: multiply λ by `factor` when a watched metric stops improving.
//!
//! After each epoch the caller passes the metric (say, the validation loss). With `best` the best
//! value so far, an epoch is *better* when (mode min, threshold mode rel) `metric < best·(1 − τ)`;
//! otherwise it is *bad*. When more than `patience` bad epochs have come in a row,
//! `λ ← max(λ·factor, min_lr)` (skipped if that changes λ by no more than `eps`), and the next
//! `cooldown` epochs count no bad epochs. This is PyTorch's `ReduceLROnPlateau` step for step,
//! including its order: update best/bad count, then cooldown, then the reduction check.

use std::collections::BTreeMap;

use super::{check_keys, check_rate, counter, invalid, state_error, Scheduler};
use crate::OptimError;

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

/// Hyperparameters of [`ReduceLrOnPlateau`]; `Default` is PyTorch's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlateauConfig {
    /// Min (default) or max.
    pub mode: PlateauMode,
    /// λ multiplier on a plateau, in [0, 1); default 0.1.
    pub factor: f64,
    /// Bad epochs tolerated before reducing; default 10.
    pub patience: usize,
    /// Improvement threshold τ ≥ 0; default 1e-4.
    pub threshold: f64,
    /// Rel (default) or abs.
    pub threshold_mode: ThresholdMode,
    /// Epochs after a reduction during which bad epochs are not counted; default 0.
    pub cooldown: usize,
    /// Floor for λ; default 0.
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

/// Reduces λ when the metric passed to [`Scheduler::step`] plateaus.
#[derive(Debug, Clone)]
pub struct ReduceLrOnPlateau {
    config: PlateauConfig,
    lr: f64,
    /// Best metric so far; ±∞ (the worst value) before the first step.
    best: f64,
    num_bad_epochs: usize,
    cooldown_counter: usize,
    epoch: usize,
}

impl ReduceLrOnPlateau {
    /// A plateau scheduler starting at `base_lr`.
    ///
    /// ```
    /// use optim::scheduler::{PlateauConfig, ReduceLrOnPlateau, Scheduler};
    /// let config = PlateauConfig { factor: 0.5, patience: 1, ..PlateauConfig::default() };
    /// let mut s = ReduceLrOnPlateau::new(1.0, config).unwrap();
    /// let lrs: Vec<f32> = [3.0, 2.0, 2.0, 2.0].iter().map(|&m| s.step(Some(m))).collect();
    /// assert_eq!(lrs, vec![1.0, 1.0, 1.0, 0.5]); // the 2nd bad epoch in a row exceeds patience 1
    /// ```
    ///
    /// # Errors
    /// `factor` outside [0, 1) (PyTorch: "Factor should be < 1.0"); a negative or non-finite
    /// `base_lr`, `threshold`, `min_lr` or `eps`.
    pub fn new(base_lr: f64, config: PlateauConfig) -> Result<ReduceLrOnPlateau, OptimError> {
        const WHO: &str = "ReduceLROnPlateau";
        check_rate(base_lr, "base lr", WHO)?;
        if !(0.0..1.0).contains(&config.factor) {
            return Err(invalid(
                WHO,
                format!("factor must be in [0, 1), got {}", config.factor),
            ));
        }
        check_rate(config.threshold, "threshold", WHO)?;
        check_rate(config.min_lr, "min_lr", WHO)?;
        check_rate(config.eps, "eps", WHO)?;
        let mut s = ReduceLrOnPlateau {
            config,
            lr: base_lr,
            best: 0.0,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            epoch: 0,
        };
        s.best = s.worst();
        Ok(s)
    }

    /// The hyperparameters.
    pub fn config(&self) -> &PlateauConfig {
        &self.config
    }

    /// The metric value every real metric beats.
    fn worst(&self) -> f64 {
        match self.config.mode {
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
}

impl Scheduler for ReduceLrOnPlateau {
    /// Feeds one epoch's metric and returns the (possibly reduced) λ.
    ///
    /// # Panics
    /// If `metric` is `None`: this schedule needs the metric every epoch.
    #[track_caller]
    fn step(&mut self, metric: Option<f32>) -> f32 {
        let current = f64::from(
            metric.expect("ReduceLROnPlateau::step needs the metric (Some(validation loss))"),
        );
        self.epoch += 1;
        if self.is_better(current) {
            self.best = current;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0; // bad epochs during cooldown do not count
        }
        if self.num_bad_epochs > self.config.patience {
            let new_lr = (self.lr * self.config.factor).max(self.config.min_lr);
            if self.lr - new_lr > self.config.eps {
                self.lr = new_lr;
            }
            self.cooldown_counter = self.config.cooldown;
            self.num_bad_epochs = 0;
        }
        self.last_lr()
    }

    fn last_lr(&self) -> f32 {
        self.lr as f32
    }

    fn epoch(&self) -> usize {
        self.epoch
    }

    /// `epoch`, `lr`, `num_bad_epochs`, `cooldown_counter`, and `best` once a metric has been
    /// seen (left out while it is ±∞, which JSON cannot hold).
    fn state(&self) -> BTreeMap<String, f64> {
        let mut state = BTreeMap::from([
            ("epoch".to_string(), self.epoch as f64),
            ("lr".to_string(), self.lr),
            ("num_bad_epochs".to_string(), self.num_bad_epochs as f64),
            ("cooldown_counter".to_string(), self.cooldown_counter as f64),
        ]);
        if self.best.is_finite() {
            state.insert("best".to_string(), self.best);
        }
        state
    }

    fn load_state(&mut self, state: &BTreeMap<String, f64>) -> Result<(), OptimError> {
        const WHO: &str = "ReduceLROnPlateau";
        check_keys(
            state,
            &["epoch", "lr", "num_bad_epochs", "cooldown_counter", "best"],
            WHO,
        )?;
        let epoch = counter(state, "epoch", WHO)?;
        let num_bad_epochs = counter(state, "num_bad_epochs", WHO)?;
        let cooldown_counter = counter(state, "cooldown_counter", WHO)?;
        let lr = *state
            .get("lr")
            .ok_or_else(|| state_error(WHO, "missing key `lr`".into()))?;
        check_rate(lr, "lr", WHO)?;
        let best = state.get("best").copied().unwrap_or(self.worst());
        if best.is_nan() {
            return Err(state_error(WHO, "`best` is NaN".into()));
        }
        *self = ReduceLrOnPlateau {
            config: self.config,
            lr,
            best,
            num_bad_epochs,
            cooldown_counter,
            epoch,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::test_util::{assert_close, check_resume, sequence};

    /// Metrics for epochs 1..: improve to 1.0 by epoch 3, then stall.
    fn metric(e: usize) -> Option<f32> {
        Some(
            [
                0.0, 4.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
            ][e],
        )
    }

    #[test]
    fn reduces_after_patience_with_cooldown() {
        // factor 0.5, patience 2, cooldown 1, from λ = 1.
        // e1 4.0 better (best 4), e2 2.0 better, e3 1.0 better (best 1).
        // e4 bad(1), e5 bad(2), e6 bad(3) > 2 → λ 0.5, cooldown 1, bad 0.
        // e7 bad(1) but in cooldown → cooldown 0, bad 0. e8 bad 1, e9 bad 2, e10 bad 3 → λ 0.25.
        // e11 cooldown eats it; e12 bad 1; e13 bad 2.
        let config = PlateauConfig {
            factor: 0.5,
            patience: 2,
            cooldown: 1,
            ..PlateauConfig::default()
        };
        let mut s = ReduceLrOnPlateau::new(1.0, config).unwrap();
        let want = [
            1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25,
        ];
        assert_close(&sequence(&mut s, 13, metric), &want);
    }

    #[test]
    fn relative_threshold_and_min_lr() {
        // threshold 0.1 rel: better only below 0.9·best. From best 1.0 (epoch 1), 0.95 is *not*
        // better, so with patience 0 each such epoch reduces: λ 1 → 0.1 → floor 0.05 → 0.05.
        let config = PlateauConfig {
            patience: 0,
            threshold: 0.1,
            min_lr: 0.05,
            ..PlateauConfig::default()
        };
        let mut s = ReduceLrOnPlateau::new(1.0, config).unwrap();
        let got = sequence(&mut s, 4, |e| Some(if e == 1 { 1.0 } else { 0.95 }));
        assert_close(&got, &[1.0, 1.0, 0.1, 0.05, 0.05]);
    }

    #[test]
    fn max_mode_abs_threshold() {
        // Accuracy rising by 0.005 per epoch with abs threshold 0.02: not better after epoch 1,
        // patience 1 → reduce at epochs 3 (bad 2) and 5 (bad 2 again after reset).
        let config = PlateauConfig {
            mode: PlateauMode::Max,
            threshold_mode: ThresholdMode::Abs,
            threshold: 0.02,
            patience: 1,
            factor: 0.5,
            ..PlateauConfig::default()
        };
        let mut s = ReduceLrOnPlateau::new(0.8, config).unwrap();
        let got = sequence(&mut s, 5, |e| Some(0.5 + 0.005 * e as f32));
        assert_close(&got, &[0.8, 0.8, 0.8, 0.4, 0.4, 0.2]);
    }

    #[test]
    fn resume_continues_identically() {
        let config = PlateauConfig {
            factor: 0.5,
            patience: 2,
            cooldown: 1,
            ..PlateauConfig::default()
        };
        let make = || Box::new(ReduceLrOnPlateau::new(1.0, config).unwrap());
        // Resume inside the first cooldown (after epoch 6) and in the middle of a bad run.
        check_resume(make(), make(), 6, 13, metric);
        check_resume(make(), make(), 5, 13, metric);
        check_resume(make(), make(), 0, 13, metric);
    }

    #[test]
    fn rejects_bad_config_and_state() {
        let bad = |config| ReduceLrOnPlateau::new(1.0, config).unwrap_err().to_string();
        assert!(bad(PlateauConfig {
            factor: 1.0,
            ..PlateauConfig::default()
        })
        .contains("factor must be in [0, 1), got 1"));
        assert!(bad(PlateauConfig {
            factor: -0.5,
            ..PlateauConfig::default()
        })
        .contains("-0.5"));
        assert!(bad(PlateauConfig {
            threshold: -1e-3,
            ..PlateauConfig::default()
        })
        .contains("-0.001"));
        let mut s = ReduceLrOnPlateau::new(1.0, PlateauConfig::default()).unwrap();
        let missing = BTreeMap::from([("epoch".to_string(), 3.0)]);
        assert!(s
            .load_state(&missing)
            .unwrap_err()
            .to_string()
            .contains("num_bad_epochs"));
    }

    #[test]
    #[should_panic(expected = "needs the metric")]
    fn step_without_metric_panics() {
        ReduceLrOnPlateau::new(1.0, PlateauConfig::default())
            .unwrap()
            .step(None);
    }
}
