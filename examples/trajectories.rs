//! Optimizers' paths on 2-D test functions: the course's pictures, drawn by the library itself.
//!
//! ```text
//! cargo run --release --example trajectories -- --function beale --optimizer adam \
//!     --start 1,1.5 --steps 500 --lr 0.05 [--noise 0.5 --seed 1] [--out beale_adam.png | --json]
//! cargo run --release --example trajectories -- --optimizer rmsprop --help    # its own options
//! cargo run --release --example trajectories -- --all [--out-dir docs/img] [--gif] [--mnist]
//! ```
//!
//! `--json` prints `{"function", "optimizer", "settings", "points", "losses"}` with `steps + 1`
//! points and one loss per point; `"optimizer"` echoes the name as given (`nag` stays `nag`),
//! `"settings"` is every hyperparameter the optimizer ran with. Exit codes: 0 done; 2 bad
//! command line or hyperparameter (one line naming it); 1 a run diverged (NaN or infinite
//! point: the message names the step, and in `--json` mode nothing is printed on stdout) or a
//! file could not be written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lab::claims;
use lab::cli::optimizer::option_error;
use lab::trajectory::{run_noisy, Cli, TrajectoryError};
use optim::UpdateRule;

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let cli = Cli::parse_checked(&argv).map_err(|message| (2, message))?;
        if cli.all {
            claims::run_all(&cli.out_dir(), cli.gif, cli.mnist).map_err(|m| (1, m))?;
        } else {
            run_one(&cli)?;
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn run_one(cli: &Cli) -> Result<(), (u8, String)> {
    let surface = cli
        .function
        .expect("clap requires --function without --all");
    let start = cli.start.unwrap_or(surface.default_start());
    let optimizer = &cli.optimizer;
    let mut path =
        run_noisy(surface, optimizer, start, cli.steps, cli.noise()).map_err(|e| match e {
            // A hyperparameter out of range is a bad command-line value: status 2, as clap's.
            TrajectoryError::Optim(e) => (2, option_error(&e)),
            e => (1, e.to_string()),
        })?;
    if cli.json {
        // The JSON echoes the optimizer's name as typed: tools that passed `nag` look for `nag`.
        path.optimizer = cli.typed.clone();
        let json =
            serde_json::to_string(&path).map_err(|e| (1, format!("cannot write JSON: {e}")))?;
        println!("{json}");
        return Ok(());
    }
    let name = optimizer.name();
    let out = (cli.out.clone()).unwrap_or_else(|| {
        PathBuf::from("runs/trajectories").join(format!("{}_{name}.png", surface.name()))
    });
    create_parent(&out).map_err(|m| (1, m))?;
    lab::program::check_picture_path("--out", &out, &["png", "svg", "gif"]).map_err(|m| (1, m))?;
    cli.draw(&path, &out).map_err(|e| (1, e.to_string()))?;
    let last = path.points.last().copied().unwrap_or(start);
    let loss = path.losses.last().copied().unwrap_or(f32::NAN);
    println!(
        "{optimizer}: final point ({}, {}), loss {loss}; wrote {}",
        last[0],
        last[1],
        out.display()
    );
    Ok(())
}

fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display())),
        _ => Ok(()),
    }
}
