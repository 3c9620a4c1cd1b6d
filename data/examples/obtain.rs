//! Fetches and verifies a dataset into the cache, e.g. for CI before `MNIST_REQUIRED=1 cargo test`:
//!
//! ```text
//! cargo run -p gradwise-data --example obtain -- mnist          # or fashion-mnist
//! ```

use std::process::ExitCode;
use std::time::Instant;

use data::{obtain, Dataset, Source};

fn main() -> ExitCode {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "mnist".to_string());
    let dataset: Dataset = match name.parse() {
        Ok(dataset) => dataset,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    match obtain(dataset, &Source::from_env(dataset)) {
        Ok(dir) => {
            println!(
                "{dataset}: verified files in {} ({:.1?})",
                dir.display(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
