//! `compare`, the benchmark's one-problem view: its command line as a plan, and its trials on
//! small synthetic data: the same start for every optimizer, the sweep's choice by validation,
//! a diverging optimizer reported and ranked last.

mod common;

use std::fs;
use std::path::PathBuf;

use clap::Parser;
use lab::benchmark::{analyze, run_plan, Budget, Data, Phase, Plan, Problem, ResultsDir};
use lab::cli::CompareArgs;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-compare-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn parse(args: &[&str]) -> Result<CompareArgs, clap::Error> {
    CompareArgs::try_parse_from(std::iter::once("compare").chain(args.iter().copied()))
}

/// A plan of `compare` on [`common::tiny`]: 210 training samples, batches of 16, 2 epochs.
fn tiny_plan(optimizers: &[&str], seeds: u64, sweep: bool) -> Plan {
    let mut plan = parse(&["--seeds", &seeds.to_string(), "--hidden", "16"])
        .unwrap()
        .plan()
        .unwrap();
    plan.problems = vec![(
        Problem::MnistMlp,
        Budget {
            steps: 26,
            batch: 16,
            eval_every: 5,
            val_split: 30,
            target: 0.9,
        },
    )];
    plan.optimizers = optimizers.iter().map(|s| s.to_string()).collect();
    if sweep {
        (plan.grid_points, plan.span, plan.tuning_seeds) = (5, (-1.0, 1.0), vec![100]);
    }
    plan
}

fn run(plan: &Plan, name: &str) -> ResultsDir {
    let dir = ResultsDir::open(&temp_dir(name), plan).unwrap();
    run_plan(&dir, &Data::with_mnist(common::tiny(30)), 2, &|_| {}).unwrap();
    dir
}

#[test]
fn the_command_line_is_a_one_problem_plan() {
    let plan = parse(&[]).unwrap().plan().unwrap();
    assert_eq!(
        plan.optimizers,
        ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    );
    // 2 epochs of ⌊55000 / 128⌋ = 429 full batches, measured 5 times an epoch.
    let budget = Budget {
        steps: 858,
        batch: 128,
        eval_every: 85,
        val_split: 5000,
        target: 0.97,
    };
    assert_eq!(plan.problems, [(Problem::MnistMlp, budget)]);
    assert_eq!(plan.seeds, (1..=8).collect::<Vec<u64>>());
    assert!(!plan.tunes() && !plan.one_shot);
    assert_eq!(plan.model.as_ref().unwrap().hidden, [512, 512]);
    // One value each: the rate train starts from, or the one given.
    assert_eq!(
        (plan.grid("sgd"), plan.grid("adam")),
        (vec![0.1], vec![0.001])
    );
    assert!(plan.trials().iter().all(|t| t.phase == Phase::Final));

    let plan = parse(&[
        "--optimizers",
        "adam,nag",
        "--lr",
        "adam=3e-4",
        "--sweep",
        "--dataset",
        "fashion-mnist",
    ])
    .unwrap()
    .plan()
    .unwrap();
    assert_eq!(plan.optimizers, ["adam", "nesterov"]);
    assert_eq!(plan.grid("adam"), [3e-5, 9.49e-5, 3e-4, 9.49e-4, 3e-3]);
    assert_eq!(plan.grid("nesterov")[2], 0.01);
    assert_eq!(plan.problems[0].0, Problem::FmnistMlp);
    assert_eq!(plan.problems[0].1.target, 0.85);
    let err = parse(&["--optimizers", "adam,lion"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("lion"), "{err}");
    let err = parse(&["--lr", "adadelta=0.1"])
        .unwrap()
        .plan()
        .unwrap_err();
    assert_eq!(
        err,
        "--lr adadelta=0.1: adadelta in the course form has no learning rate"
    );
}

#[test]
fn every_optimizer_starts_a_seed_from_the_same_weights() {
    let plan = tiny_plan(&["sgd", "momentum", "adam"], 2, false);
    let found = run(&plan, "start").scan();
    // The untrained network's validation accuracy (step 0) is the same for every optimizer
    // of a seed, and not the same for the two seeds.
    let start = |name: &str, seed: u64| {
        let results = found.of(Problem::MnistMlp, name, Phase::Final);
        let r = results.iter().find(|r| r.spec.seed == seed).unwrap();
        (r.curve[0].step, r.curve[0].val)
    };
    for seed in [1, 2] {
        assert_eq!(start("sgd", seed), start("momentum", seed));
        assert_eq!(start("sgd", seed), start("adam", seed));
    }
    assert_ne!(start("sgd", 1), start("sgd", 2));
    // Every run was measured at steps 0, 5, …, 25 and at its last step, 26.
    let steps: Vec<usize> = found
        .results
        .values()
        .next()
        .unwrap()
        .curve
        .iter()
        .map(|p| p.step)
        .collect();
    assert_eq!(steps, [0, 5, 10, 15, 20, 25, 26]);
}

#[test]
fn the_sweep_keeps_the_rate_with_the_best_validation_accuracy() {
    let plan = tiny_plan(&["sgd", "adadelta"], 1, true);
    let dir = run(&plan, "sweep");
    let found = dir.scan();
    for name in ["sgd", "adadelta"] {
        let tuning = found.of(Problem::MnistMlp, name, Phase::Tune);
        assert_eq!(tuning.len(), 5);
        // The best final validation accuracy; among equals the value nearest the centre.
        let center = plan.center(name);
        let best = (tuning.iter())
            .max_by(|a, b| {
                let distance = |v: f64| -(v / center).log10().abs();
                (a.val.unwrap_or(0.0), distance(a.value))
                    .partial_cmp(&(b.val.unwrap_or(0.0), distance(b.value)))
                    .unwrap()
            })
            .unwrap();
        let finals = found.of(Problem::MnistMlp, name, Phase::Final);
        assert_eq!(finals[0].value, best.value, "{name}");
    }
    // AdaDelta's course form has no λ: its ε is what the sweep tries.
    let eps: Vec<f64> = found
        .of(Problem::MnistMlp, "adadelta", Phase::Tune)
        .iter()
        .map(|r| r.value)
        .collect();
    let mut sorted = eps.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(sorted, [1e-7, 3.16e-7, 1e-6, 3.16e-6, 1e-5]);
}

#[test]
fn a_diverging_optimizer_is_reported_and_ranked_last() {
    let mut plan = tiny_plan(&["sgd", "adam"], 6, false);
    plan.centers.insert("sgd".into(), 1e6);
    let analysis = analyze(&run(&plan, "diverge"));
    let problem = &analysis.problems[0];
    let sgd = &problem.optimizers[0];
    assert_eq!((sgd.tuned.diverged, sgd.tuned.reached), (6, 0));
    assert!(sgd.tuned.results.iter().all(|r| r
        .diverged
        .as_deref()
        .is_some_and(|w| w.contains("not finite") || w.contains("diverged"))));
    let ranking = problem.tuned.as_ref().unwrap();
    assert_eq!(ranking.rank_of("adam"), Some(1));
    assert_eq!(
        ranking.rank_of("sgd"),
        Some(2),
        "6 seeds against 6: p = 0.0022, significant"
    );
    assert_eq!(ranking.verdicts.len(), 1);
    assert_eq!(
        (
            ranking.verdicts[0].better.as_str(),
            ranking.verdicts[0].worse.as_str()
        ),
        ("adam", "sgd")
    );
}
