//! The lab's page in a real browser: the built `lab` program is started on a free port and
//! Debian's headless Chromium, driven by playwright-core (`tools/browser/*.mjs`), loads the
//! page, moves a slider and checks the redrawn path against the server's JSON, loads a claim,
//! and trains a one-epoch MNIST run of a tiny network while its curve grows. Each test saves a
//! screenshot of its page: in `$LAB_SCREENSHOT_DIR` (the README's come from
//! `LAB_SCREENSHOT_DIR=docs/img`), else in the target's temporary folder.
//!
//! Skipped with a message when Chromium, node or `tools/browser/node_modules` is missing
//! (`npm ci` in tools/browser installs it), unless `LAB_BROWSER_REQUIRED=1`, as CI sets; the
//! MNIST page also needs real MNIST (`MNIST_REQUIRED=1`, as the other MNIST tests).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use common::program::{example_program, mnist_dir};

/// One browser test at a time: the timings of the surfaces page are not taken while the
/// other test trains.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether Chromium, node and playwright-core are here; panics under `LAB_BROWSER_REQUIRED=1`
/// when one is not.
fn browser_ready() -> bool {
    let chromium = std::env::var("LAB_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let modules = workspace()
        .join("tools/browser/node_modules/playwright-core")
        .exists();
    let missing: Vec<&str> = [
        (Path::new(&chromium).exists(), "chromium"),
        (node, "node"),
        (modules, "tools/browser/node_modules (npm ci)"),
    ]
    .into_iter()
    .filter(|(here, _)| !here)
    .map(|(_, what)| what)
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert_ne!(
        std::env::var("LAB_BROWSER_REQUIRED").as_deref(),
        Ok("1"),
        "LAB_BROWSER_REQUIRED=1 but missing: {}",
        missing.join(", ")
    );
    println!("skipped: the browser tests need {}", missing.join(", "));
    false
}

/// The `lab` program on a free port, ended when dropped.
struct Lab {
    child: Child,
    url: String,
}

impl Lab {
    fn start() -> Lab {
        let mut child = Command::new(example_program("lab"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("lab starts");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("a piped stdout"));
        stdout
            .read_line(&mut first)
            .expect("lab prints its address");
        let url = first
            .trim()
            .strip_prefix("lab: ")
            .expect("`lab: URL` first")
            .to_string();
        // The rest is read too: a closed pipe would end the program at its next line.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Lab { child, url }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = std::env::var_os("LAB_SCREENSHOT_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lab-screenshots"),
        PathBuf::from,
    );
    let dir = if dir.is_relative() {
        workspace().join(dir)
    } else {
        dir
    };
    std::fs::create_dir_all(&dir).expect("a folder for the screenshots");
    dir
}

/// Runs `tools/browser/<script>` against a new `lab`, printing what it checked and measured.
fn drive(script: &str, picture: &str) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let lab = Lab::start();
    let shots = screenshots();
    let out = Command::new("node")
        .arg(workspace().join("tools/browser").join(script))
        .args([lab.url.as_str(), &shots.to_string_lossy()])
        .output()
        .expect("node runs");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "{script} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let png = shots.join(picture);
    assert!(
        png.metadata().is_ok_and(|m| m.len() > 10_000),
        "{} was saved",
        png.display()
    );
    println!("screenshot: {}", png.display());
}

#[test]
fn surfaces_page_redraws_a_moved_slider_with_the_jsons_path() {
    if browser_ready() {
        drive("surfaces.mjs", "lab_surfaces.png");
    }
}

#[test]
fn mnist_page_streams_a_one_epoch_run() {
    if browser_ready() && mnist_dir().is_some() {
        drive("mnist.mjs", "lab_mnist.png");
    }
}
