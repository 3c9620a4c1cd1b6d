//! Compare the seven optimizers of the course on real training.
//!
//! ```text
//! cargo run --release --example compare                          # 784-512-512-10, 5 epochs, 3 seeds: ~3 min
//! cargo run --release --example compare -- --sweep               # + a ×0.3/×1/×3 lr search on validation
//! cargo run --release --example compare -- --optimizers sgd,momentum,adam --seeds 3 --epochs 5
//! cargo run --release --example compare -- --hidden 128 --epochs 2 --seeds 1  # a quick look
//! ```
//!
//! Every optimizer trains the same network from the same initial weights (per seed; checked)
//! on the same batch order, at the learning rate its entry in `optim`'s catalog starts from
//! (`optim/src/catalog.rs`, one line of reasoning each), or the best of ×0.3/×1/×3 by validation
//! accuracy with `--sweep`. The comparison itself is `comparison.rs`.

use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches};

use lab::comparison::{compare, CompareArgs};
use lab::training::{writable_out_dir, Datasets, TrainError};

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let matches = lab::program::parse_args(CompareArgs::command());
        let args = CompareArgs::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        args.check().map_err(|message| (2, message))?;
        run(&args).map(|()| ExitCode::SUCCESS)
    })
}

fn run(args: &CompareArgs) -> Result<(), (u8, String)> {
    let started = Instant::now();
    // The results are written after every run has trained: find out now if they cannot be.
    let _lock = writable_out_dir("--out-dir", &args.out_dir).map_err(|message| (1, message))?;
    let dir = args
        .data
        .obtain(args.dataset)
        .map_err(|e| (1, e.to_string()))?;
    let data =
        Datasets::load(args.dataset, &dir, args.val_split).map_err(|e| (2, e.to_string()))?;
    let config = args.config();
    let sizes: Vec<String> = config
        .model
        .sizes(data.input_size(), data.classes)
        .iter()
        .map(|s| s.to_string())
        .collect();
    println!(
        "{} ({} training, {} validation, {} test); network {} ({}); batch {}; {} epochs; seeds 0..{}; {} form{}",
        args.dataset,
        data.train.len(),
        data.val.as_ref().map_or(0, |v| v.len()),
        data.test.len(),
        sizes.join("-"),
        config.model.activation,
        config.batch_size,
        config.epochs,
        config.seeds,
        config.form.label(),
        if config.sweep { "; sweeping ×0.3, ×1, ×3 per learning rate" } else { "" }
    );
    let result = compare(&config, &data, &mut |line| println!("{line}")).map_err(|e| match e {
        TrainError::Config(msg) => (2, msg),
        e => (1, e.to_string()),
    })?;
    if result.runs.iter().all(|run| run.diverged.is_some()) {
        let each: Vec<String> = (result.runs.iter())
            .map(|run| {
                let why = run.diverged.as_deref().unwrap_or_default();
                let why = why.strip_prefix("training diverged: ").unwrap_or(why);
                format!("{} (λ {}, seed {}): {why}", run.optimizer, run.lr, run.seed)
            })
            .collect();
        return Err((
            1,
            format!(
                "every run diverged, so there is nothing to compare or plot (no file was written): {}",
                each.join("; ")
            ),
        ));
    }
    println!();
    print!("{}", result.table());
    let written = result
        .write(&args.out_dir)
        .map_err(|e| (1, e.to_string()))?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    println!(
        "\nwrote {} into {} ({:.0} s in all)",
        names.join(", "),
        args.out_dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
