//! The benchmark's report: `report.md` (every table, picture and verdict per problem, readable
//! on its own), `trials.csv` (one row per trial) and the pictures, written from whatever results
//! the folder holds, with what is missing said first.

use std::collections::BTreeMap;
use std::fmt::Write as _;

mod cells;
mod problem;

use cells::metric;
use problem::problem_section;

use super::analysis::{analyze, Analysis, ProblemAnalysis};
use super::pictures;
use super::plan::{value_text, Plan};
use super::results::{ResultsDir, TrialResult};
use optim::UpdateRule;

use crate::report::{cell, write_atomic, Csv};

/// What [`write()`] wrote.
pub struct Written {
    /// The files, by name.
    pub files: Vec<String>,
    /// The rankings in a few lines, for the terminal.
    pub summary: String,
    /// What the report was made from.
    pub analysis: Analysis,
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
    trials_csv(&analysis.results)
        .write(&dir.dir.join("trials.csv"))
        .map_err(|e| e.to_string())?;
    let mut files = vec!["report.md".to_string(), "trials.csv".to_string()];
    files.extend(pictures.iter().map(|(_, name)| name.clone()));
    Ok(Written {
        files,
        summary: summary(&analysis),
        analysis,
    })
}

/// One row per trial with a result.
pub fn trials_csv(results: &BTreeMap<String, TrialResult>) -> Csv {
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
    for r in results.values() {
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

/// A table with a row per optimizer and a column per problem, `cell(problem, optimizer's index)`.
fn across_problems(
    md: &mut String,
    a: &Analysis,
    cell: impl Fn(&ProblemAnalysis, usize) -> String,
) {
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
            let _ = write!(md, " {} |", cell(p, i));
        }
        md.push('\n');
    }
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
    across_problems(md, a, |p, i| {
        let rank = p
            .tuned
            .as_ref()
            .and_then(|c| c.rank_of(&a.plan.optimizers[i]));
        rank.map_or("—".to_string(), |r| r.to_string())
    });
    md.push_str("\nMedian steps to each problem's target (tuned runs; — when half the seeds or more never reached it), what the performance profile is drawn from:\n\n");
    across_problems(md, a, |p, i| {
        let median = p.optimizers[i].tuned.steps.as_ref().map(|s| s.median);
        median
            .filter(|m| m.is_finite())
            .map_or("—".to_string(), |m| format!("{m:.0}"))
    });
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
