//! The benchmark program as a user runs it: an interrupted run continues where it stopped, a
//! folder of another plan is refused, a damaged result is named and run again, `plan` + the
//! trials' commands + `report` give what one `run` gives, and bad options stop it before any
//! work. The plan is small and on the quadratic, which needs no data.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::program::{example_program, failed, temp_dir};

/// A small plan: 3 optimizers × (4 grid values + 3 seeds × 2) = 30 trials of the quadratic.
const SMALL: [&str; 12] = [
    "--quick",
    "--problems",
    "quadratic_deep",
    "--optimizers",
    "sgd,momentum,adam",
    "--trials",
    "4",
    "--span",
    "-1,1",
    "--seeds",
    "3",
    "--jobs",
];

fn benchmark(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(example_program("benchmark"));
    command
        .current_dir(cwd)
        .args(args)
        .env("MNIST_DIR", cwd.join("no-data-here"))
        .env("FASHION_MNIST_DIR", cwd.join("no-data-here"))
        .env_remove("DATA_CACHE_DIR")
        .env_remove("AUTOGRAD_THREADS");
    command
}

fn small(cwd: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = SMALL.to_vec();
    args.push("2");
    args.extend(extra);
    let output = benchmark(cwd, &args).output().expect("benchmark runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The result files under `dir/results`, by path, with their bytes.
fn results(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.join("results")];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string();
                files.push((name, fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// `trials.csv` without the columns of measured time, which differ from run to run.
fn trials_without_times(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join("trials.csv")).expect("trials.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !["target_seconds", "seconds"].contains(&header[i]))
        .collect();
    text.lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            keep.iter().map(|&i| cells[i]).collect::<Vec<_>>().join(",")
        })
        .collect()
}

/// `report.md` without what depends on the clock or the folder: the line of the machine and
/// the total time, the seconds-to-target column, the folder's name.
fn report_without_times(dir: &Path) -> String {
    let text = fs::read_to_string(dir.join("report.md")).expect("report.md");
    let mut seconds_column = None;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("Ran on ") {
            continue;
        }
        let mut cells: Vec<&str> = line.split('|').collect();
        if let Some(i) = cells.iter().position(|c| c.trim() == "seconds to target") {
            seconds_column = Some(i);
        } else if !line.starts_with('|') {
            seconds_column = None;
        }
        if let Some(i) = seconds_column.filter(|&i| i < cells.len()) {
            cells.remove(i);
        }
        out += &cells.join("|").replace(&dir.display().to_string(), "DIR");
        out.push('\n');
    }
    out
}

#[test]
fn an_interrupted_benchmark_continues_where_it_stopped() {
    let cwd = temp_dir("benchmark-resume");
    let mut args: Vec<&str> = SMALL.to_vec();
    args.extend(["1", "--out-dir", "bench"]);
    let mut child = benchmark(&cwd, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed after its tenth trial, without warning: as by a power cut or Ctrl-C.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let finished = lines
        .by_ref()
        .map_while(Result::ok)
        .filter(|l| l.starts_with('['))
        .take(10)
        .count();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(finished, 10);
    let before = results(&cwd.join("bench"));
    assert!(
        (10..30).contains(&before.len()),
        "{} results after the kill",
        before.len()
    );

    let again = small(&cwd, &["--out-dir", "bench"]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    let after = results(&cwd.join("bench"));
    assert_eq!(after.len(), 30, "{stdout}");
    // What was finished was not run again: its files are untouched, and the run says so.
    for (name, bytes) in &before {
        let now = after.iter().find(|(n, _)| n == name).expect("kept");
        assert!(&now.1 == bytes, "{name} was rewritten");
    }
    assert!(
        stdout.contains(&format!("{} trials were already done", before.len())),
        "{stdout}"
    );
    let ran = stdout.lines().filter(|l| l.starts_with('[')).count();
    assert_eq!(ran, 30 - before.len(), "{stdout}");

    // A third run has nothing left to do, and the same report.
    let report = report_without_times(&cwd.join("bench"));
    let third = small(&cwd, &["--out-dir", "bench"]);
    assert!(String::from_utf8_lossy(&third.stdout).contains("30 trials were already done"));
    assert_eq!(report_without_times(&cwd.join("bench")), report);
}

#[test]
fn plan_then_each_trial_then_report_gives_what_one_run_gives() {
    let cwd = temp_dir("benchmark-plan");
    small(&cwd, &["--out-dir", "one"]);

    let mut args: Vec<&str> = SMALL[..SMALL.len() - 1].to_vec();
    args.insert(0, "plan");
    args.extend(["--out-dir", "many"]);
    for phase in ["tune", "final"] {
        let mut with_phase = args.clone();
        with_phase.extend(["--phase", phase]);
        let plan = benchmark(&cwd, &with_phase).output().unwrap();
        assert!(
            plan.status.success(),
            "{}",
            String::from_utf8_lossy(&plan.stderr)
        );
        let commands = String::from_utf8(plan.stdout).unwrap();
        let count = commands.lines().count();
        assert_eq!(count, if phase == "tune" { 12 } else { 18 }, "{commands}");
        // Each command on its own, as a scheduler runs them (here in reverse order).
        for command in commands.lines().rev() {
            let status = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(&cwd)
                .output()
                .unwrap();
            assert!(
                status.status.success(),
                "{command}: {}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
    }
    let report = benchmark(&cwd, &["report", "many"]).output().unwrap();
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );

    assert_eq!(
        trials_without_times(&cwd.join("many")),
        trials_without_times(&cwd.join("one"))
    );
    assert_eq!(
        report_without_times(&cwd.join("many")),
        report_without_times(&cwd.join("one"))
    );
    assert!(fs::read_to_string(cwd.join("one/report.md"))
        .unwrap()
        .contains("Every trial of the plan has its result."));
}

#[test]
fn a_final_trial_before_its_tuning_names_what_is_missing() {
    let cwd = temp_dir("benchmark-early");
    let mut args: Vec<&str> = SMALL[..SMALL.len() - 1].to_vec();
    args.insert(0, "plan");
    args.extend(["--out-dir", "bench", "--phase", "final"]);
    let plan = benchmark(&cwd, &args).output().unwrap();
    let first = String::from_utf8(plan.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let output = Command::new("sh")
        .arg("-c")
        .arg(&first)
        .current_dir(&cwd)
        .output()
        .unwrap();
    failed(
        &output,
        1,
        &[
            "quadratic_deep/sgd",
            "4 of its 4 tuning trials have no result yet",
        ],
    );
    let unknown = benchmark(&cwd, &["trial", "bench", "quadratic_deep/final-sgd-s99"])
        .output()
        .unwrap();
    failed(
        &unknown,
        2,
        &["no trial `quadratic_deep/final-sgd-s99`", "benchmark plan"],
    );
}

#[test]
fn a_folder_of_another_plan_is_refused_and_a_damaged_result_named() {
    let cwd = temp_dir("benchmark-foreign");
    small(&cwd, &["--out-dir", "bench"]);
    let before = results(&cwd.join("bench"));

    // Another number of seeds is another plan: refused before anything runs.
    let mut args: Vec<&str> = SMALL.to_vec();
    args.extend(["2", "--out-dir", "bench"]);
    args[10] = "4";
    let output = benchmark(&cwd, &args).output().unwrap();
    failed(
        &output,
        2,
        &[
            "bench",
            "holds the results of another plan",
            "another --out-dir",
        ],
    );
    assert!(results(&cwd.join("bench")) == before, "the folder changed");

    // A result cut short is named, left out of the report, and its trial run again.
    let damaged = cwd.join("bench/results/quadratic_deep/final-adam-s2.json");
    let bytes = fs::read(&damaged).unwrap();
    fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let report = benchmark(&cwd, &["report", "bench"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&report.stdout);
    assert!(
        stdout.contains("left out: ") && stdout.contains("final-adam-s2.json"),
        "{stdout}"
    );
    let md = fs::read_to_string(cwd.join("bench/report.md")).unwrap();
    assert!(
        md.contains("**Incomplete: 1 of 30 trials have no result**"),
        "{md}"
    );
    assert!(
        md.contains("left out, damaged:") && md.contains("final-adam-s2.json"),
        "{md}"
    );

    let again = small(&cwd, &["--out-dir", "bench"]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("final-adam-s2.json: does not read as a trial's result"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with('[')).count(),
        1,
        "{stdout}"
    );
    let after = results(&cwd.join("bench"));
    let names =
        |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&before));
    // The trial gives the same result again, all but its measured times.
    let without_times = |bytes: &[u8]| {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        value["seconds"] = serde_json::Value::Null;
        value["target_seconds"] = serde_json::Value::Null;
        value
    };
    let redone = |files: &[(String, Vec<u8>)]| {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n.ends_with("final-adam-s2.json"))
            .unwrap();
        without_times(bytes)
    };
    assert_eq!(redone(&after), redone(&before));
}

#[test]
fn bad_options_stop_it_before_any_work() {
    let cwd = temp_dir("benchmark-bad");
    let cases: [(&[&str], &[&str]); 10] = [
        (
            &["--problems", "cifar10"],
            &["unknown problem `cifar10`", "mnist_mlp"],
        ),
        (
            &["--optimizers", "sgd,lion"],
            &["unknown optimizer `lion`", "adam"],
        ),
        (
            &["--optimizers", "adam,adam"],
            &["--optimizers", "`adam` is named twice"],
        ),
        (&["--span", "2,-2"], &["--span", "inverted"]),
        (&["--span", "1,1"], &["--span 1,1 is empty"]),
        (&["--span", "1"], &["--span", "LOW,HIGH"]),
        (&["--trials", "0"], &["--trials", "0"]),
        (&["--seeds", "0"], &["--seeds", "0"]),
        (&["--jobs", "0"], &["--jobs", "0"]),
        (&["--tuning-seeds", "0"], &["--tuning-seeds", "0"]),
    ];
    for (args, named) in cases {
        let mut all = vec!["--out-dir", "bench"];
        all.extend(args);
        let output = benchmark(&cwd, &all).output().unwrap();
        // The error is the first line (clap adds a pointer to --help below its own).
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(first.starts_with("error: "), "{args:?}: {stderr}");
        for name in named {
            assert!(
                first.contains(name),
                "{args:?}: `{name}` not named: {stderr}"
            );
        }
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!cwd.join("bench").exists(), "{args:?} created the folder");
    }
    let output = benchmark(&cwd, &["report", "nothing-here"])
        .output()
        .unwrap();
    failed(
        &output,
        2,
        &["nothing-here", "not a benchmark's results folder"],
    );
}
