//! The training loop, checkpoints and the command line of `train`, on small synthetic data.

mod common;

use std::fs;
use std::path::PathBuf;

use clap::Parser;
use lab::cli::{OptimArgs, TrainArgs};
use lab::training::{
    evaluate, LrDecay, ModelConfig, OptimConfig, RunConfig, TrainError, Trainer, EVAL_BATCH,
    METRICS_COLUMNS,
};

/// A fresh, empty directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-train-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

/// A small network for the 10-d blobs: 10-16-3.
fn config(optimizer: &str, lr: f32, epochs: usize) -> RunConfig {
    let mut optim = OptimConfig::for_optimizer(optimizer);
    optim.lr = Some(lr);
    RunConfig {
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        optim,
        epochs,
        batch_size: 16,
        seed: 5,
        lr_decay: LrDecay::None,
        drop_last: false,
        dataset: None,
        val_split: 0,
    }
}

/// Every parameter's bits, in registry order.
fn weights(trainer: &Trainer) -> Vec<(String, Vec<u32>)> {
    trainer
        .parameters()
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.tensor.to_vec().iter().map(|v| v.to_bits()).collect(),
            )
        })
        .collect()
}

#[test]
fn a_short_run_lowers_the_loss_and_separates_the_blobs() {
    let data = common::tiny(0);
    let mut trainer =
        Trainer::new(config("adam", 0.01, 8), data.input_size(), data.classes).unwrap();
    let before = evaluate(&mut trainer.model, &data.test, EVAL_BATCH);
    // Untrained logits are small, so the loss starts near that of a uniform guess, ln 3 = 1.0986.
    assert!(
        (before.loss - 3f64.ln()).abs() < 0.6,
        "initial loss {}",
        before.loss
    );
    trainer.fit(&data, &mut (), None).unwrap();
    let h = trainer.history();
    assert_eq!(h.len(), 8);
    assert!(
        h[7].train_loss < 0.25 * h[0].train_loss,
        "train loss {} → {}",
        h[0].train_loss,
        h[7].train_loss
    );
    assert!(h[7].test_loss < 0.1, "test loss {}", h[7].test_loss);
    assert!(
        h[7].test_accuracy >= 0.97,
        "test accuracy {}",
        h[7].test_accuracy
    );
    // 240 samples in batches of 16: 15 steps per epoch.
    assert_eq!(
        h.iter().map(|m| m.step).collect::<Vec<_>>(),
        [15, 30, 45, 60, 75, 90, 105, 120]
    );
    assert!(
        trainer.model.is_training(),
        "evaluation restores training mode"
    );
}

#[test]
fn metrics_files_have_the_documented_columns_and_one_row_per_epoch() {
    let data = common::tiny(30);
    let dir = temp_dir("metrics");
    let mut trainer =
        Trainer::new(config("momentum", 0.05, 3), data.input_size(), data.classes).unwrap();
    trainer.fit(&data, &mut (), Some(&dir)).unwrap();

    let csv = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,step,train_loss,test_loss,test_accuracy,val_accuracy,seconds,lr"
    );
    assert_eq!(lines[0].split(',').collect::<Vec<_>>(), METRICS_COLUMNS);
    assert_eq!(lines.len(), 1 + 3);
    for (i, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 8, "{line}");
        assert_eq!(cells[0], (i + 1).to_string());
        // 240 − 30 held out = 210 samples, batches of 16: ⌈210/16⌉ = 14 steps per epoch.
        assert_eq!(cells[1], (14 * (i + 1)).to_string());
        let accuracy: f64 = cells[5]
            .parse()
            .expect("a validation accuracy, since 30 samples were held out");
        assert!((0.0..=1.0).contains(&accuracy));
        assert_eq!(cells[7], "0.05");
    }
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(json["epochs"].as_array().unwrap().len(), 3);
    assert_eq!(json["config"]["optim"]["optimizer"], "momentum");
    assert_eq!(json["sizes"], serde_json::json!([10, 16, 3]));

    // The checkpoint holds the weights under PyTorch's names and the optimizer's velocity.
    let (tensors, meta) = nn::load_tensors(dir.join("checkpoint.safetensors")).unwrap();
    let mut names: Vec<&str> = tensors.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    // Momentum's one buffer per parameter is the velocity ĝ, slot `g_hat`.
    let expected = ["0.bias", "0.weight", "2.bias", "2.weight"];
    let slots = expected.map(|n| format!("optim.{n}.g_hat"));
    assert_eq!(names[..4], expected);
    assert_eq!(
        names[4..],
        slots.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(meta["epoch"], "3");
    assert_eq!(meta["step"], "42");
    assert_eq!(meta["seed"], "5");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_seed_gives_the_same_weights_bit_for_bit() {
    let data = common::tiny(0);
    let run = |seed: u64| {
        let mut c = config("adam", 0.01, 2);
        c.seed = seed;
        c.model.dropout = 0.25; // masks must be reproducible too
        let mut t = Trainer::new(c, data.input_size(), data.classes).unwrap();
        t.fit(&data, &mut (), None).unwrap();
        weights(&t)
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}

/// 2 epochs straight must equal 1 epoch, checkpoint, resume, 1 more epoch — bit for bit.
fn check_resume(mut c: RunConfig, name: &str) {
    let data = common::tiny(30);
    c.epochs = 2;
    let mut straight = Trainer::new(c.clone(), data.input_size(), data.classes).unwrap();
    straight.fit(&data, &mut (), None).unwrap();

    // The same 2-epoch run, stopped after its first epoch's checkpoint (as if killed there).
    let dir = temp_dir(name);
    let mut first = Trainer::new(c.clone(), data.input_size(), data.classes).unwrap();
    first.train_epoch(&data, &mut ()).unwrap();
    first.write_outputs(&dir).unwrap();
    drop(first);
    let mut resumed = Trainer::resume(&dir.join("checkpoint.safetensors")).unwrap();
    assert_eq!((resumed.epochs_done(), resumed.steps_done()), (1, 14));
    assert_eq!(resumed.config, c);
    resumed.fit(&data, &mut (), None).unwrap();

    assert_eq!(
        weights(&resumed),
        weights(&straight),
        "{name}: resumed run differs"
    );
    assert_eq!(resumed.lr(), straight.lr());
    let accuracies = |t: &Trainer| {
        t.history()
            .iter()
            .map(|m| (m.epoch, m.step, m.test_loss.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(accuracies(&resumed), accuracies(&straight));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resuming_adam_continues_exactly() {
    check_resume(config("adam", 0.01, 2), "adam");
}

#[test]
fn resuming_momentum_continues_exactly() {
    check_resume(config("momentum", 0.05, 2), "momentum");
}

#[test]
fn resuming_with_dropout_a_schedule_and_course_nag_continues_exactly() {
    let mut c = config("nesterov", 0.05, 2);
    c.model.dropout = 0.3;
    c.optim.schedule = Some("step:1:0.5".parse().unwrap());
    check_resume(c, "nag-dropout-step");
    let mut c = config("adam", 0.01, 2);
    c.lr_decay = LrDecay::Cosine;
    check_resume(c, "adam-cosine");
}

#[test]
fn a_nan_loss_stops_training_naming_epoch_and_step() {
    let data = common::tiny(0);
    let mut trainer = Trainer::new(config("sgd", 1e6, 3), data.input_size(), data.classes).unwrap();
    let err = trainer.fit(&data, &mut (), None).unwrap_err();
    let TrainError::NonFinite {
        epoch,
        step,
        loss,
        lr,
        ..
    } = err
    else {
        panic!("expected NonFinite, got {err}")
    };
    assert!(!loss.is_finite());
    assert_eq!(lr, 1e6);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("epoch {epoch}, step {step}")),
        "{msg}"
    );
    assert!(msg.contains("try a lower learning rate (--lr)"), "{msg}");
    // No epoch completed with garbage: the history stops before the failing epoch.
    assert_eq!(trainer.history().len(), epoch - 1);
}

#[test]
fn command_line_options_parse_and_bad_ones_are_named() {
    let parse = |args: &[&str]| {
        TrainArgs::try_parse_from(std::iter::once("train").chain(args.iter().copied()))
    };
    let defaults = parse(&[]).unwrap();
    assert_eq!(defaults.model.hidden, [512, 512]);
    assert_eq!(
        (defaults.optim.optimizer.as_str(), defaults.optim.lr()),
        ("adam", 0.001)
    );
    assert_eq!(
        (defaults.batch_size, defaults.epochs),
        (64, lab::cli::TRAIN_EPOCHS)
    );
    assert_eq!(defaults.lr_decay(), LrDecay::Cosine);
    assert_eq!(
        parse(&["--hidden", "256,128,64"]).unwrap().model.hidden,
        [256, 128, 64]
    );
    assert_eq!(
        parse(&["--optimizer", "NAG"]).unwrap().optim.optimizer,
        "nesterov"
    );
    assert_eq!(
        parse(&["--schedule", "cosine:10"]).unwrap().lr_decay(),
        LrDecay::None
    );

    let err = parse(&["--bogus"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
    assert!(err.to_string().contains("--bogus"));
    let err = parse(&["--optimizer", "adamm"]).unwrap_err().to_string();
    assert!(
        err.contains("--optimizer") && err.contains("adamm"),
        "{err}"
    );
    for (bad, named) in [
        (["--hidden", "512,0"], "'0' for '--hidden"),
        (["--dropout", "1.5"], "'1.5' for '--dropout"),
        (["--min-accuracy", "97"], "'97' for '--min-accuracy"),
        (["--batch-size", "0"], "'0' for '--batch-size"),
    ] {
        let err = parse(&bad).unwrap_err().to_string();
        assert!(err.contains(named), "{err}");
    }

    // A negative rate parses (it is a number) and is rejected by the optimizer, naming option and value.
    let args = parse(&["--lr", "-1"]).unwrap();
    assert_eq!(args.optim.lr, Some(-1.0));
    let Err(TrainError::Config(msg)) = Trainer::new(args.config(), 784, 10) else {
        panic!("a negative lr must be refused")
    };
    assert_eq!(msg, "--lr: adam: lr = -1 must be finite and >= 0");
    let args = parse(&["--optimizer", "momentum", "--momentum", "1.5"]).unwrap();
    let Err(TrainError::Config(msg)) = Trainer::new(args.config(), 784, 10) else {
        panic!("μ = 1.5 must be refused")
    };
    assert!(
        msg.starts_with("--momentum: ") && msg.contains("1.5"),
        "{msg}"
    );
    let args = parse(&["--schedule", "cosine:10", "--lr-decay", "cosine"]).unwrap();
    assert!(
        matches!(Trainer::new(args.config(), 784, 10), Err(TrainError::Config(m)) if m.contains("--lr-decay and --schedule"))
    );
}

#[test]
fn optimizer_description_lists_its_resolved_hyperparameters() {
    assert_eq!(
        OptimArgs::default().describe(),
        "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)"
    );
    let mut sgd = OptimArgs::for_optimizer("sgd");
    sgd.schedule = Some("step:2:0.1".parse().unwrap());
    assert_eq!(
        sgd.describe(),
        "sgd (lr 0.1, weight decay 0, schedule step:2:0.1)"
    );
    // The description's rate is the one the optimizer gets.
    for name in optim::catalog::ALL.iter().map(|e| e.name) {
        let args = OptimArgs::for_optimizer(name);
        let opt = args.build(autograd::Parameters::new()).unwrap();
        assert!(
            args.describe().contains(&format!("lr {}", opt.lr())),
            "{name}: {}",
            args.describe()
        );
    }
}

#[test]
fn optimizer_description_shows_the_defaults_of_the_optimizer_built() {
    // adam.rs: AdamW decays by 0.01 unless told; adagrad.rs: PyTorch's ε is 1e-10.
    assert_eq!(
        OptimArgs::for_optimizer("adamw").describe(),
        "adamw (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, decoupled weight decay 0.01)"
    );
    let mut adagrad = OptimArgs::for_optimizer("adagrad");
    adagrad.form = optim::Form::PyTorch;
    assert_eq!(
        adagrad.describe(),
        "adagrad (lr 0.01, ε 1e-10, weight decay 0, PyTorch form)"
    );
    // A value the optimizer refuses is described by its error.
    let mut bad = OptimArgs::for_optimizer("momentum");
    bad.momentum = Some(1.5);
    assert_eq!(
        bad.describe(),
        "momentum (--momentum: momentum: momentum = 1.5 is outside [0, 1))"
    );
}

#[test]
fn saved_optimizer_options_keep_their_spelling() {
    let mut args = OptimArgs::for_optimizer("rmsprop");
    args.form = optim::Form::PyTorch;
    let json = serde_json::to_value(&args).unwrap();
    assert_eq!(
        (&json["optimizer"], &json["form"]),
        (&"rmsprop".into(), &"pytorch".into())
    );
    let back: OptimArgs = serde_json::from_value(json).unwrap();
    assert_eq!(back, args);
    let course = serde_json::to_value(OptimArgs::default()).unwrap();
    assert_eq!(course["form"], "course");
}
