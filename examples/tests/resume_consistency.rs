//! What the `train` program does with a resumed run: a finished run with a per-step decay is not
//! extended, and metrics files that disagree with the checkpoint are rewritten from it (or the
//! run fails naming the file it cannot write). The same runs through the library are in
//! `lab/tests/resume_consistency.rs`.

mod common;

use std::fs;
use std::path::Path;

use common::program::{failed, mnist_dir, snapshot, temp_dir, train};
use lab::training::{
    metrics_csv, EpochMetrics, ModelConfig, RunConfig, TrainError, Trainer, CHECKPOINT_FILE,
};

/// 10-16-3 on the blobs, Adam λ0 = 0.01, batches of 16 (15 steps per epoch), cosine decay.
fn cosine_config(epochs: usize) -> RunConfig {
    let mut optimizer = optim::Algorithm::defaults("adam", optim::Form::Course).unwrap();
    optim::UpdateRule::set_lr(&mut optimizer, 0.01);
    RunConfig {
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        optimizer,
        schedule: "cosine".parse().unwrap(),
        epochs,
        batch_size: 16,
        seed: 5,
        ..RunConfig::default()
    }
}

/// The epochs of `metrics.json` in `dir`.
fn json_epochs(dir: &Path) -> Vec<EpochMetrics> {
    let text = fs::read_to_string(dir.join("metrics.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(json["epochs"].clone()).unwrap()
}

/// Checks that both metrics files in `dir` hold exactly the history of its checkpoint.
#[track_caller]
fn assert_metrics_follow_checkpoint(dir: &Path, epochs: usize) {
    let resumed = Trainer::resume(&dir.join(CHECKPOINT_FILE)).unwrap();
    assert_eq!(resumed.epochs_done(), epochs);
    let csv = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert_eq!(csv, metrics_csv(resumed.history()).to_text());
    assert_eq!(json_epochs(dir), resumed.history());
}

#[test]
fn a_finished_cosine_run_is_not_extended_and_its_files_stay_as_they_were() {
    let data = common::tiny(0);
    let dir = temp_dir("resume-cosine-finished");
    let mut trainer = Trainer::new(cosine_config(2), data.input_size(), data.classes).unwrap();
    trainer.fit(&data, &mut (), Some(&dir)).unwrap();
    // λ of each epoch's first step: λ0 · (1 + cos(π s / 30)) / 2 at s = 0, 15.
    let lrs: Vec<f32> = trainer.history().iter().map(|m| m.lr).collect();
    assert_eq!(lrs, [0.01, 0.005]);
    let checkpoint = dir.join(CHECKPOINT_FILE);
    let before = snapshot(&dir);

    let mut resumed = Trainer::resume(&checkpoint).unwrap();
    let Err(TrainError::Config(msg)) = resumed.set_epochs(3) else {
        panic!("extending a finished cosine run must be refused")
    };
    assert_eq!(
        msg,
        "--epochs 3: the run's --schedule cosine brought λ to its end over its 2 planned epochs, \
         all done, and a resumed run keeps its schedule; to train longer, start a new run with \
         --epochs 3 (or a --schedule that does not span the run, such as constant)"
    );
    // Setting the total directly is refused by fit before anything trains or is written.
    resumed.config.epochs = 3;
    let err = resumed.fit(&data, &mut (), Some(&dir)).unwrap_err();
    assert_eq!(err.to_string(), msg);
    assert_eq!(resumed.epochs_done(), 2);
    assert_eq!(
        snapshot(&dir),
        before,
        "the run's files are unchanged byte for byte"
    );

    // The program refuses the same, before loading any data, with or without --epochs.
    let ck = checkpoint.to_str().unwrap();
    let out = train(&dir, &["--resume", ck, "--epochs", "3"], &[]);
    failed(
        &out,
        2,
        &["--epochs 3:", "--schedule cosine", "2 planned epochs"],
    );
    let out = train(&dir, &["--resume", ck], &[]);
    let default = "--epochs 4 (the default):".to_string();
    failed(&out, 2, &[&default, "start a new run with"]);
    assert_eq!(snapshot(&dir), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_program_rewrites_disagreeing_metrics_on_resume_and_fails_naming_a_file_it_cannot_write() {
    let Some(mnist) = mnist_dir() else { return };
    let dir = temp_dir("resume-metrics-program");
    let data = mnist.to_str().unwrap();
    let small = [
        "--schedule",
        "constant",
        "--hidden",
        "16",
        "--batch-size",
        "600",
    ];
    let args = [
        &small[..],
        &["--epochs", "1", "--out-dir", "run", "--data-dir", data],
    ]
    .concat();
    let out = train(&dir, &args, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = dir.join("run");
    let ck = run.join(CHECKPOINT_FILE);
    let ck = ck.to_str().unwrap();

    // A metrics.csv that disagrees is rewritten from the checkpoint before training goes on.
    fs::write(run.join("metrics.csv"), "epoch\n1\n2\n").unwrap();
    let out = train(
        &dir,
        &["--resume", ck, "--epochs", "2", "--data-dir", data],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("rewrote metrics.csv from the checkpoint's 1 epoch"),
        "{stdout}"
    );
    assert_metrics_follow_checkpoint(&run, 2);

    // metrics.json cannot be written: one line naming it, status 1, before anything trains.
    fs::remove_file(run.join("metrics.json")).unwrap();
    fs::create_dir(run.join("metrics.json")).unwrap();
    let out = train(
        &dir,
        &["--resume", ck, "--epochs", "3", "--data-dir", data],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("metrics.json"),
        "{stderr}"
    );
    let (_, meta) = nn::load_tensors(run.join(CHECKPOINT_FILE)).unwrap();
    assert_eq!(meta["epoch"], "2");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("epoch  3"));
    fs::remove_dir_all(&dir).unwrap();
}
