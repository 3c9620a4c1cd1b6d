//! `benchmark`'s command line: `run` (the default), `plan`, `trial`, `report`.
//!
//! Everything is checked before any work: an unknown problem or optimizer, a span whose ends are
//! not in order, zero trials, seeds or jobs are each one line and status 2.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use optim::{Algorithm, Form};

use super::{DataDir, ParseError};
use crate::benchmark::{Phase, Plan, Problem};

/// The optimizers compared as a benchmark does: tuned on validation, 10 seeds, statistics,
/// pictures and a report (report.md).
#[derive(Parser, Debug)]
#[command(name = "benchmark", args_conflicts_with_subcommands = true)]
pub struct BenchmarkCli {
    /// What to do (without one: run).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The options of `run`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `benchmark`'s subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run every trial of the plan not yet in --out-dir, then write the report (the default)
    Run(RunArgs),
    /// Write the plan into --out-dir and print one shell command per trial, for a scheduler
    /// (GNU parallel, a Slurm array: tools/slurm_benchmark.sh); the tuning trials before the
    /// final ones, which need their results
    Plan(PlanArgs),
    /// Run one trial of a plan written by `benchmark plan`
    Trial(TrialArgs),
    /// Write the report of whatever results DIR holds, saying what is missing
    Report(ReportArgs),
}

/// What a plan is made of.
#[derive(Args, Debug, Clone)]
pub struct PlanOptions {
    /// Shorter runs, fewer grid values and seeds (5 values on 1 seed, 3 final seeds): the same
    /// pipeline in a few minutes
    #[arg(long)]
    pub quick: bool,
    /// The problems [default: all: mnist_mlp, fmnist_mlp, mnist_logreg, quadratic_deep]
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub problems: Vec<Problem>,
    /// The optimizers [default: the course's seven]
    #[arg(long, value_delimiter = ',', value_name = "LIST", value_parser = optimizer_name)]
    pub optimizers: Vec<String>,
    /// The optimizers' formulas
    #[arg(long, value_enum, default_value_t = Form::Course)]
    pub form: Form,
    /// Values of λ (or of ε, for the course's AdaDelta) tried per optimizer [default: 13, quick: 5]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub trials: Option<u32>,
    /// The grid's ends, in decades around the rate train starts from: -2,2 runs from 1/100 to 100 times it
    #[arg(long, value_name = "LOW,HIGH", allow_hyphen_values = true, value_parser = span)]
    pub span: Option<(f64, f64)>,
    /// Seeds of each grid value [default: 2, quick: 1]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub tuning_seeds: Option<u64>,
    /// Seeds of the chosen value and of the defaults [default: 10, quick: 3]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: Option<u64>,
    /// Threads of each trial (results agree across thread counts to rounding, not bit for bit,
    /// so the count is part of the plan)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// The results folder [default: runs/benchmark, quick: runs/benchmark-quick]
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Where the two datasets are.
#[derive(Args, Debug, Clone, Default)]
pub struct DataDirs {
    /// MNIST's four IDX files [default: as train finds them]
    #[arg(long, value_name = "DIR")]
    pub mnist_dir: Option<PathBuf>,
    /// Fashion-MNIST's four IDX files [default: $FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist]
    #[arg(long, value_name = "DIR")]
    pub fashion_mnist_dir: Option<PathBuf>,
}

impl DataDirs {
    /// MNIST's source.
    pub fn mnist(&self) -> DataDir {
        DataDir {
            data_dir: self.mnist_dir.clone(),
        }
    }

    /// Fashion-MNIST's source.
    pub fn fashion_mnist(&self) -> DataDir {
        DataDir {
            data_dir: self.fashion_mnist_dir.clone(),
        }
    }
}

/// `benchmark run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// The plan.
    #[command(flatten)]
    pub plan: PlanOptions,
    /// Trials run at once [default: the number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: Option<u64>,
    /// The data.
    #[command(flatten)]
    pub data: DataDirs,
}

/// `benchmark plan`.
#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    /// The plan.
    #[command(flatten)]
    pub plan: PlanOptions,
    /// Print the commands of one phase only: tune, or final (the final and default trials,
    /// which need every tuning result)
    #[arg(long, value_enum)]
    pub phase: Option<PhaseChoice>,
    /// The data, passed on to each trial's command.
    #[command(flatten)]
    pub data: DataDirs,
}

/// `--phase` of `benchmark plan`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseChoice {
    /// The tuning trials.
    Tune,
    /// The trials of the chosen values and of the defaults.
    Final,
}

impl PhaseChoice {
    /// Whether trials of `phase` belong to this choice.
    pub fn holds(self, phase: Phase) -> bool {
        (self == PhaseChoice::Tune) == (phase == Phase::Tune)
    }
}

/// `benchmark trial`.
#[derive(Args, Debug, Clone)]
pub struct TrialArgs {
    /// The results folder holding the plan
    pub dir: PathBuf,
    /// The trial's id, as `benchmark plan` prints it (mnist_mlp/tune-adam-1e-3-s100)
    pub id: String,
    /// The data.
    #[command(flatten)]
    pub data: DataDirs,
}

/// `benchmark report`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// The results folder
    pub dir: PathBuf,
}

impl BenchmarkCli {
    /// Parses `argv` (program name first); a subcommand-less command line is `run`.
    ///
    /// # Errors
    /// [`ParseError`]: clap's, or a one-line message naming the option.
    pub fn try_parse(argv: &[std::ffi::OsString]) -> Result<Command, ParseError> {
        let cli = BenchmarkCli::try_parse_from(argv).map_err(ParseError::Clap)?;
        Ok(cli.command.unwrap_or(Command::Run(cli.run)))
    }
}

impl PlanOptions {
    /// The plan these options describe.
    ///
    /// # Errors
    /// A one-line message naming the option: a problem or optimizer named twice.
    pub fn plan(&self) -> Result<Plan, String> {
        let mut plan = Plan::new(self.quick, self.threads as usize);
        if !self.problems.is_empty() {
            refuse_repeats("--problems", self.problems.iter().map(|p| p.name()))?;
            plan.problems.retain(|(p, _)| self.problems.contains(p));
            // In the order given, so that the report follows the command line.
            plan.problems
                .sort_by_key(|(p, _)| self.problems.iter().position(|q| q == p));
        }
        if !self.optimizers.is_empty() {
            refuse_repeats("--optimizers", self.optimizers.iter().map(String::as_str))?;
            plan.optimizers = self.optimizers.clone();
        }
        plan.form = self.form;
        if let Some(n) = self.trials {
            plan.grid_points = n as usize;
        }
        if let Some(span) = self.span {
            plan.span = span;
        }
        if let Some(n) = self.tuning_seeds {
            plan.tuning_seeds = (100..100 + n).collect();
        }
        if let Some(n) = self.seeds {
            plan.seeds = (1..=n).collect();
        }
        let (low, high) = plan.span;
        if plan.grid_points == 1 && low != high {
            return Err(format!(
                "--trials 1 with --span {low},{high}: one value cannot span a range (give \
                 --span X,X to try 10^X times the starting rate, or 2 trials or more)"
            ));
        }
        if plan.grid_points > 1 && low == high {
            return Err(format!(
                "--span {low},{high} is empty: {} trials would all try the same value",
                plan.grid_points
            ));
        }
        for name in &plan.optimizers {
            let grid = plan.grid(name);
            if let Some(w) = grid.windows(2).find(|w| w[0] == w[1]) {
                return Err(format!(
                    "--span {low},{high} is too narrow for {} trials: {name}'s grid would try {} twice",
                    plan.grid_points, w[0]
                ));
            }
        }
        Ok(plan)
    }

    /// The results folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out_dir.clone().unwrap_or_else(|| {
            Path::new("runs").join(if self.quick {
                "benchmark-quick"
            } else {
                "benchmark"
            })
        })
    }
}

impl RunArgs {
    /// `--jobs`, or the number of cores.
    pub fn jobs(&self) -> usize {
        super::jobs_or_cores(self.jobs)
    }
}

fn refuse_repeats<'a>(option: &str, names: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let names: Vec<&str> = names.collect();
    match (names.iter().enumerate()).find(|(i, n)| names[..*i].contains(n)) {
        Some((_, name)) => Err(format!("{option}: `{name}` is named twice")),
        None => Ok(()),
    }
}

/// An optimizer's name, checked and canonical (`nag` is `nesterov`).
fn optimizer_name(text: &str) -> Result<String, String> {
    let name = text.trim().to_ascii_lowercase();
    let name = (Algorithm::ALIASES.iter())
        .find(|(alias, _)| *alias == name)
        .map_or(name.as_str(), |(_, canonical)| canonical);
    if Algorithm::NAMES.contains(&name) {
        Ok(name.to_string())
    } else {
        Err(format!(
            "unknown optimizer `{text}` (expected one of {})",
            Algorithm::NAMES.join(", ")
        ))
    }
}

/// `LOW,HIGH` in decades, LOW ≤ HIGH.
fn span(text: &str) -> Result<(f64, f64), String> {
    let ends: Vec<&str> = text.split(',').collect();
    let [low, high] = ends[..] else {
        return Err(format!(
            "`{text}` is not LOW,HIGH (two numbers of decades, as -2,2)"
        ));
    };
    let decades = |t: &str| -> Result<f64, String> {
        match t.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= 10.0 => Ok(v),
            _ => Err(format!("`{t}` is not a number of decades from -10 to 10")),
        }
    };
    let (low, high) = (decades(low)?, decades(high)?);
    if low > high {
        return Err(format!(
            "`{text}`: the range is inverted (LOW {low} is above HIGH {high})"
        ));
    }
    Ok((low, high))
}
