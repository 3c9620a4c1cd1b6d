//! SequentialLR: one schedule after another, switching at milestone ticks — e.g. a linear
//! warm-up, then cosine annealing.
//!
//! With schedules `S_0 … S_k` and increasing milestones `m_1 < … < m_k`, tick `t` with
//! `m_i ≤ t < m_{i+1}` gets `λ_t = S_i(λ0, t − m_i)` (`m_0 = 0`): each schedule restarts at its
//! own tick 0 when its turn comes, from the same base, as PyTorch's `SequentialLR(optimizer,
//! schedulers, milestones)` does (it calls `scheduler.step(0)` at a milestone).

use super::schedule::{invalid, Schedule};
use crate::error::OptimError;

/// Closed-form schedules run one after another.
#[derive(Debug)]
pub struct SequentialLr {
    schedules: Vec<Box<dyn Schedule>>,
    milestones: Vec<usize>,
}

impl SequentialLr {
    /// Runs `schedules[0]` until `milestones[0]`, then `schedules[1]` from its tick 0, and so on.
    ///
    /// ```
    /// use optim::scheduler::{CosineAnnealingLr, LinearLr, Schedule, SequentialLr};
    /// let warm = LinearLr::warmup(2, 0.5).unwrap();
    /// let cos = CosineAnnealingLr::new(2, 0.0).unwrap();
    /// let s = SequentialLr::new(vec![Box::new(warm), Box::new(cos)], vec![2]).unwrap();
    /// let lrs: Vec<f64> = (0..5).map(|t| s.value(1.0, t)).collect();
    /// assert!((lrs[1] - 0.75).abs() < 1e-12 && lrs[2] == 1.0 && lrs[4].abs() < 1e-12);
    /// ```
    ///
    /// # Errors
    /// No schedules, `milestones.len() != schedules.len() − 1`, or milestones not strictly
    /// increasing from ≥ 1.
    pub fn new(
        schedules: Vec<Box<dyn Schedule>>,
        milestones: Vec<usize>,
    ) -> Result<SequentialLr, OptimError> {
        if schedules.is_empty() {
            return Err(invalid(
                "SequentialLR",
                "needs at least one schedule".into(),
            ));
        }
        if milestones.len() + 1 != schedules.len() {
            return Err(invalid(
                "SequentialLR",
                format!(
                    "{} schedules need {} milestones, got {milestones:?}",
                    schedules.len(),
                    schedules.len() - 1
                ),
            ));
        }
        // Each milestone after the one before, the first after 0.
        let increasing = milestones
            .iter()
            .try_fold(0, |prev, &m| (m > prev).then_some(m));
        if increasing.is_none() {
            return Err(invalid(
                "SequentialLR",
                format!("milestones must increase from >= 1, got {milestones:?}"),
            ));
        }
        Ok(SequentialLr {
            schedules,
            milestones,
        })
    }
}

impl Schedule for SequentialLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        let i = self.milestones.partition_point(|&m| m <= t);
        let start = if i == 0 { 0 } else { self.milestones[i - 1] };
        self.schedules[i].value(base, t - start)
    }

    fn name(&self) -> &'static str {
        "SequentialLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::cosine::CosineAnnealingLr;
    use crate::scheduler::linear::LinearLr;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};
    use crate::scheduler::step::StepLr;

    #[test]
    fn warmup_then_cosine() {
        // Warm-up λ0·(0.25 + 0.75·t/3) for t = 0, 1, 2: 0.25, 0.5, 0.75; cosine from tick 3 with
        // T_cur = t − 3, T_max = 4: (1 + cos(π·T_cur/4))/2 = 1, 0.853553391, 0.5, 0.146446609, 0,
        // then back up: 0.146446609, 0.5, 0.853553391.
        let warm = LinearLr::warmup(3, 0.25).unwrap();
        let cos = CosineAnnealingLr::new(4, 0.0).unwrap();
        let s = SequentialLr::new(vec![Box::new(warm), Box::new(cos)], vec![3]).unwrap();
        let got = sequence(&s, 1.0, 10);
        assert!(got[7].abs() < 1e-7, "cosine reaches η_min = 0: {}", got[7]);
        let want = [0.25, 0.5, 0.75, 1.0, 0.853553391, 0.5, 0.146446609];
        assert_close(&got[..7], &want);
        assert_close(&got[8..], &[0.146446609, 0.5, 0.853553391]);
    }

    #[test]
    fn three_phases() {
        // StepLR(γ = 1) at 1 until 2, StepLR(1, γ = 0.5) until 5, then StepLR(1, γ = 0.1):
        // 1, 1 | 1, 0.5, 0.25 | 1, 0.1, 0.01.
        let a = StepLr::new(1, 1.0).unwrap();
        let b = StepLr::new(1, 0.5).unwrap();
        let c = StepLr::new(1, 0.1).unwrap();
        let s = SequentialLr::new(vec![Box::new(a), Box::new(b), Box::new(c)], vec![2, 5]);
        let want = [1.0, 1.0, 1.0, 0.5, 0.25, 1.0, 0.1, 0.01];
        assert_close(&sequence(&s.unwrap(), 1.0, 7), &want);
    }

    #[test]
    fn rejects_bad_milestones() {
        let two = || -> Vec<Box<dyn Schedule>> {
            vec![
                Box::new(StepLr::new(1, 1.0).unwrap()),
                Box::new(StepLr::new(1, 1.0).unwrap()),
            ]
        };
        let err = |s: Vec<Box<dyn Schedule>>, m| SequentialLr::new(s, m).unwrap_err().to_string();
        assert!(err(two(), vec![]).contains("need 1 milestones"));
        assert!(err(two(), vec![0]).contains("[0]"));
        assert!(err(vec![], vec![]).contains("at least one"));
    }
}
