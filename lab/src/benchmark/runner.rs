//! Running a plan: the tuning trials first, then the chosen values and the defaults on the final
//! seeds, each trial on one of `jobs` workers, each result written as soon as it is known.
//!
//! A trial whose valid result is already in the folder is not run again, so an interrupted
//! benchmark started again continues where it stopped; a damaged result file is named and its
//! trial run again.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use std::path::Path;

use optim::Algorithm;

use super::plan::Plan;
use super::problem::Problem;
use super::report;
use crate::cli::benchmark::DataDirs;
use crate::training::writable_out_dir;

use super::plan::{set_tuned, Phase, TrialSpec};
use super::results::{describe, summary, Found, ResultsDir, TrialResult};
use super::trial::{self, Data};
use super::tuning::choose;

/// A trial ready to run: what it is and the optimizer it runs with.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The trial.
    pub spec: TrialSpec,
    /// Its optimizer, every hyperparameter set.
    pub optimizer: Algorithm,
    /// The tuned value it runs with (λ, or ε).
    pub value: f64,
}

/// How a run of the plan went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ran {
    /// Trials run now.
    pub ran: usize,
    /// Trials whose results were already there.
    pub skipped: usize,
}

/// Makes `spec` ready: its grid value, the tuned value chosen from `found`, or the defaults.
///
/// # Errors
/// For a final trial whose tuning results are not all there: which are missing.
pub fn ready(dir: &ResultsDir, found: &Found, spec: &TrialSpec) -> Result<Ready, String> {
    let plan = &dir.plan;
    let mut optimizer = plan.defaults(&spec.optimizer);
    let value = match spec.phase {
        Phase::Tune => spec.value.expect("a tuning trial has its grid value"),
        Phase::Final => choose(plan, found, spec.problem, &spec.optimizer)?.value,
        Phase::Default => plan.default_value(&spec.optimizer),
    };
    if spec.phase != Phase::Default {
        set_tuned(&mut optimizer, value as f32);
    }
    Ok(Ready {
        spec: spec.clone(),
        optimizer,
        value,
    })
}

/// Runs every trial of the plan that has no valid result in `dir`, tuning first; `log` gets a
/// line per trial finished and per damaged file found.
///
/// # Errors
/// A result that cannot be written (the run stops after the trials under way).
pub fn run_plan(
    dir: &ResultsDir,
    data: &Data,
    jobs: usize,
    log: &(dyn Fn(&str) + Sync),
) -> Result<Ran, String> {
    let found = dir.scan();
    for (path, why) in &found.damaged {
        log(&format!(
            "{}: {why}; running its trial again",
            path.display()
        ));
    }
    let trials = dir.plan.trials();
    let todo_of = |found: &Found, phase: Phase| -> Vec<&TrialSpec> {
        (trials.iter())
            .filter(|t| (t.phase == Phase::Tune) == (phase == Phase::Tune))
            .filter(|t| !found.results.contains_key(&t.id()))
            .collect()
    };
    let tuning: Vec<Ready> = (todo_of(&found, Phase::Tune).into_iter())
        .map(|spec| ready(dir, &found, spec))
        .collect::<Result<_, _>>()?;
    let total = trials.len() - found.results.len();
    let clock = Clock {
        start: Instant::now(),
        done: AtomicUsize::new(0),
        total,
    };
    run_all(dir, data, &tuning, jobs, &clock, log)?;

    let found = dir.scan();
    let mut finals = Vec::new();
    for spec in todo_of(&found, Phase::Final) {
        finals.push(ready(dir, &found, spec)?);
    }
    // A final result run with another value than the tuning now chooses is stale.
    for (id, result) in &found.results {
        if result.spec.phase == Phase::Final {
            let now = ready(dir, &found, &result.spec)?;
            if now.value != result.value {
                log(&format!(
                    "{id}: ran with {} but tuning chooses {}; running it again",
                    result.value, now.value
                ));
                finals.push(now);
            }
        }
    }
    run_all(dir, data, &finals, jobs, &clock, log)?;
    Ok(Ran {
        ran: tuning.len() + finals.len(),
        skipped: trials.len() - tuning.len() - finals.len(),
    })
}

/// Progress over the whole run.
struct Clock {
    start: Instant,
    done: AtomicUsize,
    total: usize,
}

/// Runs `trials` on `jobs` workers, each taking the next trial not yet taken.
fn run_all(
    dir: &ResultsDir,
    data: &Data,
    trials: &[Ready],
    jobs: usize,
    clock: &Clock,
    log: &(dyn Fn(&str) + Sync),
) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let error = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(trials.len()) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let Some(trial) = trials.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let result = trial::run(
                        &dir.plan,
                        &trial.spec,
                        trial.optimizer.clone(),
                        trial.value,
                        data,
                    );
                    if let Err(e) = dir.write(&result) {
                        failed.store(true, Ordering::Relaxed);
                        error
                            .lock()
                            .expect("no worker panics holding it")
                            .get_or_insert(e.to_string());
                        break;
                    }
                    log(&progress_line(&result, clock));
                }
            });
        }
    });
    match error.into_inner().expect("no worker panicked") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `[  12/308] mnist_mlp/tune-sgd-1e-3-s100: validation accuracy 0.9312, 1.4 s (about 5 min left)`
fn progress_line(result: &TrialResult, clock: &Clock) -> String {
    let done = clock.done.fetch_add(1, Ordering::Relaxed) + 1;
    let elapsed = clock.start.elapsed().as_secs_f64();
    let left = elapsed / done as f64 * clock.total.saturating_sub(done) as f64;
    let width = clock.total.to_string().len();
    format!(
        "[{done:>width$}/{}] {} (about {} left)",
        clock.total,
        describe(result),
        minutes(left)
    )
}

/// `45 s`, `12 min`.
pub fn minutes(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{:.0} min", seconds / 60.0)
    }
}

/// The whole of `benchmark run` (and of `compare`): holds `out_dir`, checks that it holds
/// `plan`'s results or none, obtains the data, runs what is missing, writes the report; every
/// line of progress to `say`.
///
/// # Errors
/// The exit status and message: 2 for a folder of another plan, 1 for the rest (a folder that
/// cannot be used, missing data, a file that cannot be written).
pub fn run_benchmark(
    plan: &Plan,
    out_dir: &Path,
    jobs: usize,
    data: &DataDirs,
    say: &(dyn Fn(&str) + Sync),
) -> Result<(), (u8, String)> {
    let started = Instant::now();
    // Held until the end: a second run in this folder is refused meanwhile.
    let _lock = writable_out_dir("--out-dir", out_dir).map_err(|m| (1, m))?;
    // Said before anything is written: a standard output that cannot be written stops it here.
    say(&format!(
        "{}; {jobs} trial{} at a time",
        summary(plan, out_dir),
        if jobs == 1 { "" } else { "s" }
    ));
    let dir = ResultsDir::open(out_dir, plan).map_err(|m| (2, m))?;
    let problems: Vec<Problem> = plan.problems.iter().map(|(p, _)| *p).collect();
    let data =
        Data::load(plan, &problems, &data.mnist(), &data.fashion_mnist()).map_err(|m| (1, m))?;
    let ran = run_plan(&dir, &data, jobs, say).map_err(|m| (1, m))?;
    if ran.skipped > 0 {
        say(&format!(
            "{} trials were already done in {}",
            ran.skipped,
            out_dir.display()
        ));
    }
    let written = report::write(&dir).map_err(|m| (1, m))?;
    say(written.summary.trim_end());
    let results = &written.analysis.results;
    if results.values().all(|r| r.diverged.is_some()) {
        let each: Vec<String> = (results.values())
            .map(|r| {
                let why = r.diverged.as_deref().unwrap_or_default();
                let why = why.strip_prefix("training diverged: ").unwrap_or(why);
                format!(
                    "{} (λ {}, seed {}): {why}",
                    r.spec.optimizer, r.value, r.spec.seed
                )
            })
            .collect();
        return Err((
            1,
            format!(
                "every run diverged, so nothing compares (the report in {} says so): {}",
                out_dir.join("report.md").display(),
                each.join("; ")
            ),
        ));
    }
    say(&format!(
        "wrote {} into {}; {} trials in {}",
        written.files.join(", "),
        out_dir.display(),
        ran.ran,
        minutes(started.elapsed().as_secs_f64())
    ));
    Ok(())
}
