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
use crate::dropout::{Dropout, DropoutKey};
use crate::init::Init;
use crate::linear::Linear;
use crate::sequential::Sequential;

/// Builds `Linear, act, [Dropout], …, Linear` through the given layer sizes.
///
/// `dropout = 0` adds no dropout layers (as leaving them out in PyTorch, which changes the
/// indices; see the module docs). Weights are drawn with PyTorch's default first, layer by
/// layer, then re-drawn with `init` (unless it is [`Init::Pytorch`]) using the activation's
/// gain. Each dropout layer is seeded from `rng`; [`mlp_keyed`] builds the same network with
/// masks a resumed run can reproduce.
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
    build(sizes, activation, dropout, init, None, rng)
}

/// [`mlp`] with [`Dropout::keyed`] layers: every mask is drawn from the returned key, which the
/// training loop sets before each step (from the seed, epoch and step, say), and the layer's
/// position among the hidden layers (`0, 1, …`). The weights are those [`mlp`] draws from the
/// same `rng`: keyed layers take no numbers from it.
///
/// # Panics
/// As [`mlp`].
///
/// ```
/// use autograd::Tensor;
/// use nn::{mlp_keyed, Activation, Init, Module};
/// use rand::SeedableRng;
///
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
/// let (model, key) = mlp_keyed(&[8, 16, 2], Activation::Relu, 0.5, Init::Pytorch, &mut rng);
/// let x = Tensor::ones(&[4, 8]);
/// key.set(7); // say, a hash of (seed, epoch, step)
/// let first = model.forward(&x).to_vec();
/// model.forward(&x); // another pass in between changes nothing:
/// assert_eq!(model.forward(&x).to_vec(), first); // the key decides the masks
/// ```
#[track_caller]
pub fn mlp_keyed<R: Rng + ?Sized>(
    sizes: &[usize],
    activation: Activation,
    dropout: f32,
    init: Init,
    rng: &mut R,
) -> (Sequential, DropoutKey) {
    let key = DropoutKey::default();
    let model = build(sizes, activation, dropout, init, Some(&key), rng);
    (model, key)
}

/// The one layout of [`mlp`] and [`mlp_keyed`]; `key` picks keyed dropout layers.
#[track_caller]
fn build<R: Rng + ?Sized>(
    sizes: &[usize],
    activation: Activation,
    dropout: f32,
    init: Init,
    key: Option<&DropoutKey>,
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
                model = model.add(match key {
                    Some(key) => Dropout::keyed(dropout, key, i as u64),
                    None => Dropout::new(dropout, rng.random()),
                });
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

    #[test]
    fn keyed_dropout_keeps_the_layout_and_the_weights_of_mlp() {
        let sizes = [4, 6, 5, 3];
        let flat = |m: &Sequential| {
            m.parameters()
                .iter()
                .map(|p| (p.name.clone(), p.tensor.to_vec()))
                .collect::<Vec<_>>()
        };
        let build = |dropout: f32, keyed: bool| {
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let init = Init::KaimingUniform;
            if keyed {
                mlp_keyed(&sizes, Activation::Tanh, dropout, init, &mut rng).0
            } else {
                mlp(&sizes, Activation::Tanh, dropout, init, &mut rng)
            }
        };
        // Without dropout the two are one network; with it, keyed layers draw nothing from the
        // generator, so the weights are those of the dropout-free network.
        assert_eq!(flat(&build(0.0, true)), flat(&build(0.0, false)));
        let keyed = build(0.5, true);
        assert_eq!(
            flat(&keyed).into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            flat(&build(0.0, false))
                .into_iter()
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            names_and_shapes(&keyed)
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>(),
            ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]
        );
    }
}
