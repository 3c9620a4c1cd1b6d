//! What checking the SHA-256 of every file costs on each run, next to loading without it:
//!
//! ```text
//! cargo run --release -p gradwise-data --example verify_cost -- mnist [runs]
//! ```
//!
//! Needs the dataset in the cache (`data/cache/` or `DATA_CACHE_DIR`): run the `obtain` example
//! first. Prints the best of `runs` (default 10) for each step.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use data::{load, obtain, sha256_file, Dataset, Source};

/// The shortest of `runs` timings of `step`, or its first error.
fn best<T>(
    runs: usize,
    mut step: impl FnMut() -> Result<T, data::DataError>,
) -> Result<Duration, data::DataError> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let value = step()?;
        best = best.min(start.elapsed());
        drop(value); // freeing is not part of the step
    }
    Ok(best)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "mnist".to_string());
    let runs = args
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10)
        .max(1);
    let dataset: Dataset = match name.parse() {
        Ok(dataset) => dataset,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let source = Source::local(None, Source::from_env(dataset).cache);
    match measure(dataset, &source, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn measure(dataset: Dataset, source: &Source, runs: usize) -> Result<(), data::DataError> {
    let dir = obtain(dataset, source)?;
    let paths: Vec<_> = (dataset.files().iter())
        .map(|spec| dir.join(spec.name))
        .collect();
    let hash_all = || -> Result<u64, data::DataError> {
        let mut bytes = 0;
        for path in &paths {
            sha256_file(path)?;
            bytes += file_len(path);
        }
        Ok(bytes)
    };
    let bytes = hash_all()?;
    let mb = bytes as f64 / 1e6;

    // What the hash pass costs besides hashing: the same reads through a 64 KiB buffer.
    let read_all = || -> Result<(), data::DataError> {
        let mut buf = vec![0u8; 1 << 16];
        for path in &paths {
            let io = |source| data::DataError::Io {
                path: path.clone(),
                source,
            };
            let mut file = std::fs::File::open(path).map_err(io)?;
            while file.read(&mut buf).map_err(io)? > 0 {}
        }
        Ok(())
    };
    let hash = best(runs, hash_all)?;
    let read = best(runs, read_all)?;
    let load_only = best(runs, || load(dataset, &dir))?;
    let obtain_only = best(runs, || obtain(dataset, source))?;
    let both = best(runs, || load(dataset, &obtain(dataset, source)?))?;
    let s = |d: Duration| d.as_secs_f64();
    println!("{dataset} in {}, best of {runs} runs:", dir.display());
    let rate = format!("({:.0} MB/s)", mb / s(hash));
    let ratio = format!("({:.2}x load alone)", s(both) / s(load_only));
    println!(
        "  hash the four files ({mb:.1} MB):    {:.4} s {rate}",
        s(hash)
    );
    println!("  read them without hashing:        {:.4} s", s(read));
    println!("  load (format checks, no hash):    {:.4} s", s(load_only));
    println!(
        "  obtain (hashes every file):       {:.4} s",
        s(obtain_only)
    );
    println!(
        "  obtain + load, as programs start: {:.4} s {ratio}",
        s(both)
    );
    Ok(())
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
