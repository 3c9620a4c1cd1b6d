//! A benchmark's results folder: `plan.json`, and one JSON file per finished trial under
//! `results/`, each written atomically, so that an interrupted benchmark continues where it
//! stopped and `benchmark report` reads whatever is there.
//!
//! A folder made by another plan is refused (its `plan.json` differs), and a trial file that
//! does not read, or belongs to another plan or trial, is named and left out, never averaged in.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use optim::Algorithm;
use serde::{Deserialize, Serialize};

use super::plan::{Phase, Plan, TrialSpec};
use super::problem::Problem;
use crate::report::{write_atomic, ReportError};

/// The validation metric and training loss at one step of a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Steps taken (0: before the first).
    pub step: usize,
    /// Mean training loss of the steps since the previous point (`None` at step 0).
    pub train_loss: Option<f64>,
    /// The validation metric: accuracy, or loss for the quadratic; `None` when it is not a
    /// number (a run diverging).
    pub val: Option<f64>,
}

/// What one trial produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// The plan it belongs to ([`Plan::id`]).
    pub plan: String,
    /// What was run.
    pub spec: TrialSpec,
    /// The optimizer with every hyperparameter it ran with.
    pub optimizer: Algorithm,
    /// The tuned value it ran with (λ, or ε), for the sensitivity picture.
    pub value: f64,
    /// The validation metric along the run.
    pub curve: Vec<CurvePoint>,
    /// The validation metric at the end (what tuning chooses by).
    pub val: Option<f64>,
    /// The test metric at the end: accuracy, or loss (`None` when it diverged).
    pub test: Option<f64>,
    /// The test loss at the end.
    pub test_loss: Option<f64>,
    /// First step whose validation measurement reached the target.
    pub target_step: Option<usize>,
    /// Training time (evaluations excluded) to that step, in seconds.
    pub target_seconds: Option<f64>,
    /// Why the run stopped early (a loss that is not finite), if it did.
    pub diverged: Option<String>,
    /// Training time, evaluations excluded, in seconds.
    pub seconds: f64,
    /// The processor it ran on, and the threads it used (times are comparable only on one).
    #[serde(default)]
    pub cpu: String,
}

/// The results folder of a plan.
pub struct ResultsDir {
    /// The folder.
    pub dir: PathBuf,
    /// Its plan.
    pub plan: Plan,
}

/// What reading a results folder found.
#[derive(Default)]
pub struct Found {
    /// Valid results, by trial id.
    pub results: BTreeMap<String, TrialResult>,
    /// Files that could not be used, each with why.
    pub damaged: Vec<(PathBuf, String)>,
}

impl ResultsDir {
    /// Opens `dir` for `plan`: writes `plan.json` in a new folder, or checks that the one there
    /// is this plan.
    ///
    /// # Errors
    /// A one-line message naming the folder: unusable, or made by another plan.
    pub fn open(dir: &Path, plan: &Plan) -> Result<ResultsDir, String> {
        let path = dir.join("plan.json");
        match fs::read_to_string(&path) {
            Ok(text) => {
                let theirs: Plan = serde_json::from_str(&text)
                    .map_err(|e| format!("{}: not a benchmark plan: {e}", path.display()))?;
                if theirs != *plan {
                    return Err(format!(
                        "--out-dir {} holds the results of another plan ({}{}, plan {}); this run's \
                         plan is {}: use another --out-dir, or `benchmark report {}` to read it",
                        dir.display(),
                        if theirs.quick { "--quick" } else { "full" },
                        if theirs.threads != plan.threads { format!(", {} threads", theirs.threads) } else { String::new() },
                        theirs.id(),
                        plan.id(),
                        dir.display()
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = serde_json::to_string_pretty(plan).expect("a plan serializes");
                write_atomic(&path, (text + "\n").as_bytes()).map_err(|e| e.to_string())?;
            }
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
        Ok(ResultsDir {
            dir: dir.to_path_buf(),
            plan: plan.clone(),
        })
    }

    /// What the plan is, in one line, with the folder.
    pub fn summary(&self) -> String {
        summary(&self.plan, &self.dir)
    }

    /// Reads the plan of an existing results folder (for `benchmark report`).
    ///
    /// # Errors
    /// A one-line message naming the folder or its `plan.json`.
    pub fn read(dir: &Path) -> Result<ResultsDir, String> {
        let path = dir.join("plan.json");
        let text = fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e} (not a benchmark's results folder?)",
                path.display()
            )
        })?;
        let plan: Plan = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a benchmark plan: {e}", path.display()))?;
        Ok(ResultsDir {
            dir: dir.to_path_buf(),
            plan,
        })
    }

    /// Where the result of `spec` is.
    pub fn path(&self, spec: &TrialSpec) -> PathBuf {
        self.dir.join("results").join(format!("{}.json", spec.id()))
    }

    /// Writes a result, atomically.
    ///
    /// # Errors
    /// [`ReportError`] naming the file.
    pub fn write(&self, result: &TrialResult) -> Result<(), ReportError> {
        let text = serde_json::to_string(result).expect("a result serializes");
        write_atomic(&self.path(&result.spec), (text + "\n").as_bytes())
    }

    /// Every result of the plan's trials that is there and valid; the others are named in
    /// [`Found::damaged`]. Files of trials the plan does not have are ignored.
    pub fn scan(&self) -> Found {
        let mut found = Found::default();
        let plan_id = self.plan.id();
        for spec in self.plan.trials() {
            let path = self.path(&spec);
            let text = match fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    found.damaged.push((path, e.to_string()));
                    continue;
                }
            };
            match serde_json::from_str::<TrialResult>(&text) {
                Ok(r) if r.plan != plan_id => {
                    found
                        .damaged
                        .push((path, format!("written by plan {}, not {plan_id}", r.plan)));
                }
                Ok(r) if r.spec != spec => {
                    found
                        .damaged
                        .push((path, format!("holds trial {}", r.spec.id())));
                }
                Ok(r) => {
                    found.results.insert(spec.id(), r);
                }
                Err(e) => found
                    .damaged
                    .push((path, format!("does not read as a trial's result: {e}"))),
            }
        }
        found
    }
}

/// What `plan` is, in one line, with its results folder `dir`.
pub fn summary(plan: &Plan, dir: &Path) -> String {
    let trials = plan.trials();
    let tuning = trials.iter().filter(|t| t.phase == Phase::Tune).count();
    let mut text = format!(
        "plan {} ({}): {} problem{} × {} optimizer{}, ",
        plan.id(),
        if plan.quick { "quick" } else { "full" },
        plan.problems.len(),
        s(plan.problems.len()),
        plan.optimizers.len(),
        s(plan.optimizers.len()),
    );
    if plan.tunes() {
        text += &format!(
            "{} values of λ × {} tuning seed{}, then {} seeds of the chosen λ",
            plan.grid_points,
            plan.tuning_seeds.len(),
            s(plan.tuning_seeds.len()),
            plan.seeds.len()
        );
    } else {
        text += &format!("{} seed{} each", plan.seeds.len(), s(plan.seeds.len()));
    }
    if plan.one_shot {
        text += " and of the defaults";
    }
    format!(
        "{text}: {} trials ({tuning} tuning), {} thread{} each; results in {}",
        trials.len(),
        plan.threads,
        s(plan.threads),
        dir.display()
    )
}

/// One line about a result: `mnist_mlp/tune-sgd-1e-3-s100: validation accuracy 0.9312, 1.4 s`.
pub fn describe(result: &TrialResult) -> String {
    let outcome = match (&result.diverged, result.val) {
        (Some(why), _) => format!("diverged ({why})"),
        (None, Some(val)) => format!("validation {} {val:.4}", result.spec.problem.metric()),
        (None, None) => "no validation result".to_string(),
    };
    format!("{}: {outcome}, {:.1} s", result.spec.id(), result.seconds)
}

impl Found {
    /// The results of `problem` and `optimizer` in `phase`.
    pub fn of(&self, problem: Problem, optimizer: &str, phase: Phase) -> Vec<&TrialResult> {
        (self.results.values())
            .filter(|r| {
                r.spec.problem == problem && r.spec.optimizer == optimizer && r.spec.phase == phase
            })
            .collect()
    }
}

/// `"s"` for a plural.
fn s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
