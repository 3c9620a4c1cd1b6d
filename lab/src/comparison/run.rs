//! Training the runs of a comparison: every optimizer and seed from the same initial weights,
//! with the sweep of learning rates first when asked.

use std::collections::BTreeMap;

use autograd::ArrayD;
use optim::{Form, UpdateRule};
use serde::Serialize;

use super::table::summarize;
use super::{CompareConfig, Comparison, SWEEP_FACTORS};
use crate::training::{
    evaluate, Datasets, EpochMetrics, Model, Observer, RunConfig, StepInfo, TrainError, Trainer,
    EVAL_BATCH,
};

/// One training run of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate.
    pub lr: f32,
    /// Seed.
    pub seed: u64,
    /// Loss of every step, in order.
    pub losses: Vec<f32>,
    /// `(step, validation accuracy)` every `eval_every` steps and at each epoch's end.
    pub val_curve: Vec<(u64, f64)>,
    /// Metrics of each completed epoch.
    pub epochs: Vec<EpochMetrics>,
    /// First step at which the validation accuracy reached the target.
    pub target_step: Option<u64>,
    /// Why the run stopped early (a NaN loss), if it did.
    pub diverged: Option<String>,
    /// The initial weights, for checking that every optimizer starts from the same point.
    pub initial: Vec<ArrayD<f32>>,
    /// Steps per epoch.
    pub steps_per_epoch: usize,
}

/// One learning rate tried by the sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate tried.
    pub lr: f32,
    /// Final validation accuracy (NaN if it diverged).
    pub val_accuracy: f64,
}

/// Records a run: step losses, validation every k steps, first step reaching the target.
struct Recorder<'a> {
    val: Option<&'a data::Split>,
    eval_every: u64,
    target: f64,
    losses: Vec<f32>,
    val_curve: Vec<(u64, f64)>,
    target_step: Option<u64>,
    epochs: Vec<EpochMetrics>,
}

impl Recorder<'_> {
    fn record_val(&mut self, step: u64, accuracy: f64) {
        self.val_curve.push((step, accuracy));
        if self.target_step.is_none() && accuracy >= self.target {
            self.target_step = Some(step);
        }
    }
}

impl Observer for Recorder<'_> {
    fn step(&mut self, info: &StepInfo, model: &mut Model) {
        self.losses.push(info.loss);
        // The last step of an epoch is evaluated by the trainer; don't do it twice.
        if let Some(val) = self.val {
            if info.step.is_multiple_of(self.eval_every) && info.batch < info.batches {
                let accuracy = evaluate(model, val, EVAL_BATCH).accuracy;
                self.record_val(info.step, accuracy);
            }
        }
    }

    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        if let Some(accuracy) = metrics.val_accuracy {
            self.record_val(metrics.step, accuracy);
        }
        self.epochs.push(metrics.clone());
    }
}

/// Trains one run; a NaN loss ends it early and is recorded, not raised.
///
/// # Errors
/// [`TrainError::Config`] for a bad hyperparameter; other errors of [`Trainer::train_epoch`]
/// except divergence.
fn train_one(config: &RunConfig, data: &Datasets, cc: &CompareConfig) -> Result<Run, TrainError> {
    let mut trainer = Trainer::new(config.clone(), data.input_size(), data.classes)?;
    let initial = trainer
        .parameters()
        .iter()
        .map(|p| p.tensor.value().clone())
        .collect();
    let mut recorder = Recorder {
        val: data.val.as_ref(),
        eval_every: cc.eval_every,
        target: cc.target,
        losses: Vec::new(),
        val_curve: Vec::new(),
        target_step: None,
        epochs: Vec::new(),
    };
    let diverged = match trainer.fit(data, &mut recorder, None) {
        Ok(()) => None,
        Err(e @ (TrainError::NonFinite { .. } | TrainError::NonFiniteWeight { .. })) => {
            Some(e.to_string())
        }
        Err(e) => return Err(e),
    };
    Ok(Run {
        optimizer: config.optimizer.name().to_string(),
        lr: config.optimizer.lr().unwrap_or(1.0),
        seed: config.seed,
        losses: recorder.losses,
        val_curve: recorder.val_curve,
        epochs: recorder.epochs,
        target_step: recorder.target_step,
        diverged,
        initial,
        steps_per_epoch: data.train.len() / config.batch_size,
    })
}

/// Runs the comparison. `log` receives one line per epoch of every run (and per sweep trial).
///
/// # Errors
/// [`TrainError::Config`] for a bad learning rate or option (naming it), or `sweep` without a
/// validation split.
///
/// # Panics
/// If two optimizers were given different initial weights for the same seed (they are built
/// from the same seed, so this would be a bug in the model's construction).
pub fn compare(
    config: &CompareConfig,
    data: &Datasets,
    log: &mut dyn FnMut(&str),
) -> Result<Comparison, TrainError> {
    if config.sweep && data.val.is_none() {
        return Err(TrainError::Config(
            "--sweep chooses by validation accuracy: it needs --val-split > 0".into(),
        ));
    }
    if config.optimizers.is_empty() || config.seeds == 0 {
        return Err(TrainError::Config(
            "--optimizers and --seeds: nothing to compare".into(),
        ));
    }
    let mut trials = Vec::new();
    let mut runs = Vec::new();
    let mut rows = Vec::new();
    let mut initial_by_seed: BTreeMap<u64, Vec<ArrayD<f32>>> = BTreeMap::new();
    for name in &config.optimizers {
        let mut lr = config.base_lr(name);
        // AdaDelta's course form has no learning rate to search (lr is a multiplier fixed at 1).
        if config.sweep && !(name == "adadelta" && config.form == Form::Course) {
            let mut best = (f64::NEG_INFINITY, lr);
            for factor in SWEEP_FACTORS {
                // Three significant digits: 0.03, not 0.030000001 (f32 of 0.1 × 0.3).
                let candidate: f32 = format!("{:.2e}", lr * factor)
                    .parse()
                    .expect("a formatted float parses");
                let run = train_one(&config.run_config(name, candidate, 0), data, config)?;
                let val = run
                    .epochs
                    .last()
                    .and_then(|m| m.val_accuracy)
                    .filter(|_| run.diverged.is_none())
                    .unwrap_or(f64::NAN);
                log(&format!(
                    "sweep {name:<9} lr {candidate:<8} val accuracy {:.2}%",
                    val * 100.0
                ));
                trials.push(Trial {
                    optimizer: name.clone(),
                    lr: candidate,
                    val_accuracy: val,
                });
                if val > best.0 {
                    best = (val, candidate);
                }
            }
            lr = best.1;
        }
        let mut mine = Vec::new();
        for seed in 0..config.seeds {
            let run = train_one(&config.run_config(name, lr, seed), data, config)?;
            let first = initial_by_seed
                .entry(seed)
                .or_insert_with(|| run.initial.clone());
            assert!(*first == run.initial, "compare: {name} (seed {seed}) did not start from the same weights as the first optimizer");
            for m in &run.epochs {
                let val = m
                    .val_accuracy
                    .map_or(String::new(), |v| format!("  val {:.2}%", v * 100.0));
                log(&format!(
                    "{name:<9} lr {lr:<7} seed {seed}  epoch {}/{}  train loss {:.4}  test {:.2}%{val}  {:.1} s",
                    m.epoch,
                    config.epochs,
                    m.train_loss,
                    m.test_accuracy * 100.0,
                    m.seconds
                ));
            }
            if let Some(why) = &run.diverged {
                log(&format!("{name:<9} lr {lr:<7} seed {seed}  {why}"));
            }
            mine.push(run);
        }
        rows.push(summarize(name, lr, &mine));
        runs.extend(mine);
    }
    Ok(Comparison {
        config: config.clone(),
        rows,
        runs,
        trials,
    })
}
