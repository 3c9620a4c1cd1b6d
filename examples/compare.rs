//! Compare the seven optimizers of the course on real training: one network, several seeds.
//!
//! ```text
//! cargo run --release --example compare                          # 784-512-512-10, 2 epochs, 8 seeds
//! cargo run --release --example compare -- --sweep               # each λ chosen first among 5, on validation
//! cargo run --release --example compare -- --optimizers sgd,momentum,adam --lr sgd=0.05 --epochs 4
//! cargo run --release --example compare -- --hidden 128 --dataset fashion-mnist
//! ```
//!
//! Every optimizer trains the same network from the same initial weights and on the same batch
//! order (per seed), at the rate `train` starts it from (`lab/src/training/rates.rs`), or the
//! best of five by validation accuracy with `--sweep`. It is the benchmark's one-problem view
//! (`lab::benchmark`): `report.md` in `--out-dir` has the tables, the tests and the pictures.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use lab::benchmark::run_benchmark;
use lab::cli::CompareArgs;

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let matches = lab::program::parse_args(CompareArgs::command());
        let args = CompareArgs::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        let plan = args.plan().map_err(|message| (2, message))?;
        run_benchmark(
            &plan,
            &args.out_dir,
            args.jobs(),
            &args.data_dirs(),
            &|line| println!("{line}"),
        )?;
        Ok(ExitCode::SUCCESS)
    })
}
