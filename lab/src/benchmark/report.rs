//! The benchmark's report: `report.md` (every table, picture and verdict per problem, readable
//! on its own), `trials.csv` (one row per trial) and the pictures, written from whatever results
//! the folder holds, with what is missing said first.

use std::fmt::Write as _;

use super::analysis::{analyze, Analysis, OptimizerAnalysis, ProblemAnalysis, Runs, ALPHA};
use super::pictures;
use super::plan::{value_text, Plan};
use super::problem::Problem;
use super::results::ResultsDir;
use optim::UpdateRule;

use super::stats::{bootstrap_median_difference, holm, mann_whitney_u, Comparison, Summary};
use crate::report::{cell, write_atomic, Csv};

/// What [`write`] wrote.
pub struct Written {
    /// The files, by name.
    pub files: Vec<String>,
    /// The rankings in a few lines, for the terminal.
    pub summary: String,
}

/// Writes `report.md`, `trials.csv` and the pictures into the results folder.
///
/// # Errors
/// A one-line message naming a file that could not be written.
pub fn write(dir: &ResultsDir) -> Result<Written, String> {
    let analysis = analyze(dir);
    let pictures = pictures::draw(&analysis, &dir.dir).map_err(|e| e.to_string())?;
    let markdown = markdown(&analysis, &pictures);
    write_atomic(&dir.dir.join("report.md"), markdown.as_bytes()).map_err(|e| e.to_string())?;
    trials_csv(dir)
        .write(&dir.dir.join("trials.csv"))
        .map_err(|e| e.to_string())?;
    let mut files = vec!["report.md".to_string(), "trials.csv".to_string()];
    files.extend(pictures.iter().map(|(_, name)| name.clone()));
    Ok(Written {
        files,
        summary: summary(&analysis),
    })
}

/// One row per trial with a result.
pub fn trials_csv(dir: &ResultsDir) -> Csv {
    let mut csv = Csv::new(&[
        "id",
        "problem",
        "optimizer",
        "phase",
        "value",
        "seed",
        "val",
        "test",
        "test_loss",
        "target_step",
        "target_seconds",
        "seconds",
        "diverged",
        "cpu",
    ]);
    for r in dir.scan().results.values() {
        csv.push(vec![
            r.spec.id(),
            r.spec.problem.to_string(),
            r.spec.optimizer.clone(),
            r.spec.phase.name().to_string(),
            r.value.to_string(),
            r.spec.seed.to_string(),
            cell(r.val),
            cell(r.test),
            cell(r.test_loss),
            cell(r.target_step.map(|s| s as f64)),
            cell(r.target_seconds),
            r.seconds.to_string(),
            r.diverged.clone().unwrap_or_default(),
            r.cpu.clone(),
        ]);
    }
    csv
}

/// The tuned ranking of each problem, for the terminal.
fn summary(a: &Analysis) -> String {
    let mut out = String::new();
    for p in &a.problems {
        let which = if a.plan.tunes() { "tuned, " } else { "" };
        let _ = write!(
            out,
            "{} (test {}, {which}median over seeds):",
            p.problem,
            p.problem.metric()
        );
        match &p.tuned {
            Some(c) => {
                for r in &c.ranking {
                    let _ = write!(
                        out,
                        " {}. {} {}",
                        r.rank,
                        r.name,
                        metric(p.problem, r.summary.median)
                    );
                }
                let _ = writeln!(
                    out,
                    " ({} significant difference{})",
                    c.verdicts.len(),
                    plural(c.verdicts.len())
                );
            }
            None => out.push_str(" not every optimizer has its final runs yet\n"),
        }
    }
    if !a.missing.is_empty() {
        let _ = writeln!(
            out,
            "{} of {} trials have no result yet (listed in report.md)",
            a.missing.len(),
            a.plan.trials().len()
        );
    }
    for (path, why) in &a.damaged {
        let _ = writeln!(out, "left out: {}: {why}", path.display());
    }
    out
}

fn markdown(a: &Analysis, pictures: &[(String, String)]) -> String {
    let plan = &a.plan;
    let mut md = String::new();
    let picture = |key: &str| {
        pictures
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, name)| name.clone())
    };
    let _ = writeln!(md, "# Optimizer benchmark\n");
    let _ = writeln!(md, "{}\n", plan_paragraph(plan));
    let cpus = cpus(a);
    let _ =
        writeln!(
        md,
        "Ran on {}; {:.0} minutes of training in all (evaluations excluded, summed over trials).\n",
        if cpus.is_empty() { "no trial yet".to_string() } else { cpus.join("; ") },
        a.seconds / 60.0
    );
    if a.missing.is_empty() && a.damaged.is_empty() {
        md.push_str("Every trial of the plan has its result.\n\n");
    } else {
        let _ = writeln!(
            md,
            "**Incomplete: {} of {} trials have no result**{}; the tables below use what is there.\n",
            a.missing.len(),
            plan.trials().len(),
            if a.missing.is_empty() { String::new() } else { format!(" (first: {})", a.missing.iter().take(8).map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")) }
        );
        for (path, why) in &a.damaged {
            let _ = writeln!(md, "- left out, damaged: `{}`: {why}", path.display());
        }
        md.push('\n');
    }
    md.push_str(READING);
    md.push('\n');
    overview(&mut md, a, picture("profile"));
    for p in &a.problems {
        problem_section(&mut md, plan, p, &picture);
    }
    md.push_str(LIMITS);
    md
}

fn plan_paragraph(plan: &Plan) -> String {
    let tuned: Vec<String> = plan
        .optimizers
        .iter()
        .map(|n| format!("{n} {}", tuned_name(plan, n)))
        .collect();
    let mut text = format!(
        "Plan `{}` ({}): {} optimizer{} ({} form) on {} problem{}. ",
        plan.id(),
        if plan.quick {
            "quick: short runs, a small grid, few seeds"
        } else {
            "full"
        },
        plan.optimizers.len(),
        plural(plan.optimizers.len()),
        plan.form.label(),
        plan.problems.len(),
        plural(plan.problems.len()),
    );
    if plan.tunes() {
        text += &format!(
            "Tuning: {} values log-uniform from 10^{} to 10^{} times each optimizer's starting value ({}), each on {} \
             seed{} ({}); the value with the best mean final validation metric is chosen (the test set never takes part). \
             Then {} seeds ({}) of the chosen value",
            plan.grid_points,
            plan.span.0,
            plan.span.1,
            tuned.join(", "),
            plan.tuning_seeds.len(),
            plural(plan.tuning_seeds.len()),
            list(&plan.tuning_seeds),
            plan.seeds.len(),
            list(&plan.seeds),
        );
    } else {
        let values: Vec<String> = (plan.optimizers.iter())
            .map(|n| format!("{n} {} {}", plan.symbol(n), value_text(plan.grid(n)[0])))
            .collect();
        text += &format!(
            "No tuning: {} seeds ({}) of one value each ({})",
            plan.seeds.len(),
            list(&plan.seeds),
            values.join(", ")
        );
    }
    if plan.one_shot {
        text += &format!(
            " and {} of the documented defaults, untuned",
            plan.seeds.len()
        );
    }
    text += &format!(
        ". λ is constant through each run. Every trial uses {} thread{}.",
        plan.threads,
        plural(plan.threads)
    );
    text
}

/// `λ from 0.1`, `ε from 1e-6`.
fn tuned_name(plan: &Plan, name: &str) -> String {
    let what = if plan.defaults(name).lr().is_some() {
        "λ"
    } else {
        "ε (it has no λ)"
    };
    format!("{what} around {}", value_text(plan.center(name)))
}

const READING: &str = "## How to read this report\n\n\
- A cell `97.81% [97.70, 97.88]` is the median over seeds and, in brackets, the first and third quartiles (NumPy's quantiles).\n\
- A run that diverged counts as the worst result (accuracy 0, loss ∞) and as never reaching the target; their number is shown.\n\
- \"Steps to target\" is the first validation measurement at or past the target, so it is a multiple of the measuring interval; `(7/10)` says how many seeds reached it, and a median of `—` that half or more did not.\n\
- **Rank** is 1 + the number of optimizers that are significantly better. Optimizers no test separates share a rank: those are ties, not a ranking. Significant means a two-sided Mann–Whitney U test of the two sets of seeds, Holm-adjusted over all pairs of the table, at p ≤ 0.05. Each such pair is written out below its table, with the p-value and a 95% bootstrap interval of the difference of medians; no other \"better\" appears in this report.\n\
- **Expected best after k trials** (Dodge et al. 2019; the tunability of Sivaprasad et al. 2020): the validation metric a random search of k trials would be expected to reach, taking the grid's trials as its draws. A curve that is high at k = 1 is an optimizer that is good without tuning.\n";

const LIMITS: &str = "## What these results cannot say\n\n\
- They hold for these problems at these budgets, with λ constant: a longer run, a schedule, another batch size or another network can change them. No optimizer is best everywhere (Schmidt et al. 2021); where the tests find no difference, the data says the optimizers tie *here*, not that they are equal.\n\
- Only λ (ε for the course's AdaDelta) is tuned; the others keep the course's defaults, which favours the methods whose defaults suit these problems.\n\
- The grid has a fixed resolution: two optimizers whose best λ falls between grid points are both slightly handicapped.\n\
- Seconds depend on the machine and on what else ran on it; steps do not. Times are comparable within one report, on one CPU.\n";

fn overview(md: &mut String, a: &Analysis, profile: Option<String>) {
    md.push_str("\n## Across problems\n\n");
    md.push_str("Rank of each optimizer on each problem (final test metric of the tuned runs; shared ranks are ties):\n\n");
    let _ = write!(md, "| optimizer |");
    for p in &a.problems {
        let _ = write!(md, " {} |", p.problem);
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(a.problems.len()));
    md.push('\n');
    for name in &a.plan.optimizers {
        let _ = write!(md, "| {name} |");
        for p in &a.problems {
            let rank = p.tuned.as_ref().and_then(|c| c.rank_of(name));
            let _ = write!(md, " {} |", rank.map_or("—".to_string(), |r| r.to_string()));
        }
        md.push('\n');
    }
    md.push_str("\nMedian steps to each problem's target (tuned runs; — when half the seeds or more never reached it), what the performance profile is drawn from:\n\n");
    let _ = write!(md, "| optimizer |");
    for p in &a.problems {
        let _ = write!(md, " {} |", p.problem);
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(a.problems.len()));
    md.push('\n');
    for (i, name) in a.plan.optimizers.iter().enumerate() {
        let _ = write!(md, "| {name} |");
        for p in &a.problems {
            let median = p.optimizers[i].tuned.steps.as_ref().map(|s| s.median);
            let _ = write!(
                md,
                " {} |",
                median
                    .filter(|m| m.is_finite())
                    .map_or("—".to_string(), |m| format!("{m:.0}"))
            );
        }
        md.push('\n');
    }
    md.push('\n');
    if let Some(name) = profile {
        let _ = writeln!(
            md,
            "![performance profile]({name})\n\nPerformance profile (Dolan and Moré; AlgoPerf's score): for each optimizer, the \
             fraction of problems on which its median steps to the target is within a factor τ of the fastest optimizer's. \
             High on the left is fast; the height on the right is how often it reached the target at all.\n"
        );
    }
}

fn problem_section(
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
            summary_cell(o.tuned.seconds.as_ref(), |v| format!("{v:.1}")),
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
    let pairs: Vec<(&str, Vec<f64>, Vec<f64>)> = (p.optimizers.iter())
        .map(|o| {
            (
                o.name.as_str(),
                o.tuned.test_values(p.problem),
                o.defaults.test_values(p.problem),
            )
        })
        .filter(|(_, t, d)| !t.is_empty() && !d.is_empty())
        .collect();
    let tests: Vec<_> = pairs.iter().map(|(_, t, d)| mann_whitney_u(t, d)).collect();
    let adjusted = holm(&tests.iter().map(|t| t.p).collect::<Vec<_>>());
    (pairs.iter().zip(tests.iter().zip(adjusted)))
        .map(|((name, _, _), (test, p_holm))| {
            let tuned_ahead = if p.problem.higher_is_better() {
                test.effect > 0.5
            } else {
                test.effect < 0.5
            };
            let text = if p_holm > ALPHA {
                format!("tie (p = {})", p_value(p_holm))
            } else if tuned_ahead {
                format!("tuned better (p = {})", p_value(p_holm))
            } else {
                format!("default better (p = {})", p_value(p_holm))
            };
            (name.to_string(), text)
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

fn summary_cell(s: Option<&Summary>, format: impl Fn(f64) -> String) -> String {
    let shown = |v: f64| {
        if v.is_finite() {
            format(v)
        } else {
            "—".to_string()
        }
    };
    s.map_or("—".to_string(), |s| {
        format!("{} [{}, {}]", shown(s.median), shown(s.q1), shown(s.q3))
    })
}

/// ` | ` and the test loss, for a problem whose metric is not the loss already.
fn loss_cell(problem: Problem, runs: &Runs) -> String {
    if problem.higher_is_better() {
        format!(" | {}", summary_cell(runs.test_loss.as_ref(), loss))
    } else {
        String::new()
    }
}

fn steps_cell(runs: &Runs) -> String {
    let shown = |v: f64| {
        if v.is_finite() {
            format!("{v:.0}")
        } else {
            "—".to_string()
        }
    };
    runs.steps.as_ref().map_or("—".to_string(), |s| {
        format!(
            "{} [{}, {}] ({}/{})",
            shown(s.median),
            shown(s.q1),
            shown(s.q3),
            runs.reached,
            s.n
        )
    })
}

fn diverged_cell(runs: &Runs) -> String {
    if runs.results.is_empty() {
        "—".to_string()
    } else {
        format!("{}/{}", runs.diverged, runs.results.len())
    }
}

/// An accuracy as a percentage, a loss as it is.
fn metric(problem: Problem, v: f64) -> String {
    if problem.higher_is_better() {
        format!("{:.2}%", 100.0 * v)
    } else {
        loss(v)
    }
}

fn loss(v: f64) -> String {
    if v.is_finite() && v.abs() >= 10.0 {
        format!("{v:.2}")
    } else if v.is_finite() {
        format!("{v:.4}")
    } else {
        "∞".to_string()
    }
}

fn p_value(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

fn cpus(a: &Analysis) -> Vec<String> {
    let mut cpus: Vec<String> = (a.problems.iter())
        .flat_map(|p| p.optimizers.iter())
        .flat_map(|o| o.tuned.results.iter().chain(&o.defaults.results))
        .map(|r| r.cpu.clone())
        .filter(|c| !c.is_empty())
        .collect();
    cpus.sort();
    cpus.dedup();
    cpus
}

fn list(seeds: &[u64]) -> String {
    match seeds {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] if seeds.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("{first}–{last}")
        }
        _ => seeds
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
