//! A multilayer perceptron in one call, laid out exactly as the PyTorch `nn.Sequential` a course
//! would write, so its checkpoint loads into that model with `strict=True`.
//!
//! For `sizes = [784, 512, 512, 10]` the layers and their indices are
//!
//! ```text
//!   without dropout:  0 Linear(784, 512)  1 act  2 Linear(512, 512)  3 act  4 Linear(512, 10)
//!   with dropout:     0 Linear(784, 512)  1 act  2 Dropout  3 Linear(512, 512)  4 act  5 Dropout
//!                     6 Linear(512, 10)
//! ```
//!
//! so the parameters are `0.*, 2.*, 4.*` without dropout and `0.*, 3.*, 6.*` with it. The
//! last `Linear` gives raw scores (logits): no activation, no dropout after it.

use rand::Rng;

use crate::activation::Activation;
use crate::dropout::Dropout;
use crate::init::Init;
use crate::linear::Linear;
use crate::sequential::Sequential;

/// Builds `Linear, act, [Dropout], …, Linear` through the given layer sizes.
///
/// `dropout = 0` adds no dropout layers (as leaving them out in PyTorch, which changes the
/// indices; see the module docs). Weights are drawn with PyTorch's default first, layer by
/// layer, then re-drawn with `init` (unless it is [`Init::Pytorch`]) using the activation's
/// gain. Each dropout layer is seeded from `rng`.
///
/// # Panics
/// If fewer than two sizes are given, a size is 0, or `dropout` is not in `[0, 1)`.
///
/// ```
/// use nn::{mlp, Activation, Init, Module};
/// use rand::SeedableRng;
///
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let model = mlp(&[784, 512, 512, 10], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
/// assert_eq!(model.parameters().count_elements(), 669_706);
/// ```
#[track_caller]
pub fn mlp<R: Rng + ?Sized>(
    sizes: &[usize],
    activation: Activation,
    dropout: f32,
    init: Init,
    rng: &mut R,
) -> Sequential {
    assert!(
        sizes.len() >= 2,
        "mlp: need at least an input and an output size, got {sizes:?}"
    );
    assert!(
        (0.0..1.0).contains(&dropout),
        "mlp: dropout must be in [0, 1), got {dropout}"
    );
    let mut model = Sequential::new();
    let last = sizes.len() - 2;
    for (i, pair) in sizes.windows(2).enumerate() {
        model = model.add(Linear::new(pair[0], pair[1], rng));
        if i < last {
            model = model.add_boxed(activation.module());
            if dropout > 0.0 {
                model = model.add(Dropout::new(dropout, rng.random()));
            }
        }
    }
    if init != Init::Pytorch {
        init.apply(&model, activation.gain(), rng);
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::Module;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn names_and_shapes(model: &Sequential) -> Vec<(String, Vec<usize>)> {
        model
            .parameters()
            .iter()
            .map(|p| (p.name.clone(), p.tensor.shape()))
            .collect()
    }

    fn owned(v: &[(&str, &[usize])]) -> Vec<(String, Vec<usize>)> {
        v.iter().map(|(n, s)| (n.to_string(), s.to_vec())).collect()
    }

    #[test]
    fn names_match_pytorch_sequential() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let model = mlp(
            &[784, 512, 512, 10],
            Activation::Relu,
            0.0,
            Init::Pytorch,
            &mut rng,
        );
        // torch: Sequential(Linear(784,512), ReLU(), Linear(512,512), ReLU(), Linear(512,10)).
        assert_eq!(
            names_and_shapes(&model),
            owned(&[
                ("0.weight", &[512, 784]),
                ("0.bias", &[512]),
                ("2.weight", &[512, 512]),
                ("2.bias", &[512]),
                ("4.weight", &[10, 512]),
                ("4.bias", &[10]),
            ])
        );
        assert_eq!(model.len(), 5);
    }

    #[test]
    fn dropout_shifts_indices_as_pytorch() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let model = mlp(
            &[784, 512, 512, 10],
            Activation::Tanh,
            0.2,
            Init::Pytorch,
            &mut rng,
        );
        // torch: Sequential(Linear, Tanh, Dropout, Linear, Tanh, Dropout, Linear) → 0, 3, 6.
        let names: Vec<_> = names_and_shapes(&model)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]
        );
        assert_eq!(model.layers()[2].name(), "Dropout(p=0.2, inplace=False)");
        assert_eq!(model.layers()[4].name(), "Tanh()");
    }

    #[test]
    fn init_is_applied_with_the_activation_gain() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let model = mlp(
            &[200, 300, 1],
            Activation::Relu,
            0.0,
            Init::KaimingNormal,
            &mut rng,
        );
        // Layer 0: [300, 200], σ = √2/√200 = 0.1.
        let w = model.parameters().get("0.weight").unwrap().to_vec();
        let std = (w.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / w.len() as f64).sqrt();
        assert!((std - 0.1).abs() < 0.002, "{std}");
        assert!(model.parameters().get("2.bias").unwrap().to_vec() == vec![0.0]);
    }
}
