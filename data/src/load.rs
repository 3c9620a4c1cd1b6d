//! Loading a dataset directory: four IDX files to a train and a test [`Split`] (raw pixels and
//! the statistics that standardize each batch).

use std::fs;
use std::path::{Path, PathBuf};

use crate::dataset::{Dataset, FileSpec, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS};
use crate::error::DataError;
use crate::idx::{read_images, read_labels};
use crate::normalize::Normalization;
use crate::split::Split;

/// A dataset in the MNIST format (MNIST or Fashion-MNIST), loaded: 60,000 training and 10,000
/// test samples for the real files.
#[derive(Clone, Debug, PartialEq)]
pub struct Mnist {
    /// The training set; carve a validation set out of it with [`Split::split_validation`].
    pub train: Split,
    /// The test set.
    pub test: Split,
}

/// The file of `spec` in `dir`: `name` if anything has that name, else `name.gz`, else `None`.
/// Anything: a directory, FIFO or dangling link is returned too, for the reader to refuse with
/// an error naming it, rather than passed over as missing.
pub(crate) fn locate(dir: &Path, spec: &FileSpec) -> Option<PathBuf> {
    [spec.name.to_string(), format!("{}.gz", spec.name)]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|path| fs::symlink_metadata(path).is_ok())
}

/// Loads the four files of `dataset` from `dir` (raw or `.gz`, as [`obtain`](crate::obtain)
/// leaves them or as a user keeps them). The splits hold the raw `u8` pixels and standardize
/// each batch with the dataset's default statistics ([`Dataset::normalization`]).
///
/// Checks the format of every file (see [`read_images`]) but does not hash them, so it reads
/// IDX files of any contents: checking the published SHA-256 is the job of
/// [`obtain`](crate::obtain), which hashes every file on every call; programs call it just
/// before `load`, as below.
///
/// ```no_run
/// use data::{load, obtain, Dataset, Source};
/// let dir = obtain(Dataset::Mnist, &Source::from_env(Dataset::Mnist))?;
/// let mnist = load(Dataset::Mnist, &dir)?;
/// assert_eq!(mnist.train.dim(), (60_000, 784));
/// assert_eq!(mnist.train.pixel_bytes(), 60_000 * 784); // 1 byte per pixel
/// # Ok::<(), data::DataError>(())
/// ```
///
/// # Errors
/// [`DataError::NotFound`] if a file is missing; any error of [`read_images`] /
/// [`read_labels`] ([`DataError::NotAFile`] for a directory or FIFO in place of a file);
/// [`DataError::CountMismatch`] if images and labels disagree in number.
pub fn load(dataset: Dataset, dir: &Path) -> Result<Mnist, DataError> {
    load_with(dataset, dir, dataset.normalization())
}

/// Like [`load`], with explicit statistics; [`Normalization::IDENTITY`] keeps pixels in [0, 1].
///
/// # Errors
/// As [`load`].
pub fn load_with(dataset: Dataset, dir: &Path, norm: Normalization) -> Result<Mnist, DataError> {
    let files = dataset.files();
    let path = |role: usize| {
        locate(dir, &files[role]).ok_or_else(|| DataError::NotFound {
            dataset: dataset.to_string(),
            tried: vec![(
                dir.display().to_string(),
                format!("no {0} or {0}.gz", files[role].name),
            )],
            hint: dataset.hint(true),
        })
    };
    Ok(Mnist {
        train: load_split(&path(TRAIN_IMAGES)?, &path(TRAIN_LABELS)?, norm)?,
        test: load_split(&path(TEST_IMAGES)?, &path(TEST_LABELS)?, norm)?,
    })
}

/// Loads one image file and its label file and checks that they agree in number.
///
/// # Errors
/// Any error of [`read_images`] / [`read_labels`]; [`DataError::CountMismatch`].
pub fn load_split(images: &Path, labels: &Path, norm: Normalization) -> Result<Split, DataError> {
    let pixels = read_images(images)?;
    let classes = read_labels(labels)?;
    if pixels.nrows() != classes.len() {
        return Err(DataError::CountMismatch {
            images: images.to_path_buf(),
            labels: labels.to_path_buf(),
            image_count: pixels.nrows(),
            label_count: classes.len(),
        });
    }
    Ok(Split::from_raw(pixels, norm, classes))
}
