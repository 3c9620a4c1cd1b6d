//! The network of `train` and `compare` ([`nn::mlp_keyed`], weights from the seed), its
//! evaluation, and the keys of its dropout masks.

use autograd::{no_grad, ArrayD, Parameters, Tensor};
use data::{Order, Split};
use nn::{DropoutKey, Module, Sequential};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::config::ModelConfig;

/// Evaluation batch size: large, since no graph is kept.
pub const EVAL_BATCH: usize = 1000;

/// ChaCha stream of the weight initialization; the batch order uses streams `0, 1, …` (one per
/// epoch) and the validation split `u64::MAX` (see `data`), so the three never share numbers.
pub const INIT_STREAM: u64 = u64::MAX - 1;

/// A well-mixed 64-bit hash (SplitMix64's finalizer), to derive independent seeds.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fully connected classifier: `Linear, activation, [Dropout], …, Linear`, laid out as
/// [`nn::mlp`] and PyTorch's `nn.Sequential` lay it out, so parameter names are PyTorch's
/// (`0.weight`, `0.bias`, `2.weight`, … without dropout; `0.*`, `3.*`, `6.*` with it).
pub struct Model {
    net: Sequential,
    sizes: Vec<usize>,
    dropout_key: DropoutKey,
    training: bool,
}

impl Model {
    /// Builds the network through `sizes` (input, hidden…, classes) with weights drawn from
    /// `seed` by [`nn::mlp_keyed`]: each layer with PyTorch's default first, then re-drawn with
    /// `config.init` unless that is `pytorch`. Its dropout masks are those of
    /// [`Model::set_dropout_step`].
    ///
    /// # Panics
    /// If fewer than two sizes are given, a size is 0, or the dropout is not in `[0, 1)`.
    #[track_caller]
    pub fn new(config: &ModelConfig, sizes: &[usize], seed: u64) -> Model {
        let mut rng = init_rng(seed);
        let (net, dropout_key) = nn::mlp_keyed(
            sizes,
            config.activation,
            config.dropout,
            config.init,
            &mut rng,
        );
        Model {
            net,
            sizes: sizes.to_vec(),
            dropout_key,
            training: true,
        }
    }

    /// The network itself, to watch it with forward hooks.
    pub fn network(&self) -> &Sequential {
        &self.net
    }

    /// The layer sizes, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The parameter registry (shared handles: updating it updates the model).
    pub fn parameters(&self) -> Parameters {
        self.net.parameters()
    }

    /// Logits `[B, classes]` of a batch `[B, input]`.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        self.net.forward(x)
    }

    /// Training mode (dropout on) or evaluation mode.
    pub fn set_training(&mut self, training: bool) {
        self.training = training;
        self.net.set_training(training);
    }

    /// Whether dropout is active.
    pub fn is_training(&self) -> bool {
        self.training
    }

    /// Fixes the dropout masks of the next forward passes to those of `(seed, epoch, step)`.
    pub fn set_dropout_step(&self, seed: u64, epoch: u64, step: u64) {
        self.dropout_key.set(mix(mix(mix(seed) ^ epoch) ^ step));
    }

    /// PyTorch's printout of the network, with parameter shapes and counts.
    pub fn summary(&self) -> String {
        self.net.to_string()
    }
}

/// The generator of the initial weights of `seed`.
fn init_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(INIT_STREAM);
    rng
}

/// Mean loss and accuracy on a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean cross-entropy per sample.
    pub loss: f64,
    /// Fraction of samples whose largest logit is their label, in `[0, 1]`.
    pub accuracy: f64,
}

/// Loss and accuracy of `model` on `split`, under `no_grad`, in evaluation mode (restored
/// afterwards), in batches of `batch_size`. An empty split gives NaN for both.
pub fn evaluate(model: &mut Model, split: &Split, batch_size: usize) -> Evaluation {
    if split.is_empty() {
        return Evaluation {
            loss: f64::NAN,
            accuracy: f64::NAN,
        };
    }
    let was_training = model.is_training();
    model.set_training(false);
    let (loss_sum, correct) = no_grad(|| {
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        for batch in split.batches(batch_size, Order::Sequential, false) {
            let n = batch.labels.len();
            let logits = model.forward(&Tensor::from_array(batch.images.into_dyn()));
            loss_sum += f64::from(logits.cross_entropy(&batch.labels).item()) * n as f64;
            correct += count_correct(&logits.value(), &batch.labels);
        }
        (loss_sum, correct)
    });
    model.set_training(was_training);
    let n = split.len() as f64;
    Evaluation {
        loss: loss_sum / n,
        accuracy: correct as f64 / n,
    }
}

/// How many rows of `logits: [B, C]` have their largest value at the label (first on ties).
fn count_correct(logits: &ArrayD<f32>, labels: &[usize]) -> usize {
    logits
        .outer_iter()
        .zip(labels)
        .filter(|(row, &label)| {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            best == label
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_correct_takes_the_first_maximum() {
        // rows: argmax 1, argmax 0 (tie → first), argmax 2
        let logits = ArrayD::from_shape_vec(
            vec![3, 3],
            vec![0.0, 2.0, 1.0, 5.0, 5.0, 0.0, -1.0, -3.0, 0.5],
        )
        .unwrap();
        assert_eq!(count_correct(&logits, &[1, 0, 2]), 3);
        assert_eq!(count_correct(&logits, &[1, 1, 0]), 1);
    }

    #[test]
    fn dropout_keys_differ_by_seed_epoch_and_step() {
        let keys: Vec<u64> = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1)]
            .iter()
            .map(|&(s, e, t)| mix(mix(mix(s) ^ e) ^ t))
            .collect();
        for i in 0..keys.len() {
            for j in i + 1..keys.len() {
                assert_ne!(keys[i], keys[j], "{i} vs {j}");
            }
        }
    }
}
