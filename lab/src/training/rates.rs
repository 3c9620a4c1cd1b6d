//! The learning rate each optimizer starts from on the course's network (784-512-512-10, ReLU,
//! cross-entropy, batch 64) when `--lr` is not given, and why: tuned on that network by the
//! comparisons of the README (`compare`, and the benchmark's λ sweep on `mnist_mlp`), so they
//! live here, next to those experiments, not in `optim`, whose defaults are the papers' and
//! PyTorch's.

use optim::{Algorithm, UpdateRule};

/// The rate to start from, and why; `None` for a rule without λ (AdaDelta's course form).
pub fn recommended_lr(algorithm: &Algorithm) -> Option<(f32, &'static str)> {
    algorithm.lr()?;
    Some(match algorithm {
        Algorithm::Sgd(_) => (
            0.1,
            "plain steps need a large rate to make progress in a few epochs",
        ),
        Algorithm::Momentum(_) | Algorithm::Nesterov(_) => (
            0.01,
            "the velocity sums about 1/(1 − μ) = 10 steps, so λ = 0.01 moves as far per step \
             as plain SGD at 0.1 (in both forms: ĝ = λ v for a constant λ)",
        ),
        Algorithm::Adagrad(_) => (
            0.01,
            "the classic default; G only grows, so the rate only shrinks from here",
        ),
        Algorithm::Adadelta(_) => (
            1.0,
            "PyTorch's neutral multiplier: the step's scale comes from the ratio of the averages",
        ),
        Algorithm::Rmsprop(_) => (
            0.001,
            "a per-weight normalized step: λ is roughly the step size of each weight",
        ),
        Algorithm::Adam(_) => (0.001, "Kingma & Ba's default, and PyTorch's"),
    })
}
