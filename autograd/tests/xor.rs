//! XOR needs a hidden layer: a 2 → 16 → 2 ReLU network trained with plain gradient descent,
//! written only with autograd ops, classifies all four points; a linear model cannot.

use autograd::{no_grad, Tensor};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The four XOR points and their classes (1 when exactly one coordinate is 1).
fn xor() -> (Tensor, Vec<usize>) {
    let x = Tensor::from_vec(vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0], &[4, 2]).unwrap();
    (x, vec![0, 1, 1, 0])
}

/// Layers `(W, b)`, each `W: [in, out]` drawn from `N(0, 1/in)` and `b = 0`.
fn init(sizes: &[usize], seed: u64) -> Vec<(Tensor, Tensor)> {
    let mut rng = StdRng::seed_from_u64(seed);
    sizes
        .windows(2)
        .map(|io| {
            let std = (1.0 / io[0] as f32).sqrt();
            let w = Tensor::randn(&[io[0], io[1]], 0.0, std, &mut rng).requires_grad();
            (w, Tensor::zeros(&[io[1]]).requires_grad())
        })
        .collect()
}

/// Logits `[B, classes]`: `x·W + b` per layer, ReLU between layers.
fn forward(layers: &[(Tensor, Tensor)], x: &Tensor) -> Tensor {
    let mut h = x.clone();
    for (i, (w, b)) in layers.iter().enumerate() {
        h = &h.matmul(w) + b;
        if i + 1 < layers.len() {
            h = h.relu();
        }
    }
    h
}

/// Full-batch gradient descent on the cross-entropy; returns the final loss.
fn train(layers: &[(Tensor, Tensor)], steps: usize, lr: f32) -> f32 {
    let (x, labels) = xor();
    let mut loss = f32::NAN;
    for _ in 0..steps {
        let l = forward(layers, &x).cross_entropy(&labels);
        l.backward();
        loss = l.item();
        no_grad(|| {
            for p in layers.iter().flat_map(|(w, b)| [w, b]) {
                let g = p.grad().expect("every parameter gets a gradient").clone();
                p.value_mut().scaled_add(-lr, &g);
                p.zero_grad();
            }
        });
    }
    loss
}

/// Fraction of the four points whose larger logit is at the right class.
fn accuracy(layers: &[(Tensor, Tensor)]) -> f32 {
    let (x, labels) = xor();
    let logits = no_grad(|| forward(layers, &x)).to_vec(); // row i: [logit of 0, logit of 1]
    let correct = labels
        .iter()
        .enumerate()
        .filter(|&(i, &label)| usize::from(logits[2 * i + 1] > logits[2 * i]) == label)
        .count();
    correct as f32 / labels.len() as f32
}

#[test]
fn two_layer_network_learns_xor() {
    for seed in 0..3 {
        let layers = init(&[2, 16, 2], seed);
        let loss = train(&layers, 2000, 0.2);
        assert_eq!(accuracy(&layers), 1.0, "seed {seed}: loss {loss}");
        assert!(loss < 0.01, "seed {seed}: final loss {loss}");
    }
}

#[test]
fn linear_model_cannot_learn_xor() {
    // No line separates XOR's classes, so at most 3 of 4 points come out right. The best
    // linear model is W = 0, b = 0 (by the symmetry of the four points): a coin toss, whose
    // loss is log 2 ≈ 0.693, so training cannot push the loss below that.
    for seed in 0..3 {
        let layers = init(&[2, 2], seed);
        let loss = train(&layers, 2000, 0.2);
        assert!(accuracy(&layers) <= 0.75, "seed {seed}");
        assert!(loss > 0.69, "seed {seed}: final loss {loss}");
    }
}
