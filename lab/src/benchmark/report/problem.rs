//! One problem's section of the report: the tables of the tuned and the default runs with their
//! rankings and verdicts, and the tuning.

use std::fmt::Write as _;

use super::cells::{diverged_cell, loss_cell, metric, p_value, seconds, steps_cell, summary_cell};
use crate::benchmark::analysis::{OptimizerAnalysis, ProblemAnalysis, Runs, ALPHA};
use crate::benchmark::plan::{value_text, Plan};
use crate::benchmark::problem::Problem;
use crate::benchmark::stats::{bootstrap_median_difference, holm, mann_whitney_u, Comparison};

pub(super) fn problem_section(
    md: &mut String,
    plan: &Plan,
    p: &ProblemAnalysis,
    picture: &dyn Fn(&str) -> Option<String>,
) {
    let problem = p.problem;
    let b = &p.budget;
    let _ = writeln!(md, "## {problem}: {}\n", problem.summary());
    let _ = writeln!(
        md,
        "{} steps with batches of {}; the validation {} measured every {} steps; target: validation {} {} {}.\n",
        b.steps,
        b.batch,
        problem.metric(),
        b.eval_every,
        problem.metric(),
        if problem.higher_is_better() { "≥" } else { "≤" },
        if problem.higher_is_better() { metric(problem, b.target) } else { b.target.to_string() }
    );
    if let Some(name) = picture(&format!("curves_{problem}")) {
        let _ = writeln!(md, "![validation curves]({name})\n\nThe tuned runs' validation {} over steps: the median of the seeds, the band between the quartiles, from step 0; the dashed line is the target.\n", problem.metric());
    }
    md.push_str(if plan.tunes() {
        "### Tuned: the chosen value on every seed\n\n"
    } else {
        "### One value on every seed\n\n"
    });
    let _ = writeln!(
        md,
        "| rank | optimizer | chosen value | test {}{} | steps to target | seconds to target | diverged |\n|---|---|---|---|{}---|---|---|",
        problem.metric(),
        if problem.higher_is_better() { " | test loss" } else { "" },
        if problem.higher_is_better() { "---|" } else { "" },
    );
    let order = ranked_order(p.tuned.as_ref(), &p.optimizers);
    for (rank, o) in &order {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {}{} | {} | {} | {} |",
            rank.map_or("—".to_string(), |r| r.to_string()),
            o.name,
            o.choice.as_ref().map_or("—".to_string(), |c| format!(
                "{}{}",
                value_text(c.value),
                edge_note(plan, &o.name, c.value)
            )),
            summary_cell(o.tuned.test.as_ref(), |v| metric(problem, v)),
            loss_cell(problem, &o.tuned),
            steps_cell(&o.tuned),
            summary_cell(o.tuned.seconds.as_ref(), seconds),
            diverged_cell(&o.tuned),
        );
    }
    md.push('\n');
    verdicts(
        md,
        p.tuned.as_ref(),
        &p.optimizers,
        problem,
        |o| &o.tuned,
        "test",
    );
    if let Some(speed) = &p.tuned_speed {
        md.push_str("Steps to the target (a run that never reached it counts as slowest):\n\n");
        if speed.verdicts.is_empty() {
            md.push_str("- no test separates the optimizers: a tie.\n");
        }
        for v in &speed.verdicts {
            let _ = writeln!(
                md,
                "- {}",
                v.to_string().replacen(
                    " is better than ",
                    " reaches the target in fewer steps than ",
                    1
                )
            );
        }
        md.push('\n');
    }

    if plan.one_shot {
        one_shot(md, p);
    }
    if plan.tunes() {
        tuning(md, plan, p, picture);
    }
}

fn one_shot(md: &mut String, p: &ProblemAnalysis) {
    let problem = p.problem;
    md.push_str("### One-shot: the documented defaults, untuned\n\n");
    let _ = writeln!(
        md,
        "| rank | optimizer | value | test {}{} | steps to target | diverged | tuned vs default |\n|---|---|---|---|{}---|---|---|",
        problem.metric(),
        if problem.higher_is_better() { " | test loss" } else { "" },
        if problem.higher_is_better() { "---|" } else { "" },
    );
    let gains = tuning_gains(p);
    for (rank, o) in ranked_order(p.defaults.as_ref(), &p.optimizers) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {}{} | {} | {} | {} |",
            rank.map_or("—".to_string(), |r| r.to_string()),
            o.name,
            o.defaults.value.map_or("—".to_string(), value_text),
            summary_cell(o.defaults.test.as_ref(), |v| metric(problem, v)),
            loss_cell(problem, &o.defaults),
            steps_cell(&o.defaults),
            diverged_cell(&o.defaults),
            gains
                .iter()
                .find(|(n, _)| *n == o.name)
                .map_or("—".to_string(), |(_, g)| g.clone()),
        );
    }
    md.push_str("\n\"tuned vs default\": the two-sided Mann–Whitney test of the tuned runs against the default runs of the same optimizer, Holm-adjusted over the optimizers.\n\n");
    verdicts(
        md,
        p.defaults.as_ref(),
        &p.optimizers,
        problem,
        |o| &o.defaults,
        "test",
    );
}

fn tuning(
    md: &mut String,
    plan: &Plan,
    p: &ProblemAnalysis,
    picture: &dyn Fn(&str) -> Option<String>,
) {
    let problem = p.problem;
    md.push_str("### Tuning\n\n");
    if let Some(name) = picture(&format!("sensitivity_{problem}")) {
        let _ = writeln!(md, "![sensitivity to λ]({name})\n\nFinal validation {} against the tuned value, relative to each optimizer's starting value (log axis): every tuning run a point, the line through their means, the chosen value circled, a run that diverged on the line marked \"diverged\". Flat and wide is forgiving; a narrow valley needs tuning.\n", problem.metric());
    }
    if let Some(name) = picture(&format!("expected_best_{problem}")) {
        let _ = writeln!(md, "![expected best]({name})\n");
    }
    let ks: Vec<usize> = [1usize, 2, 4, 8, 16, 32]
        .into_iter()
        .filter(|&k| k <= plan.grid_points * plan.tuning_seeds.len())
        .collect();
    let _ = write!(
        md,
        "Expected best validation {} after k tuning trials:\n\n| optimizer |",
        problem.metric()
    );
    for k in &ks {
        let _ = write!(md, " k = {k} |");
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(ks.len()));
    md.push('\n');
    for o in &p.optimizers {
        let _ = write!(md, "| {} |", o.name);
        for &k in &ks {
            let _ = write!(
                md,
                " {} |",
                o.expected_best
                    .get(k - 1)
                    .map_or("—".to_string(), |&v| metric(problem, v))
            );
        }
        md.push('\n');
    }
    md.push('\n');
}

/// The optimizers in the order of a comparison's ranking, or the plan's when there is none.
fn ranked_order<'a>(
    c: Option<&Comparison>,
    optimizers: &'a [OptimizerAnalysis],
) -> Vec<(Option<usize>, &'a OptimizerAnalysis)> {
    match c {
        Some(c) => (c.ranking.iter())
            .filter_map(|r| {
                optimizers
                    .iter()
                    .find(|o| o.name == r.name)
                    .map(|o| (Some(r.rank), o))
            })
            .collect(),
        None => optimizers.iter().map(|o| (None, o)).collect(),
    }
}

/// The verdicts of a comparison, each with a bootstrap interval of the difference of medians.
fn verdicts(
    md: &mut String,
    c: Option<&Comparison>,
    optimizers: &[OptimizerAnalysis],
    problem: Problem,
    runs: impl Fn(&OptimizerAnalysis) -> &Runs,
    what: &str,
) {
    let Some(c) = c else {
        md.push_str("No ranking yet: some optimizer has no runs here.\n\n");
        return;
    };
    if c.verdicts.is_empty() {
        let _ = write!(
            md,
            "No test separates any two optimizers on the final {what} {}: they tie.",
            problem.metric()
        );
        let sizes: Vec<usize> = c.ranking.iter().map(|r| r.summary.n).collect();
        if let (Some(&n), Some(&m)) = (sizes.iter().min(), sizes.iter().max()) {
            let smallest = smallest_p(n, m);
            if smallest > ALPHA {
                let _ = write!(
                    md,
                    " With {n} and {m} runs no difference could be significant: the smallest two-sided p-value of the Mann–Whitney test is then {}, above {ALPHA}. More seeds are needed for a verdict.",
                    p_value(smallest)
                );
            }
        }
        md.push_str("\n\n");
        return;
    }
    let _ = writeln!(
        md,
        "Significant differences in the final {what} {} ({} of {} pairs):\n",
        problem.metric(),
        c.verdicts.len(),
        c.pairs.len()
    );
    for v in &c.verdicts {
        let values = |name: &str| {
            optimizers
                .iter()
                .find(|o| o.name == name)
                .map(|o| runs(o).test_values(problem))
                .unwrap_or_default()
        };
        let (a, b) = (values(&v.better), values(&v.worse));
        let interval = if a.iter().chain(&b).all(|x| x.is_finite()) {
            let i = bootstrap_median_difference(&a, &b, 10_000, 0.95, 0);
            let scale = if problem.higher_is_better() {
                100.0
            } else {
                1.0
            };
            let unit = if problem.higher_is_better() {
                " points"
            } else {
                ""
            };
            format!(
                "; difference of medians {:.2}{unit}, 95% bootstrap interval [{:.2}, {:.2}]",
                i.estimate * scale,
                i.low * scale,
                i.high * scale
            )
        } else {
            String::new()
        };
        let _ = writeln!(md, "- {v}{interval}");
    }
    md.push('\n');
}

/// Per optimizer: whether its tuned runs differ from its default runs.
fn tuning_gains(p: &ProblemAnalysis) -> Vec<(String, String)> {
    let pairs: Vec<(&OptimizerAnalysis, Vec<f64>, Vec<f64>)> = (p.optimizers.iter())
        .map(|o| {
            (
                o,
                o.tuned.test_values(p.problem),
                o.defaults.test_values(p.problem),
            )
        })
        .filter(|(_, t, d)| !t.is_empty() && !d.is_empty())
        .collect();
    let tests: Vec<_> = pairs.iter().map(|(_, t, d)| mann_whitney_u(t, d)).collect();
    let adjusted = holm(&tests.iter().map(|t| t.p).collect::<Vec<_>>());
    (pairs.iter().zip(tests.iter().zip(adjusted)))
        .map(|((o, _, _), (test, p_holm))| {
            let tuned_ahead = if p.problem.higher_is_better() {
                test.effect > 0.5
            } else {
                test.effect < 0.5
            };
            let text = if o.tuned.value == o.defaults.value {
                "the same value".to_string()
            } else if p_holm > ALPHA {
                format!("tie (p = {})", p_value(p_holm))
            } else if tuned_ahead {
                format!("tuned better (p = {})", p_value(p_holm))
            } else {
                format!("default better (p = {})", p_value(p_holm))
            };
            (o.name.clone(), text)
        })
        .collect()
}

/// The smallest two-sided p-value an exact Mann–Whitney test of `n` against `m` runs can give,
/// `2 / C(n + m, n)`: every run of one ahead of every run of the other.
fn smallest_p(n: usize, m: usize) -> f64 {
    let arrangements: f64 = (1..=n).map(|i| (m + i) as f64 / i as f64).product();
    (2.0 / arrangements).min(1.0)
}

/// ` (grid edge)` when the chosen value is the grid's first or last: the best may lie outside.
fn edge_note(plan: &Plan, name: &str, value: f64) -> &'static str {
    let grid = plan.grid(name);
    if grid.len() > 1 && (value == grid[0] || value == grid[grid.len() - 1]) {
        " (grid edge)"
    } else {
        ""
    }
}
