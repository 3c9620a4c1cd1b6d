//! # atomic_file — replace a file all at once, or not at all
//!
//! Checkpoints (`nn`), downloaded datasets (`data`) and reports (`lab`) are all written
//! the same way, by [`write()`] or [`write_with`]:
//!
//! 1. the new contents go to a temporary file in the target's directory, named
//!    `.<stem>.tmp-<pid>.<extension>` (see [`temporary_path`]): same directory, so the rename
//!    below never crosses file systems; the process id, so a leftover of a process that died
//!    can be told from the file of one still writing, and removed
//!    ([`remove_stale_temporaries`]); the extension last, for
//!    writers that choose the format by it (a plotting library's PNG encoder);
//! 2. the temporary file is flushed to disk (`fsync`);
//! 3. it is renamed over the target, which the operating system does in one step;
//! 4. the directory is flushed too, so the rename itself survives a power cut;
//! 5. if any step fails, the temporary file is removed and the error names the file and the
//!    step; the target is then as it was.
//!
//! A reader of the target therefore sees the old file or the new one, never a mixture or a
//! truncated file, whenever the writer is interrupted. Two threads of one process must not
//! write the same target at the same time: they would share the temporary name.
//!
//! ## Why a crate of its own
//! The workspace keeps `data` free of the model crates (it depends on ndarray and its I/O
//! crates only) and `nn` free of `data`'s download stack, yet both need this function, and so
//! do the example programs. A crate with no dependencies is the one place all three can use
//! without either rule bending.
//!
//! ```
//! let path = std::env::temp_dir().join(format!("atomic-doc-{}.txt", std::process::id()));
//! atomic_file::write(&path, b"epoch 1")?;
//! atomic_file::write(&path, b"epoch 2")?; // replaces the file as a whole
//! assert_eq!(std::fs::read(&path).unwrap(), b"epoch 2");
//! # std::fs::remove_file(&path).unwrap();
//! # Ok::<(), atomic_file::WriteError>(())
//! ```

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A step of an atomic write failed: which file, which step, and the operating system's error.
#[derive(Debug)]
pub struct WriteError {
    /// The file (or directory) involved: the temporary file, the target, or its directory.
    pub path: PathBuf,
    /// The step, completing "cannot …": `"create the temporary file"`, `"sync the directory"`.
    pub action: &'static str,
    /// The underlying error.
    pub source: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// For callers whose errors are `io::Error`: the kind is kept, the message names file and step.
impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        io::Error::new(e.source.kind(), e)
    }
}

/// An `io::Error` → [`WriteError`] converter for `map_err`.
fn failed(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError {
        path,
        action,
        source,
    }
}

/// The temporary file of a write to `path`: `.<stem>.tmp-<pid>.<extension>` in the same
/// directory (no extension, none added), or `None` if `path` names no file (`/`, `..`).
///
/// ```
/// use std::path::Path;
/// let pid = std::process::id();
/// let tmp = atomic_file::temporary_path(Path::new("runs/checkpoint.safetensors")).unwrap();
/// assert_eq!(tmp, Path::new("runs").join(format!(".checkpoint.tmp-{pid}.safetensors")));
/// let tmp = atomic_file::temporary_path(Path::new("cache/train-labels-idx1-ubyte")).unwrap();
/// assert_eq!(tmp, Path::new("cache").join(format!(".train-labels-idx1-ubyte.tmp-{pid}")));
/// ```
pub fn temporary_path(path: &Path) -> Option<PathBuf> {
    path.file_name()?;
    let mut name = OsString::from(".");
    name.push(path.file_stem()?);
    name.push(format!(".tmp-{}", std::process::id()));
    if let Some(extension) = path.extension() {
        name.push(".");
        name.push(extension);
    }
    Some(path.with_file_name(name))
}

/// The process id in the name of a temporary file of [`temporary_path`]
/// (`.<stem>.tmp-<pid>[.<extension>]`), or `None` if `name` is not one.
fn temporary_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, after) = rest.rsplit_once(".tmp-")?;
    let digits = after.split('.').next()?;
    digits.parse().ok()
}

/// Whether the process `pid` has certainly ended: on Linux, `/proc/<pid>` is gone while
/// `/proc/self` is there. Elsewhere it cannot be told cheaply, so the answer is `false`.
pub fn process_is_gone(pid: u32) -> bool {
    if cfg!(target_os = "linux") && pid != std::process::id() {
        let proc = Path::new("/proc");
        proc.join("self").exists() && !proc.join(pid.to_string()).exists()
    } else {
        false
    }
}

/// Removes the temporary files that writers which ended without finishing (killed between
/// writing and renaming) left in `dir`, and returns them. A temporary file of a process that
/// may still be running is kept, and so is anything else.
///
/// # Errors
/// If `dir` cannot be listed or a leftover cannot be removed; a missing `dir` holds nothing.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("atomic-doc-stale-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join(".checkpoint.tmp-999999999.safetensors"), b"half")?; // no such process
/// std::fs::write(dir.join("checkpoint.safetensors"), b"whole")?;
/// let removed = atomic_file::remove_stale_temporaries(&dir)?;
/// assert_eq!(removed.len(), usize::from(cfg!(target_os = "linux")));
/// assert!(dir.join("checkpoint.safetensors").exists());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn remove_stale_temporaries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut removed = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Some(pid) = entry.file_name().to_str().and_then(temporary_pid) else {
            continue;
        };
        if process_is_gone(pid) && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

/// Replaces `path` with `bytes`, atomically and durably (see the crate docs). The directory
/// must exist.
///
/// # Errors
/// [`WriteError`] naming the file and the step that failed; `path` is then untouched and the
/// temporary file removed.
pub fn write(path: impl AsRef<Path>, bytes: &[u8]) -> Result<(), WriteError> {
    write_with(path, |tmp| {
        let mut file = File::create(tmp).map_err(failed(tmp, "create the temporary file"))?;
        file.write_all(bytes)
            .map_err(failed(tmp, "write the temporary file"))
    })
}

/// Replaces `path` with what `fill` writes: `fill` gets the temporary path, creates the file
/// there and writes it (by any means: a stream it hashes on the way, a plotting library that
/// takes a path), and may refuse by returning an error; the file is then synced and renamed
/// over `path` (see the crate docs).
///
/// # Errors
/// `fill`'s error, or a [`WriteError`] (converted into `E`) naming the file and the step that
/// failed. Either way `path` is untouched and the temporary file removed.
///
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("atomic-doc-with-{}.txt", std::process::id()));
/// let refused: std::io::Result<()> = atomic_file::write_with(&path, |tmp| {
///     std::fs::File::create(tmp)?.write_all(b"half")?;
///     Err(std::io::Error::other("the checksum does not match"))
/// });
/// assert!(refused.is_err() && !path.exists()); // nothing was renamed, nothing left behind
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_with<T, E>(
    path: impl AsRef<Path>,
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<WriteError>,
{
    let path = path.as_ref();
    let tmp = temporary_path(path).ok_or_else(|| WriteError {
        path: path.to_path_buf(),
        action: "name a temporary file for",
        source: io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"),
    })?;
    let result = fill(&tmp).and_then(|value| {
        sync_and_rename(&tmp, path)?;
        Ok(value)
    });
    if result.is_err() {
        // Best effort: the error being reported is the one that matters. A directory in the
        // way is not ours and stays (`remove_file` refuses directories).
        let _ = fs::remove_file(&tmp);
    }
    let value = result?;
    sync_directory(path)?;
    Ok(value)
}

/// One file of a [`write_set`]: where it goes, and what writes it at the temporary path it is
/// given (as [`write_with`]'s `fill`).
pub type Pending<'a, E> = (PathBuf, Box<dyn FnOnce(&Path) -> Result<(), E> + 'a>);

/// Replaces several files as one set, all or none: every new file is written and synced under
/// its temporary name first, and only when all of them are ready are they renamed into place.
/// If any of them cannot be written (a full disk), none is replaced and every temporary file is
/// removed, so a reader never finds new tables beside an old picture.
///
/// The renames come last and take no space; should one still fail, the files renamed before it
/// stay new and the error names the one that did not.
///
/// # Errors
/// The first `fill` error, or a [`WriteError`] (converted into `E`) naming the file and step.
///
/// ```
/// use std::path::Path;
/// let dir = std::env::temp_dir().join(format!("atomic-doc-set-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
/// std::fs::write(&a, "old a").unwrap();
/// let refused: Result<(), atomic_file::WriteError> = atomic_file::write_set(vec![
///     (a.clone(), Box::new(|tmp: &Path| Ok(std::fs::write(tmp, "new a").unwrap()))),
///     (b.clone(), Box::new(|tmp: &Path| Err(atomic_file::WriteError {
///         path: tmp.to_path_buf(),
///         action: "write",
///         source: std::io::Error::other("disk full"),
///     }))),
/// ]);
/// assert!(refused.is_err());
/// assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a"); // a was not replaced alone
/// assert!(!b.exists());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_set<E>(files: Vec<Pending<'_, E>>) -> Result<(), E>
where
    E: From<WriteError>,
{
    let mut ready: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let remove_all = |ready: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in ready {
            // Best effort: the error being reported is the one that matters.
            let _ = fs::remove_file(tmp);
        }
    };
    for (path, fill) in files {
        let written = temporary_path(&path)
            .ok_or_else(|| WriteError {
                path: path.clone(),
                action: "name a temporary file for",
                source: io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the path does not name a file",
                ),
            })
            .map_err(E::from)
            .and_then(|tmp| {
                let done = fill(&tmp).and_then(|()| Ok(sync_file(&tmp)?));
                if done.is_err() {
                    let _ = fs::remove_file(&tmp);
                }
                done.map(|()| tmp)
            });
        match written {
            Ok(tmp) => ready.push((tmp, path)),
            Err(e) => {
                remove_all(&ready);
                return Err(e);
            }
        }
    }
    for (i, (tmp, path)) in ready.iter().enumerate() {
        if let Err(e) =
            fs::rename(tmp, path).map_err(failed(path, "rename the temporary file over"))
        {
            remove_all(&ready[i..]);
            return Err(e.into());
        }
    }
    let mut synced: Vec<&Path> = Vec::new();
    for (_, path) in &ready {
        let dir = path.parent().unwrap_or(Path::new("."));
        if !synced.contains(&dir) {
            sync_directory(path)?;
            synced.push(dir);
        }
    }
    Ok(())
}

/// Steps 2 and 3: the temporary file to disk, then over the target.
fn sync_and_rename(tmp: &Path, path: &Path) -> Result<(), WriteError> {
    sync_file(tmp)?;
    fs::rename(tmp, path).map_err(failed(path, "rename the temporary file over"))
}

/// Step 2: the temporary file's contents to disk.
fn sync_file(tmp: &Path) -> Result<(), WriteError> {
    // Opened for writing because some systems flush only handles that may write.
    let file = OpenOptions::new()
        .write(true)
        .open(tmp)
        .map_err(failed(tmp, "open the temporary file to sync"))?;
    file.sync_all()
        .map_err(failed(tmp, "sync the temporary file"))
}

/// Step 4: makes the rename durable (a no-op where directories cannot be opened, as on
/// Windows).
fn sync_directory(path: &Path) -> Result<(), WriteError> {
    if cfg!(unix) {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir)
            .map_err(failed(dir, "open the directory to sync"))?
            .sync_all()
            .map_err(failed(dir, "sync the directory"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh empty directory for one test, removed when it ends.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(test: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("atomic-{}-{test}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = Scratch::new("replace");
        let path = dir.0.join("a.csv");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(dir.names(), ["a.csv"]);
    }

    #[test]
    fn a_refusal_or_a_failure_leaves_the_target_as_it_was() {
        let dir = Scratch::new("refuse");
        let path = dir.0.join("a.csv");
        write(&path, b"old").unwrap();
        let refused: Result<(), WriteError> = write_with(&path, |tmp| {
            fs::write(tmp, b"half").unwrap();
            Err(failed(tmp, "check the temporary file")(io::Error::other(
                "bad",
            )))
        });
        assert_eq!(refused.unwrap_err().action, "check the temporary file");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(dir.names(), ["a.csv"]);

        // A directory in the way of the temporary file: the write fails, naming the step, and
        // the obstacle, which is not ours, stays.
        let tmp = temporary_path(&path).unwrap();
        fs::create_dir(&tmp).unwrap();
        let err = write(&path, b"new").unwrap_err();
        assert_eq!(
            (err.action, err.path.as_path()),
            ("create the temporary file", &*tmp)
        );
        assert!(
            err.to_string()
                .starts_with("cannot create the temporary file"),
            "{err}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert!(tmp.is_dir());
    }

    #[test]
    fn temporaries_of_ended_processes_are_removed_and_nothing_else() {
        let dir = Scratch::new("stale");
        assert_eq!(temporary_pid(".checkpoint.tmp-42.safetensors"), Some(42));
        assert_eq!(temporary_pid(".train-labels-idx1-ubyte.tmp-7"), Some(7));
        assert_eq!(temporary_pid("checkpoint.tmp-7"), None);
        assert_eq!(temporary_pid(".a.tmp-x"), None);
        // A child that has exited and been waited for is certainly gone.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let ours = temporary_path(&dir.0.join("a.csv")).unwrap();
        for name in [
            format!(".checkpoint.tmp-{dead}.safetensors"),
            format!(".metrics.tmp-{dead}.csv"),
            "checkpoint.safetensors".to_string(),
            ".notes.tmp-later".to_string(),
        ] {
            fs::write(dir.0.join(name), b"x").unwrap();
        }
        fs::write(&ours, b"x").unwrap();
        let removed = remove_stale_temporaries(&dir.0).unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(removed.len(), 2, "{removed:?}");
            let ours = ours.file_name().unwrap().to_string_lossy().into_owned();
            let mut expected = vec![
                ours,
                ".notes.tmp-later".to_string(),
                "checkpoint.safetensors".to_string(),
            ];
            expected.sort();
            assert_eq!(dir.names(), expected);
        }
        assert!(remove_stale_temporaries(&dir.0.join("missing"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_set_is_replaced_whole_or_not_at_all() {
        let dir = Scratch::new("set");
        let names = ["a.csv", "b.csv", "c.png"];
        for name in names {
            write(dir.0.join(name), b"old").unwrap();
        }
        let fill = |text: &'static str| -> Pending<'static, WriteError> {
            let fill = move |tmp: &Path| fs::write(tmp, text).map_err(failed(tmp, "write"));
            (PathBuf::new(), Box::new(fill))
        };
        // The third file fails, as on a full disk: the first two must stay old.
        let at = |name: &str, text| (dir.0.join(name), fill(text).1);
        let set = vec![
            at("a.csv", "new"),
            at("b.csv", "new"),
            (
                dir.0.join("c.png"),
                Box::new(|tmp: &Path| {
                    fs::write(tmp, "half").unwrap();
                    Err(failed(tmp, "write")(io::Error::other("no space left")))
                }) as Box<dyn FnOnce(&Path) -> Result<(), WriteError>>,
            ),
        ];
        assert_eq!(write_set(set).unwrap_err().action, "write");
        for name in names {
            assert_eq!(fs::read(dir.0.join(name)).unwrap(), b"old", "{name}");
        }
        assert_eq!(dir.names(), names, "no temporary file left");
        // All three ready: all three replaced.
        let set = names.iter().map(|n| at(n, "new")).collect();
        write_set(set).unwrap();
        for name in names {
            assert_eq!(fs::read(dir.0.join(name)).unwrap(), b"new", "{name}");
        }
        assert_eq!(dir.names(), names);
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let err = write(Path::new("/"), b"x").unwrap_err();
        assert_eq!(err.action, "name a temporary file for");
        assert_eq!(err.source.kind(), io::ErrorKind::InvalidInput);
    }
}
