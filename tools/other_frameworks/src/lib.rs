//! What the burn and candle workload binaries share: the workload table (the same as
//! `benches::WORKLOADS` of the main workspace), the command line, the MNIST IDX reader, the
//! shuffled batch order and the one-line JSON report.

use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::SeedableRng;

/// Optimizer of a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Adam with PyTorch's defaults (betas 0.9/0.999, eps 1e-8, no weight decay).
    Adam,
    /// SGD with momentum 0.9, no dampening, no Nesterov (PyTorch's `SGD(momentum=0.9)`).
    Momentum,
}

/// One speed workload: an MLP trained for one epoch over the MNIST training set.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub name: &'static str,
    /// Layer widths, input first: ReLU between the linear layers, none after the last.
    pub sizes: &'static [usize],
    pub batch: usize,
    pub optimizer: Optimizer,
    pub lr: f64,
}

pub const WORKLOADS: [Workload; 4] = [
    Workload {
        name: "W1-adam",
        sizes: &[784, 512, 512, 10],
        batch: 64,
        optimizer: Optimizer::Adam,
        lr: 1e-3,
    },
    Workload {
        name: "W1-sgd",
        sizes: &[784, 512, 512, 10],
        batch: 64,
        optimizer: Optimizer::Momentum,
        lr: 0.1,
    },
    Workload {
        name: "W2",
        sizes: &[784, 128, 64, 10],
        batch: 32,
        optimizer: Optimizer::Adam,
        lr: 1e-3,
    },
    Workload {
        name: "W3",
        sizes: &[784, 1024, 1024, 10],
        batch: 512,
        optimizer: Optimizer::Momentum,
        lr: 0.1,
    },
];

/// Parsed command line: `--workload NAME [--json]`, plus the extra options a binary accepts
/// (name, allowed values); their values come back in `extra`, in the same order.
pub struct Args {
    pub workload: Workload,
    pub json: bool,
    pub extra: Vec<String>,
}

/// Parses the command line; `Err` holds the message to print (usage or the faulty option).
pub fn parse_args(binary: &str, extra: &[(&str, &[&str])]) -> Result<Args, String> {
    let names: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
    let mut args = Args {
        workload: WORKLOADS[0],
        json: false,
        extra: extra
            .iter()
            .map(|(_, allowed)| allowed[0].to_string())
            .collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if arg == "--workload" {
            let name = it.next().ok_or("--workload needs a value")?;
            args.workload = *WORKLOADS.iter().find(|w| w.name == name).ok_or_else(|| {
                format!("--workload: unknown `{name}` (one of {})", names.join(", "))
            })?;
        } else if arg == "--json" {
            args.json = true;
        } else if let Some(i) = extra.iter().position(|(opt, _)| *opt == arg) {
            let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
            if !extra[i].1.contains(&value.as_str()) {
                return Err(format!(
                    "{arg}: unknown `{value}` (one of {})",
                    extra[i].1.join(", ")
                ));
            }
            args.extra[i] = value;
        } else if arg == "--help" || arg == "-h" {
            let more: String = extra
                .iter()
                .map(|(opt, allowed)| format!(" [{opt} {{{}}}]", allowed.join("|")))
                .collect();
            return Err(format!(
                "usage: {binary} --workload {{{}}}{more} [--json]",
                names.join("|")
            ));
        } else {
            return Err(format!("unknown option `{arg}` (try --help)"));
        }
    }
    Ok(args)
}

/// One split of MNIST, standardized like the course (and `torchvision`'s usual transform).
pub struct Split {
    /// `len × 784` row-major, `(pixel / 255 - 0.1307) / 0.3081`.
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Copies the rows `idx` into one `idx.len() × 784` batch (images) and their labels.
    pub fn gather(&self, idx: &[usize]) -> (Vec<f32>, Vec<u8>) {
        let mut x = Vec::with_capacity(idx.len() * 784);
        for &i in idx {
            x.extend_from_slice(&self.images[i * 784..(i + 1) * 784]);
        }
        (x, idx.iter().map(|&i| self.labels[i]).collect())
    }
}

/// The MNIST training and test sets.
pub struct Mnist {
    pub train: Split,
    pub test: Split,
}

/// Reads an IDX file (big-endian header: 2 zero bytes, type byte 0x08 = u8, number of
/// dimensions, then one u32 per dimension) and returns the dimensions and the bytes.
fn read_idx(path: &Path) -> Result<(Vec<usize>, Vec<u8>), String> {
    let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if raw.len() < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08 {
        return Err(format!(
            "{}: not an IDX file of unsigned bytes",
            path.display()
        ));
    }
    let ndim = raw[3] as usize;
    let header = 4 + 4 * ndim;
    let dims: Vec<usize> = (0..ndim)
        .map(|i| u32::from_be_bytes(raw[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize)
        .collect();
    let body = raw.get(header..).unwrap_or_default();
    if body.len() != dims.iter().product::<usize>() {
        return Err(format!(
            "{}: {} data bytes for dimensions {dims:?}",
            path.display(),
            body.len()
        ));
    }
    Ok((dims, body.to_vec()))
}

/// The MNIST directory: `$MNIST_DIR`, else the main repository's `data/cache/mnist`.
pub fn mnist_dir() -> PathBuf {
    std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/cache/mnist"))
}

/// Loads both MNIST splits from the raw IDX files in `dir`.
pub fn load_mnist(dir: &Path) -> Result<Mnist, String> {
    let split = |images: &str, labels: &str| -> Result<Split, String> {
        let (dims, pixels) = read_idx(&dir.join(images))?;
        let (_, labels) = read_idx(&dir.join(labels))?;
        if dims.len() != 3 || dims[1] * dims[2] != 784 || dims[0] != labels.len() {
            return Err(format!(
                "{images}: dimensions {dims:?} for {} labels",
                labels.len()
            ));
        }
        let images = pixels
            .iter()
            .map(|&p| (p as f32 / 255.0 - 0.1307) / 0.3081)
            .collect();
        Ok(Split { images, labels })
    };
    Ok(Mnist {
        train: split("train-images-idx3-ubyte", "train-labels-idx1-ubyte")?,
        test: split("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")?,
    })
}

/// The training order of one epoch: a seeded shuffle of `0..n`, cut into batches of `batch`
/// (the last one smaller when `batch` does not divide `n`, as in PyTorch and our side).
pub fn shuffled_batches(n: usize, batch: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    order.chunks(batch).map(<[usize]>::to_vec).collect()
}

/// Index of the largest value of each `classes`-wide row, compared with `labels`: the number right.
pub fn count_correct(logits: &[f32], classes: usize, labels: &[u8]) -> usize {
    logits
        .chunks(classes)
        .zip(labels)
        .filter(|(row, &label)| {
            let best = row
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            best.0 == label as usize
        })
        .count()
}

/// The process's peak resident memory (`VmHWM`) in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The thread count as configured through the environment (`all` when unset), as our side reports it.
pub fn threads() -> String {
    std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into())
}

/// Prints the result line: JSON like our `workload --json`, or a sentence.
pub fn report(name: &str, label: &str, seconds: f64, accuracy: f64, json: bool) {
    let threads = threads();
    if json {
        println!(
            "{{\"workload\": \"{name}\", \"seconds\": {seconds:.4}, \"accuracy\": {accuracy:.4}, \"peak_rss_mb\": {:.1}, \"threads\": \"{threads}\"}}",
            peak_rss_mb()
        );
    } else {
        println!(
            "{name} ({label}): {seconds:.2} s/epoch, test accuracy {:.2}%, peak memory {:.0} MB, threads {threads}",
            100.0 * accuracy,
            peak_rss_mb()
        );
    }
}
