//! Anomaly mode: stop at the first op whose output or gradient holds a NaN or an infinity.
//!
//! Off by default (the check reads every element, which costs time). Turn it on with
//! [`set_enabled`] or run a piece of code under [`detect`], which turns the stop into an
//! `Err(AnomalyError)` naming the op, the pass (forward or backward) and the input shapes.
//!
//! ```
//! use autograd::{anomaly, Tensor};
//! let x = Tensor::from_vec(vec![-1.0], &[1]).unwrap();
//! let err = anomaly::detect(|| x.sqrt()).unwrap_err();
//! assert_eq!(err.op, "sqrt");
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use ndarray::ArrayD;

use crate::tensor::Tensor;

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static LAST: RefCell<Option<AnomalyError>> = const { RefCell::new(None) };
}

/// Which pass found the bad value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The op's output value.
    Forward,
    /// A gradient the op's backward produced.
    Backward,
}

/// The first non-finite value found in anomaly mode.
#[derive(Debug, Clone, PartialEq)]
pub struct AnomalyError {
    /// Name of the op (`"log"`, `"matmul"`, …).
    pub op: &'static str,
    /// Forward output or backward gradient.
    pub pass: Pass,
    /// Shapes of the op's inputs.
    pub input_shapes: Vec<Vec<usize>>,
    /// The offending value (NaN or ±inf).
    pub value: f32,
}

impl fmt::Display for AnomalyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.pass {
            Pass::Forward => "output",
            Pass::Backward => "gradient",
        };
        write!(
            f,
            "anomaly: op `{}` produced a non-finite {what} ({}); input shapes {:?}",
            self.op, self.value, self.input_shapes
        )
    }
}

impl std::error::Error for AnomalyError {}

/// Whether anomaly mode is on for this thread.
pub fn is_enabled() -> bool {
    ENABLED.with(Cell::get)
}

/// Turns anomaly mode on or off for this thread.
pub fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

/// Runs `f` in anomaly mode; the first non-finite output or gradient returns `Err`.
///
/// Panics of any other kind pass through unchanged.
pub fn detect<T>(f: impl FnOnce() -> T) -> Result<T, AnomalyError> {
    let previous = ENABLED.with(|e| e.replace(true));
    LAST.with(|l| l.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    ENABLED.with(|e| e.set(previous));
    match result {
        Ok(value) => Ok(value),
        Err(payload) => match LAST.with(|l| l.borrow_mut().take()) {
            Some(err) => Err(err),
            None => panic::resume_unwind(payload),
        },
    }
}

fn first_non_finite(values: &ArrayD<f32>) -> Option<f32> {
    values.iter().copied().find(|v| !v.is_finite())
}

fn stop(err: AnomalyError) -> ! {
    let message = err.to_string();
    LAST.with(|l| *l.borrow_mut() = Some(err));
    panic!("{message}");
}

pub(crate) fn check_forward(op: &'static str, inputs: &[&Tensor], value: &ArrayD<f32>) {
    if let Some(bad) = first_non_finite(value) {
        stop(AnomalyError {
            op,
            pass: Pass::Forward,
            input_shapes: inputs.iter().map(|t| t.shape()).collect(),
            value: bad,
        });
    }
}

pub(crate) fn check_backward(op: &'static str, inputs: &[Tensor], grads: &[Option<ArrayD<f32>>]) {
    for grad in grads.iter().flatten() {
        if let Some(bad) = first_non_finite(grad) {
            stop(AnomalyError {
                op,
                pass: Pass::Backward,
                input_shapes: inputs.iter().map(Tensor::shape).collect(),
                value: bad,
            });
        }
    }
}
