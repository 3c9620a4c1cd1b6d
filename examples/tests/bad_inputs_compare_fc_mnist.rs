//! `compare` with an output directory it cannot use fails at once (status 1), before any data is
//! read or any optimizer trains, with one line naming `--out-dir` and the path, and the file in
//! the way is left as it was; `fc_mnist` without its data ends in one line naming the directory, not a
//! panic or a debug dump.

mod common;

use std::fs;
use std::process::Command;

use common::program::{example_program, temp_dir};

#[test]
fn an_unusable_out_dir_fails_before_any_training() {
    let dir = temp_dir("compare-out-dir");
    let in_the_way = dir.join("results");
    fs::write(&in_the_way, b"the user's own file").unwrap();
    let output = Command::new(example_program("compare"))
        .current_dir(&dir)
        .args(["--out-dir", "results", "--epochs", "1", "--seeds", "1"])
        .env("MNIST_DIR", dir.join("no-data-here")) // any data access would fail differently
        .output()
        .expect("compare runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "unusable output is status 1: {stderr}"
    );
    assert_eq!(
        stderr.trim_end(),
        "error: --out-dir results: exists and is not a directory"
    );
    assert!(output.stdout.is_empty(), "nothing ran first");
    assert_eq!(fs::read(&in_the_way).unwrap(), b"the user's own file");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fc_mnist_without_its_data_ends_in_one_line_naming_the_directory() {
    let dir = temp_dir("fc-mnist-no-data");
    let output = Command::new(example_program("fc_mnist"))
        .current_dir(&dir)
        .env("MNIST_DIR", dir.join("no-such-dir"))
        .output()
        .expect("fc_mnist runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: data directory "), "{stderr}");
    assert!(stderr.contains("no-such-dir"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("epoch 1"), "nothing trained: {stdout}");
    fs::remove_dir_all(&dir).unwrap();
}
