//! The data of a run: training, validation and test samples, from MNIST's files or from any
//! [`data::Split`] (tests train on small synthetic data).

use std::fmt;
use std::path::Path;

use data::Split;

/// Seed of the validation split: fixed, so every seed and every optimizer is validated on the
/// same held-out images.
pub const VALIDATION_SEED: u64 = 0;

/// The data of a run: training, optional validation, and test samples.
#[derive(Debug, Clone)]
pub struct Datasets {
    /// Samples the optimizer sees.
    pub train: Split,
    /// Held-out training samples, for choosing hyperparameters (never the test set).
    pub val: Option<Split>,
    /// Samples reported on.
    pub test: Split,
    /// Number of classes (10 for MNIST).
    pub classes: usize,
}

impl Datasets {
    /// Splits `val_split` samples off `train` for validation (none when 0); the same images for
    /// every seed ([`VALIDATION_SEED`]).
    ///
    /// # Panics
    /// If `val_split` exceeds the training samples, or the classes are not all in `0..classes`.
    #[track_caller]
    pub fn new(train: Split, test: Split, val_split: usize, classes: usize) -> Datasets {
        assert!(
            train
                .labels
                .iter()
                .chain(&test.labels)
                .all(|&l| usize::from(l) < classes),
            "Datasets::new: a label is not below the {classes} classes"
        );
        let (train, val) = if val_split > 0 {
            let (train, val) = train.split_validation(val_split, VALIDATION_SEED);
            (train, Some(val))
        } else {
            (train, None)
        };
        Datasets {
            train,
            val,
            test,
            classes,
        }
    }

    /// Loads a dataset in the MNIST format from `dir` (see [`data::load`]) and holds out
    /// `val_split` training images for validation.
    ///
    /// # Errors
    /// [`DataLoadError::Data`] naming the file and what is wrong with it;
    /// [`DataLoadError::ValSplit`] if `val_split` is not below the number of training images.
    pub fn load(
        dataset: data::Dataset,
        dir: &Path,
        val_split: usize,
    ) -> Result<Datasets, DataLoadError> {
        let mnist = data::load(dataset, dir).map_err(DataLoadError::Data)?;
        if val_split >= mnist.train.len() {
            return Err(DataLoadError::ValSplit {
                val_split,
                train: mnist.train.len(),
            });
        }
        Ok(Datasets::new(
            mnist.train,
            mnist.test,
            val_split,
            usize::from(data::CLASSES),
        ))
    }

    /// Width of one input row (784 for MNIST).
    pub fn input_size(&self) -> usize {
        self.train.dim().1
    }
}

/// Why [`Datasets::load`] failed.
#[derive(Debug)]
pub enum DataLoadError {
    /// Reading the files failed.
    Data(data::DataError),
    /// `--val-split` is too large.
    ValSplit {
        /// The requested number of validation samples.
        val_split: usize,
        /// The number of training samples.
        train: usize,
    },
}

impl fmt::Display for DataLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataLoadError::Data(e) => write!(f, "{e}"),
            DataLoadError::ValSplit { val_split, train } => {
                write!(
                    f,
                    "--val-split: {val_split} must be below the {train} training images"
                )
            }
        }
    }
}

impl std::error::Error for DataLoadError {}
