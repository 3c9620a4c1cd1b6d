//! A shape mismatch is the caller's mistake, so its panic names the caller's line, not a line
//! inside the library (`#[track_caller]` all the way down).
//!
//! One test in this binary: it installs a panic hook, which is global to the process.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use autograd::Tensor;

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
fn shape_panics_point_at_the_callers_line() {
    let a = Tensor::zeros(&[2, 3]);
    let b = Tensor::zeros(&[4]);
    let cases: Vec<(u32, Box<dyn FnOnce()>)> = vec![
        (line!(), Box::new(|| drop(&a + &b))),
        (line!(), Box::new(|| drop(a.add(&b)))),
        (line!(), Box::new(|| drop(&a * &b))),
        (line!(), Box::new(|| drop(a.matmul(&b)))),
        (line!(), Box::new(|| drop(a.linear(&b, None)))),
    ];
    for (line, case) in cases {
        let (file, at, message) = panic_site(case);
        assert!(
            file.ends_with("panic_location.rs"),
            "panicked in {file}:{at}: {message}"
        );
        assert_eq!(at, line, "{message}");
        assert!(
            message.contains("[2, 3]") && message.contains("[4]"),
            "{message}"
        );
    }
}
