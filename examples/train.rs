//! The main job: train the fully connected network on MNIST and report its test accuracy.
//!
//! ```text
//! cargo run --release --example train                         # 784-512-512-10, ReLU, Adam 1e-3, batch 64, 4 epochs
//! cargo run --release --example train -- --optimizer momentum --lr 0.01 --schedule cosine:10 --epochs 10
//! cargo run --release --example train -- --epochs 1 --min-accuracy 0.97   # what CI runs
//! cargo run --release --example train -- --resume runs/train/checkpoint.safetensors     # finish a stopped run
//! cargo run --release --example train -- --lr-decay none --out-dir runs/flat               # λ constant, so ...
//! cargo run --release --example train -- --resume runs/flat/checkpoint.safetensors --epochs 8  # ... it extends
//! cargo run --release --example train -- --help
//! ```
//!
//! The loop itself (batches, evaluation, checkpoints, resume) is `training/`; the options are
//! `cli.rs`. This file obtains the data, prints what it is about to do, shows progress, and
//! turns the outcome into an exit status: 0 on success, 1 if training failed (diverged, or
//! below `--min-accuracy`), 2 for a bad option.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use indicatif::{ProgressBar, ProgressStyle};

use lab::cli::{DataArgs, TrainArgs};
use lab::training::{
    checkpoint_dir, holds_checkpoint, prepare_out_dir, Datasets, EpochMetrics, LrDecay, Model,
    Observer, OutDirError, StepInfo, TrainError, Trainer,
};

/// The course's target for this network.
const TARGET: f64 = 0.98;

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        // The matches say which options the user typed, which --resume needs to refuse them.
        let matches = lab::program::parse_args(TrainArgs::command());
        let args = TrainArgs::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        args.check().map_err(|message| (2, message))?;
        run(&args, &matches)
    })
}

/// Runs the job; `Err((status, message))` for a failure.
fn run(args: &TrainArgs, matches: &ArgMatches) -> Result<ExitCode, (u8, String)> {
    let started = Instant::now();
    if args.fetch_only {
        let dir = args.data.obtain().map_err(|e| (1, e.to_string()))?;
        println!(
            "{}: the four files are in {} (SHA-256 verified)",
            args.data.dataset,
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // A resumed run trains on the data of its checkpoint: same dataset, same validation split.
    let mut resumed = match &args.resume {
        Some(path) => {
            // Opening a FIFO or a device would block or read garbage: only a file is a checkpoint.
            match std::fs::metadata(path) {
                Ok(m) if !m.is_file() => {
                    let what = if m.is_dir() {
                        "a directory"
                    } else {
                        "not a regular file"
                    };
                    return Err((1, format!("--resume {}: {what}", path.display())));
                }
                _ => {}
            }
            Some(Trainer::resume(path).map_err(|e| (1, e.to_string()))?)
        }
        None => None,
    };
    if let (Some(trainer), Some(path)) = (&mut resumed, &args.resume) {
        check_resume_options(trainer, path, args, matches)?;
    }
    // Outputs are checked before the data is loaded and anything trains.
    let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    let out_dir: PathBuf = match &args.resume {
        Some(path) if !given("out_dir") => checkpoint_dir(path).to_path_buf(),
        _ => args.out_dir.clone(),
    };
    // Held until the program ends: a second run on this directory is refused meanwhile.
    let _lock = prepare_out_dir(&out_dir, args.resume.as_deref(), args.overwrite)
        .map_err(OutDirError::status)?;

    let mut data_args = args.data.clone();
    let mut val_split = args.val_split;
    if let Some(trainer) = &resumed {
        if let Some(name) = &trainer.config.dataset {
            data_args.dataset = name.parse().map_err(|e| (1, format!("--resume: {e}")))?;
        }
        val_split = trainer.config.val_split;
    }
    let dir = data_args.obtain().map_err(|e| (1, e.to_string()))?;
    let data =
        Datasets::load(data_args.dataset, &dir, val_split).map_err(|e| (2, e.to_string()))?;

    let mut trainer = match (resumed, &args.resume) {
        (Some(trainer), Some(path)) => {
            println!(
                "resuming {} after epoch {} (step {}); model, optimizer, batch size, seed, dataset and \
                 validation split are the checkpoint's",
                path.display(),
                trainer.epochs_done(),
                trainer.steps_done()
            );
            // Metrics follow the checkpoint: a run stopped between its writes left them behind it.
            if holds_checkpoint(&out_dir, path) {
                let rewritten = trainer
                    .sync_metrics(&out_dir)
                    .map_err(|e| (1, e.to_string()))?;
                if !rewritten.is_empty() {
                    println!(
                        "rewrote {} from the checkpoint's {}, which they did not match",
                        rewritten.join(" and "),
                        plural(trainer.epochs_done(), "epoch")
                    );
                }
            }
            trainer
        }
        _ => Trainer::new(args.config(), data.input_size(), data.classes).map_err(config_error)?,
    };
    if trainer.model.sizes()[0] != data.input_size() {
        let inputs = trainer.model.sizes()[0];
        return Err((
            2,
            format!(
                "--resume: the checkpoint's network takes {inputs} inputs, the data has {}",
                data.input_size()
            ),
        ));
    }
    print_header(&data_args, &trainer, &data, &dir);

    let mut progress = Progress::new();
    trainer
        .fit(&data, &mut progress, Some(&out_dir))
        .map_err(|e| match e {
            TrainError::Config(_) => config_error(e),
            e => (1, e.to_string()),
        })?;

    let Some(last) = trainer.history().last() else {
        println!("nothing to train: --epochs {}", args.epochs);
        return Ok(ExitCode::SUCCESS);
    };
    let accuracy = last.test_accuracy;
    let verdict = if accuracy >= TARGET {
        format!("≥ {:.0}%: reached the course's target", TARGET * 100.0)
    } else {
        format!(
            "< {:.0}%: below the course's target (try more --epochs)",
            TARGET * 100.0
        )
    };
    println!(
        "test accuracy {:.2}% {verdict}; {} in {:.1} s; wrote {}/{{metrics.csv,metrics.json,checkpoint.safetensors}}",
        accuracy * 100.0,
        plural(trainer.epochs_done(), "epoch"),
        started.elapsed().as_secs_f64(),
        out_dir.display()
    );
    if let Some(min) = args.min_accuracy {
        if accuracy < min {
            return Err((
                1,
                format!(
                    "test accuracy {:.2}% is below --min-accuracy {:.2}%",
                    accuracy * 100.0,
                    min * 100.0
                ),
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Sets the resumed run's `--epochs`, refusing options that it would ignore: a setting the
/// checkpoint decides and the user gave a different value, `--epochs` that moves the end of a
/// per-step decay, or `--epochs` not beyond the epochs already done (it is the total), which
/// would train nothing and write nothing.
fn check_resume_options(
    trainer: &mut Trainer,
    checkpoint: &Path,
    args: &TrainArgs,
    matches: &ArgMatches,
) -> Result<(), (u8, String)> {
    let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    let conflicts: Vec<String> = (trainer.config.differences(&args.config()).into_iter())
        .filter(|(id, _, _)| given(id))
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
                checkpoint.display(),
                conflicts.join(", ")
            ),
        ));
    }
    let default = if given("epochs") {
        ""
    } else {
        " (the default)"
    };
    trainer.set_epochs(args.epochs).map_err(|e| {
        let flag = format!("--epochs {}", args.epochs);
        (
            2,
            e.to_string()
                .replacen(&flag, &format!("{flag}{default}"), 1),
        )
    })?;
    let done = trainer.epochs_done();
    if args.epochs <= done {
        return Err((
            2,
            format!(
                "--epochs {}{default}: {} has already trained {}; --epochs counts them, so pass \
                 more than {done} to train further",
                args.epochs,
                checkpoint.display(),
                plural(done, "epoch")
            ),
        ));
    }
    Ok(())
}

/// `1 epoch`, `4 epochs`.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn config_error(e: TrainError) -> (u8, String) {
    (2, e.to_string())
}

/// What the run is about to do, in a few lines.
fn print_header(data_args: &DataArgs, trainer: &Trainer, data: &Datasets, dir: &std::path::Path) {
    let config = &trainer.config;
    let sizes: Vec<String> = trainer
        .model
        .sizes()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let val = data
        .val
        .as_ref()
        .map_or(String::new(), |v| format!(", {} validation", v.len()));
    println!(
        "data:      {} from {}: {} training{val}, {} test images of {} pixels",
        data_args.dataset,
        dir.display(),
        data.train.len(),
        data.test.len(),
        data.input_size()
    );
    let dropout = if config.model.dropout > 0.0 {
        format!(", dropout {}", config.model.dropout)
    } else {
        String::new()
    };
    println!(
        "model:     {} ({}, init {}{dropout}), {} parameters",
        sizes.join("-"),
        config.model.activation,
        config.model.init,
        trainer.parameters().count_elements()
    );
    let decay = match config.lr_decay {
        LrDecay::None => String::new(),
        LrDecay::Cosine => {
            ", λ annealed to 0 along a half cosine over the run (--lr-decay)".to_string()
        }
        LrDecay::Linear => ", λ decayed linearly to 0 over the run (--lr-decay)".to_string(),
    };
    let schedule = config
        .optim
        .schedule
        .as_ref()
        .map_or(String::new(), |s| format!(", schedule {s} (per epoch)"));
    println!("optimizer: {}{schedule}{decay}", trainer.optimizer());
    println!(
        "training:  {}, batch {}, seed {}, cross-entropy; {} threads",
        plural(config.epochs, "epoch"),
        config.batch_size,
        config.seed,
        autograd::backend::threads()
    );
}

/// A progress bar per epoch on stderr (only when it is a terminal), and one line per epoch on
/// stdout.
struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Observer for Progress {
    fn epoch_start(&mut self, epoch: usize, batches: usize) {
        if self.terminal {
            let bar = ProgressBar::new(batches as u64);
            let style = ProgressStyle::with_template(
                "epoch {prefix:>2} [{bar:25}] {pos}/{len}  loss {msg}  {eta} left",
            )
            .expect("the template is valid")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(epoch.to_string());
            self.bar = Some(bar);
        }
    }

    fn step(&mut self, info: &StepInfo, _model: &mut Model) {
        if let Some(bar) = &self.bar {
            bar.set_position(info.batch as u64);
            bar.set_message(format!("{:.4}", info.running_loss));
        }
    }

    fn epoch_end(&mut self, m: &EpochMetrics) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let val = m
            .val_accuracy
            .map_or(String::new(), |v| format!("  val acc {:.2}%", v * 100.0));
        println!(
            "epoch {:>2}  train loss {:.4}  test loss {:.4}  test acc {:.2}%{val}  {:.1} s  (lr {})",
            m.epoch,
            m.train_loss,
            m.test_loss,
            m.test_accuracy * 100.0,
            m.seconds,
            m.lr
        );
    }
}
