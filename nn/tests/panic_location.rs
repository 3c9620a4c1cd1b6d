//! A layer given an input of the wrong width panics at the caller's line, whether the layer is
//! called directly, through `dyn Module`, a `Box`, or inside a `Sequential` (`#[track_caller]`
//! all the way up), and the message names the layer and the shape.
//!
//! One test in this binary: it installs a panic hook, which is global to the process.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use autograd::Tensor;
use nn::{mlp, Activation, Init, Linear, Module, ReLU, Sequential};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The file and line where `f` panicked, and the message.
fn panic_site(f: impl FnOnce()) -> (String, u32, String) {
    let site = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&site);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let location = info.location().expect("panics carry a location");
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        *seen.lock().unwrap() = Some((location.file().to_string(), location.line(), message));
    }));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    assert!(outcome.is_err(), "expected a panic");
    let site = site.lock().unwrap().take();
    site.expect("the hook ran")
}

#[test]
fn a_wrong_width_panics_at_the_callers_line() {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let layer = Linear::new(3, 2, &mut rng);
    let boxed: Box<dyn Module> = Box::new(Linear::new(3, 2, &mut rng));
    let seq = Sequential::new()
        .add(Linear::new(3, 4, &mut rng))
        .add(ReLU)
        .add(Linear::new(4, 2, &mut rng));
    let net = mlp(&[3, 4, 2], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
    let x = Tensor::zeros(&[5, 7]);
    let dynamic: &dyn Module = &layer;
    let cases: Vec<(u32, Box<dyn FnOnce()>)> = vec![
        (line!(), Box::new(|| drop(layer.forward(&x)))),
        (line!(), Box::new(|| drop(dynamic.forward(&x)))),
        (line!(), Box::new(|| drop(boxed.forward(&x)))),
        (line!(), Box::new(|| drop(seq.forward(&x)))),
        (line!(), Box::new(|| drop(net.forward(&x)))),
    ];
    for (line, case) in cases {
        let (file, at, message) = panic_site(case);
        assert!(
            file.ends_with("panic_location.rs"),
            "panicked in {file}:{at}: {message}"
        );
        assert_eq!(at, line, "{message}");
        assert!(
            message.contains("in_features=3") && message.contains("[5, 7]"),
            "{message}"
        );
    }
}
