//! Running the built `train` program from a test: where it is, a scratch directory, its exit
//! status and one-line error, and a snapshot of the files a run must leave alone.
#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `train` program.
pub fn train_program() -> PathBuf {
    example_program("train")
}

/// A built example program: `cargo test` builds the examples next to the test binaries, in
/// `<target>/<profile>/examples/`.
pub fn example_program(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("tests run from <target>/<profile>/deps");
    let program = profile
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        program.exists(),
        "{} is not built: cargo test builds it (or cargo build --examples)",
        program.display()
    );
    program
}

/// The real MNIST directory, or `None` (with a message) when it is absent and not required.
pub fn mnist_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(data::DEFAULT_CACHE).join("mnist");
    let complete = data::Dataset::Mnist
        .files()
        .iter()
        .all(|spec| dir.join(spec.name).exists() || dir.join(format!("{}.gz", spec.name)).exists());
    if complete {
        return Some(dir);
    }
    assert_ne!(
        std::env::var("MNIST_REQUIRED").as_deref(),
        Ok("1"),
        "MNIST_REQUIRED=1 but {} lacks MNIST",
        dir.display()
    );
    println!("skipped: real MNIST not in {}", dir.display());
    None
}

/// A fresh, empty directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bad-inputs-train-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

/// Runs `train` in `cwd` with `args`, with neither `MNIST_DIR` nor `DATA_CACHE_DIR` inherited,
/// plus the variables in `env`.
pub fn train(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(train_program());
    command
        .current_dir(cwd)
        .args(args)
        .env_remove("MNIST_DIR")
        .env_remove("FASHION_MNIST_DIR")
        .env_remove("DATA_CACHE_DIR");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("train runs")
}

/// Checks that the run failed with `status` and one line on stderr that contains each of
/// `named`, and returns that line.
#[track_caller]
pub fn failed(output: &Output, status: i32, named: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(status),
        "stderr: {stderr}\nstdout: {stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for name in named {
        assert!(stderr.contains(name), "`{name}` not named: {stderr}");
    }
    assert!(
        !stdout.contains("epoch "),
        "nothing may train first: {stdout}"
    );
    stderr
}

/// Every file under `dir` (recursively, hidden ones too) with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                files.insert(entry.path(), fs::read(entry.path()).unwrap());
            } else {
                files.insert(entry.path(), Vec::new()); // a link: its presence
            }
        }
    }
    files
}

/// A process id that is certainly not running: a child that has exited and been waited for.
pub fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("`true` runs");
    let pid = child.id();
    child.wait().unwrap();
    pid
}
