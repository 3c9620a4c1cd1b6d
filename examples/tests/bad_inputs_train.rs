//! `train` given data, output directories and checkpoints it must not use: each case runs the
//! built program (or calls the library for what needs no program) and checks the exit status,
//! the one-line message naming the culprit, and that no file the user had was changed.
//!
//! Cases that need the real MNIST (the cache `data/cache/mnist`) are skipped with a message
//! when it is absent, unless `MNIST_REQUIRED=1`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::program::{dead_pid, failed, mnist_dir, snapshot, temp_dir, train};
use lab::training::{ModelConfig, RunConfig, Trainer, CHECKPOINT_FILE};

/// A small run's checkpoint (10-16-3 on the blobs), trained for one epoch, in `dir`.
fn small_checkpoint(dir: &Path) -> PathBuf {
    let data = common::tiny(0);
    let optimizer = optim::Algorithm::from(optim::Adam {
        lr: 0.01,
        ..optim::Adam::default()
    });
    let config = RunConfig {
        model: ModelConfig {
            hidden: vec![16],
            ..ModelConfig::default()
        },
        optimizer,
        schedule: "constant".parse().unwrap(),
        epochs: 1,
        batch_size: 16,
        seed: 5,
        ..RunConfig::default()
    };
    let mut trainer = Trainer::new(config, data.input_size(), data.classes).unwrap();
    trainer.fit(&data, &mut (), Some(dir)).unwrap();
    dir.join(CHECKPOINT_FILE)
}

#[test]
fn an_output_dir_holding_a_run_is_refused_without_resume_or_overwrite() {
    let dir = temp_dir("out-dir-taken");
    let run = dir.join("runs/train");
    small_checkpoint(&run);
    let before = snapshot(&dir);
    let out = train(&dir, &["--epochs", "1"], &[]);
    failed(
        &out,
        2,
        &[
            "--out-dir runs/train",
            "already holds a run",
            "--overwrite",
            "--resume",
        ],
    );
    let out = train(
        &dir,
        &["--epochs", "1", "--out-dir", run.to_str().unwrap()],
        &[],
    );
    failed(&out, 2, &[run.to_str().unwrap(), "already holds a run"]);
    // A checkpoint from elsewhere does not make this run a continuation of the one there.
    let other = temp_dir("out-dir-other");
    let elsewhere = small_checkpoint(&other);
    let args = [
        "--resume",
        elsewhere.to_str().unwrap(),
        "--epochs",
        "2",
        "--out-dir",
        "runs/train",
    ];
    failed(
        &train(&dir, &args, &[]),
        2,
        &["runs/train", "already holds a run"],
    );
    assert_eq!(snapshot(&dir), before);
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&other).unwrap();
}

#[test]
fn two_runs_into_one_dir_the_second_refused_unless_overwrite() {
    let Some(mnist) = mnist_dir() else { return };
    let dir = temp_dir("two-runs");
    let data = mnist.to_str().unwrap();
    let args = [
        "--epochs",
        "1",
        "--hidden",
        "16",
        "--batch-size",
        "600",
        "--data-dir",
        data,
    ];
    let first = train(&dir, &args, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&dir);
    failed(
        &train(&dir, &args, &[]),
        2,
        &["runs/train", "already holds a run"],
    );
    assert_eq!(snapshot(&dir), before);

    let mut again = args.to_vec();
    again.extend(["--overwrite", "--seed", "3"]);
    let second = train(&dir, &again, &[]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let (_, meta) = nn::load_tensors(dir.join("runs/train").join(CHECKPOINT_FILE)).unwrap();
    assert_eq!(meta["seed"], "3", "--overwrite replaced the run");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resume_writes_next_to_its_checkpoint_and_refuses_epochs_already_done() {
    let Some(mnist) = mnist_dir() else { return };
    let dir = temp_dir("resume-where");
    let data = mnist.to_str().unwrap();
    let first = [
        "--epochs",
        "1",
        "--schedule",
        "constant",
        "--hidden",
        "16",
        "--batch-size",
        "600",
        "--data-dir",
        data,
    ];
    let first = train(&dir, &[&first[..], &["--out-dir", "mine"]].concat(), &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let checkpoint = dir.join("mine").join(CHECKPOINT_FILE);

    // --epochs not beyond those done: refused, nothing written anywhere.
    let before = snapshot(&dir);
    let ck = checkpoint.to_str().unwrap();
    let args = [
        "--resume",
        ck,
        "--epochs",
        "1",
        "--out-dir",
        "other",
        "--data-dir",
        data,
    ];
    failed(
        &train(&dir, &args, &[]),
        2,
        &["--epochs 1", ck, "already trained 1 epoch"],
    );
    assert_eq!(snapshot(&dir), before);
    assert!(!dir.join("other").exists());

    // Without --out-dir, the resumed run continues in the checkpoint's directory.
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
        stdout.contains(&format!("wrote {}/", dir.join("mine").display())),
        "{stdout}"
    );
    assert!(!dir.join("runs").exists(), "nothing in runs/train");
    let (_, meta) = nn::load_tensors(&checkpoint).unwrap();
    assert_eq!(meta["epoch"], "2");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn options_that_conflict_with_the_checkpoint_are_refused_each_by_name() {
    let dir = temp_dir("resume-conflicts");
    let checkpoint = small_checkpoint(&dir.join("run"));
    let ck = checkpoint.to_str().unwrap();
    let before = snapshot(&dir);
    for (flag, value, saved) in [
        ("--optimizer", "sgd", "adam"),
        ("--hidden", "32", "16"),
        ("--lr", "0.5", "0.01"),
        ("--batch-size", "8", "16"),
        ("--seed", "9", "5"),
        ("--schedule", "cosine", "constant"),
        ("--dropout", "0.5", "0"),
    ] {
        let args = ["--resume", ck, "--epochs", "3", flag, value];
        let expected = format!("{flag} {value} (the checkpoint has {saved})");
        failed(&train(&dir, &args, &[]), 2, &[ck, &expected]);
    }
    // The checkpoint's own value is no conflict: the run goes on to the data (none here).
    let args = [
        "--resume",
        ck,
        "--epochs",
        "3",
        "--seed",
        "5",
        "--data-dir",
        "no/data",
    ];
    failed(&train(&dir, &args, &[]), 1, &["no/data"]);
    assert_eq!(snapshot(&dir), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn temporaries_of_killed_runs_are_removed_from_the_output_dir() {
    let dir = temp_dir("stale-out");
    let out_dir = dir.join("runs/train");
    fs::create_dir_all(&out_dir).unwrap();
    let pid = dead_pid();
    let stale = out_dir.join(format!(".checkpoint.tmp-{pid}.safetensors"));
    fs::write(&stale, b"half a checkpoint").unwrap();
    // The run then fails on its data, after preparing the output directory.
    failed(
        &train(&dir, &["--data-dir", "no/data"], &[]),
        1,
        &["no/data"],
    );
    assert!(!stale.exists());
    fs::remove_dir_all(&dir).unwrap();
}

/// Rewrites the metadata of the checkpoint at `path` (keeping a valid checksum).
fn edit_metadata(path: &Path, edit: impl FnOnce(&mut BTreeMap<String, String>)) {
    let (tensors, mut meta) = nn::load_tensors(path).unwrap();
    edit(&mut meta);
    nn::save_tensors(path, &tensors, meta).unwrap();
}

#[test]
fn a_damaged_checkpoint_is_refused_naming_it() {
    let dir = temp_dir("damaged");
    let checkpoint = small_checkpoint(&dir.join("run"));
    let ck = checkpoint.to_str().unwrap();
    let mut bytes = fs::read(&checkpoint).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x7f; // a weight's exponent: a huge value, still a float
    fs::write(&checkpoint, &bytes).unwrap();
    let before = snapshot(&dir);
    let out = train(&dir, &["--resume", ck, "--epochs", "3"], &[]);
    failed(&out, 1, &[ck, "tensor data is damaged"]);
    assert_eq!(snapshot(&dir), before);

    // A header whose byte ranges do not add up: words, not the parser's debug text.
    let original = small_checkpoint(&dir.join("run2"));
    let bytes = fs::read(&original).unwrap();
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8(bytes[8..8 + length].to_vec()).unwrap();
    let bad = header.replacen("\"data_offsets\":[0,", "\"data_offsets\":[4,", 1);
    let mut damaged = (bad.len() as u64).to_le_bytes().to_vec();
    damaged.extend(bad.as_bytes());
    damaged.extend(&bytes[8 + length..]);
    fs::write(&original, damaged).unwrap();
    let ck = original.to_str().unwrap();
    let message = failed(
        &train(&dir, &["--resume", ck, "--epochs", "3"], &[]),
        1,
        &[ck, "corrupt header"],
    );
    assert!(
        !message.contains("InvalidOffset") && !message.contains("TensorInvalidInfo"),
        "{message}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_byte_changed_in_the_metadata_is_refused_by_resume() {
    let dir = temp_dir("metadata-byte");
    let checkpoint = small_checkpoint(&dir.join("run"));
    let bytes = fs::read(&checkpoint).unwrap();
    // The seed, 5 → 6: the header stays valid JSON of the same length, so only the header's
    // checksum can tell.
    let key = br#""seed":"5""#;
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("the seed in the header");
    let mut edited = bytes.clone();
    edited[at + key.len() - 2] = b'6';
    fs::write(&checkpoint, &edited).unwrap();
    let before = snapshot(&dir);
    let ck = checkpoint.to_str().unwrap();
    let out = train(&dir, &["--resume", ck, "--epochs", "3"], &[]);
    failed(&out, 1, &[ck, "the header", "edited or damaged"]);
    assert_eq!(snapshot(&dir), before, "nothing was written");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_metadata_value_is_validated() {
    let dir = temp_dir("metadata");
    let checkpoint = small_checkpoint(&dir.join("run"));
    let pristine = fs::read(&checkpoint).unwrap();
    let cases: [(&str, &str, &str); 8] = [
        ("epoch", "NaN", "metadata `epoch` = `NaN` does not parse"),
        ("epoch", "-5", "metadata `epoch` = `-5` does not parse"),
        (
            "epoch",
            "0",
            "metadata `epoch` = 0 but `history` holds 1 epochs",
        ),
        (
            "step",
            "7",
            "metadata `step` = 7 but `history` ends at step 15",
        ),
        ("seed", "6", "metadata `seed` = 6 but `config` has seed 5"),
        (
            "schedule_epochs",
            "x",
            "metadata `schedule_epochs` = `x` does not parse",
        ),
        (
            "sizes",
            "[10,8,3]",
            "metadata `sizes` [10, 8, 3] is not a network",
        ),
        (
            "history",
            "[]",
            "metadata `epoch` = 1 but `history` holds 0 epochs",
        ),
    ];
    for (key, value, expected) in cases {
        fs::write(&checkpoint, &pristine).unwrap();
        edit_metadata(&checkpoint, |meta| {
            meta.insert(key.to_string(), value.to_string());
        });
        let Err(err) = Trainer::resume(&checkpoint) else {
            panic!("{key} = {value} must be refused")
        };
        let message = err.to_string();
        assert!(message.contains(expected), "{key} = {value}: {message}");
        assert!(message.contains(checkpoint.to_str().unwrap()), "{message}");
    }

    // A batch size of 0 in the checkpoint is the checkpoint's fault, not --batch-size's.
    fs::write(&checkpoint, &pristine).unwrap();
    edit_metadata(&checkpoint, |meta| {
        let config = meta["config"].replace("\"batch_size\":16", "\"batch_size\":0");
        meta.insert("config".to_string(), config);
    });
    let ck = checkpoint.to_str().unwrap();
    let out = train(&dir, &["--resume", ck, "--epochs", "3"], &[]);
    let message = failed(&out, 1, &[ck, "batch_size 0"]);
    assert!(!message.contains("--batch-size"), "{message}");
    fs::remove_dir_all(&dir).unwrap();
}

// ----- Errors that come after the work -----

/// Output that cannot be written is status 1 (2 is for bad options), before anything trains.
#[test]
fn an_unusable_output_dir_fails_before_training() {
    let dir = temp_dir("unusable-out");
    fs::write(dir.join("a-file"), b"mine").unwrap();
    let before = snapshot(&dir);
    failed(
        &train(&dir, &["--out-dir", "a-file"], &[]),
        1,
        &["--out-dir a-file", "not a directory"],
    );
    failed(
        &train(&dir, &["--out-dir", "a-file/sub"], &[]),
        1,
        &["--out-dir a-file/sub", "cannot create"],
    );
    failed(
        &train(&dir, &["--out-dir", "/proc/foo"], &[]),
        1,
        &["--out-dir /proc/foo", "cannot create"],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.join("locked");
        fs::create_dir(&locked).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
        // A superuser writes anyway; the case is then not one.
        if fs::write(locked.join("probe"), b"").is_err() {
            failed(
                &train(&dir, &["--out-dir", "locked"], &[]),
                1,
                &["--out-dir locked", "cannot write"],
            );
            failed(
                &train(&dir, &["--out-dir", "locked/run"], &[]),
                1,
                &["--out-dir locked/run", "cannot create"],
            );
        } else {
            println!("skipped the read-only case: this user writes into a mode-555 directory");
            fs::remove_file(locked.join("probe")).unwrap();
        }
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        fs::remove_dir(&locked).unwrap();
    }
    assert_eq!(snapshot(&dir), before);
    fs::remove_dir_all(&dir).unwrap();
}
