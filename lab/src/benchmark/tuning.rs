//! Choosing the tuned value of an optimizer on a problem: the grid value with the best mean
//! validation metric over the tuning seeds. The test set never takes part.

use super::plan::{Phase, Plan};
use super::problem::Problem;
use super::results::Found;

/// The value chosen for one optimizer on one problem, with the scores it was chosen among.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The chosen λ (or ε).
    pub value: f64,
    /// Every grid value with its mean validation metric over the tuning seeds (a diverged run
    /// counts as the worst possible value: accuracy 0, loss +∞).
    pub scores: Vec<(f64, f64)>,
}

/// A tuning run's final validation metric, a diverged one counting as the worst value.
pub fn tuning_score(problem: Problem, val: Option<f64>) -> f64 {
    match val {
        Some(v) => v,
        None if problem.higher_is_better() => 0.0,
        None => f64::INFINITY,
    }
}

/// Chooses the value of `optimizer` on `problem` from the tuning results in `found`.
///
/// Ties go to the value nearest (on the log scale) to the grid's centre, the rate `train`
/// starts from ([`Plan::center`]), so that a flat region does not push the choice to an edge of the grid.
///
/// # Errors
/// Which tuning results are missing, when some are.
pub fn choose(
    plan: &Plan,
    found: &Found,
    problem: Problem,
    optimizer: &str,
) -> Result<Choice, String> {
    let grid = plan.grid(optimizer);
    let center = plan.center(optimizer);
    if !plan.tunes() {
        return Ok(Choice {
            value: grid[0],
            scores: Vec::new(),
        });
    }
    let results = found.of(problem, optimizer, Phase::Tune);
    let expected = grid.len() * plan.tuning_seeds.len();
    if results.len() < expected {
        return Err(format!(
            "{problem}/{optimizer}: {} of its {expected} tuning trials have no result yet",
            expected - results.len()
        ));
    }
    let scores: Vec<(f64, f64)> = (grid.iter())
        .map(|&value| {
            let runs: Vec<f64> = (results.iter())
                .filter(|r| r.spec.value == Some(value))
                .map(|r| tuning_score(problem, r.val))
                .collect();
            (value, runs.iter().sum::<f64>() / runs.len() as f64)
        })
        .collect();
    let better = |a: f64, b: f64| {
        if problem.higher_is_better() {
            a > b
        } else {
            a < b
        }
    };
    let distance = |v: f64| (v / center).log10().abs();
    let mut best = scores[0];
    for &(value, score) in &scores[1..] {
        let tie = score == best.1 && distance(value) < distance(best.0);
        if better(score, best.1) || tie {
            best = (value, score);
        }
    }
    Ok(Choice {
        value: best.0,
        scores,
    })
}
