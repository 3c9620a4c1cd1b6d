//! Constant: λ_e = λ0 for every epoch (what training does without a scheduler).

use super::{check_rate, ClosedForm};
use crate::OptimError;

/// Keeps λ at `base_lr`; still counts epochs so that its state saves like the others'.
#[derive(Debug, Clone)]
pub struct Constant {
    base_lr: f64,
    epoch: usize,
}

impl Constant {
    /// A constant schedule at `base_lr`.
    ///
    /// # Errors
    /// `base_lr` negative or not finite.
    pub fn new(base_lr: f64) -> Result<Constant, OptimError> {
        check_rate(base_lr, "base lr", "Constant")?;
        Ok(Constant { base_lr, epoch: 0 })
    }
}

impl ClosedForm for Constant {
    fn lr_at(&self, _epoch: usize) -> f64 {
        self.base_lr
    }

    fn name(&self) -> &'static str {
        "Constant"
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
    use crate::scheduler::test_util::sequence;
    use crate::scheduler::Scheduler;

    #[test]
    fn stays_at_base_lr() {
        let mut s = Constant::new(0.25).unwrap();
        assert_eq!(sequence(&mut s, 5, |_| None), vec![0.25; 6]);
        assert_eq!(s.epoch(), 5);
        assert!(Constant::new(-0.25)
            .unwrap_err()
            .to_string()
            .contains("-0.25"));
    }
}
