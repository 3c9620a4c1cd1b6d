//! What a benchmark runs: the [`Plan`] (problems, optimizers, the tuning grid, the seeds, the
//! threads per trial) and its trials, each named by a stable id that is also its result's file.
//!
//! Three phases per problem and optimizer, as in DeepOBS and the Crowded Valley study:
//! - `tune`: every value of a log-uniform grid over four decades around the rate `train` starts
//!   from (λ; for AdaDelta's course form, which has no λ, its ε, which sets the size of its
//!   first steps `√ε/√(g² + ε)`), on each tuning seed;
//! - `final`: the value with the best mean validation metric over the tuning seeds, on each of
//!   the final seeds, distinct from the tuning ones;
//! - `default`: the optimizer's documented defaults, untuned ("one-shot"), on the final seeds.
//!
//! The validation metric chooses; the test set is only reported.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::problem::{Budget, Problem};
use crate::training::{recommended_lr, ModelConfig};
use optim::{Algorithm, Form, UpdateRule};

/// A benchmark's whole design; its results folder holds it as `plan.json`, and a folder made by
/// another plan is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The budgets of `--quick`.
    pub quick: bool,
    /// The problems, each with its budget.
    pub problems: Vec<(Problem, Budget)>,
    /// The optimizers' names, in the course's order.
    pub optimizers: Vec<String>,
    /// The course's formulas or PyTorch's, for the optimizers that have both.
    pub form: Form,
    /// Values of each tuning grid.
    pub grid_points: usize,
    /// The grid's ends, in decades from the rate `train` starts from: (-2, 2) runs from a
    /// hundredth to a hundred times it.
    pub span: (f64, f64),
    /// Seeds of the tuning runs.
    pub tuning_seeds: Vec<u64>,
    /// Seeds of the final and default runs.
    pub seeds: Vec<u64>,
    /// Whether the documented defaults run too (the one-shot budget).
    pub one_shot: bool,
    /// The network of the classifier problems, when not their own (`compare --hidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelConfig>,
    /// Grid centres given by name (`compare --lr adam=3e-4`), replacing the rate `train`
    /// starts from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub centers: BTreeMap<String, f64>,
    /// Threads of each trial: results agree to rounding, not bit for bit, across thread counts.
    pub threads: usize,
}

/// The phase of a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// A value of the grid, on a tuning seed.
    Tune,
    /// The chosen value, on a final seed.
    Final,
    /// The documented defaults, untuned, on a final seed.
    Default,
}

impl Phase {
    /// `tune`, `final`, `default`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Tune => "tune",
            Phase::Final => "final",
            Phase::Default => "default",
        }
    }
}

/// One trial: a problem, an optimizer, a phase, the tuned value (for `tune`), a seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialSpec {
    /// The problem.
    pub problem: Problem,
    /// The optimizer's name.
    pub optimizer: String,
    /// The phase.
    pub phase: Phase,
    /// The grid value of a `tune` trial; `None` otherwise (the final value is chosen from the
    /// tuning results when the trial runs).
    pub value: Option<f64>,
    /// The seed: initial weights and batch order.
    pub seed: u64,
}

impl TrialSpec {
    /// A stable id, which is also the result's path under `results/`:
    /// `mnist_mlp/tune-adam-1e-3-s0`.
    pub fn id(&self) -> String {
        let value = self.value.map_or(String::new(), |v| format!("-{v:e}"));
        format!(
            "{}/{}-{}{value}-s{}",
            self.problem,
            self.phase.name(),
            self.optimizer,
            self.seed
        )
    }
}

impl Plan {
    /// The benchmark of the issue: the four problems, the seven optimizers, 13 values over four
    /// decades on 2 tuning seeds, then 10 seeds; `quick`: 5 values on 1 seed, then 3 seeds,
    /// on shorter runs.
    pub fn new(quick: bool, threads: usize) -> Plan {
        Plan {
            quick,
            problems: Problem::ALL.iter().map(|&p| (p, p.budget(quick))).collect(),
            optimizers: Algorithm::COURSE.iter().map(|n| n.to_string()).collect(),
            form: Form::Course,
            grid_points: if quick { 5 } else { 13 },
            span: (-2.0, 2.0),
            tuning_seeds: if quick { vec![100] } else { vec![100, 101] },
            seeds: (1..=if quick { 3 } else { 10 }).collect(),
            one_shot: true,
            model: None,
            centers: BTreeMap::new(),
            threads,
        }
    }

    /// A short hash of the plan: results of another plan are refused, not mixed in.
    pub fn id(&self) -> String {
        let json = serde_json::to_string(self).expect("a plan serializes");
        let digest = Sha256::digest(json.as_bytes());
        digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
    }

    /// The budget of `problem` in this plan.
    pub fn budget(&self, problem: Problem) -> &Budget {
        &(self.problems.iter())
            .find(|(p, _)| *p == problem)
            .expect("a problem of the plan")
            .1
    }

    /// The optimizer `name` with its documented defaults in this plan's form.
    pub fn defaults(&self, name: &str) -> Algorithm {
        Algorithm::defaults(name, self.form).expect("names are checked when the plan is made")
    }

    /// The values the grid of `name` tries: λ, or ε for a rule without λ; log-uniform over
    /// [`Plan::span`] around the rate `train` starts from (ε: around its default).
    pub fn grid(&self, name: &str) -> Vec<f64> {
        let center = self.center(name);
        let n = self.grid_points;
        let (low, high) = self.span;
        (0..n)
            .map(|i| {
                let exponent = if n == 1 {
                    low
                } else {
                    low + (high - low) * i as f64 / (n - 1) as f64
                };
                // Three significant digits: 1e-3, not 0.0010000000000000002.
                round3(center * 10f64.powf(exponent))
            })
            .collect()
    }

    /// Whether there is anything to tune: a grid of one value is that value, without trials.
    pub fn tunes(&self) -> bool {
        self.grid_points > 1
    }

    /// The network of a classifier problem: the plan's, else the problem's own.
    pub fn model(&self, problem: Problem) -> ModelConfig {
        self.model.clone().unwrap_or_else(|| ModelConfig {
            hidden: if problem == Problem::MnistLogreg {
                vec![]
            } else {
                vec![512, 512]
            },
            ..ModelConfig::default()
        })
    }

    /// Every trial, tuning first.
    pub fn trials(&self) -> Vec<TrialSpec> {
        let mut out = Vec::new();
        let spec = |problem, optimizer: &String, phase, value, seed| TrialSpec {
            problem,
            optimizer: optimizer.clone(),
            phase,
            value,
            seed,
        };
        for &(problem, _) in self.problems.iter().filter(|_| self.tunes()) {
            for name in &self.optimizers {
                for value in self.grid(name) {
                    for &seed in &self.tuning_seeds {
                        out.push(spec(problem, name, Phase::Tune, Some(value), seed));
                    }
                }
            }
        }
        let phases = if self.one_shot {
            &[Phase::Final, Phase::Default][..]
        } else {
            &[Phase::Final]
        };
        for &phase in phases {
            for &(problem, _) in &self.problems {
                for name in &self.optimizers {
                    for &seed in &self.seeds {
                        out.push(spec(problem, name, phase, None, seed));
                    }
                }
            }
        }
        out
    }

    /// Where the grid of `name` is anchored: the rate `train` starts from, or for a rule
    /// without λ its default ε.
    pub fn center(&self, name: &str) -> f64 {
        if let Some(&center) = self.centers.get(name) {
            return center;
        }
        let optimizer = self.defaults(name);
        round3(match recommended_lr(&optimizer) {
            Some((lr, _)) => f64::from(lr),
            None => tuned_eps(&optimizer).map_or(1e-6, f64::from),
        })
    }

    /// What the grid of `name` tunes: `λ`, or `ε` for a rule without λ.
    pub fn symbol(&self, name: &str) -> &'static str {
        if self.defaults(name).lr().is_some() {
            "λ"
        } else {
            "ε"
        }
    }

    /// The default of what the grid of `name` tunes: its λ, or its ε.
    pub fn default_value(&self, name: &str) -> f64 {
        let optimizer = self.defaults(name);
        // Rounded as the grid is: the f32 0.01 is 0.009999999776482582 as an f64.
        round3(f64::from(
            optimizer
                .lr()
                .or_else(|| tuned_eps(&optimizer))
                .expect("λ or ε"),
        ))
    }
}

/// A tuned value as the report writes it: `0.1`, `0.00464`, `3.16e-5`.
pub fn value_text(v: f64) -> String {
    if (1e-3..1e4).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// What the grid sets: λ, or ε for a rule without λ.
pub fn set_tuned(optimizer: &mut Algorithm, value: f32) {
    if optimizer.lr().is_some() {
        optimizer.set_lr(value);
    } else if let Algorithm::Adadelta(a) = optimizer {
        a.eps = value;
    }
}

/// The ε a grid tunes for a rule without λ.
fn tuned_eps(optimizer: &Algorithm) -> Option<f32> {
    match optimizer {
        Algorithm::Adadelta(a) => Some(a.eps),
        _ => None,
    }
}

/// `v` to three significant digits.
fn round3(v: f64) -> f64 {
    format!("{v:.2e}")
        .parse()
        .expect("a formatted number parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_span_four_decades_around_the_starting_rate() {
        let plan = Plan::new(false, 1);
        let adam = plan.grid("adam");
        assert_eq!(adam.len(), 13);
        assert_eq!((adam[0], adam[6], adam[12]), (1e-5, 1e-3, 1e-1));
        // Course AdaDelta has no λ: its ε is tuned, around its default 1e-6.
        let adadelta = plan.grid("adadelta");
        assert_eq!((adadelta[0], adadelta[12]), (1e-8, 1e-4));
        let quick = Plan::new(true, 1).grid("sgd");
        assert_eq!(quick, [1e-3, 1e-2, 1e-1, 1.0, 10.0]);
    }

    #[test]
    fn the_full_plan_has_every_trial_once_and_ids_that_name_them() {
        let plan = Plan::new(false, 1);
        let trials = plan.trials();
        // 4 problems × 7 optimizers × (13 values × 2 tuning seeds + 10 final + 10 default).
        assert_eq!(trials.len(), 4 * 7 * (13 * 2 + 10 + 10));
        let mut ids: Vec<String> = trials.iter().map(TrialSpec::id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), trials.len());
        assert_eq!(trials[0].id(), "mnist_mlp/tune-sgd-1e-3-s100");
        assert_ne!(Plan::new(true, 1).id(), plan.id());
        assert_ne!(Plan::new(false, 2).id(), plan.id());
    }
}
