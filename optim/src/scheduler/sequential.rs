//! SequentialLR: one schedule after another, switching at milestone epochs — e.g. a linear
//! warm-up, then cosine annealing.
//!
//! With schedules `S_0 … S_k` and increasing milestones `m_1 < … < m_k`, epoch `e` with
//! `m_i ≤ e < m_{i+1}` gets `λ_e = S_i(e − m_i)` (`m_0 = 0`): each schedule restarts at its own
//! epoch 0 when its turn comes, as PyTorch's `SequentialLR(optimizer, schedulers, milestones)`
//! does (it calls `scheduler.step(0)` at a milestone).

use super::{invalid, ClosedForm};
use crate::OptimError;

/// Closed-form schedules run one after another.
#[derive(Debug)]
pub struct SequentialLr {
    schedules: Vec<Box<dyn ClosedForm>>,
    milestones: Vec<usize>,
    epoch: usize,
}

impl SequentialLr {
    /// Runs `schedules[0]` until `milestones[0]`, then `schedules[1]` from its epoch 0, and so on.
    ///
    /// ```
    /// use optim::scheduler::{ClosedForm, CosineAnnealingLr, LinearLr, SequentialLr};
    /// let warm = LinearLr::warmup(1.0, 2, 0.5).unwrap();
    /// let cos = CosineAnnealingLr::new(1.0, 2, 0.0).unwrap();
    /// let s = SequentialLr::new(vec![Box::new(warm), Box::new(cos)], vec![2]).unwrap();
    /// let lrs: Vec<f64> = (0..5).map(|e| s.lr_at(e)).collect();
    /// assert!((lrs[1] - 0.75).abs() < 1e-12 && lrs[2] == 1.0 && lrs[4].abs() < 1e-12);
    /// ```
    ///
    /// # Errors
    /// No schedules, `milestones.len() != schedules.len() − 1`, or milestones not strictly
    /// increasing from ≥ 1.
    pub fn new(
        schedules: Vec<Box<dyn ClosedForm>>,
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
        let mut previous = 0;
        for &m in &milestones {
            if m <= previous {
                return Err(invalid(
                    "SequentialLR",
                    format!("milestones must increase from >= 1, got {milestones:?}"),
                ));
            }
            previous = m;
        }
        Ok(SequentialLr {
            schedules,
            milestones,
            epoch: 0,
        })
    }
}

impl ClosedForm for SequentialLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        let i = self.milestones.partition_point(|&m| m <= epoch);
        let start = if i == 0 { 0 } else { self.milestones[i - 1] };
        self.schedules[i].lr_at(epoch - start)
    }

    fn name(&self) -> &'static str {
        "SequentialLR"
    }

    fn epoch_counter(&self) -> usize {
        self.epoch
    }

    fn epoch_counter_mut(&mut self) -> &mut usize {
        &mut self.epoch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::test_util::{assert_close, check_resume, sequence};
    use crate::scheduler::{CosineAnnealingLr, LinearLr, StepLr};

    fn warmup_cosine() -> SequentialLr {
        let warm = LinearLr::warmup(1.0, 3, 0.25).unwrap();
        let cos = CosineAnnealingLr::new(1.0, 4, 0.0).unwrap();
        SequentialLr::new(vec![Box::new(warm), Box::new(cos)], vec![3]).unwrap()
    }

    #[test]
    fn warmup_then_cosine() {
        // Warm-up λ0·(0.25 + 0.75·e/3) for e = 0, 1, 2: 0.25, 0.5, 0.75; cosine from epoch 3 with
        // T_cur = e − 3, T_max = 4: (1 + cos(π·T_cur/4))/2 = 1, 0.853553391, 0.5, 0.146446609, 0,
        // then back up: 0.146446609, 0.5, 0.853553391.
        let mut s = warmup_cosine();
        let want = [
            0.25,
            0.5,
            0.75,
            1.0,
            0.853553391,
            0.5,
            0.146446609,
            0.0,
            0.146446609,
            0.5,
            0.853553391,
        ];
        let got = sequence(&mut s, 10, |_| None);
        assert!(got[7].abs() < 1e-7, "cosine reaches η_min = 0: {}", got[7]);
        let (g, w): (Vec<f32>, Vec<f64>) = got
            .iter()
            .zip(want)
            .filter(|(_, w)| *w != 0.0)
            .map(|(g, w)| (*g, w))
            .unzip();
        assert_close(&g, &w);
    }

    #[test]
    fn three_phases() {
        // Constant-ish StepLR(γ = 1) at 1 until 2, StepLR(1, γ = 0.5) until 5, then StepLR(1, γ = 0.1):
        // 1, 1 | 1, 0.5, 0.25 | 1, 0.1, 0.01.
        let a = StepLr::new(1.0, 1, 1.0).unwrap();
        let b = StepLr::new(1.0, 1, 0.5).unwrap();
        let c = StepLr::new(1.0, 1, 0.1).unwrap();
        let mut s =
            SequentialLr::new(vec![Box::new(a), Box::new(b), Box::new(c)], vec![2, 5]).unwrap();
        assert_close(
            &sequence(&mut s, 7, |_| None),
            &[1.0, 1.0, 1.0, 0.5, 0.25, 1.0, 0.1, 0.01],
        );
    }

    #[test]
    fn resume_continues_identically() {
        check_resume(
            Box::new(warmup_cosine()),
            Box::new(warmup_cosine()),
            2,
            9,
            |_| None,
        );
    }

    #[test]
    fn rejects_bad_milestones() {
        let two = || -> Vec<Box<dyn ClosedForm>> {
            vec![
                Box::new(StepLr::new(1.0, 1, 1.0).unwrap()),
                Box::new(StepLr::new(1.0, 1, 1.0).unwrap()),
            ]
        };
        assert!(SequentialLr::new(two(), vec![])
            .unwrap_err()
            .to_string()
            .contains("need 1 milestones"));
        assert!(SequentialLr::new(two(), vec![0])
            .unwrap_err()
            .to_string()
            .contains("[0]"));
        assert!(SequentialLr::new(vec![], vec![]).is_err());
    }
}
