//! The seven optimizers compared as a benchmark paper does: λ tuned on validation over four
//! decades, then 10 seeds of the chosen λ and of the untuned defaults, on four problems; medians
//! and quartiles, Mann–Whitney tests, rankings where ties are ties, pictures, and `report.md`.
//!
//! ```text
//! cargo run --release --example benchmark                    # the full benchmark, into runs/benchmark
//! cargo run --release --example benchmark -- --quick         # the same pipeline in minutes (CI)
//! cargo run --release --example benchmark -- --problems quadratic_deep --optimizers sgd,adam
//! cargo run --release --example benchmark -- plan > trials.txt   # one command per trial, for a scheduler
//! cargo run --release --example benchmark -- report runs/benchmark   # the report of what is there
//! ```
//!
//! Stop it at any time: run again, it continues where it stopped. The problems, the plan, the
//! statistics and the report are `lab::benchmark`.

use std::ffi::OsString;
use std::process::ExitCode;

use lab::benchmark::{ready, report, run_benchmark, run_trial, Data, Phase, ResultsDir};
use lab::cli::benchmark::{BenchmarkCli, Command, DataDirs, PlanArgs, RunArgs, TrialArgs};

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let argv: Vec<OsString> = std::env::args_os().collect();
        let command =
            BenchmarkCli::try_parse(&argv).map_err(|e| (2, e.exit_or_message(|_| None)))?;
        match command {
            Command::Run(args) => run(&args),
            Command::Plan(args) => plan(&args),
            Command::Trial(args) => trial(&args),
            Command::Report(args) => report_of(&args.dir),
        }
        .map(|()| ExitCode::SUCCESS)
    })
}

fn run(args: &RunArgs) -> Result<(), (u8, String)> {
    let plan = args.plan.plan().map_err(|m| (2, m))?;
    run_benchmark(
        &plan,
        &args.plan.out_dir(),
        args.jobs(),
        &args.data,
        &|line| println!("{line}"),
    )
}

fn plan(args: &PlanArgs) -> Result<(), (u8, String)> {
    let plan = args.plan.plan().map_err(|m| (2, m))?;
    let out_dir = args.plan.out_dir();
    let dir = ResultsDir::open(&out_dir, &plan).map_err(|m| (2, m))?;
    let program =
        std::env::current_exe().map_err(|e| (1, format!("cannot name this program: {e}")))?;
    let mut data_options = String::new();
    for (option, value) in [
        ("--mnist-dir", &args.data.mnist_dir),
        ("--fashion-mnist-dir", &args.data.fashion_mnist_dir),
    ] {
        if let Some(path) = value {
            data_options += &format!(" {option} {}", shell_word(&path.to_string_lossy()));
        }
    }
    let program = shell_word(&program.to_string_lossy());
    let folder = shell_word(&out_dir.to_string_lossy());
    let mut printed = 0;
    for phase in [Phase::Tune, Phase::Final] {
        let mut trials = dir.plan.trials();
        trials.retain(|t| (t.phase == Phase::Tune) == (phase == Phase::Tune));
        if args.phase.is_some_and(|p| !p.holds(phase)) {
            continue;
        }
        for t in &trials {
            println!("{program} trial {folder} {}{data_options}", t.id());
            printed += 1;
        }
    }
    eprintln!(
        "{printed} commands for {}; run the tuning ones (--phase tune) before the others, then `benchmark report {}`",
        dir.summary(),
        out_dir.display()
    );
    Ok(())
}

fn trial(args: &TrialArgs) -> Result<(), (u8, String)> {
    let dir = ResultsDir::read(&args.dir).map_err(|m| (2, m))?;
    let spec = (dir.plan.trials().into_iter())
        .find(|t| t.id() == args.id)
        .ok_or_else(|| {
            (
                2,
                format!(
                    "{}: the plan in {} has no trial `{}` (`benchmark plan` lists them)",
                    args.id,
                    args.dir.display(),
                    args.id
                ),
            )
        })?;
    let ready = ready(&dir, &dir.scan(), &spec).map_err(|m| (1, format!("{}: {m}", spec.id())))?;
    let data = load(&dir, &[spec.problem], &args.data)?;
    let result = run_trial(&dir.plan, &spec, ready.optimizer, ready.value, &data);
    dir.write(&result).map_err(|e| (1, e.to_string()))?;
    println!("{}", lab::benchmark::describe(&result));
    Ok(())
}

fn report_of(dir: &std::path::Path) -> Result<(), (u8, String)> {
    let dir = ResultsDir::read(dir).map_err(|m| (2, m))?;
    let written = report::write(&dir).map_err(|m| (1, m))?;
    print!("{}", written.summary);
    println!("wrote {}", written.files.join(", "));
    Ok(())
}

fn load(
    dir: &ResultsDir,
    problems: &[lab::benchmark::Problem],
    data: &DataDirs,
) -> Result<Data, (u8, String)> {
    Data::load(&dir.plan, problems, &data.mnist(), &data.fashion_mnist()).map_err(|m| (1, m))
}

/// `text` as one word of a POSIX shell command line.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
