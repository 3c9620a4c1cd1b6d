//! The benchmark of the seven optimizers (issue 17): problems, tuning, seeds, statistics,
//! pictures and the report.
//!
//! | file | what |
//! |---|---|
//! | `problem.rs` | the four test problems and their budgets |
//! | `quadratic.rs` | DeepOBS's noisy quadratic |
//! | `plan.rs` | the plan: grids, seeds, every trial with a stable id |
//! | `trial.rs` | running one trial |
//! | `results.rs` | the results folder: one file per trial, written atomically |
//! | `runner.rs` | running a plan's trials, tuning first, on several workers, resuming |
//! | `stats.rs` | the statistics, pure functions tested on hand-made numbers and on SciPy's |
//! | `analysis.rs` | from results to rankings, sensitivities and profiles |
//! | `report.rs` | `report.md` and `trials.csv` |
//! | `pictures.rs` | the report's pictures |

mod analysis;
mod pictures;
mod plan;
mod problem;
mod quadratic;
pub mod report;
mod results;
mod runner;
pub mod stats;
mod trial;
mod tuning;

pub use analysis::{analyze, Analysis, OptimizerAnalysis, ProblemAnalysis, Profile, Runs, ALPHA};
pub use plan::{set_tuned, Phase, Plan, TrialSpec};
pub use problem::{Budget, Problem};
pub use quadratic::Quadratic;
pub use results::{describe, CurvePoint, Found, ResultsDir, TrialResult};
pub use runner::{minutes, ready, run_benchmark, run_plan, Ran, Ready};
pub use trial::{cpu_name, run as run_trial, Data};
pub use tuning::{choose, tuning_score, Choice};
