//! What is checked before a step: the rules' hyperparameters, and (in anomaly mode) that every
//! gradient is finite; and, as each parameter is reached, that its gradient has its shape.

use autograd::Parameters;
use ndarray::ArrayD;

use crate::error::OptimError;
use crate::rule::UpdateRule;

/// Every rule's [`validate`](UpdateRule::validate): a value changed by hand between steps is
/// refused before it is used.
pub(crate) fn valid_rules<'a, R: UpdateRule + 'a>(
    mut rules: impl Iterator<Item = &'a R>,
) -> Result<(), OptimError> {
    rules.try_for_each(R::validate)
}

/// In anomaly mode, the first parameter whose gradient is not finite, as an error naming its
/// group's rule; outside it nothing is read, since the check visits every element.
pub(crate) fn finite_gradients<'a, R: UpdateRule + 'a>(
    groups: impl Iterator<Item = (&'a R, &'a Parameters)>,
) -> Result<(), OptimError> {
    if !autograd::anomaly::is_enabled() {
        return Ok(());
    }
    for (rule, params) in groups {
        for p in params.iter() {
            let Some(g) = p.tensor.grad() else { continue };
            if let Some(&value) = g.iter().find(|v| !v.is_finite()) {
                return Err(OptimError::NonFiniteGradient {
                    optimizer: rule.name(),
                    param: p.name.clone(),
                    value,
                });
            }
        }
    }
    Ok(())
}

/// Panics unless the gradient `g` of parameter `param` has the shape of its value `w`.
#[track_caller]
pub(crate) fn same_shape(optimizer: &str, param: &str, g: &ArrayD<f32>, w: &ArrayD<f32>) {
    assert_eq!(
        g.shape(),
        w.shape(),
        "{optimizer}: the gradient of `{param}` has shape {:?} but the parameter has shape {:?}",
        g.shape(),
        w.shape()
    );
}
