//! Constant: `λ_t = λ0` at every tick (what training does without a scheduler).

use super::schedule::Schedule;

/// Keeps the base value; a [`Scheduler`](super::Scheduler) over it still counts ticks, so that
/// its position saves like the others'.
///
/// ```
/// use optim::scheduler::{Constant, Schedule};
/// assert_eq!(Constant.value(0.25, 1000), 0.25);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Constant;

impl Schedule for Constant {
    fn value(&self, base: f64, _t: usize) -> f64 {
        base
    }

    fn name(&self) -> &'static str {
        "Constant"
    }
}
