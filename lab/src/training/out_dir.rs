//! Where a run writes its files: checked before any training, so that a directory that cannot
//! be used fails at once, held while the program runs, and never written over another run's
//! files unless the user asks.

use std::fs::{self, File};
use std::path::Path;

use super::checkpoint::CHECKPOINT_FILE;
use super::outputs::MODEL_FILE;

/// An output directory held by this process: a second program asking for it is refused until
/// this value is dropped (or the process ends, however it ends).
#[derive(Debug)]
pub struct OutDirLock {
    _held: File,
}

/// Takes `dir` for this process: creates it if needed and holds an advisory lock on it, so
/// that two programs never write into one folder at the same time (their files would replace
/// each other's, and each would report success).
///
/// The lock is the operating system's (`flock`, through `fs4`) on the directory itself, so it
/// leaves no file behind and dies with the process; elsewhere than Unix it is held on a
/// `.lock` file inside `dir`.
///
/// # Errors
/// A one-line message naming `option` and `dir`: not a directory, cannot be created, or held by
/// another running program.
pub fn lock_out_dir(option: &str, dir: &Path) -> Result<OutDirLock, String> {
    create_out_dir(option, dir)?;
    let name = dir.display();
    let cannot = |e: std::io::Error| format!("{option} {name}: cannot lock it: {e}");
    #[cfg(unix)]
    let held = File::open(dir).map_err(cannot)?;
    #[cfg(not(unix))]
    let held = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".lock"))
        .map_err(cannot)?;
    match fs4::FileExt::try_lock(&held) {
        Ok(()) => Ok(OutDirLock { _held: held }),
        Err(fs4::TryLockError::WouldBlock) => Err(format!(
            "{option} {name} is in use by another program that is still running; wait for it \
             to finish, or choose another {option}"
        )),
        Err(fs4::TryLockError::Error(e)) => Err(cannot(e)),
    }
}

/// The files a run writes into its output directory after every epoch.
pub const RUN_FILES: [&str; 4] = ["metrics.csv", "metrics.json", CHECKPOINT_FILE, MODEL_FILE];

/// Why an output directory cannot be used, with the exit status the programs give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutDirError {
    /// It cannot be created, written or locked, or another program holds it: status 1.
    Unusable(String),
    /// It holds another run, which the options given would replace: status 2, a bad option.
    HoldsRun(String),
}

impl OutDirError {
    /// The exit status and the message, as the programs report them.
    pub fn status(self) -> (u8, String) {
        match self {
            OutDirError::Unusable(message) => (1, message),
            OutDirError::HoldsRun(message) => (2, message),
        }
    }
}

/// Makes `dir` ready for a run's files: creates it, takes it for this process
/// ([`lock_out_dir`]), removes temporary files that killed runs left there, and proves that a
/// file can be written in it. The returned lock holds the directory until dropped.
///
/// If `dir` already holds a run's files ([`RUN_FILES`]) they are replaced only when the run
/// continues them (`resume` is `dir`'s own checkpoint) or `overwrite` is set; otherwise the
/// earlier run would be lost without a word, so this refuses. The check is made under the lock,
/// so two runs started together on one new directory cannot both pass it.
///
/// # Errors
/// [`OutDirError`] with a one-line message naming `--out-dir` and `dir`.
pub fn prepare_out_dir(
    dir: &Path,
    resume: Option<&Path>,
    overwrite: bool,
) -> Result<OutDirLock, OutDirError> {
    let name = dir.display();
    let lock = lock_out_dir("--out-dir", dir).map_err(OutDirError::Unusable)?;
    // Best effort: a leftover only takes space, and the probe below finds real trouble.
    let _ignored = atomic_file::remove_stale_temporaries(dir);

    let present: Vec<&str> = (RUN_FILES.iter().copied())
        .filter(|file| dir.join(file).symlink_metadata().is_ok())
        .collect();
    if !present.is_empty() && !overwrite && !resume.is_some_and(|ck| holds_checkpoint(dir, ck)) {
        return Err(OutDirError::HoldsRun(format!(
            "--out-dir {name} already holds a run ({}); pass --resume {} to continue it, \
             --overwrite to replace it, or another --out-dir",
            present.join(", "),
            dir.join(CHECKPOINT_FILE).display()
        )));
    }

    check_writable("--out-dir", dir).map_err(OutDirError::Unusable)?;
    Ok(lock)
}

/// Takes `dir` for this process ([`lock_out_dir`]), removes temporary files that killed
/// programs left there, and proves that files can be written in it, before any work whose
/// results would go there (`compare` writes its tables and plots only at the end).
///
/// # Errors
/// A one-line message naming `option` and `dir`: not a directory, cannot be created, written
/// or locked.
pub fn writable_out_dir(option: &str, dir: &Path) -> Result<OutDirLock, String> {
    let lock = lock_out_dir(option, dir)?;
    // Best effort, as in `prepare_out_dir`.
    let _ignored = atomic_file::remove_stale_temporaries(dir);
    check_writable(option, dir)?;
    Ok(lock)
}

fn create_out_dir(option: &str, dir: &Path) -> Result<(), String> {
    let name = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(format!("{option} {name}: exists and is not a directory"));
    }
    fs::create_dir_all(dir).map_err(|e| format!("{option} {name}: cannot create it: {e}"))
}

fn check_writable(option: &str, dir: &Path) -> Result<(), String> {
    let name = dir.display();
    let probe = atomic_file::temporary_path(&dir.join("write-test"))
        .expect("a file name joined to a directory names a file");
    File::create(&probe).map_err(|e| format!("{option} {name}: cannot write there: {e}"))?;
    fs::remove_file(&probe).map_err(|e| format!("{option} {name}: cannot remove files: {e}"))
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
