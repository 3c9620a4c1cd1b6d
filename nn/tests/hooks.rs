//! Forward hooks on a two-layer network see each layer's input and output, in order, exactly
//! the tensors the layers compute; a removed hook is no longer called.

use std::cell::RefCell;
use std::rc::Rc;

use autograd::Tensor;
use nn::{Linear, Module, ReLU, Sequential};
use rand::SeedableRng;

#[test]
fn forward_hooks_see_every_layer_in_order() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let model = Sequential::new()
        .add(Linear::new(3, 4, &mut rng))
        .add(ReLU)
        .add(Linear::new(4, 2, &mut rng));
    let x = Tensor::from_vec(vec![0.5, -1.0, 2.0, 1.5, 0.0, -0.5], &[2, 3]).unwrap();
    type Calls = Rc<RefCell<Vec<(usize, String, Vec<f32>, Vec<f32>)>>>;
    let calls: Calls = Rc::default();
    let log = calls.clone();
    let handle = model.register_forward_hook(move |call| {
        log.borrow_mut().push((
            call.index,
            call.layer.name(),
            call.input.to_vec(),
            call.output.to_vec(),
        ));
    });
    let y = model.forward(&x);

    // The same computation by hand, layer by layer.
    let params = model.parameters();
    let p = |name: &str| params.get(name).unwrap().clone();
    let h = x.linear(&p("0.weight"), Some(&p("0.bias")));
    let r = h.relu();
    let out = r.linear(&p("2.weight"), Some(&p("2.bias")));
    let seen = calls.borrow();
    let indices: Vec<usize> = seen.iter().map(|c| c.0).collect();
    assert_eq!(indices, [0, 1, 2]);
    assert_eq!(seen[1].1, "ReLU()");
    let expected = [
        (x.to_vec(), h.to_vec()),
        (h.to_vec(), r.to_vec()),
        (r.to_vec(), out.to_vec()),
    ];
    for (call, (input, output)) in seen.iter().zip(expected) {
        assert_eq!((&call.2, &call.3), (&input, &output), "layer {}", call.0);
    }
    assert_eq!(y.to_vec(), out.to_vec());
    drop(seen);

    handle.remove();
    model.forward(&x);
    assert_eq!(
        calls.borrow().len(),
        3,
        "a removed hook is not called again"
    );
}
