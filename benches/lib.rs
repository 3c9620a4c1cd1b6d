//! What the benchmarks share: the workloads of the speed comparison and a hand-written
//! forward/backward of the same network, the baseline that shows what autograd costs.

pub mod handwritten;

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One workload of the PyTorch comparison (README, "Speed").
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// `W1-adam`, `W1-sgd`, `W2`, `W3`.
    pub name: &'static str,
    /// Layer sizes, input first.
    pub sizes: &'static [usize],
    /// Mini-batch size.
    pub batch: usize,
    /// `adam` or `momentum` (SGD with momentum 0.9, PyTorch form).
    pub optimizer: &'static str,
    /// Learning rate.
    pub lr: f32,
}

/// The four workloads: W1 with Adam and with SGD+momentum, W2 (per-step overhead), W3 (matrix
/// products).
pub const WORKLOADS: [Workload; 4] = [
    Workload {
        name: "W1-adam",
        sizes: &[784, 512, 512, 10],
        batch: 64,
        optimizer: "adam",
        lr: 1e-3,
    },
    Workload {
        name: "W1-sgd",
        sizes: &[784, 512, 512, 10],
        batch: 64,
        optimizer: "momentum",
        lr: 0.1,
    },
    Workload {
        name: "W2",
        sizes: &[784, 128, 64, 10],
        batch: 32,
        optimizer: "adam",
        lr: 1e-3,
    },
    Workload {
        name: "W3",
        sizes: &[784, 1024, 1024, 10],
        batch: 512,
        optimizer: "momentum",
        lr: 0.1,
    },
];

/// Looks a workload up by name.
pub fn workload(name: &str) -> Option<Workload> {
    WORKLOADS
        .iter()
        .copied()
        .find(|w| w.name.eq_ignore_ascii_case(name))
}

/// A batch of MNIST-shaped standardized-looking inputs and labels, from a seed.
pub fn synthetic_batch(
    batch: usize,
    features: usize,
    classes: usize,
    seed: u64,
) -> (Array2<f32>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_simple_fn((batch, features), || rng.random_range(-0.5f32..2.5));
    let labels = (0..batch).map(|_| rng.random_range(0..classes)).collect();
    (x, labels)
}

/// The workload's network (PyTorch's initialization, seed 0) and its optimizer as the speed
/// comparison runs them: SGD with momentum 0.9 or Adam, in PyTorch's form.
///
/// # Panics
/// Never for the four [`WORKLOADS`] (their hyperparameters are valid).
pub fn network(w: &Workload, seed: u64) -> (nn::Sequential, optim::Optimizer<optim::Algorithm>) {
    use nn::Module;
    use optim::UpdateRule;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let model = nn::mlp(
        w.sizes,
        nn::Activation::Relu,
        0.0,
        nn::Init::Pytorch,
        &mut rng,
    );
    // PyTorch's defaults (momentum μ = 0.9), with the workload's rate.
    let mut rule = optim::Algorithm::defaults(w.optimizer, optim::Form::PyTorch)
        .expect("workload optimizers are names");
    rule.set_lr(w.lr);
    let optimizer = optim::Optimizer::new(model.parameters(), rule)
        .expect("workload hyperparameters are valid");
    (model, optimizer)
}
