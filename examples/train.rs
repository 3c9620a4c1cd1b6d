//! The main job: train the fully connected network on MNIST and report its test accuracy.
//!
//! ```text
//! cargo run --release --example train                         # 784-512-512-10, ReLU, Adam 1e-3, batch 64, 4 epochs
//! cargo run --release --example train -- --optimizer momentum --lr 0.01 --warmup 0.5 --epochs 10
//! cargo run --release --example train -- --epochs 1 --min-accuracy 0.97   # what CI runs
//! cargo run --release --example train -- --resume runs/train/checkpoint.safetensors     # finish a stopped run
//! cargo run --release --example train -- --optimizer sgd --help          # sgd's own options
//! ```
//!
//! The loop itself (batches, schedule, evaluation, checkpoints, resume) is `lab::training`; the
//! options are `lab::cli::train`. This file reads top to bottom: parse, (resume), hold the
//! output folder, obtain the data, train, report. Exit status: 0 on success, 1 if training
//! failed (diverged, below `--min-accuracy`, a file that cannot be written), 2 for a bad option.

use std::process::ExitCode;
use std::time::Instant;

use clap::ArgMatches;
use lab::cli::TrainArgs;
use lab::training::{
    header, holds_checkpoint, plural, prepare_out_dir, Datasets, OutDirError, Progress, TrainError,
    Trainer,
};
use lab::watch::Watch;

/// The course's target for this network.
const TARGET: f64 = 0.98;

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let (args, matches) = TrainArgs::parse()?;
        run(&args, &matches)
    })
}

fn run(args: &TrainArgs, matches: &ArgMatches) -> Result<ExitCode, (u8, String)> {
    let started = Instant::now();
    let failed = |e: &dyn std::fmt::Display| (1, e.to_string());
    if args.fetch_only {
        let dir = args.data.obtain(args.run.dataset).map_err(|e| failed(&e))?;
        println!(
            "{}: the four files are in {} (SHA-256 verified)",
            args.run.dataset,
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // A resumed run keeps its checkpoint's settings, its data included.
    let resumed = args.resumed(matches)?;
    let out_dir = args.out_dir(matches);
    // Held until the program ends: a second run on this directory is refused meanwhile.
    let _lock = prepare_out_dir(&out_dir, args.resume.as_deref(), args.overwrite)
        .map_err(OutDirError::status)?;
    let config = resumed.as_ref().map_or(&args.run, |t| &t.config);
    let dir = args.data.obtain(config.dataset).map_err(|e| failed(&e))?;
    let data =
        Datasets::load(config.dataset, &dir, config.val_split).map_err(|e| (2, e.to_string()))?;

    let mut trainer = match (resumed, &args.resume) {
        (Some(trainer), Some(path)) => {
            let (epochs, steps) = (trainer.epochs_done(), trainer.steps_done());
            println!(
                "resuming {} after epoch {epochs} (step {steps}) with its own settings",
                path.display()
            );
            // Metrics follow the checkpoint: a run stopped between its writes left them behind it.
            if holds_checkpoint(&out_dir, path) {
                let rewritten = trainer.sync_metrics(&out_dir).map_err(|e| failed(&e))?;
                if !rewritten.is_empty() {
                    let files = rewritten.join(" and ");
                    println!(
                        "rewrote {files} from the checkpoint's {}",
                        plural(epochs, "epoch")
                    );
                }
            }
            trainer
        }
        _ => Trainer::new(args.run.clone(), data.input_size(), data.classes)
            .map_err(|e| (2, e.to_string()))?,
    };
    if trainer.model.sizes()[0] != data.input_size() {
        let inputs = trainer.model.sizes()[0];
        let message = format!(
            "--resume: the checkpoint's network takes {inputs} inputs, the data has {}",
            data.input_size()
        );
        return Err((2, message));
    }
    print!("{}", header(&trainer, &data, &dir));

    let before = trainer.epochs_done();
    // Progress on the terminal; with --watch, per-layer gradients and rates recorded as well.
    let watch = args.watch.map(|every| Watch::new(&trainer, every.get()));
    let mut observers = (Progress::default(), watch);
    trainer
        .fit(&data, &mut observers, Some(&out_dir))
        .map_err(|e| match e {
            TrainError::Config(message) => (2, message),
            e => failed(&e),
        })?;
    if let (_, Some(watch)) = observers {
        for written in watch.write(&out_dir, &trainer).map_err(|e| failed(&e))? {
            println!("wrote {}", written.display());
        }
    }

    let last = trainer
        .history()
        .last()
        .expect("--epochs is at least 1, beyond the epochs done");
    let accuracy = last.test_accuracy;
    let verdict = if accuracy >= TARGET {
        format!("≥ {:.0}%: reached the course's target", TARGET * 100.0)
    } else {
        format!(
            "< {:.0}%: below the course's target (try more --epochs)",
            TARGET * 100.0
        )
    };
    let ran = trainer.epochs_done() - before;
    let total = if before > 0 {
        format!(" ({} in all)", trainer.epochs_done())
    } else {
        String::new()
    };
    println!(
        "test accuracy {:.2}% {verdict}; {} in {:.1} s{total}; wrote {}/{{checkpoint,model}}.safetensors and metrics",
        accuracy * 100.0,
        plural(ran, "epoch"),
        started.elapsed().as_secs_f64(),
        out_dir.display()
    );
    match args.min_accuracy {
        Some(min) if accuracy < min => Err((
            1,
            format!(
                "test accuracy {:.2}% is below --min-accuracy {:.2}%",
                accuracy * 100.0,
                min * 100.0
            ),
        )),
        _ => Ok(ExitCode::SUCCESS),
    }
}
