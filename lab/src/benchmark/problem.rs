//! The benchmark's problems: each a function of (optimizer, seed) giving one trial's result.
//!
//! | problem | what | budget (full) | target on validation |
//! |---|---|---|---|
//! | `mnist_mlp` | the course's 784-512-512-10 ReLU network on MNIST | 860 steps of 128 (2 epochs) | accuracy 97% |
//! | `fmnist_mlp` | the same network on Fashion-MNIST | 860 steps of 128 | accuracy 85% |
//! | `mnist_logreg` | logistic regression on MNIST (784-10, convex) | 860 steps of 128 | accuracy 91% |
//! | `quadratic_deep` | DeepOBS's noisy quadratic: 100 dimensions, 90 eigenvalues in (0, 1), 10 in (30, 60) (`quadratic.rs`) | 700 steps of 128 (100 epochs of 1000 points) | loss 95 (every method ends near 91, the noise's floor on these points) |
//!
//! Why these budgets. The two networks get two epochs: enough for every method to pass its
//! target, short enough that how fast they get there still separates them (the chapter's point
//! that the adaptive methods start faster, and AdaGrad's rate that only shrinks), and for 10
//! seeds of seven optimizers to fit in the hour. Fashion-MNIST is harder at the same size, so
//! differences that MNIST hides at 98% show. Logistic regression is convex with one minimum:
//! what separates the methods there is their step size alone, not their handling of curvature.
//! The quadratic has a condition number around 100 and gradient noise, the setting where
//! momentum's and Adam's advantages over plain SGD are largest and where noise limits every
//! method; its 700 steps are DeepOBS's 100 epochs, after which every method sits at the floor,
//! so its target (95) asks how fast each gets near it. Every trial holds λ constant (no schedule),
//! as DeepOBS does, so that only the optimizer differs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A test problem of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// 784-512-512-10 on MNIST.
    MnistMlp,
    /// 784-512-512-10 on Fashion-MNIST.
    FmnistMlp,
    /// 784-10 on MNIST.
    MnistLogreg,
    /// The noisy 100-dimensional quadratic.
    QuadraticDeep,
}

/// How long a trial of a problem runs and how it is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Optimizer steps.
    pub steps: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// The validation metric is measured every this many steps (and after the last).
    pub eval_every: usize,
    /// Training images held out for validation (the quadratic draws its own validation set).
    pub val_split: usize,
    /// The validation metric to reach (accuracy, or loss for the quadratic).
    pub target: f64,
}

impl Problem {
    /// Every problem, in the order of the report.
    pub const ALL: [Problem; 4] = [
        Problem::MnistMlp,
        Problem::FmnistMlp,
        Problem::MnistLogreg,
        Problem::QuadraticDeep,
    ];

    /// The name on command lines and in files (`mnist_mlp`).
    pub fn name(self) -> &'static str {
        match self {
            Problem::MnistMlp => "mnist_mlp",
            Problem::FmnistMlp => "fmnist_mlp",
            Problem::MnistLogreg => "mnist_logreg",
            Problem::QuadraticDeep => "quadratic_deep",
        }
    }

    /// What it is, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Problem::MnistMlp => "784-512-512-10 ReLU on MNIST",
            Problem::FmnistMlp => "784-512-512-10 ReLU on Fashion-MNIST",
            Problem::MnistLogreg => "logistic regression (784-10) on MNIST",
            Problem::QuadraticDeep => "noisy 100-dimensional quadratic (DeepOBS quadratic_deep)",
        }
    }

    /// True when the metric is an accuracy (higher is better); the quadratic's is a loss.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Problem::QuadraticDeep)
    }

    /// The metric's name in tables: `accuracy` or `loss`.
    pub fn metric(self) -> &'static str {
        if self.higher_is_better() {
            "accuracy"
        } else {
            "loss"
        }
    }

    /// The budget of the full benchmark, or of `--quick` (the same pipeline, shorter runs).
    pub fn budget(self, quick: bool) -> Budget {
        let (steps, eval_every) = match (self, quick) {
            (Problem::QuadraticDeep, false) => (700, 35),
            (Problem::QuadraticDeep, true) => (140, 14),
            (_, false) => (860, 86),
            (_, true) => (150, 30),
        };
        let (val_split, target) = match self {
            Problem::MnistMlp => (5000, 0.97),
            Problem::FmnistMlp => (5000, 0.85),
            Problem::MnistLogreg => (5000, 0.91),
            Problem::QuadraticDeep => (0, 95.0),
        };
        let (val_split, target) = match (self, quick) {
            // A quick run is too short for the full targets; these say the same things earlier.
            (Problem::MnistMlp, true) => (2000, 0.93),
            (Problem::FmnistMlp, true) => (2000, 0.78),
            (Problem::MnistLogreg, true) => (2000, 0.88),
            (Problem::QuadraticDeep, true) => (0, 100.0),
            _ => (val_split, target),
        };
        Budget {
            steps,
            batch: 128,
            eval_every,
            val_split,
            target,
        }
    }

    /// The dataset it trains on; `None` for the quadratic, which draws its own points.
    pub fn dataset(self) -> Option<data::Dataset> {
        match self {
            Problem::MnistMlp | Problem::MnistLogreg => Some(data::Dataset::Mnist),
            Problem::FmnistMlp => Some(data::Dataset::FashionMnist),
            Problem::QuadraticDeep => None,
        }
    }

    /// Whether `value` of the validation metric reaches `target`.
    pub fn reached(self, value: f64, target: f64) -> bool {
        if self.higher_is_better() {
            value >= target
        } else {
            value <= target
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads a problem's name.
impl FromStr for Problem {
    type Err = String;

    fn from_str(text: &str) -> Result<Problem, String> {
        Problem::ALL
            .into_iter()
            .find(|p| p.name() == text.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Problem::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown problem `{text}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}
