//! The backend splits large updates over the threads; the split must not change a single bit.
//!
//! `with_threads(n)` cuts the work into `n` pieces whatever the machine's core count, so this
//! compares real splits even on one core.

use autograd::ndarray::Dimension;
use autograd::{ArrayD, IxDyn, Parameters, Tensor};
use optim::{Algorithm, Form, Optimizer, UpdateRule};

/// Runs three steps of `name` on a 1000×600 parameter (600,000 elements: enough for nine
/// pieces) and a small one, with the updates cut into `threads` pieces, with
/// gradients g = 0.5·w + 0.01·(index mod 7) set by hand; returns the final values.
fn three_steps(name: &str, form: Form, threads: usize) -> Vec<Vec<f32>> {
    let run = || {
        let mut params = Parameters::new();
        let big = Tensor::from_array(ArrayD::from_shape_fn(IxDyn(&[1000, 600]), |i| {
            ((i[0] * 600 + i[1]) % 13) as f32 * 0.1 - 0.6
        }))
        .requires_grad();
        let small = Tensor::from_vec(vec![0.3, -0.2, 0.1], &[3])
            .unwrap()
            .requires_grad();
        params.push("big", big.clone());
        params.push("small", small.clone());
        let mut rule = Algorithm::defaults(name, form).expect("a name");
        if rule.lr().is_some() {
            rule.set_lr(0.01);
        }
        let mut optimizer = Optimizer::new(params, rule).expect("valid hyperparameters");
        for _ in 0..3 {
            for t in [&big, &small] {
                let w = t.value().clone();
                let g = ArrayD::from_shape_fn(w.raw_dim(), |i| {
                    let flat: usize = i.as_array_view().sum();
                    0.5 * w[&i] + 0.01 * (flat % 7) as f32
                });
                *t.grad_slot() = Some(g);
            }
            if name == "nesterov" && form == Form::Course {
                // The course form re-evaluates the gradient at the look-ahead point; a closure
                // that leaves the gradients set above is enough to compare thread counts.
                optimizer
                    .step_with_closure(&mut || 0.0)
                    .expect("closure given");
            } else {
                optimizer.step().expect("no closure needed");
            }
        }
        vec![big.to_vec(), small.to_vec()]
    };
    autograd::backend::with_threads(threads, run)
}

#[test]
fn splitting_updates_over_threads_changes_no_bit() {
    for name in Algorithm::NAMES {
        for form in [Form::Course, Form::PyTorch] {
            let one = three_steps(name, form, 1);
            for threads in [2, 3, 5, 8] {
                let many = three_steps(name, form, threads);
                for (a, b) in one.iter().zip(&many) {
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(
                        bits(a),
                        bits(b),
                        "{name} ({form:?}): 1 thread and {threads} threads differ"
                    );
                }
            }
            // And the steps did move the weights.
            assert_ne!(one[0][1], 0.1 * 1.0 - 0.6, "{name}: no update happened");
        }
    }
}
