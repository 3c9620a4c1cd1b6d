//! Watching training from the inside (`train --watch N`): every N steps, per parameter tensor,
//! the gradient's norm, the weights' norm, the size of the update against the weights, and the
//! spread of the **effective per-weight rate** `|Δw_i| / |g_i|`, the factor the optimizer
//! actually applied to each weight's gradient (λ for SGD; `λ / sqrt(G_i + ε)` for AdaGrad,
//! which only shrinks; `λ / sqrt(MA[g²]_i + ε)` for RMSProp, which follows the recent gradients;
//! …), and per activation layer the share of units that output 0 (dead ReLUs).
//!
//! It is built on hooks, as a PyTorch user would build it: a gradient hook on every parameter
//! ([`autograd::Tensor::register_hook`]) copies the gradient and the weights it applies to as
//! backward passes, and a forward hook on the network ([`nn::Sequential::register_forward_hook`])
//! looks at each activation's output; after the step the observer compares the weights.
//!
//! The gradient is the one backward computed, before any clipping; for NAG's course form the
//! weights it applies to are the look-ahead point, so its rates are measured from there.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use autograd::{ArrayD, HookHandle};
use nn::ForwardHookHandle;
use serde::Serialize;

use crate::plot::{LinePlot, Series};
use crate::report::{Csv, ReportError};
use crate::training::{Model, Observer, StepInfo, Trainer};

/// One parameter at one watched step: a row of `watch.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamRow {
    /// The step (from 1).
    pub step: u64,
    /// The parameter (`0.weight`).
    pub param: String,
    /// `‖g‖₂`.
    pub grad_norm: f64,
    /// `‖w‖₂` before the step.
    pub weight_norm: f64,
    /// `‖Δw‖₂ / ‖w‖₂`: how much of the weights one step changes.
    pub update_ratio: f64,
    /// Quantiles 10%, 50%, 90% of `|Δw_i| / |g_i|` over the weights with `g_i ≠ 0`.
    pub rate: [f64; 3],
}

/// One activation layer at one watched step: a row of `activations.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivationRow {
    /// The step (from 1).
    pub step: u64,
    /// The layer's index in the network.
    pub layer: usize,
    /// Its module (`ReLU()`).
    pub module: String,
    /// Share of its outputs that are exactly 0.
    pub zero_fraction: f64,
    /// Mean of its outputs.
    pub mean: f64,
}

/// A gradient and the weights it was computed at, caught by a hook.
struct Caught {
    param: String,
    grad: ArrayD<f32>,
    before: ArrayD<f32>,
}

/// The `--watch` observer (see the module docs).
pub struct Watch {
    every: u64,
    /// The step the coming forward and backward passes belong to.
    coming: Rc<Cell<u64>>,
    caught: Rc<RefCell<Vec<Caught>>>,
    activations: Rc<RefCell<Vec<ActivationRow>>>,
    params: Vec<(String, autograd::Tensor)>,
    rows: Vec<ParamRow>,
    _grad_hooks: Vec<HookHandle>,
    _forward_hook: ForwardHookHandle,
}

impl Watch {
    /// Watches `trainer`'s network every `every` steps (and at its first step), from its next
    /// step on.
    pub fn new(trainer: &Trainer, every: u64) -> Watch {
        let coming = Rc::new(Cell::new(trainer.steps_done() + 1));
        let watched = move |coming: &Rc<Cell<u64>>| {
            let step = coming.get();
            step == 1 || step.is_multiple_of(every)
        };
        let caught: Rc<RefCell<Vec<Caught>>> = Rc::default();
        let params: Vec<(String, autograd::Tensor)> = (trainer.parameters().iter())
            .map(|p| (p.name.clone(), p.tensor.clone()))
            .collect();
        let grad_hooks = (params.iter())
            .map(|(name, tensor)| {
                let (coming, caught, name, weights) =
                    (coming.clone(), caught.clone(), name.clone(), tensor.clone());
                tensor.register_hook(move |g| {
                    if watched(&coming) {
                        caught.borrow_mut().push(Caught {
                            param: name.clone(),
                            grad: g.clone(),
                            before: weights.value().clone(),
                        });
                    }
                    None
                })
            })
            .collect();
        let activations: Rc<RefCell<Vec<ActivationRow>>> = Rc::default();
        let (seen, at) = (activations.clone(), coming.clone());
        let forward_hook = trainer.model.network().register_forward_hook(move |call| {
            let module = call.layer.name();
            let is_activation = !module.starts_with("Linear") && !module.starts_with("Dropout");
            // Evaluation runs without gradients: only the training passes are watched.
            if is_activation && call.output.needs_grad() && watched(&at) {
                let out = call.output.value();
                let zeros = out.iter().filter(|&&v| v == 0.0).count();
                let mean = out.iter().map(|&v| f64::from(v)).sum::<f64>() / out.len() as f64;
                seen.borrow_mut().push(ActivationRow {
                    step: at.get(),
                    layer: call.index,
                    module,
                    zero_fraction: zeros as f64 / out.len() as f64,
                    mean,
                });
            }
        });
        Watch {
            every,
            coming,
            caught,
            activations,
            params,
            rows: Vec::new(),
            _grad_hooks: grad_hooks,
            _forward_hook: forward_hook,
        }
    }

    /// The rows recorded so far, one per parameter and watched step.
    pub fn rows(&self) -> &[ParamRow] {
        &self.rows
    }

    /// Writes `watch.csv`, `activations.csv` and one picture of the rate per weight matrix
    /// (`watch_rate_0.weight.png`, …) into `dir`; returns their paths.
    ///
    /// # Errors
    /// [`ReportError`] naming a file that cannot be written.
    pub fn write(&self, dir: &Path, trainer: &Trainer) -> Result<Vec<PathBuf>, ReportError> {
        let mut rows = Csv::new(&[
            "step",
            "param",
            "grad_norm",
            "weight_norm",
            "update_ratio",
            "rate_p10",
            "rate_p50",
            "rate_p90",
        ]);
        for r in &self.rows {
            rows.push(vec![
                r.step.to_string(),
                r.param.clone(),
                r.grad_norm.to_string(),
                r.weight_norm.to_string(),
                r.update_ratio.to_string(),
                r.rate[0].to_string(),
                r.rate[1].to_string(),
                r.rate[2].to_string(),
            ]);
        }
        let mut activations = Csv::new(&["step", "layer", "module", "zero_fraction", "mean"]);
        for a in self.activations.borrow().iter() {
            activations.push(vec![
                a.step.to_string(),
                a.layer.to_string(),
                a.module.clone(),
                a.zero_fraction.to_string(),
                a.mean.to_string(),
            ]);
        }
        let mut written = vec![dir.join("watch.csv"), dir.join("activations.csv")];
        rows.write(&written[0])?;
        activations.write(&written[1])?;
        let optimizer = trainer.config.optimizer.to_string();
        for (param, _) in self.params.iter().filter(|(p, _)| p.ends_with("weight")) {
            let path = dir.join(format!("watch_rate_{param}.png"));
            self.rate_plot(param, &optimizer).draw(&path)?;
            written.push(path);
        }
        Ok(written)
    }

    /// The effective rate of `param` over training: its 10%, 50% and 90% quantiles per step.
    pub fn rate_plot(&self, param: &str, optimizer: &str) -> LinePlot {
        let mine: Vec<&ParamRow> = self.rows.iter().filter(|r| r.param == param).collect();
        let line = |k: usize, name: &str| Series {
            name: name.to_string(),
            points: mine.iter().map(|r| (r.step as f64, r.rate[k])).collect(),
            color: None,
            ..Default::default()
        };
        LinePlot {
            title: format!("effective rate |Δw|/|g| of {param}: {optimizer}"),
            x_label: "step".into(),
            y_label: "rate per weight (log)".into(),
            log_y: true,
            series: vec![
                line(2, "90% of weights below"),
                line(1, "median"),
                line(0, "10% below"),
            ],
            size: (900, 540),
            y_min: None,
            markers: mine.len() <= 40,
            legend_bottom: false,
            ..Default::default()
        }
    }
}

impl Observer for Watch {
    fn step(&mut self, info: &StepInfo, _model: &mut Model) {
        let watched = info.step == 1 || info.step.is_multiple_of(self.every);
        let caught = std::mem::take(&mut *self.caught.borrow_mut());
        if watched {
            for c in caught {
                let after = self.params.iter().find(|(n, _)| *n == c.param);
                let after = after
                    .expect("a hook of one of the parameters")
                    .1
                    .value()
                    .clone();
                self.rows.push(measure(info.step, &c, &after));
            }
        }
        self.coming.set(info.step + 1);
    }
}

/// The row of one parameter: norms, the update ratio, the rate's quantiles.
fn measure(step: u64, c: &Caught, after: &ArrayD<f32>) -> ParamRow {
    let norm = |values: &mut dyn Iterator<Item = f64>| values.map(|v| v * v).sum::<f64>().sqrt();
    let grad_norm = norm(&mut c.grad.iter().map(|&g| f64::from(g)));
    let weight_norm = norm(&mut c.before.iter().map(|&w| f64::from(w)));
    let deltas = after
        .iter()
        .zip(c.before.iter())
        .map(|(&a, &b)| f64::from(a) - f64::from(b));
    let update_norm = norm(&mut deltas.clone());
    let mut rates: Vec<f64> = (deltas.zip(c.grad.iter()))
        .filter(|&(_, &g)| g != 0.0)
        .map(|(d, &g)| d.abs() / f64::from(g).abs())
        .collect();
    rates.sort_by(f64::total_cmp);
    let quantile = |q: f64| match rates.len() {
        0 => f64::NAN,
        n => rates[((n - 1) as f64 * q).round() as usize],
    };
    ParamRow {
        step,
        param: c.param.clone(),
        grad_norm,
        weight_norm,
        update_ratio: update_norm / weight_norm,
        rate: [quantile(0.1), quantile(0.5), quantile(0.9)],
    }
}
