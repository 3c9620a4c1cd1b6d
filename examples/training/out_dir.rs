//! Where a run writes its files: checked before any training, so that a directory that cannot
//! be used fails at once, and never over another run's files unless the user asks.

use std::fs::{self, File};
use std::path::Path;

use super::checkpoint::CHECKPOINT_FILE;

/// The files a run writes into its output directory after every epoch.
pub const RUN_FILES: [&str; 3] = ["metrics.csv", "metrics.json", CHECKPOINT_FILE];

/// Makes `dir` ready for a run's files: creates it, removes temporary files that killed runs
/// left there, and proves that a file can be written in it.
///
/// If `dir` already holds a run's files ([`RUN_FILES`]) they are replaced only when the run
/// continues them (`resume` is `dir`'s own checkpoint) or `overwrite` is set; otherwise the
/// earlier run would be lost without a word, so this refuses.
///
/// # Errors
/// A one-line message naming `--out-dir` and `dir`: not a directory, cannot be created or
/// written, or holds another run.
pub fn prepare_out_dir(dir: &Path, resume: Option<&Path>, overwrite: bool) -> Result<(), String> {
    let name = dir.display();
    create_out_dir(dir)?;
    // Best effort: a leftover only takes space, and the probe below finds real trouble.
    let _ignored = atomic_file::remove_stale_temporaries(dir);

    let present: Vec<&str> = (RUN_FILES.iter().copied())
        .filter(|file| dir.join(file).symlink_metadata().is_ok())
        .collect();
    if !present.is_empty() && !overwrite && !resume.is_some_and(|ck| holds_checkpoint(dir, ck)) {
        return Err(format!(
            "--out-dir {name} already holds a run ({}); pass --resume {} to continue it, \
             --overwrite to replace it, or another --out-dir",
            present.join(", "),
            dir.join(CHECKPOINT_FILE).display()
        ));
    }

    check_writable(dir)
}

/// Creates `dir` if needed and proves that files can be written in it, before any work whose
/// results would go there (`compare` writes its tables and plots only at the end).
///
/// # Errors
/// A one-line message naming `--out-dir` and `dir`: not a directory, cannot be created or
/// written.
pub fn writable_out_dir(dir: &Path) -> Result<(), String> {
    create_out_dir(dir)?;
    check_writable(dir)
}

fn create_out_dir(dir: &Path) -> Result<(), String> {
    let name = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(format!("--out-dir {name}: exists and is not a directory"));
    }
    fs::create_dir_all(dir).map_err(|e| format!("--out-dir {name}: cannot create it: {e}"))
}

fn check_writable(dir: &Path) -> Result<(), String> {
    let name = dir.display();
    let probe = atomic_file::temporary_path(&dir.join("write-test"))
        .expect("a file name joined to a directory names a file");
    File::create(&probe).map_err(|e| format!("--out-dir {name}: cannot write there: {e}"))?;
    fs::remove_file(&probe).map_err(|e| format!("--out-dir {name}: cannot remove files: {e}"))
}

/// Whether `checkpoint` is the one in `dir`, so writing there continues that run.
pub fn holds_checkpoint(dir: &Path, checkpoint: &Path) -> bool {
    match (
        fs::canonicalize(checkpoint),
        fs::canonicalize(dir.join(CHECKPOINT_FILE)),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The directory a resumed run writes to unless told otherwise: the checkpoint's own.
pub fn checkpoint_dir(checkpoint: &Path) -> &Path {
    match checkpoint.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}
