//! The optimizer comparison on small synthetic data: table, CSV files, plots, shared start.

mod common;

use std::fs;
use std::path::PathBuf;

use clap::Parser;
use lab::comparison::{compare, CompareArgs, CompareConfig, STEPS_COLUMNS, TABLE_COLUMNS};
use lab::training::ModelConfig;
use lab::training::TrainError;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-compare-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn config(optimizers: &[&str], seeds: u64) -> CompareConfig {
    CompareConfig {
        optimizers: optimizers.iter().map(|s| s.to_string()).collect(),
        lrs: [("sgd".to_string(), 0.05), ("adam".to_string(), 0.01)].into(),
        form: optim::Form::Course,
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        epochs: 3,
        batch_size: 16,
        seeds,
        sweep: false,
        target: 0.9,
        eval_every: 5,
    }
}

#[test]
fn three_optimizers_two_seeds_give_the_table_files_and_plots() {
    let data = common::tiny(30); // 210 training samples: ⌊210/16⌋ = 13 full batches per epoch
    let mut lines = Vec::new();
    let result = compare(&config(&["sgd", "momentum", "adam"], 2), &data, &mut |l| {
        lines.push(l.to_string())
    })
    .unwrap();
    assert_eq!(
        lines.len(),
        3 * 2 * 3,
        "one log line per optimizer, seed and epoch"
    );

    // One row per optimizer, in the order asked, with the documented columns.
    let names: Vec<&str> = result.rows.iter().map(|r| r.optimizer.as_str()).collect();
    assert_eq!(names, ["sgd", "momentum", "adam"]);
    assert_eq!(
        result.rows.iter().map(|r| r.lr).collect::<Vec<_>>(),
        [0.05, 0.01, 0.01]
    );
    let table = result.table();
    let table_lines: Vec<&str> = table.lines().collect();
    assert_eq!(table_lines.len(), 2 + 3, "{table}");
    for column in &TABLE_COLUMNS[..5] {
        assert!(
            table_lines[0].contains(column),
            "{column} missing from {}",
            table_lines[0]
        );
    }
    assert!(
        table_lines[0].contains("steps to 90% (val)"),
        "{}",
        table_lines[0]
    );
    for (line, row) in table_lines[2..].iter().zip(&result.rows) {
        assert!(line.starts_with(&row.optimizer), "{line}");
        assert!(line.contains(" ± "), "mean ± std over the seeds: {line}");
        assert_eq!(row.steps_to_target.len(), 2);
    }
    // Adam at 1e-2 on 16 hidden units learns the blobs within 3 epochs (39 steps).
    let adam = &result.rows[2];
    assert!(adam.test_accuracy > 0.9, "{adam:?}");
    assert!(adam.test_accuracy_std >= 0.0 && adam.seconds_per_epoch > 0.0);

    // Every optimizer started from the same weights for a given seed; the seeds differ.
    for seed in 0..2 {
        let starts: Vec<_> = result
            .runs
            .iter()
            .filter(|r| r.seed == seed)
            .map(|r| &r.initial)
            .collect();
        assert_eq!(starts.len(), 3);
        assert!(starts.iter().all(|w| *w == starts[0]), "seed {seed}");
    }
    assert_ne!(result.runs[0].initial, result.runs[1].initial);
    for run in &result.runs {
        assert_eq!(run.losses.len(), 3 * 13);
        // Validation every 5 steps (not on an epoch's last step) plus at each epoch's end.
        let steps: Vec<u64> = run.val_curve.iter().map(|&(s, _)| s).collect();
        assert_eq!(steps, [5, 10, 13, 15, 20, 25, 26, 30, 35, 39]);
        if let Some(step) = run.target_step {
            let first = run.val_curve.iter().find(|&&(_, a)| a >= 0.9).unwrap();
            assert_eq!(step, first.0);
        }
    }

    let dir = temp_dir("files");
    let written = result.write(&dir).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "summary.csv",
            "steps.csv",
            "epochs.csv",
            "loss.png",
            "accuracy.png"
        ]
    );

    let steps = fs::read_to_string(dir.join("steps.csv")).unwrap();
    let mut steps = steps.lines();
    assert_eq!(steps.next().unwrap(), STEPS_COLUMNS.join(","));
    assert_eq!(
        steps.next().unwrap().split(',').take(3).collect::<Vec<_>>(),
        ["sgd", "0", "1"]
    );
    assert_eq!(steps.count() + 1, 3 * 2 * 39);

    let epochs = fs::read_to_string(dir.join("epochs.csv")).unwrap();
    let mut epochs = epochs.lines();
    assert_eq!(
        epochs.next().unwrap(),
        "optimizer,seed,epoch,step,train_loss,test_loss,test_accuracy,val_accuracy,val_loss,seconds,lr"
    );
    let rows: Vec<Vec<&str>> = epochs.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3 * 2 * 3);
    assert_eq!(rows[5][..4], ["sgd", "1", "3", "39"]);

    let summary = fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 1 + 3);

    for png in ["loss.png", "accuracy.png"] {
        let bytes = fs::read(dir.join(png)).unwrap();
        assert!(bytes.len() > 5_000, "{png} has {} bytes", bytes.len());
        assert_eq!(
            bytes[..8],
            [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a],
            "{png} is a PNG"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_sweep_keeps_the_rate_with_the_best_validation_accuracy() {
    let data = common::tiny(30);
    let mut c = config(&["sgd", "adadelta"], 1);
    c.sweep = true;
    c.epochs = 1;
    let result = compare(&c, &data, &mut |_| {}).unwrap();
    // SGD tries 0.05 × (0.3, 1, 3); AdaDelta's course form has no rate to search.
    let tried: Vec<f32> = result.trials.iter().map(|t| t.lr).collect();
    assert_eq!(tried, [0.015, 0.05, 0.15]);
    let best = result
        .trials
        .iter()
        .filter(|t| !t.val_accuracy.is_nan())
        .max_by(|a, b| a.val_accuracy.total_cmp(&b.val_accuracy))
        .unwrap();
    // Ties keep the first (smallest) rate, as `>` does in the sweep.
    let first_best = result
        .trials
        .iter()
        .find(|t| t.val_accuracy == best.val_accuracy)
        .unwrap();
    assert_eq!(result.rows[0].lr, first_best.lr);
    assert_eq!(result.rows[1].lr, 1.0);

    let no_val = common::tiny(0);
    let err = compare(&c, &no_val, &mut |_| {}).unwrap_err();
    assert!(
        matches!(&err, TrainError::Config(m) if m.contains("--val-split")),
        "{err}"
    );
}

#[test]
fn a_diverging_optimizer_is_reported_not_fatal() {
    let data = common::tiny(30);
    let mut c = config(&["sgd", "adam"], 1);
    c.lrs.insert("sgd".into(), 1e6);
    let result = compare(&c, &data, &mut |_| {}).unwrap();
    assert_eq!(result.rows[0].diverged, 1);
    assert!(
        result.rows[0].cells()[3].starts_with("diverged"),
        "{:?}",
        result.rows[0].cells()
    );
    assert_eq!(result.rows[1].diverged, 0);
}

#[test]
fn command_line_defaults_and_overrides() {
    let parse = |args: &[&str]| {
        CompareArgs::try_parse_from(std::iter::once("compare").chain(args.iter().copied()))
    };
    let d = parse(&[]).unwrap();
    assert_eq!(
        d.optimizers,
        ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    );
    assert_eq!(
        (d.epochs, d.seeds, d.val_split, d.target),
        (5, 3, 5000, None)
    );
    assert_eq!(d.model.hidden, [512, 512]);
    let c = parse(&["--optimizers", "adam,nag", "--lr", "adam=3e-4", "--sweep"])
        .unwrap()
        .config();
    assert_eq!(c.optimizers, ["adam", "nesterov"]);
    assert_eq!((c.base_lr("adam"), c.base_lr("nesterov")), (3e-4, 0.01));
    let err = parse(&["--optimizers", "adam,lion"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("lion"), "{err}");
}
