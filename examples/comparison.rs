//! The seven optimizers on real training: the same network, from the same initial weights, on
//! the same batch order, with each optimizer at its own learning rate; what `compare` runs.
//!
//! For each optimizer (and each seed) one [`Trainer`] run records the loss of every step, the
//! validation accuracy every `eval_every` steps (to find the first step that reaches the
//! target), and the usual per-epoch metrics. With `sweep`, each optimizer first tries its
//! learning rate × 0.3, × 1 and × 3 on the first seed and keeps the best by **validation**
//! accuracy (held-out training images; the test set is only reported, never used to choose).
//!
//! Outputs ([`Comparison::write`]): `summary.csv` (the table), `steps.csv`
//! (optimizer,seed,step,loss), `epochs.csv` (optimizer,seed + the columns of `metrics.csv`),
//! `sweep.csv` when sweeping, `loss.png` and `accuracy.png`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use autograd::ArrayD;
use clap::Parser;
use serde::Serialize;

use crate::cli::{recommended_lr, DataArgs, FormArg, ModelArgs, OptimArgs};
use crate::plot::color_of;
use crate::report::{cell, smooth, Csv, LinePlot, ReportError, Series};
use crate::training::{
    evaluate, Datasets, EpochMetrics, LrDecay, Model, Observer, RunConfig, StepInfo, TrainError,
    Trainer, EVAL_BATCH, METRICS_COLUMNS,
};

/// The seven optimizers of the course, in its order.
pub const SEVEN: [&str; 7] = [
    "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
];

/// Multipliers of the learning rate tried by `--sweep`.
pub const SWEEP_FACTORS: [f32; 3] = [0.3, 1.0, 3.0];

/// The columns of the printed table and of `summary.csv`.
pub const TABLE_COLUMNS: [&str; 6] = [
    "optimizer",
    "lr",
    "train loss",
    "test accuracy",
    "s/epoch",
    "steps to target",
];

/// The options of `compare`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    name = "compare",
    about = "Train the same network with each of the seven optimizers and compare them",
    long_about = "Train the same network, from the same initial weights and on the same batch order, with \
        each optimizer at its own documented learning rate (see RECOMMENDED_LR in cli.rs), and compare \
        final training loss, test accuracy (mean ± std over seeds), time per epoch, and the number of \
        steps to reach --target accuracy on a validation split.\n\n\
        Default: 784-512-512-10 ReLU, batch 64, 5 epochs, 3 seeds, constant learning rates: about \
        80 seconds on 2 cores (105 runs of an epoch at about 0.55 s). --sweep adds a ×0.3/×1/×3 \
        learning-rate search per optimizer on the first seed (about 75 more seconds), chosen by \
        validation accuracy.\n\n\
        Writes summary.csv, steps.csv, epochs.csv, loss.png and accuracy.png into --out-dir."
)]
pub struct CompareArgs {
    /// Optimizers to compare, comma-separated [default: the seven of the course]
    #[arg(long, value_delimiter = ',', value_parser = crate::cli::parse_optimizer, default_value = "sgd,momentum,nesterov,adagrad,adadelta,rmsprop,adam")]
    pub optimizers: Vec<String>,
    /// Learning-rate overrides, e.g. `--lr sgd=0.05,adam=3e-4` (others keep their documented rate)
    #[arg(long, value_delimiter = ',', value_name = "NAME=LR", value_parser = parse_override)]
    pub lr: Vec<(String, f32)>,
    /// The course's formulas or PyTorch's, for every optimizer
    #[arg(long, value_enum, default_value_t = FormArg::Course)]
    pub form: FormArg,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Epochs per run
    #[arg(long, help_heading = "Comparison", default_value_t = 5)]
    pub epochs: usize,
    /// Mini-batch size
    #[arg(long, help_heading = "Comparison", default_value_t = 64)]
    pub batch_size: usize,
    /// Number of seeds (0, 1, …): each changes the initial weights and the batch order, the same for every optimizer
    #[arg(long, help_heading = "Comparison", default_value_t = 3)]
    pub seeds: u64,
    /// Try each learning rate ×0.3, ×1, ×3 on the first seed and keep the best by validation accuracy
    #[arg(long, help_heading = "Comparison")]
    pub sweep: bool,
    /// Accuracy whose first crossing on the validation split is reported, in steps
    #[arg(long, help_heading = "Comparison", default_value_t = 0.97)]
    pub target: f64,
    /// Evaluate the validation accuracy every this many steps (0: only at the end of each epoch)
    #[arg(long, help_heading = "Comparison", default_value_t = 100)]
    pub eval_every: u64,
    /// Training images held out for validation (the same ones for every run)
    #[arg(long, help_heading = "Comparison", default_value_t = 5000)]
    pub val_split: usize,
    /// Directory for the CSV files and plots
    #[arg(long, help_heading = "Comparison", default_value = "runs/compare")]
    pub out_dir: PathBuf,
}

/// Parses `name=lr`.
fn parse_override(text: &str) -> Result<(String, f32), String> {
    let (name, lr) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=LR"))?;
    let name = crate::cli::parse_optimizer(name)?;
    let lr = lr
        .trim()
        .parse::<f32>()
        .map_err(|_| format!("`{lr}` is not a number"))?;
    Ok((name, lr))
}

impl CompareArgs {
    /// The comparison these options describe.
    pub fn config(&self) -> CompareConfig {
        CompareConfig {
            optimizers: self.optimizers.clone(),
            lrs: self.lr.iter().cloned().collect(),
            form: self.form,
            model: self.model.clone(),
            epochs: self.epochs,
            batch_size: self.batch_size,
            seeds: self.seeds,
            sweep: self.sweep,
            target: self.target,
            eval_every: self.eval_every,
        }
    }
}

/// What to compare and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareConfig {
    /// Canonical optimizer names.
    pub optimizers: Vec<String>,
    /// Learning rates replacing the recommended ones.
    pub lrs: BTreeMap<String, f32>,
    /// Course or PyTorch formulas.
    pub form: FormArg,
    /// The network.
    pub model: ModelArgs,
    /// Epochs per run.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Seeds `0..seeds`.
    pub seeds: u64,
    /// Search ×0.3, ×1, ×3 around each rate first.
    pub sweep: bool,
    /// Validation accuracy to reach.
    pub target: f64,
    /// Validation is measured every this many steps.
    pub eval_every: u64,
}

impl CompareConfig {
    /// The starting learning rate of `optimizer`: an override, else [`recommended_lr`].
    pub fn base_lr(&self, optimizer: &str) -> f32 {
        self.lrs
            .get(optimizer)
            .copied()
            .unwrap_or_else(|| recommended_lr(optimizer))
    }

    fn run_config(&self, optimizer: &str, lr: f32, seed: u64) -> RunConfig {
        let mut optim = OptimArgs::for_optimizer(optimizer);
        optim.lr = Some(lr);
        optim.form = self.form;
        RunConfig {
            model: self.model.clone(),
            optim,
            epochs: self.epochs,
            batch_size: self.batch_size,
            seed,
            lr_decay: LrDecay::None,
            // Every step sees a full batch: a short last batch jolts the adaptive methods (a
            // 24-image batch of MNIST's 55,000 cost RMSProp 3 points of accuracy at once).
            drop_last: true,
            dataset: None,
            val_split: 0,
        }
    }
}

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

/// One row of the table: an optimizer summarized over its seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate used.
    pub lr: f32,
    /// Mean final-epoch training loss over the seeds that finished.
    pub train_loss: f64,
    /// Mean final test accuracy.
    pub test_accuracy: f64,
    /// Standard deviation of the final test accuracy over seeds (0 for one seed).
    pub test_accuracy_std: f64,
    /// Mean training time per epoch, in seconds.
    pub seconds_per_epoch: f64,
    /// Per seed: the first step reaching the target on validation, if any.
    pub steps_to_target: Vec<Option<u64>>,
    /// Seeds that diverged.
    pub diverged: usize,
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

/// The outcome of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The settings.
    pub config: CompareConfig,
    /// One per optimizer, in the order asked for.
    pub rows: Vec<Row>,
    /// Every run, optimizer-major then seed.
    pub runs: Vec<Run>,
    /// The sweep's trials (empty without `sweep`).
    pub trials: Vec<Trial>,
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
        Err(e @ TrainError::NonFinite { .. }) => Some(e.to_string()),
        Err(e) => return Err(e),
    };
    Ok(Run {
        optimizer: config.optim.optimizer.clone(),
        lr: config.optim.lr(),
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
        if config.sweep && !(name == "adadelta" && config.form == FormArg::Course) {
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

/// Mean and (sample) standard deviation.
fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

fn summarize(name: &str, lr: f32, runs: &[Run]) -> Row {
    let finished: Vec<&Run> = runs.iter().filter(|r| r.diverged.is_none()).collect();
    let last = |f: fn(&EpochMetrics) -> f64| -> Vec<f64> {
        finished
            .iter()
            .filter_map(|r| r.epochs.last().map(f))
            .collect()
    };
    let (train_loss, _) = mean_std(&last(|m| m.train_loss));
    let (test_accuracy, test_accuracy_std) = mean_std(&last(|m| m.test_accuracy));
    let seconds: Vec<f64> = runs
        .iter()
        .flat_map(|r| r.epochs.iter().map(|m| m.seconds))
        .collect();
    Row {
        optimizer: name.to_string(),
        lr,
        train_loss,
        test_accuracy,
        test_accuracy_std,
        seconds_per_epoch: mean_std(&seconds).0,
        steps_to_target: runs.iter().map(|r| r.target_step).collect(),
        diverged: runs.len() - finished.len(),
    }
}

impl Row {
    /// The cells of this row, in [`TABLE_COLUMNS`] order, as printed.
    pub fn cells(&self) -> [String; 6] {
        let reached: Vec<f64> = self
            .steps_to_target
            .iter()
            .flatten()
            .map(|&s| s as f64)
            .collect();
        let steps = match reached.len() {
            0 => "—".to_string(),
            n if n == self.steps_to_target.len() => format!("{:.0}", mean_std(&reached).0),
            n => format!(
                "{:.0} ({n}/{})",
                mean_std(&reached).0,
                self.steps_to_target.len()
            ),
        };
        let accuracy = if self.test_accuracy.is_nan() {
            format!("diverged ({})", self.diverged)
        } else {
            format!(
                "{:.2} ± {:.2} %",
                self.test_accuracy * 100.0,
                self.test_accuracy_std * 100.0
            )
        };
        [
            self.optimizer.clone(),
            self.lr.to_string(),
            if self.train_loss.is_nan() {
                "—".to_string()
            } else {
                format!("{:.4}", self.train_loss)
            },
            accuracy,
            format!("{:.2}", self.seconds_per_epoch),
            steps,
        ]
    }
}

impl Comparison {
    /// The table, aligned for a terminal, with a header naming the target.
    pub fn table(&self) -> String {
        let mut header: Vec<String> = TABLE_COLUMNS.iter().map(|c| c.to_string()).collect();
        header[5] = format!("steps to {:.0}% (val)", self.config.target * 100.0);
        let rows: Vec<[String; 6]> = self.rows.iter().map(Row::cells).collect();
        let widths: Vec<usize> = (0..6)
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, &w)| format!("{c:<w$}"))
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = line(&header);
        out.push_str(&line(
            &widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>(),
        ));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }

    /// Writes `summary.csv`, `steps.csv`, `epochs.csv`, `sweep.csv` (if sweeping), `loss.png`
    /// and `accuracy.png` into `dir`, returning their paths.
    ///
    /// # Errors
    /// [`ReportError`] naming the file that could not be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Vec::new();
        let mut save = |name: &str, csv: Csv| -> Result<(), ReportError> {
            let path = dir.join(name);
            csv.write(&path)?;
            written.push(path);
            Ok(())
        };
        let mut summary = Csv::new(&[
            "optimizer",
            "lr",
            "train_loss",
            "test_accuracy",
            "test_accuracy_std",
            "seconds_per_epoch",
            "steps_to_target",
            "diverged",
        ]);
        for r in &self.rows {
            let reached: Vec<f64> = r
                .steps_to_target
                .iter()
                .flatten()
                .map(|&s| s as f64)
                .collect();
            let steps = if reached.len() == r.steps_to_target.len() {
                cell(Some(mean_std(&reached).0))
            } else {
                String::new()
            };
            summary.push(vec![
                r.optimizer.clone(),
                r.lr.to_string(),
                r.train_loss.to_string(),
                r.test_accuracy.to_string(),
                r.test_accuracy_std.to_string(),
                r.seconds_per_epoch.to_string(),
                steps,
                r.diverged.to_string(),
            ]);
        }
        save("summary.csv", summary)?;

        let mut steps = Csv::new(&STEPS_COLUMNS);
        for run in &self.runs {
            for (i, loss) in run.losses.iter().enumerate() {
                steps.push(vec![
                    run.optimizer.clone(),
                    run.seed.to_string(),
                    (i + 1).to_string(),
                    loss.to_string(),
                ]);
            }
        }
        save("steps.csv", steps)?;

        let mut columns = vec!["optimizer", "seed"];
        columns.extend(METRICS_COLUMNS);
        let mut epochs = Csv::new(&columns);
        for run in &self.runs {
            let one = crate::training::metrics_csv(&run.epochs);
            for row in one.rows {
                let mut cells = vec![run.optimizer.clone(), run.seed.to_string()];
                cells.extend(row);
                epochs.push(cells);
            }
        }
        save("epochs.csv", epochs)?;

        if !self.trials.is_empty() {
            let mut sweep = Csv::new(&["optimizer", "lr", "val_accuracy"]);
            for t in &self.trials {
                sweep.push(vec![
                    t.optimizer.clone(),
                    t.lr.to_string(),
                    t.val_accuracy.to_string(),
                ]);
            }
            save("sweep.csv", sweep)?;
        }

        let loss = dir.join("loss.png");
        self.loss_plot().draw(&loss)?;
        written.push(loss);
        let accuracy = dir.join("accuracy.png");
        self.accuracy_plot().draw(&accuracy)?;
        written.push(accuracy);
        Ok(written)
    }

    /// The runs of one optimizer.
    fn runs_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs.iter().filter(move |r| r.optimizer == name)
    }

    fn seeds_label(&self) -> String {
        match self.config.seeds {
            1 => "seed 0".to_string(),
            n => format!("mean of {n} seeds"),
        }
    }

    /// Training loss against step: the mean over seeds, smoothed (EMA, α = 0.98, about 50
    /// steps), log scale.
    pub fn loss_plot(&self) -> LinePlot {
        let series = self
            .rows
            .iter()
            .map(|row| {
                let runs: Vec<&Run> = self.runs_of(&row.optimizer).collect();
                let len = runs.iter().map(|r| r.losses.len()).min().unwrap_or(0);
                let mean: Vec<f64> = (0..len)
                    .map(|i| {
                        runs.iter().map(|r| f64::from(r.losses[i])).sum::<f64>() / runs.len() as f64
                    })
                    .collect();
                let smoothed = smooth(&mean, 0.98);
                // At most ~800 points per line: plenty for 640 pixels.
                let stride = (len / 800).max(1);
                let points = smoothed
                    .iter()
                    .enumerate()
                    .step_by(stride)
                    .map(|(i, &y)| ((i + 1) as f64, y))
                    .collect();
                Series {
                    name: format!("{} (λ={})", row.optimizer, row.lr),
                    points,
                    color: Some(color_of(&row.optimizer)),
                }
            })
            .collect();
        LinePlot {
            title: format!("Training loss, smoothed ({})", self.seeds_label()),
            x_label: "step".into(),
            y_label: "cross-entropy (log scale)".into(),
            log_y: true,
            series,
            size: (800, 500),
            y_min: None,
            markers: false,
            legend_bottom: false,
        }
    }

    /// Validation accuracy against epoch (measured every `eval_every` steps; the test
    /// accuracy at each epoch's end when there is no validation split), mean over seeds.
    pub fn accuracy_plot(&self) -> LinePlot {
        let has_val = self.runs.iter().any(|r| !r.val_curve.is_empty());
        let series: Vec<Series> = self
            .rows
            .iter()
            .map(|row| {
                let runs: Vec<&Run> = self.runs_of(&row.optimizer).collect();
                let per_epoch = runs.first().map_or(1, |r| r.steps_per_epoch.max(1)) as f64;
                let curves: Vec<Vec<(f64, f64)>> = runs
                    .iter()
                    .map(|r| {
                        if has_val {
                            r.val_curve
                                .iter()
                                .map(|&(s, a)| (s as f64 / per_epoch, a * 100.0))
                                .collect()
                        } else {
                            r.epochs
                                .iter()
                                .map(|m| (m.epoch as f64, m.test_accuracy * 100.0))
                                .collect()
                        }
                    })
                    .collect();
                let len = curves.iter().map(Vec::len).min().unwrap_or(0);
                let points = (0..len)
                    .map(|i| {
                        (
                            curves[0][i].0,
                            curves.iter().map(|c| c[i].1).sum::<f64>() / curves.len() as f64,
                        )
                    })
                    .collect();
                Series {
                    name: format!("{} (λ={})", row.optimizer, row.lr),
                    points,
                    color: Some(color_of(&row.optimizer)),
                }
            })
            .collect();
        // Zoom on what matters: from a little below the lowest accuracy after the first half epoch.
        let low = series
            .iter()
            .flat_map(|s| s.points.iter().filter(|p| p.0 >= 0.5).map(|p| p.1))
            .filter(|y| y.is_finite())
            .fold(f64::INFINITY, f64::min);
        let y_min = low.is_finite().then(|| (low - 0.5).floor().max(0.0));
        let what = if has_val { "Validation" } else { "Test" };
        LinePlot {
            title: format!("{what} accuracy ({})", self.seeds_label()),
            x_label: "epoch".into(),
            y_label: format!("{} accuracy (%)", what.to_lowercase()),
            log_y: false,
            series,
            size: (800, 500),
            y_min,
            markers: !has_val,
            legend_bottom: true,
        }
    }
}

/// The columns of `steps.csv`.
pub const STEPS_COLUMNS: [&str; 4] = ["optimizer", "seed", "step", "loss"];
