//! Helpers shared by unit tests and integration tests (included with `#[path]`): a unique
//! temporary directory, writers for tiny IDX files, and a local "mirror".
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under `std::env::temp_dir()`, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "data-test-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Gzip-compresses `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("write to Vec");
    enc.finish().expect("finish gzip into Vec")
}

/// An IDX image file: header for `count` images of `rows × cols`, then the given pixels.
pub fn idx_images(count: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 3];
    for v in [count, rows, cols] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(pixels);
    out
}

/// An IDX label file holding `labels`.
pub fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 1];
    out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    out.extend_from_slice(labels);
    out
}

/// `n` valid 28×28 images; pixel `p` of image `i` is `(i * 7 + p) % 256`, so every image differs
/// and image `i` can be recognised from its first pixel when `n <= 36`.
pub fn sample_pixels(n: usize) -> Vec<u8> {
    (0..n * 784)
        .map(|k| ((k / 784) * 7 + k % 784) as u8)
        .collect()
}

/// Writes the four files of a tiny dataset (`n_train`, `n_test` samples, labels `i % 10`) into
/// `dir`, gzip-compressed if `gz`.
pub fn write_dataset(dir: &TempDir, n_train: usize, n_test: usize, gz: bool) {
    write_dataset_in(dir.path(), n_train, n_test, gz);
}

/// [`write_dataset`] into any existing directory.
pub fn write_dataset_in(dir: &Path, n_train: usize, n_test: usize, gz: bool) {
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    for (prefix, n) in [("train", n_train), ("t10k", n_test)] {
        let images = idx_images(n as u32, 28, 28, &sample_pixels(n));
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        let labels = idx_labels(&labels);
        for (kind, bytes) in [("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)] {
            let name = format!("{prefix}-{kind}");
            if gz {
                write(&format!("{name}.gz"), &gzip(&bytes));
            } else {
                write(&name, &bytes);
            }
        }
    }
}

/// Serves `body` with status 200 to every request, on a local port; returns the base URL.
pub fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let url = format!("http://{}/", listener.local_addr().expect("local address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}
