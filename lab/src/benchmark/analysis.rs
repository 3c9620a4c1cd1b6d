//! From a results folder to what the report says: per problem and optimizer the tuning, the
//! chosen value and the final runs summarized over seeds; rankings backed by tests; the expected
//! best after k tuning trials; a performance profile over the problems.
//!
//! How runs that diverged count: as the worst value of the metric in rankings and summaries
//! (accuracy 0, loss +∞), as "never reached" for the time to target, and as the untrained
//! model's value for the expected best (a tuning trial that diverged gave nothing better than
//! not training). They are also counted and shown.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::plan::{Phase, Plan};
use super::problem::{Budget, Problem};
use super::results::{Found, ResultsDir, TrialResult};
use super::stats::{compare_all, expected_best, performance_profile, Comparison, Summary};
use super::tuning::{choose, tuning_score, Choice};

/// Significance level of every test of the report, after Holm's adjustment.
pub const ALPHA: f64 = 0.05;

/// Everything the report shows.
pub struct Analysis {
    /// The plan.
    pub plan: Plan,
    /// Per problem, in the plan's order.
    pub problems: Vec<ProblemAnalysis>,
    /// Trials of the plan with no valid result.
    pub missing: Vec<String>,
    /// Result files that could not be used, with why.
    pub damaged: Vec<(PathBuf, String)>,
    /// Training time of every result there, in seconds.
    pub seconds: f64,
    /// Every valid result, by trial id.
    pub results: BTreeMap<String, TrialResult>,
    /// The performance profile of steps to target of the tuned runs, when every problem has them.
    pub profile: Option<Profile>,
}

/// One problem.
pub struct ProblemAnalysis {
    /// Which.
    pub problem: Problem,
    /// Its budget.
    pub budget: Budget,
    /// Per optimizer, in the plan's order.
    pub optimizers: Vec<OptimizerAnalysis>,
    /// The tuned runs compared on the final test metric.
    pub tuned: Option<Comparison>,
    /// The tuned runs compared on steps to the target (a miss ranks last).
    pub tuned_speed: Option<Comparison>,
    /// The default runs compared on the final test metric.
    pub defaults: Option<Comparison>,
}

/// One optimizer on one problem.
pub struct OptimizerAnalysis {
    /// Its name.
    pub name: String,
    /// The tuned value, when every tuning result is there.
    pub choice: Option<Choice>,
    /// The tuning trials: (value, seed, final validation metric; `None` when it diverged).
    pub tuning: Vec<(f64, u64, Option<f64>)>,
    /// The expected best validation metric after k = 1, 2, … tuning trials.
    pub expected_best: Vec<f64>,
    /// Its runs of the chosen value.
    pub tuned: Runs,
    /// Its runs of the defaults.
    pub defaults: Runs,
}

/// An optimizer's runs of one setting over the final seeds.
#[derive(Default)]
pub struct Runs {
    /// The value they ran with (λ, or ε).
    pub value: Option<f64>,
    /// The results, by seed.
    pub results: Vec<TrialResult>,
    /// Final test metric (a diverged run counting as the worst).
    pub test: Option<Summary>,
    /// Final test loss (+∞ for a diverged run).
    pub test_loss: Option<Summary>,
    /// Steps to the target (+∞ for a miss).
    pub steps: Option<Summary>,
    /// Training seconds to the target (+∞ for a miss).
    pub seconds: Option<Summary>,
    /// Runs that reached the target.
    pub reached: usize,
    /// Runs that diverged.
    pub diverged: usize,
}

/// A performance profile: for each optimizer, the fraction of problems on which its median
/// steps to target is within τ of the fastest optimizer's.
pub struct Profile {
    /// The τ axis.
    pub taus: Vec<f64>,
    /// Per optimizer (the plan's order), its fraction at each τ.
    pub fractions: Vec<Vec<f64>>,
}

impl Runs {
    fn of(problem: Problem, results: Vec<&TrialResult>) -> Runs {
        let mut results: Vec<TrialResult> = results.into_iter().cloned().collect();
        results.sort_by_key(|r| r.spec.seed);
        let summary = |values: Vec<f64>| (!values.is_empty()).then(|| Summary::of(&values));
        let worst = if problem.higher_is_better() {
            0.0
        } else {
            f64::INFINITY
        };
        Runs {
            value: results.first().map(|r| r.value),
            test: summary(results.iter().map(|r| r.test.unwrap_or(worst)).collect()),
            test_loss: summary(
                results
                    .iter()
                    .map(|r| r.test_loss.unwrap_or(f64::INFINITY))
                    .collect(),
            ),
            steps: summary(
                (results.iter())
                    .map(|r| r.target_step.map_or(f64::INFINITY, |s| s as f64))
                    .collect(),
            ),
            seconds: summary(
                results
                    .iter()
                    .map(|r| r.target_seconds.unwrap_or(f64::INFINITY))
                    .collect(),
            ),
            reached: results.iter().filter(|r| r.target_step.is_some()).count(),
            diverged: results.iter().filter(|r| r.diverged.is_some()).count(),
            results,
        }
    }

    /// The final test metric of each run, a diverged one counting as the worst.
    pub fn test_values(&self, problem: Problem) -> Vec<f64> {
        let worst = if problem.higher_is_better() {
            0.0
        } else {
            f64::INFINITY
        };
        self.results
            .iter()
            .map(|r| r.test.unwrap_or(worst))
            .collect()
    }

    /// The steps to the target of each run, +∞ for a miss.
    pub fn step_values(&self) -> Vec<f64> {
        (self.results.iter())
            .map(|r| r.target_step.map_or(f64::INFINITY, |s| s as f64))
            .collect()
    }
}

/// Reads `dir` and analyzes whatever results are there.
pub fn analyze(dir: &ResultsDir) -> Analysis {
    let plan = &dir.plan;
    let found = dir.scan();
    let missing: Vec<String> = (plan.trials().iter())
        .map(|t| t.id())
        .filter(|id| !found.results.contains_key(id))
        .collect();
    let problems: Vec<ProblemAnalysis> = (plan.problems.iter())
        .map(|(problem, budget)| analyze_problem(plan, &found, *problem, budget.clone()))
        .collect();
    let profile = profile(&problems);
    Analysis {
        plan: plan.clone(),
        problems,
        missing,
        seconds: found.results.values().map(|r| r.seconds).sum(),
        results: found.results,
        damaged: found.damaged,
        profile,
    }
}

fn analyze_problem(
    plan: &Plan,
    found: &Found,
    problem: Problem,
    budget: Budget,
) -> ProblemAnalysis {
    let optimizers: Vec<OptimizerAnalysis> = (plan.optimizers.iter())
        .map(|name| {
            let tuning_results = found.of(problem, name, Phase::Tune);
            let mut tuning: Vec<(f64, u64, Option<f64>)> = (tuning_results.iter())
                .map(|r| (r.value, r.spec.seed, r.val))
                .collect();
            tuning.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // A diverged tuning trial gave nothing better than the untrained model.
            let scores: Vec<f64> = (tuning_results.iter())
                .map(|r| {
                    r.val
                        .or_else(|| r.curve.first().and_then(|p| p.val))
                        .unwrap_or_else(|| tuning_score(problem, None))
                })
                .filter(|v| v.is_finite())
                .collect();
            let expected_best = if scores.is_empty() {
                Vec::new()
            } else {
                (1..=scores.len())
                    .map(|k| expected_best(&scores, k, problem.higher_is_better()))
                    .collect()
            };
            OptimizerAnalysis {
                name: name.clone(),
                choice: choose(plan, found, problem, name).ok(),
                tuning,
                expected_best,
                tuned: Runs::of(problem, found.of(problem, name, Phase::Final)),
                defaults: Runs::of(problem, found.of(problem, name, Phase::Default)),
            }
        })
        .collect();
    let compare = |values: &dyn Fn(&OptimizerAnalysis) -> (Vec<f64>, bool)| -> Option<Comparison> {
        let groups: Vec<(&str, Vec<f64>, bool)> = (optimizers.iter())
            .map(|o| {
                let (v, higher) = values(o);
                (o.name.as_str(), v, higher)
            })
            .collect();
        if groups.is_empty() || groups.iter().any(|(_, v, _)| v.is_empty()) {
            return None;
        }
        let higher = groups[0].2;
        let refs: Vec<(&str, &[f64])> = groups.iter().map(|(n, v, _)| (*n, v.as_slice())).collect();
        Some(compare_all(&refs, higher, ALPHA))
    };
    let higher = problem.higher_is_better();
    ProblemAnalysis {
        tuned: compare(&|o| (o.tuned.test_values(problem), higher)),
        tuned_speed: compare(&|o| (o.tuned.step_values(), false)),
        defaults: compare(&|o| (o.defaults.test_values(problem), higher)),
        problem,
        budget,
        optimizers,
    }
}

/// The profile over problems of the tuned runs' median steps to target; `None` when some
/// problem has no tuned runs yet.
fn profile(problems: &[ProblemAnalysis]) -> Option<Profile> {
    let mut costs = Vec::new();
    for p in problems {
        let mut row = Vec::new();
        for o in &p.optimizers {
            let steps = o.tuned.steps.as_ref()?;
            // A target met at the first measurement (step 0) still costs a step.
            row.push(steps.median.is_finite().then_some(steps.median.max(1.0)));
        }
        costs.push(row);
    }
    if costs.is_empty() {
        return None;
    }
    let taus: Vec<f64> = (0..=60).map(|i| 10f64.powf(f64::from(i) / 60.0)).collect();
    let fractions = performance_profile(&costs, &taus);
    Some(Profile { taus, fractions })
}
