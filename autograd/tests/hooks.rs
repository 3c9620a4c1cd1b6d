//! Hooks on a two-layer network see exactly the gradients that `backward()` leaves: on every
//! weight and bias (leaves), and on the hidden activation (an intermediate tensor, compared with
//! `retain_grad`).

use std::cell::RefCell;
use std::rc::Rc;

use autograd::{ArrayD, Tensor};

#[test]
fn hooks_on_a_two_layer_net_record_the_gradients_backward_computes() {
    let t = |v: Vec<f32>, shape: &[usize]| Tensor::from_vec(v, shape).unwrap();
    let x = t(vec![0.5, -1.0, 2.0, 0.25, 1.5, -0.5], &[2, 3]);
    let w1 = t(
        (0..12)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 10.0)
            .collect(),
        &[4, 3],
    )
    .requires_grad();
    let b1 = t(vec![0.1, -0.1, 0.05, 0.0], &[4]).requires_grad();
    let w2 = t(
        (0..8).map(|i| ((i * 5 % 7) as f32 - 3.0) / 5.0).collect(),
        &[2, 4],
    )
    .requires_grad();
    let b2 = t(vec![0.2, -0.2], &[2]).requires_grad();
    type Log = Rc<RefCell<Vec<(String, ArrayD<f32>)>>>;
    let seen: Log = Rc::default();
    let watch = |tensor: &Tensor, name: &str| {
        let (log, name) = (seen.clone(), name.to_string());
        tensor.register_hook(move |g| {
            log.borrow_mut().push((name.clone(), g.clone()));
            None
        })
    };
    let handles: Vec<_> = [(&w1, "w1"), (&b1, "b1"), (&w2, "w2"), (&b2, "b2")]
        .into_iter()
        .map(|(tensor, name)| watch(tensor, name))
        .collect();
    let hidden = x.linear(&w1, Some(&b1)).relu();
    hidden.retain_grad();
    let _hidden_hook = watch(&hidden, "hidden");
    let loss = hidden.linear(&w2, Some(&b2)).cross_entropy(&[1, 0]);
    loss.backward();

    let seen = seen.borrow();
    let recorded = |name: &str| {
        let hits: Vec<&ArrayD<f32>> = (seen.iter())
            .filter(|(n, _)| n == name)
            .map(|(_, g)| g)
            .collect();
        assert_eq!(hits.len(), 1, "{name}: one call per backward pass");
        hits[0].clone()
    };
    for (tensor, name) in [
        (&w1, "w1"),
        (&b1, "b1"),
        (&w2, "w2"),
        (&b2, "b2"),
        (&hidden, "hidden"),
    ] {
        assert_eq!(recorded(name), *tensor.grad().unwrap(), "{name}");
    }
    // The hidden gradient is complete before the first layer's is computed from it: hooks fire
    // as the backward pass goes, from the loss towards the input.
    let position = |name: &str| seen.iter().position(|(n, _)| n == name).unwrap();
    assert!(position("hidden") < position("w1") && position("hidden") < position("b1"));
    for h in handles {
        h.remove();
    }
}
