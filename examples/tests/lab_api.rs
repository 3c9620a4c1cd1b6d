//! The lab's server (`lab::web`) asked over HTTP as its page asks, against the programs it
//! stands for: a path is byte for byte what `trajectories --json` prints; a bad value gets
//! the message `trajectories` or `train` prints for it; an MNIST run streams, stops on request
//! and when its page goes away, and ends with the numbers `train` gets for the same run.
//!
//! The MNIST tests need real MNIST in data/cache/mnist and are skipped with a message when it
//! is absent, unless `MNIST_REQUIRED=1`.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use common::program::{example_program, mnist_dir, temp_dir, train};
use lab::web::{spawn, Settings};
use serde_json::value::RawValue;
use serde_json::Value;

/// A new server on a free loopback port; its base URL.
fn server() -> String {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    let bound = spawn(addr, Settings::default()).expect("a free loopback port");
    format!("http://{bound}")
}

/// `(status, body)` of a request, whatever the status.
fn answer(result: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("the server answers: {e}"),
    };
    let status = response.status();
    (status, response.into_string().expect("a text body"))
}

fn get(url: &str) -> (u16, String) {
    answer(ureq::get(url).call())
}

fn query(params: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = (params.iter())
        .map(|(k, v)| format!("{k}={}", v.replace(',', "%2C")))
        .collect();
    pairs.join("&")
}

/// The words a user types for `params`: `--key value`, `--key` alone for a switch (`true`).
fn words(params: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in params {
        out.push(format!("--{}", k.replace('_', "-")));
        if *v != "true" {
            out.push(v.to_string());
        }
    }
    out
}

/// A refusal as a program prints it, without `error: `: its lines up to the first blank one.
fn message(stderr: &str) -> String {
    let lines: Vec<&str> = (stderr.lines())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let text = lines.join(" ");
    text.strip_prefix("error: ").unwrap_or(&text).to_string()
}

/// The program refused `params` with status 2, and `endpoint` refuses them with status 400 and
/// the program's message.
fn refused_alike(out: &std::process::Output, endpoint: &str, params: &[(&str, &str)]) {
    assert_eq!(out.status.code(), Some(2), "{params:?}");
    let printed = message(&String::from_utf8_lossy(&out.stderr));
    let (status, body) = get(&format!("{endpoint}?{}", query(params)));
    assert_eq!(status, 400, "{params:?}: {body}");
    let error: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        error["error"].as_str(),
        Some(printed.as_str()),
        "{params:?}"
    );
}

fn trajectories(params: &[(&str, &str)]) -> std::process::Output {
    let mut args = words(params);
    args.push("--json".into());
    let program = example_program("trajectories");
    Command::new(program)
        .args(&args)
        .output()
        .expect("trajectories runs")
}

const PATHS: [&[(&str, &str)]; 8] = [
    &[
        ("function", "beale"),
        ("optimizer", "adam"),
        ("steps", "500"),
        ("lr", "0.05"),
    ],
    &[
        ("function", "saddle"),
        ("optimizer", "sgd"),
        ("start", "-1,0.001"),
        ("steps", "50"),
    ],
    &[
        ("function", "rosenbrock"),
        ("optimizer", "nag"),
        ("form", "pytorch"),
        ("lr", "0.001"),
        ("momentum", "0.95"),
        ("steps", "2000"),
    ],
    &[
        ("function", "booth"),
        ("optimizer", "momentum"),
        ("noise", "3"),
        ("seed", "7"),
        ("steps", "300"),
        ("lr", "0.01"),
    ],
    &[
        ("function", "wells"),
        ("optimizer", "rmsprop"),
        ("start", "3,0.5"),
        ("gamma", "0.99"),
        ("eps", "1e-6"),
    ],
    &[
        ("function", "scaled-booth"),
        ("optimizer", "adadelta"),
        ("steps", "300"),
    ],
    &[
        ("function", "himmelblau"),
        ("optimizer", "adagrad"),
        ("lr", "0.5"),
        ("form", "pytorch"),
    ],
    &[
        ("function", "bowl"),
        ("optimizer", "adamw"),
        ("lr", "0.1"),
        ("beta2", "0.99"),
        ("eps_inside_sqrt", "true"),
    ],
];

#[test]
fn a_path_is_byte_for_byte_what_trajectories_json_prints() {
    let base = server();
    let mut expected = Vec::new();
    for params in PATHS {
        let out = trajectories(params);
        assert!(
            out.status.success(),
            "{params:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = String::from_utf8(out.stdout).expect("JSON is UTF-8");
        let printed = printed.strip_suffix('\n').expect("one line").to_string();
        let (status, body) = get(&format!("{base}/api/trajectory?{}", query(params)));
        assert_eq!(status, 200, "{params:?}: {body}");
        assert_eq!(body, printed, "{params:?}");
        expected.push(printed);
    }
    // The race, as the page asks for it: each path's JSON, unchanged, in order.
    let runs: Vec<Value> = (PATHS.iter())
        .map(|p| {
            Value::Object(
                p.iter()
                    .map(|(k, v)| (k.to_string(), Value::from(*v)))
                    .collect(),
            )
        })
        .collect();
    let request = serde_json::json!({ "common": {}, "runs": runs }).to_string();
    let url = format!("{base}/api/paths");
    let post = ureq::post(&url).set("Content-Type", "application/json");
    let (status, body) = answer(post.send_string(&request));
    assert_eq!(status, 200, "{body}");
    let race: BTreeMap<&str, &RawValue> = serde_json::from_str(&body).expect("a JSON object");
    let paths: Vec<&RawValue> = serde_json::from_str(race["paths"].get()).expect("a list");
    let paths: Vec<&str> = paths.iter().map(|p| p.get()).collect();
    assert_eq!(paths, expected);
}

#[test]
fn bad_path_settings_get_the_messages_of_trajectories() {
    let base = server();
    let cases: [&[(&str, &str)]; 14] = [
        &[
            ("function", "beale"),
            ("optimizer", "adam"),
            ("steps", "200000"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "adam"),
            ("steps", "abc"),
        ],
        &[("function", "beale"), ("optimizer", "sgd"), ("lr", "-1")],
        &[
            ("function", "beale"),
            ("optimizer", "sgd"),
            ("beta1", "0.9"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "adam"),
            ("beta1", "1.5"),
        ],
        &[("function", "beale"), ("optimizer", "lion")],
        &[("function", "nope"), ("optimizer", "adam")],
        &[
            ("function", "beale"),
            ("optimizer", "adam"),
            ("start", "1,x"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "adam"),
            ("noise", "-1"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "adadelta"),
            ("lr", "0.1"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "momentum"),
            ("form", "keras"),
        ],
        &[
            ("function", "beale"),
            ("optimizer", "sgd"),
            ("form", "pytorch"),
        ],
        &[("function", "beale"), ("optimizer", "adam"), ("seed", "3")],
        &[("optimizer", "adam")],
    ];
    for params in cases {
        let out = trajectories(params);
        refused_alike(&out, &format!("{base}/api/trajectory"), params);
    }
    // A path that diverges: the program's status 1 and message, and the path up to there.
    let far = [("function", "beale"), ("optimizer", "sgd"), ("lr", "10")];
    let out = trajectories(&far);
    assert_eq!(out.status.code(), Some(1));
    let (status, body) = get(&format!("{base}/api/trajectory?{}", query(&far)));
    let error: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(status, 422);
    assert_eq!(
        error["error"].as_str(),
        Some(message(&String::from_utf8_lossy(&out.stderr)).as_str())
    );
    assert!(error["partial"]["points"]
        .as_array()
        .is_some_and(|p| !p.is_empty()));
    // What the command line has but the lab does not take: no file is ever written.
    let target = std::env::temp_dir().join(format!("lab-api-out-{}.png", std::process::id()));
    let out_param = target.to_string_lossy().into_owned();
    let (status, body) = get(&format!(
        "{base}/api/trajectory?function=beale&optimizer=adam&out={out_param}"
    ));
    assert_eq!(status, 400);
    assert!(
        body.contains("`out` is not a setting the lab takes"),
        "{body}"
    );
    assert!(!target.exists());
}

#[test]
fn bad_run_settings_get_the_messages_of_train_and_the_caps_are_named() {
    let base = server();
    let cwd = temp_dir("lab-api");
    let cases: [&[(&str, &str)]; 8] = [
        &[("optimizer", "adam"), ("lr", "-1")],
        &[("optimizer", "adam"), ("hidden", "0")],
        &[("optimizer", "adam"), ("hidden", "abc")],
        &[("optimizer", "adam"), ("batch_size", "0")],
        &[("optimizer", "adam"), ("schedule", "bogus")],
        &[("optimizer", "sgd"), ("beta1", "0.9")],
        &[("optimizer", "adam"), ("epochs", "0")],
        &[("optimizer", "adadelta"), ("schedule", "cosine")],
    ];
    for params in cases {
        let out = train(
            &cwd,
            &words(params).iter().map(String::as_str).collect::<Vec<_>>(),
            &[],
        );
        refused_alike(&out, &format!("{base}/api/mnist/run"), params);
    }
    let caps: [(&[(&str, &str)], &str); 4] = [
        (&[("epochs", "4")], "--epochs 4"),
        (&[("hidden", "1024")], "--hidden 1024"),
        (&[("hidden", "64,64,64")], "--hidden 64,64,64"),
        (&[("batch_size", "16")], "--batch-size 16"),
    ];
    for (params, named) in caps {
        let (status, body) = get(&format!("{base}/api/mnist/run?{}", query(params)));
        assert_eq!(status, 400, "{params:?}");
        assert!(
            body.contains(named) && body.contains("beyond the lab's caps"),
            "{body}"
        );
    }
    let (_, runs) = get(&format!("{base}/api/mnist/runs"));
    assert!(runs.contains("at most 3 epochs"), "{runs}");
    let _ = std::fs::remove_dir_all(cwd);
}

/// A run's event stream: `(event, data)` pairs, read as they come.
struct Events(BufReader<Box<dyn Read + Send + Sync>>);

impl Events {
    fn start(base: &str, params: &[(&str, &str)]) -> Events {
        let response = ureq::get(&format!("{base}/api/mnist/run?{}", query(params)))
            .call()
            .expect("the run starts");
        Events(BufReader::new(response.into_reader()))
    }

    fn next(&mut self) -> (String, Value) {
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            assert!(
                self.0.read_line(&mut line).expect("the stream reads") > 0,
                "the stream ended"
            );
            let line = line.trim_end();
            if let Some(e) = line.strip_prefix("event:") {
                event = e.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                data = d.trim().to_string();
            } else if line.is_empty() && !data.is_empty() {
                return (event, serde_json::from_str(&data).expect("JSON data"));
            }
        }
    }

    fn until(&mut self, name: &str) -> Value {
        loop {
            let (event, data) = self.next();
            if event == name {
                return data;
            }
        }
    }
}

fn kept_run(base: &str, id: u64) -> Value {
    let (_, body) = get(&format!("{base}/api/mnist/runs"));
    let runs: Value = serde_json::from_str(&body).expect("JSON");
    let run = runs["runs"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == id).cloned());
    run.unwrap_or(Value::Null)
}

const LONG_RUN: [(&str, &str); 4] = [
    ("optimizer", "momentum"),
    ("hidden", "64"),
    ("epochs", "3"),
    ("batch_size", "32"),
];

#[test]
fn a_run_streams_its_loss_and_stops_on_request_one_at_a_time() {
    if mnist_dir().is_none() {
        return;
    }
    let base = server();
    let mut events = Events::start(&base, &LONG_RUN);
    let start = events.until("start");
    let id = start["id"].as_u64().expect("a run number");
    let first = events.until("step");
    let second = events.until("step");
    assert!(second["step"].as_u64() > first["step"].as_u64() && first["loss"].as_f64().is_some());
    // A second start while it runs is refused with a message.
    let (status, body) = get(&format!("{base}/api/mnist/run?optimizer=adam"));
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("one MNIST run at a time"), "{body}");
    let (status, _) = answer(ureq::post(&format!("{base}/api/mnist/stop")).call());
    assert_eq!(status, 200);
    let end = events.until("end");
    assert_eq!(
        (end["id"].as_u64(), end["status"].as_str()),
        (Some(id), Some("stopped")),
        "{end}"
    );
    let run = kept_run(&base, id);
    assert_eq!(run["status"], "stopped");
    let (status, csv) = get(&format!("{base}/api/mnist/runs/{id}/steps.csv"));
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("step,epoch,loss,running_loss,lr\n20,1,") && csv.lines().count() >= 3,
        "{csv}"
    );
    // The server takes the next run.
    let mut again = Events::start(&base, &LONG_RUN);
    again.until("step");
    let _ = ureq::post(&format!("{base}/api/mnist/stop")).call();
    assert_eq!(again.until("end")["status"], "stopped");
}

#[test]
fn a_run_stops_when_its_page_goes_away() {
    if mnist_dir().is_none() {
        return;
    }
    let base = server();
    let mut events = Events::start(&base, &LONG_RUN);
    let id = events.until("start")["id"].as_u64().expect("a run number");
    let step = events.until("step")["step"].as_u64().expect("a step");
    drop(events); // the tab is closed: the connection goes
    let waited = Instant::now();
    while kept_run(&base, id).is_null() {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the run went on without its page"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let run = kept_run(&base, id);
    assert_eq!(run["status"], "stopped", "{run}");
    assert!(run["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("stopped on request")));
    let last = run["steps"]
        .as_array()
        .and_then(|s| s.last())
        .map(|s| s["step"].as_u64());
    assert!(
        last.flatten() >= Some(step) && run["epochs"].as_array().is_some_and(Vec::is_empty),
        "{run}"
    );
}

#[test]
fn a_finished_run_has_the_numbers_train_gets_for_it() {
    if mnist_dir().is_none() {
        return;
    }
    let base = server();
    let params = [
        ("optimizer", "adam"),
        ("hidden", "32"),
        ("epochs", "1"),
        ("batch_size", "128"),
        ("seed", "3"),
    ];
    let mut events = Events::start(&base, &params);
    let id = events.until("start")["id"].as_u64().expect("a run number");
    let epoch = events.until("epoch");
    assert_eq!(events.until("end")["status"], "finished");
    assert!(
        epoch["val_accuracy"].as_f64().is_some_and(|a| a > 0.85),
        "{epoch}"
    );
    let (_, lab_csv) = get(&format!("{base}/api/mnist/runs/{id}/metrics.csv"));
    // The same run by `train`: the same metrics.csv but for the seconds.
    let cwd = temp_dir("lab-api-train");
    let mut args = words(&params);
    args.extend(["--val-split", "5000", "--out-dir", "run"].map(String::from));
    let out = train(
        &cwd,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let train_csv =
        std::fs::read_to_string(cwd.join("run/metrics.csv")).expect("train wrote metrics.csv");
    let without_seconds = |csv: &str| -> Vec<Vec<String>> {
        let rows = csv
            .lines()
            .map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
        rows.map(|mut r| {
            r.remove(7); // seconds
            r
        })
        .collect()
    };
    assert_eq!(without_seconds(&lab_csv), without_seconds(&train_csv));
    let _ = std::fs::remove_dir_all(cwd);
}

#[test]
fn a_request_naming_another_site_is_refused() {
    let base = server();
    let url = format!("{base}/api/surfaces");
    let (status, body) = answer(ureq::get(&url).set("Host", "attacker.example").call());
    assert_eq!(status, 403, "{body}");
    let stop = format!("{base}/api/mnist/stop");
    let from = ureq::post(&stop).set("Origin", "http://attacker.example");
    let (status, body) = answer(from.call());
    assert_eq!(status, 403, "{body}");
    assert_eq!(get(&url).0, 200);
}

#[test]
fn the_program_prints_its_address_first_and_warns_off_loopback() {
    use std::process::Stdio;
    let mut lab = Command::new(example_program("lab"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lab starts");
    let mut first = String::new();
    let stdout = lab.stdout.take().expect("piped");
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    let _ = lab.kill();
    let out = lab.wait_with_output().expect("lab ends");
    assert!(first.starts_with("lab: http://127.0.0.1:"), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: --host 0.0.0.0 is not a loopback address"),
        "{stderr}"
    );
}
