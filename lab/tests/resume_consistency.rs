//! What a resumed run may change: a per-step decay keeps the curve its first step fixed (a
//! decayed run only finishes its planned epochs), and the metrics files always end up those of
//! the checkpoint's history, whatever an interrupted or failed write left behind. What the
//! `train` program does with the same runs is in `examples/tests/resume_consistency.rs`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lab::training::{
    metrics_csv, EpochMetrics, ModelConfig, RunConfig, TrainError, Trainer, CHECKPOINT_FILE,
};

/// A fresh, empty directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

/// Every file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.insert(entry.path(), fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

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

/// Checks that `dir` holds exactly the files of `then`, byte for byte, but for the weights
/// file, whose tensors must be the same (the order of its header's metadata is the
/// safetensors crate's choice). Not `assert_eq!` on the maps: a difference would print every
/// byte.
#[track_caller]
fn assert_same_files(dir: &Path, then: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let now = snapshot(dir);
    assert_eq!(now.len(), then.len(), "{what}: the same number of files");
    for (path, bytes) in then {
        if path.ends_with("model.safetensors") {
            let load = |p: &Path| nn::load_tensors(p).unwrap().0;
            let scratch = dir.with_extension("then.safetensors");
            fs::write(&scratch, bytes).unwrap();
            assert_eq!(load(path), load(&scratch), "{what}: the weights");
            fs::remove_file(&scratch).unwrap();
        } else {
            assert!(
                now.get(path) == Some(bytes),
                "{what}: {} differs",
                path.display()
            );
        }
    }
}

/// The checkpoint's `history` metadata, as the JSON text stored.
fn history_text(checkpoint: &Path) -> String {
    let (_, meta) = nn::load_tensors(checkpoint).unwrap();
    meta["history"].clone()
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
fn a_stopped_cosine_run_only_finishes_its_planned_epochs_on_the_same_curve() {
    let data = common::tiny(0);
    let mut straight = Trainer::new(cosine_config(3), data.input_size(), data.classes).unwrap();
    straight.fit(&data, &mut (), None).unwrap();

    let dir = temp_dir("resume-cosine-stopped");
    let mut first = Trainer::new(cosine_config(3), data.input_size(), data.classes).unwrap();
    first.train_epoch(&data, &mut ()).unwrap();
    first.write_outputs(&dir).unwrap();
    let checkpoint = dir.join(CHECKPOINT_FILE);
    let history_1 = history_text(&checkpoint);

    let mut resumed = Trainer::resume(&checkpoint).unwrap();
    for epochs in [2, 5] {
        let Err(TrainError::Config(msg)) = resumed.set_epochs(epochs) else {
            panic!("--epochs {epochs} moves the end of the curve")
        };
        assert_eq!(
            msg,
            format!(
                "--epochs {epochs}: the run's --schedule cosine takes λ to its end over its 3 \
                 planned epochs (1 done), and a resumed run keeps its schedule; pass --epochs 3 \
                 to finish it, or start a new run"
            )
        );
    }
    resumed.set_epochs(3).unwrap();
    resumed.fit(&data, &mut (), Some(&dir)).unwrap();

    // λ at s = 0, 15, 30 of 45 steps: the curve of the planned 3 epochs, as straight through:
    // λ0 (1 + cos(π s/45))/2 = 0.01, 0.0075, 0.0025.
    let base = f64::from(0.01f32);
    let cosine = |s: f64| base * 0.5 * (1.0 + (std::f64::consts::PI * s / 45.0).cos());
    let curve: Vec<f32> = [0.0, 15.0, 30.0].map(|s| cosine(s) as f32).to_vec();
    let lrs: Vec<f32> = resumed.history().iter().map(|m| m.lr).collect();
    assert_eq!(lrs, curve);
    assert!((curve[1] - 0.0075).abs() < 1e-9 && (curve[2] - 0.0025).abs() < 1e-9);
    assert_eq!(resumed.lr().to_bits(), straight.lr().to_bits());
    let losses =
        |t: &Trainer| -> Vec<u64> { t.history().iter().map(|m| m.test_loss.to_bits()).collect() };
    assert_eq!(losses(&resumed), losses(&straight));

    // The first epoch's entry is carried over in the same bytes.
    let history_3 = history_text(&checkpoint);
    let kept = history_1.strip_suffix(']').unwrap();
    assert!(
        history_3.starts_with(&format!("{kept},")),
        "{history_1}\n{history_3}"
    );
    assert_metrics_follow_checkpoint(&dir, 3);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn metrics_one_epoch_ahead_of_the_checkpoint_are_trimmed_on_resume() {
    let data = common::tiny(0);
    let dir = temp_dir("resume-metrics-ahead");
    let mut trainer = Trainer::new(cosine_config(3), data.input_size(), data.classes).unwrap();
    trainer.train_epoch(&data, &mut ()).unwrap();
    trainer.write_outputs(&dir).unwrap();
    let after_1 = snapshot(&dir);
    let checkpoint_1 = fs::read(dir.join(CHECKPOINT_FILE)).unwrap();
    trainer.train_epoch(&data, &mut ()).unwrap();
    trainer.write_outputs(&dir).unwrap();
    // As a full disk left it before checkpoints came first: epoch 2's metrics, epoch 1's checkpoint.
    fs::write(dir.join(CHECKPOINT_FILE), &checkpoint_1).unwrap();
    assert_eq!(json_epochs(&dir).len(), 2);

    let mut resumed = Trainer::resume(&dir.join(CHECKPOINT_FILE)).unwrap();
    let rewritten = resumed.sync_metrics(&dir).unwrap();
    assert_eq!(rewritten, ["metrics.csv", "metrics.json"]);
    assert_same_files(&dir, &after_1, "the files of epoch 1");
    assert!(
        resumed.sync_metrics(&dir).unwrap().is_empty(),
        "they agree now"
    );
    assert_same_files(&dir, &after_1, "rewritten the same");

    resumed.fit(&data, &mut (), Some(&dir)).unwrap();
    assert_metrics_follow_checkpoint(&dir, 3);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_metrics_write_ends_the_run_naming_the_file_and_resume_repairs_it() {
    let data = common::tiny(0);
    let dir = temp_dir("resume-metrics-fail");
    // A directory where metrics.json goes: its write fails, even for root.
    fs::create_dir_all(dir.join("metrics.json")).unwrap();
    let mut trainer = Trainer::new(cosine_config(2), data.input_size(), data.classes).unwrap();
    let err = trainer.fit(&data, &mut (), Some(&dir)).unwrap_err();
    assert!(matches!(err, TrainError::Report(_)), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("metrics.json") && !msg.contains('\n'), "{msg}");
    assert_eq!(
        trainer.epochs_done(),
        1,
        "the run stops at the failed epoch"
    );

    // The checkpoint was written first; metrics.csv with it; metrics.json is missing.
    fs::remove_dir(dir.join("metrics.json")).unwrap();
    let mut resumed = Trainer::resume(&dir.join(CHECKPOINT_FILE)).unwrap();
    assert_eq!(resumed.epochs_done(), 1);
    assert_eq!(resumed.sync_metrics(&dir).unwrap(), ["metrics.json"]);
    assert_metrics_follow_checkpoint(&dir, 1);

    // A metrics file missing its last row is completed as well.
    let csv = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    fs::write(dir.join("metrics.csv"), format!("{header}\n")).unwrap();
    assert_eq!(resumed.sync_metrics(&dir).unwrap(), ["metrics.csv"]);
    resumed.fit(&data, &mut (), Some(&dir)).unwrap();
    assert_metrics_follow_checkpoint(&dir, 2);
    fs::remove_dir_all(&dir).unwrap();
}
