//! The training loop, checkpoints and the command line of `train`, on small synthetic data.

mod common;

use std::fs;
use std::path::PathBuf;

use lab::cli::{ParseError, TrainArgs};
use lab::training::{
    evaluate, Datasets, ModelConfig, RunConfig, TrainError, Trainer, EVAL_BATCH, METRICS_COLUMNS,
};
use optim::{Algorithm, Form, UpdateRule};

/// A fresh, empty directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-train-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

/// A small network for the 10-d blobs: 10-16-3.
fn config(optimizer: &str, lr: f32, epochs: usize) -> RunConfig {
    let mut optimizer = Algorithm::defaults(optimizer, Form::Course).unwrap();
    optimizer.set_lr(lr);
    RunConfig {
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        optimizer,
        schedule: "constant".parse().unwrap(),
        epochs,
        batch_size: 16,
        seed: 5,
        ..RunConfig::default()
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
        "epoch,step,train_loss,test_loss,test_accuracy,val_accuracy,val_loss,seconds,lr"
    );
    assert_eq!(lines[0].split(',').collect::<Vec<_>>(), METRICS_COLUMNS);
    assert_eq!(lines.len(), 1 + 3);
    for (i, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 9, "{line}");
        assert_eq!(cells[0], (i + 1).to_string());
        // 240 − 30 held out = 210 samples, batches of 16: ⌈210/16⌉ = 14 steps per epoch.
        assert_eq!(cells[1], (14 * (i + 1)).to_string());
        let accuracy: f64 = cells[5]
            .parse()
            .expect("a validation accuracy, since 30 samples were held out");
        assert!((0.0..=1.0).contains(&accuracy));
        assert_eq!(cells[8], "0.05");
        let val_loss: f64 = cells[6].parse().expect("a validation loss");
        assert!(val_loss.is_finite() && val_loss > 0.0);
    }
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(json["epochs"].as_array().unwrap().len(), 3);
    assert_eq!(json["config"]["optimizer"]["optimizer"], "momentum");
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
    // The weights alone, for PyTorch's load_state_dict(strict=True).
    let (weights, _) = nn::load_tensors(dir.join("model.safetensors")).unwrap();
    let mut names: Vec<&str> = weights.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, expected);
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
    c.schedule = "step:1:0.5".parse().unwrap();
    check_resume(c, "nag-dropout-step");
    let mut c = config("adam", 0.01, 2);
    c.schedule = "cosine".parse().unwrap();
    c.warmup = Some("0.5,0.1".parse().unwrap());
    c.no_bias_decay = true;
    c.clip_grad_norm = Some(1.0);
    check_resume(c, "adam-warmup-cosine-groups-clip");
    let mut c = config("sgd", 0.1, 2);
    c.schedule = "plateau:0.5:0".parse().unwrap();
    check_resume(c, "sgd-plateau");
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
fn a_step_that_overflows_a_weight_stops_training_naming_it() {
    // Inputs in the thousands make gradients above 1, so λ near f32's largest value sends
    // weights to ±∞ at the first update while the loss that produced it was finite: only the
    // check of the weights after the step can tell.
    let scaled = |split: data::Split| {
        let images = split.images_f32() * 1e3;
        data::Split::new(images, split.labels)
    };
    let data = Datasets::new(
        scaled(common::blobs(3, 80, 10, 7, 1)),
        scaled(common::blobs(3, 30, 10, 7, 2)),
        0,
        3,
    );
    let mut trainer =
        Trainer::new(config("sgd", 3e38, 3), data.input_size(), data.classes).unwrap();
    let err = trainer.fit(&data, &mut (), None).unwrap_err();
    let TrainError::NonFiniteWeight {
        epoch,
        step,
        ref param,
        value,
        lr,
        ..
    } = err
    else {
        panic!("expected NonFiniteWeight, got {err}")
    };
    assert_eq!((epoch, step, lr), (1, 1, 3e38));
    assert!(value.is_infinite(), "{value}");
    assert!(
        ["0.weight", "0.bias", "2.weight", "2.bias"].contains(&param.as_str()),
        "{param}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("after step 1 (epoch 1) parameter `{param}` holds")),
        "{message}"
    );
    assert!(
        message.contains("try a lower learning rate (--lr)"),
        "{message}"
    );
    assert!(trainer.history().is_empty());
}

/// `train`'s command line: the options, and the optimizer's own from its struct.
fn parse(args: &[&str]) -> Result<TrainArgs, String> {
    let argv: Vec<std::ffi::OsString> = std::iter::once("train")
        .chain(args.iter().copied())
        .map(Into::into)
        .collect();
    TrainArgs::try_parse(&argv)
        .map(|(a, _)| a)
        .map_err(|e| match e {
            ParseError::Clap(e) => e.to_string(),
            ParseError::Bad(m) => m,
        })
}

#[test]
fn the_help_describes_train_not_the_optimizer_struct() {
    for args in [&["--help"][..], &["-h"], &["--optimizer", "sgd", "--help"]] {
        let help = parse(args).unwrap_err();
        let first = help.lines().find(|l| !l.trim().is_empty()).unwrap();
        assert!(
            first.starts_with("Train a fully connected network on MNIST"),
            "{args:?}: {first}"
        );
        assert!(
            !help.contains("```"),
            "{args:?}: a doc comment leaked into the help:\n{help}"
        );
        assert!(help.contains("--lr"), "{args:?}");
    }
}

#[test]
fn command_line_options_parse_and_bad_ones_are_named() {
    let defaults = parse(&[]).unwrap();
    assert_eq!(defaults.run.model.hidden, [512, 512]);
    assert_eq!(
        defaults.run.optimizer.to_string(),
        "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)"
    );
    assert_eq!((defaults.run.batch_size, defaults.run.epochs), (64, 4));
    assert_eq!(defaults.run.schedule.to_string(), "cosine");
    assert_eq!(
        parse(&["--hidden", "256,128,64"]).unwrap().run.model.hidden,
        [256, 128, 64]
    );
    // The rate each optimizer starts from on this network, unless --lr says otherwise.
    assert_eq!(
        parse(&["--optimizer", "sgd"])
            .unwrap()
            .run
            .optimizer
            .to_string(),
        "sgd (lr 0.1, weight decay 0)"
    );
    let nag = parse(&["--optimizer", "NAG", "--lr", "0.02"])
        .unwrap()
        .run
        .optimizer;
    assert_eq!(
        nag.to_string(),
        "nesterov (lr 0.02, μ 0.9, weight decay 0, course form)"
    );
    let adamw = parse(&["--optimizer", "adamw"]).unwrap().run.optimizer;
    assert_eq!(
        adamw.to_string(),
        "adamw (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, decoupled weight decay 0.01)"
    );
    let course_adadelta = parse(&["--optimizer", "adadelta"]).unwrap().run.optimizer;
    assert_eq!(course_adadelta.lr(), None, "{course_adadelta}");

    let err = parse(&["--bogus"]).unwrap_err();
    assert!(err.contains("--bogus"), "{err}");
    let err = parse(&["--optimizer", "adamm"]).unwrap_err();
    assert!(
        err.contains("--optimizer") && err.contains("adamm"),
        "{err}"
    );
    for (bad, named) in [
        (&["--hidden", "512,0"][..], "'0' for '--hidden"),
        (&["--dropout", "1.5"], "'1.5' for '--dropout"),
        (&["--min-accuracy", "97"], "'97' for '--min-accuracy"),
        (&["--batch-size", "0"], "'0' for '--batch-size"),
        (&["--epochs", "0"], "'0' for '--epochs"),
        (&["--clip-grad-norm", "0"], "'0' for '--clip-grad-norm"),
    ] {
        let err = parse(bad).unwrap_err();
        assert!(err.contains(named), "{err}");
    }
    // Values the optimizer refuses, named by their option.
    assert_eq!(
        parse(&["--lr", "-1"]).unwrap_err(),
        "--lr: adam: lr = -1 must be finite and >= 0"
    );
    let msg = parse(&["--optimizer", "momentum", "--momentum", "1.5"]).unwrap_err();
    assert!(
        msg.starts_with("--momentum: ") && msg.contains("1.5"),
        "{msg}"
    );
    // An option another optimizer has is refused: clap's error names it.
    assert!(parse(&["--optimizer", "sgd", "--beta1", "0.8"])
        .unwrap_err()
        .contains("--beta1"));
    // Course AdaDelta has no learning rate.
    let msg = parse(&["--optimizer", "adadelta", "--lr", "0.5"]).unwrap_err();
    assert!(
        msg.starts_with("--lr: adadelta: the course form has no learning rate"),
        "{msg}"
    );
    assert!(parse(&[
        "--optimizer",
        "adadelta",
        "--form",
        "pytorch",
        "--lr",
        "0.5"
    ])
    .is_ok());
    // Schedules are checked against the run before any data is read.
    let msg = parse(&["--warmup", "5", "--epochs", "2"]).unwrap_err();
    assert!(
        msg.contains("--warmup 5") && msg.contains("not shorter than the run"),
        "{msg}"
    );
    let msg = parse(&["--schedule", "warmup-cosine:1:2"]).unwrap_err();
    assert!(msg.contains("--warmup"), "{msg}");
    let msg = parse(&["--schedule", "step:0:0.5"]).unwrap_err();
    assert!(msg.contains("--schedule") || msg.contains("step"), "{msg}");
    let msg = parse(&["--schedule", "plateau:2:1"]).unwrap_err();
    assert!(msg.contains("--schedule plateau:2:1"), "{msg}");
}

#[test]
fn a_schedule_echoes_as_written() {
    for text in [
        "cosine",
        "cosine:0.0001",
        "step:2:0.5",
        "multistep:1,3:0.1",
        "exp:0.9",
        "plateau:0.5:2",
    ] {
        let args = parse(&["--schedule", text, "--epochs", "5"]).unwrap();
        assert_eq!(args.run.schedule.to_string(), text);
    }
    let args = parse(&["--warmup", "1,0.25"]).unwrap();
    assert_eq!(args.run.warmup.unwrap().to_string(), "1,0.25");
}

#[test]
fn the_saved_settings_name_the_optimizer_and_its_form() {
    let args = parse(&["--optimizer", "rmsprop", "--form", "pytorch"]).unwrap();
    let json = serde_json::to_value(&args.run).unwrap();
    assert_eq!(
        (
            &json["optimizer"]["optimizer"],
            &json["optimizer"]["form"],
            &json["schedule"]
        ),
        (&"rmsprop".into(), &"pytorch".into(), &"cosine".into())
    );
    let back: RunConfig = serde_json::from_value(json).unwrap();
    assert_eq!(back, args.run);
}
