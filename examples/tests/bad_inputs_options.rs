//! The programs given options they must refuse, settings they must not ignore, and outputs
//! they cannot write: each case runs the built program and checks the exit status, the
//! `error:` line naming the culprit (no panic, no abort, no debug dump), and that no file the
//! user had was changed.
//!
//! Every case is refused before any data is read, except `train` and `compare` writing to
//! `/dev/full`, which need the real MNIST (the cache `data/cache/mnist`) and are skipped with a
//! message when it is absent, unless `MNIST_REQUIRED=1`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::program::example_program as program;

/// A directory holding files of the user's that every run must leave as they were: earlier
/// outputs of each program in their default places, and a file named like a bad `--out`.
fn user_dir(name: &str) -> PathBuf {
    // Tests run in parallel: each run gets a directory of its own.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("bad-options-{name}-{}-{run}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (file, text) in [
        ("runs/train/metrics.csv", "the user's metrics"),
        ("runs/compare/summary.csv", "the user's summary"),
        ("runs/trajectories/beale_adam.png", "the user's picture"),
        ("runs/tour/expr.dot", "the user's graph"),
        ("picture", "the user's file named like a bad --out"),
    ] {
        let path = dir.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// Every file under `dir` (recursively, hidden ones too) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.insert(entry.path(), fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    files
}

/// How stdout is connected.
enum Stdout {
    Captured,
    DevFull,
}

/// Runs `name` with `args` and `env` in a fresh [`user_dir`], checks that it failed with
/// `status`, that stderr's first line is an `error:` naming each of `named` and that nothing
/// else went wrong (no panic, no abort, no other error line), and that the user's files are
/// untouched. Returns the error line.
#[track_caller]
fn refused(
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
    stdout: Stdout,
    status: i32,
    named: &[&str],
) -> String {
    let dir = user_dir(name);
    let before = snapshot(&dir);
    let mut command = Command::new(program(name));
    command
        .current_dir(&dir)
        .args(args)
        .env_remove("AUTOGRAD_THREADS");
    for (key, value) in env {
        command.env(key, value);
    }
    if let Stdout::DevFull = stdout {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists on Linux");
        command.stdout(Stdio::from(full));
    }
    let output: Output = command.output().expect("the program runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let call = format!("{name} {}", args.join(" "));
    assert_eq!(output.status.code(), Some(status), "{call}: {stderr}");
    let first = stderr.lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("error: "), "{call}: {stderr}");
    for culprit in named {
        assert!(
            first.contains(culprit),
            "{call}: `{culprit}` not named: {first}"
        );
    }
    // clap follows its error line with a usage hint; nothing else may follow.
    for line in stderr.lines().skip(1) {
        assert!(
            line.is_empty() || line.starts_with("Usage:") || line.starts_with("For more"),
            "{call}: more than one error line: {stderr}"
        );
    }
    for debug in ["panicked", "Os {", "Error(", "{ code"] {
        assert!(!stderr.contains(debug), "{call}: {stderr}");
    }
    assert_eq!(snapshot(&dir), before, "{call} changed the user's files");
    fs::remove_dir_all(&dir).unwrap();
    first
}

/// [`refused`] with stdout captured and no extra environment.
#[track_caller]
fn refused_plain(name: &str, args: &[&str], status: i32, named: &[&str]) -> String {
    refused(name, args, &[], Stdout::Captured, status, named)
}

#[test]
fn an_option_the_optimizer_does_not_take_is_refused_naming_it() {
    let line = refused_plain(
        "train",
        &["--optimizer", "sgd", "--beta1", "1.5", "--eps", "-3"],
        2,
        &["--beta1", "sgd"],
    );
    assert_eq!(
        line,
        "error: --beta1: does not apply to --optimizer sgd (it takes --lr, --weight-decay)"
    );
    refused_plain("train", &["--momentum", "-1"], 2, &["--momentum", "adam"]);
    refused_plain(
        "train",
        &["--optimizer", "rmsprop", "--beta2", "0.9"],
        2,
        &["--beta2", "rmsprop"],
    );
    refused_plain(
        "trajectories",
        &[
            "--function",
            "beale",
            "--optimizer",
            "sgd",
            "--momentum",
            "0.5",
        ],
        2,
        &["--momentum", "sgd"],
    );
}

#[test]
fn a_value_out_of_range_is_refused_before_the_data_is_read() {
    refused_plain(
        "train",
        &["--optimizer", "momentum", "--momentum", "1.5"],
        2,
        &["--momentum", "1.5"],
    );
    let line = refused_plain("train", &["--init", "normal:-1"], 2, &["normal:-1"]);
    assert!(line.contains("standard deviation -1"), "{line}");
    assert!(!line.contains("unknown initializer"), "{line}");
}

#[test]
fn compare_refuses_a_target_that_is_no_accuracy() {
    for target in ["2", "nan", "-0.5"] {
        refused_plain("compare", &["--target", target], 2, &["--target", target]);
    }
}

#[test]
fn compare_refuses_a_rate_for_an_optimizer_it_does_not_run() {
    let line = refused_plain(
        "compare",
        &["--optimizers", "sgd,momentum", "--lr", "adam=0.01"],
        2,
        &["--lr adam=0.01"],
    );
    assert_eq!(
        line,
        "error: --lr adam=0.01: adam is not among --optimizers (sgd,momentum)"
    );
    refused_plain(
        "compare",
        &["--optimizers", "sgd", "--lr", "sgd=0.1,sgd=0.2"],
        2,
        &["--lr", "sgd", "two rates"],
    );
    refused_plain(
        "compare",
        &["--optimizers", "sgd", "--lr", "sgd=-1"],
        2,
        &["--lr", "-1"],
    );
}

#[test]
fn compare_refuses_an_optimizer_listed_twice() {
    refused_plain(
        "compare",
        &["--optimizers", "sgd,adam,SGD"],
        2,
        &["--optimizers", "sgd is listed twice"],
    );
    // An alias is the same optimizer.
    refused_plain(
        "compare",
        &["--optimizers", "nag,nesterov"],
        2,
        &["nesterov is listed twice"],
    );
}

#[test]
fn a_bad_thread_count_stops_every_program() {
    for name in ["train", "compare", "trajectories", "autograd_tour"] {
        let args: &[&str] = if name == "trajectories" {
            &["--function", "beale", "--optimizer", "adam", "--json"]
        } else {
            &[]
        };
        refused(
            name,
            args,
            &[("AUTOGRAD_THREADS", "abc")],
            Stdout::Captured,
            2,
            &["AUTOGRAD_THREADS", "abc"],
        );
    }
}

#[test]
fn the_tour_refuses_an_unknown_option() {
    refused_plain("autograd_tour", &["--bogus"], 2, &["--bogus"]);
}

#[test]
fn a_network_too_big_for_memory_is_refused_before_allocating() {
    for name in ["train", "compare"] {
        let line = refused_plain(
            name,
            &["--hidden", "100000000000"],
            2,
            &["--hidden 100000000000"],
        );
        assert!(line.contains("784-100000000000-10"), "{line}");
    }
    // A batch too big for memory names --batch-size; a batch of 0 is refused as well.
    refused_plain(
        "train",
        &["--batch-size", "1000000000000"],
        2,
        &["--batch-size 1000000000000", "784-512-512-10"],
    );
    refused_plain(
        "compare",
        &["--batch-size", "0"],
        2,
        &["--batch-size", "`0`"],
    );
    // Sizes whose product overflows are refused the same way.
    refused_plain(
        "train",
        &["--hidden", "18446744073709551615,18446744073709551615"],
        2,
        &["--hidden", "more than any machine can address"],
    );
}

#[test]
fn trajectories_caps_the_steps() {
    refused_plain(
        "trajectories",
        &[
            "--function",
            "beale",
            "--optimizer",
            "adam",
            "--steps",
            "10000000",
        ],
        2,
        &["--steps", "10000000", "at most 100000"],
    );
}

#[test]
fn trajectories_names_a_bad_picture_path_in_plain_words() {
    // No known extension, and a file of the user's already there: refused, not overwritten.
    let line = refused_plain(
        "trajectories",
        &[
            "--function",
            "beale",
            "--optimizer",
            "adam",
            "--out",
            "picture",
        ],
        1,
        &["--out picture", ".png"],
    );
    assert!(!line.contains("ImageError"), "{line}");
    // A folder where no file can be created (Linux's /proc takes none).
    if cfg!(target_os = "linux") {
        refused_plain(
            "trajectories",
            &[
                "--function",
                "beale",
                "--optimizer",
                "adam",
                "--out",
                "/proc/x.png",
            ],
            1,
            &["--out /proc/x.png", "cannot create a file in /proc"],
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_one_error_line_not_a_panic() {
    let full = |name: &str, args: &[&str]| {
        refused(
            name,
            args,
            &[],
            Stdout::DevFull,
            1,
            &["cannot write to standard output", "No space left on device"],
        )
    };
    full("autograd_tour", &[]);
    // Help text too: clap alone would end with status 0 and nothing written.
    for name in ["train", "compare", "trajectories", "autograd_tour"] {
        full(name, &["--help"]);
    }
    full(
        "trajectories",
        &["--function", "beale", "--optimizer", "adam", "--json"],
    );
    match mnist_dir() {
        Some(dir) => {
            full("train", &["--fetch-only", "--data-dir", &dir]);
            // The header is printed once the data is read, before any training.
            full("compare", &["--data-dir", &dir, "--hidden", "8"]);
        }
        None => {
            println!("skipped train and compare > /dev/full: real MNIST not in data/cache/mnist")
        }
    }
}

/// The real MNIST directory as an absolute path, or `None` when it is absent and not required.
fn mnist_dir() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/cache/mnist");
    let complete = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]
        .iter()
        .chain(&["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
        .all(|name| dir.join(name).exists() || dir.join(format!("{name}.gz")).exists());
    if complete {
        return Some(dir.to_string_lossy().into_owned());
    }
    assert_ne!(
        std::env::var("MNIST_REQUIRED").as_deref(),
        Ok("1"),
        "MNIST_REQUIRED=1 but {} lacks MNIST",
        dir.display()
    );
    None
}
