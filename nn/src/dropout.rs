//! Dropout: in training, zero each entry with probability `p` and scale the survivors by
//! `1/(1 − p)`, so the expected output equals the input; in evaluation, the identity.
//!
//! ```text
//!   training:  y = x ⊙ m,   m[k] = 1/(1 − p) with probability 1 − p, else 0
//!   eval:      y = x
//! ```
//!
//! The mask `m` is a constant tensor, so `∂L/∂x = ∂L/∂y ⊙ m` comes from the ordinary `mul` op:
//! gradients reach kept entries only, scaled the same way. This is PyTorch's "inverted
//! dropout" (`nn.Dropout`). Masks come from the layer's own seeded generator, so a run is
//! reproducible (though not bit-equal to PyTorch's generator).
//!
//! A generator that runs on makes each mask depend on how many were drawn before, which a run
//! resumed from a checkpoint cannot know. Layers made with [`Dropout::keyed`] instead draw each
//! mask afresh from a shared [`DropoutKey`] that the training loop sets before every step (from
//! the seed, epoch and step, say) and the layer's own stream: the masks of a step are then the
//! same however the run got there.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use autograd::{ArrayD, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::module::Module;

/// Inverted dropout with drop probability `p`, PyTorch's `nn.Dropout(p)`.
///
/// Starts in training mode, as PyTorch modules do; [`Module::set_training`]`(false)` makes it
/// the identity.
///
/// ```
/// use autograd::Tensor;
/// use nn::{Dropout, Module};
///
/// let mut drop = Dropout::new(0.5, 42);
/// let y = drop.forward(&Tensor::ones(&[1, 8]));
/// assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == 2.0)); // 1/(1 − 0.5) = 2
/// drop.set_training(false);
/// assert_eq!(drop.forward(&Tensor::ones(&[1, 8])).to_vec(), vec![1.0; 8]);
/// ```
#[derive(Debug)]
pub struct Dropout {
    /// Probability of zeroing an entry, in `[0, 1)`.
    pub p: f32,
    /// Whether masks are applied (training) or not (evaluation).
    pub training: bool,
    /// Draws the masks; interior mutability because `forward` takes `&self`.
    pub rng: RefCell<ChaCha8Rng>,
    /// For a keyed layer: the shared key and this layer's stream; the generator is reset from
    /// them before each mask.
    keyed: Option<(DropoutKey, u64)>,
}

/// The key of the masks of every [`Dropout::keyed`] layer that shares it (cloning shares it).
///
/// ```
/// use autograd::Tensor;
/// use nn::{Dropout, DropoutKey, Module};
///
/// let key = DropoutKey::default();
/// let drop = Dropout::keyed(0.5, &key, 0);
/// let x = Tensor::ones(&[2, 8]);
/// key.set(7);
/// let first = drop.forward(&x).to_vec();
/// drop.forward(&x); // another draw in between changes nothing:
/// assert_eq!(drop.forward(&x).to_vec(), first); // the key decides the mask
/// ```
#[derive(Debug, Clone, Default)]
pub struct DropoutKey(Rc<Cell<u64>>);

impl DropoutKey {
    /// Sets the key for the next forward passes.
    pub fn set(&self, key: u64) {
        self.0.set(key);
    }

    /// The current key.
    pub fn get(&self) -> u64 {
        self.0.get()
    }
}

impl Dropout {
    /// Dropout with probability `p`, its masks drawn from a generator seeded with `seed`.
    ///
    /// # Panics
    /// If `p` is not in `[0, 1)` (`p = 1` would zero everything and divide by zero); the
    /// message names `p`.
    #[track_caller]
    pub fn new(p: f32, seed: u64) -> Dropout {
        assert!(
            (0.0..1.0).contains(&p),
            "Dropout::new: p must be in [0, 1), got {p}"
        );
        Dropout {
            p,
            training: true,
            rng: RefCell::new(ChaCha8Rng::seed_from_u64(seed)),
            keyed: None,
        }
    }

    /// Dropout whose every mask is drawn from `key` (its value at the forward pass) and this
    /// layer's `stream` (give each layer its own, e.g. its position).
    ///
    /// # Panics
    /// If `p` is not in `[0, 1)`, as [`Dropout::new`].
    #[track_caller]
    pub fn keyed(p: f32, key: &DropoutKey, stream: u64) -> Dropout {
        Dropout {
            keyed: Some((key.clone(), stream)),
            ..Dropout::new(p, 0)
        }
    }

    /// A fresh mask of the given shape: `1/(1 − p)` where kept, `0` where dropped.
    fn mask(&self, shape: &[usize]) -> ArrayD<f32> {
        let scale = 1.0 / (1.0 - self.p);
        let mut rng = self.rng.borrow_mut();
        if let Some((key, stream)) = &self.keyed {
            *rng = ChaCha8Rng::seed_from_u64(key.get());
            rng.set_stream(*stream);
        }
        // `random::<f32>()` is uniform in [0, 1), so `< p` happens with probability p.
        ArrayD::from_shape_simple_fn(shape, || {
            if rng.random::<f32>() < self.p {
                0.0
            } else {
                scale
            }
        })
    }
}

impl Module for Dropout {
    fn forward(&self, x: &Tensor) -> Tensor {
        if !self.training || self.p == 0.0 {
            return x.clone();
        }
        let mask = Tensor::from_array(self.mask(&x.shape()));
        x * &mask
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn name(&self) -> String {
        format!("Dropout(p={}, inplace=False)", self.p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_is_identity() {
        let mut drop = Dropout::new(0.9, 1);
        drop.set_training(false);
        let x = Tensor::from_vec(vec![1.0, -2.0, 3.0], &[3]).unwrap();
        assert_eq!(drop.forward(&x).to_vec(), x.to_vec());
    }

    #[test]
    fn training_drops_about_p_and_scales_survivors() {
        let drop = Dropout::new(0.3, 5);
        let y = drop.forward(&Tensor::ones(&[100, 100])).to_vec();
        let zeros = y.iter().filter(|&&v| v == 0.0).count() as f64 / y.len() as f64;
        // Binomial(10⁴, 0.3): std of the fraction is √(0.3·0.7/10⁴) = 0.0046; allow ±4σ ≈ 0.02.
        assert!((zeros - 0.3).abs() < 0.02, "dropped fraction {zeros}");
        // Survivors are 1/(1 − 0.3) = 1.4285714.
        assert!(y
            .iter()
            .all(|&v| v == 0.0 || (v - 1.428_571_4).abs() < 1e-6));
    }

    #[test]
    fn same_seed_same_mask() {
        let x = Tensor::ones(&[4, 50]);
        let a = Dropout::new(0.5, 9).forward(&x).to_vec();
        let b = Dropout::new(0.5, 9).forward(&x).to_vec();
        let c = Dropout::new(0.5, 10).forward(&x).to_vec();
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Two calls on one layer draw two different masks.
        let drop = Dropout::new(0.5, 9);
        assert_ne!(drop.forward(&x).to_vec(), drop.forward(&x).to_vec());
    }

    #[test]
    fn keyed_masks_depend_on_key_and_stream_only() {
        let key = DropoutKey::default();
        let x = Tensor::ones(&[4, 50]);
        let layer = Dropout::keyed(0.5, &key, 1);
        key.set(42);
        let at_42 = layer.forward(&x).to_vec();
        // Draws in between, by this layer or a fresh one, change nothing at the same key.
        layer.forward(&x);
        key.set(43);
        let at_43 = layer.forward(&x).to_vec();
        key.set(42);
        assert_eq!(layer.forward(&x).to_vec(), at_42);
        assert_eq!(Dropout::keyed(0.5, &key, 1).forward(&x).to_vec(), at_42);
        // Another key or another stream: another mask.
        assert_ne!(at_43, at_42);
        assert_ne!(Dropout::keyed(0.5, &key, 2).forward(&x).to_vec(), at_42);
        // Still dropout: about half dropped, survivors scaled by 2.
        let dropped = at_42.iter().filter(|&&v| v == 0.0).count();
        assert!((60..=140).contains(&dropped), "{dropped} of 200 dropped");
        assert!(at_42.iter().all(|&v| v == 0.0 || v == 2.0));
    }

    #[test]
    fn gradient_flows_only_through_kept_entries() {
        let drop = Dropout::new(0.5, 3);
        let x = Tensor::from_vec((1..=40).map(|v| v as f32).collect(), &[40])
            .unwrap()
            .requires_grad();
        let y = drop.forward(&x);
        y.sum().backward();
        // y = x ⊙ m, so ∂Σy/∂x = m: 2 where y kept x (y = 2x), 0 where y is 0.
        let (y, g) = (
            y.to_vec(),
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
        );
        for (k, (&yk, &gk)) in y.iter().zip(&g).enumerate() {
            let xk = (k + 1) as f32;
            if yk == 0.0 {
                assert_eq!(gk, 0.0);
            } else {
                assert_eq!((yk, gk), (2.0 * xk, 2.0));
            }
        }
        assert!(g.contains(&0.0) && g.contains(&2.0));
    }

    #[test]
    #[should_panic(expected = "Dropout::new: p must be in [0, 1), got 1")]
    fn rejects_p_one() {
        Dropout::new(1.0, 0);
    }
}
