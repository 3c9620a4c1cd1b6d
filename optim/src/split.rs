//! Splitting a step over threads: every parameter's update, cut into pieces the backend hands
//! to its threads ([`for_each_divided`]).
//!
//! Every rule updates each element from that element alone, so how the elements are cut
//! changes no result: 1 thread and 8 threads give the same bits (`tests/parallel.rs`).

use autograd::backend::elementwise::{for_each_divided, Divisible};
use ndarray::{ArrayView1, ArrayViewMut1, Axis};

use crate::rule::UpdateRule;

/// One parameter's update, or a part of it: its group's rule, its step count, and the same run
/// of elements of its weights, its gradient and its state buffers.
pub(crate) struct Update<'a, R> {
    pub(crate) rule: &'a R,
    pub(crate) t: u64,
    pub(crate) w: ArrayViewMut1<'a, f32>,
    pub(crate) g: ArrayView1<'a, f32>,
    pub(crate) slots: Vec<ArrayViewMut1<'a, f32>>,
}

impl<R: Sync> Divisible for Update<'_, R> {
    fn len(&self) -> usize {
        self.w.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (w, w_rest) = self.w.split_at(Axis(0), mid);
        let (g, g_rest) = self.g.split_at(Axis(0), mid);
        let (slots, slots_rest) = self
            .slots
            .into_iter()
            .map(|s| s.split_at(Axis(0), mid))
            .unzip();
        let (rule, t) = (self.rule, self.t);
        let head = Update {
            rule,
            t,
            w,
            g,
            slots,
        };
        let tail = Update {
            rule,
            t,
            w: w_rest,
            g: g_rest,
            slots: slots_rest,
        };
        (head, tail)
    }
}

/// Applies every update, spread over the backend's threads.
pub(crate) fn apply_all<R: UpdateRule>(updates: Vec<Update<'_, R>>) {
    for_each_divided(updates, |mut u| u.rule.update(u.t, u.w, u.g, &mut u.slots));
}
