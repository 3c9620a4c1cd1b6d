//! Each optimizer on tiny problems, against trajectories worked by hand.
//!
//! The loss is built with autograd ops and differentiated by `backward()`, as in training:
//! mostly `L(w) = ½·a·w²` of one scalar `w`, so that `g = a·w`. Expected values are worked out in
//! the comments (decimals rounded to 7–8 digits; the asserted constants were carried at full
//! precision) and compared to a relative 1e-6.

use autograd::{Parameters, Tensor};
use optim::scheduler::{MultiStepLr, Scheduler};
use optim::{
    AdaDelta, AdaGrad, Adam, Form, Momentum, Nesterov, OptimError, Optimizer, RmsProp, Sgd,
    UpdateRule,
};

/// One scalar parameter `w` starting at `w0`.
fn scalar_param(w0: f32) -> (Parameters, Tensor) {
    let mut params = Parameters::new();
    params.push("w", Tensor::scalar(w0).requires_grad());
    let w = params.get("w").expect("just pushed").clone();
    (params, w)
}

/// Zeroes the gradient, computes `L = ½·a·w²` with autograd, back-propagates, returns `L`.
fn half_a_w2(w: &Tensor, a: f32) -> f32 {
    w.zero_grad();
    let loss = (w * w).mul_scalar(0.5 * a).sum();
    loss.backward();
    loss.item()
}

/// `w` after each of `steps` steps of `rule` on `L = ½·a·w²` from `w0`. Rules that need the
/// loss re-evaluated (NAG, course form) get a closure; the others `backward()` then `step()`.
fn trajectory<R: UpdateRule>(rule: R, a: f32, w0: f32, steps: usize) -> Vec<f32> {
    let (params, w) = scalar_param(w0);
    let mut opt = Optimizer::new(params, rule).expect("valid hyperparameters");
    let mut out = Vec::new();
    for _ in 0..steps {
        if opt.rule().needs_closure() {
            opt.step_with_closure(&mut || half_a_w2(&w, a))
                .expect("closure given");
        } else {
            half_a_w2(&w, a);
            opt.step().expect("no closure needed");
        }
        out.push(w.item());
    }
    out
}

/// Asserts `got ≈ want` to a relative `1e-6` (absolute near 0).
#[track_caller]
fn assert_close(got: &[f32], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let tol = 1e-6 * w.abs().max(1e-3);
        assert!(
            (g as f64 - w).abs() <= tol,
            "step {}: got {g}, want {w}\n got {got:?}\nwant {want:?}",
            i + 1
        );
    }
}

// ------------------------------------------------------------------------------------ SGD

#[test]
fn sgd_by_hand() {
    // a = 2 (g = 2w), w0 = 1, λ = 0.1: w ← w − 0.1·2w = 0.8·w.
    // step 1: g = 2,    w = 1 − 0.2      = 0.8
    // step 2: g = 1.6,  w = 0.8 − 0.16   = 0.64
    // step 3: g = 1.28, w = 0.64 − 0.128 = 0.512
    let got = trajectory(
        Sgd {
            lr: 0.1,
            ..Default::default()
        },
        2.0,
        1.0,
        3,
    );
    assert_close(&got, &[0.8, 0.64, 0.512]);
}

// ------------------------------------------------------------------------------- Momentum

#[test]
fn momentum_both_forms_by_hand() {
    // a = 2, w0 = 1, λ = 0.1, μ = 0.9.
    // Course: ĝ ← 0.9 ĝ + 0.1 g, w ← w − ĝ
    //   step 1: g = 2,    ĝ = 0 + 0.2              = 0.2,   w = 1 − 0.2      = 0.8
    //   step 2: g = 1.6,  ĝ = 0.18 + 0.16          = 0.34,  w = 0.8 − 0.34   = 0.46
    //   step 3: g = 0.92, ĝ = 0.306 + 0.092        = 0.398, w = 0.46 − 0.398 = 0.062
    // PyTorch: v ← 0.9 v + g, w ← w − 0.1 v
    //   step 1: v = 2,                 w = 1 − 0.2      = 0.8
    //   step 2: v = 1.8 + 1.6  = 3.4,  w = 0.8 − 0.34   = 0.46
    //   step 3: v = 3.06 + 0.92 = 3.98, w = 0.46 − 0.398 = 0.062   (same: ĝ = λ v)
    let want = [0.8, 0.46, 0.062];
    let course = Momentum {
        lr: 0.1,
        momentum: 0.9,
        ..Default::default()
    };
    assert_close(&trajectory(course, 2.0, 1.0, 3), &want);
    let pytorch = Momentum {
        lr: 0.1,
        momentum: 0.9,
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_close(&trajectory(pytorch, 2.0, 1.0, 3), &want);
}

#[test]
fn momentum_forms_differ_once_the_learning_rate_changes() {
    // As above for two steps (w = 0.46, course ĝ = 0.34, PyTorch v = 3.4), then λ = 0.05.
    // Course:  step 3: g = 0.92, ĝ = 0.9·0.34 + 0.05·0.92 = 0.306 + 0.046 = 0.352,
    //          w = 0.46 − 0.352 = 0.108  (ĝ still carries the old rate)
    // PyTorch: step 3: v = 3.06 + 0.92 = 3.98, w = 0.46 − 0.05·3.98 = 0.46 − 0.199 = 0.261
    //          (the whole velocity is rescaled by the new rate at once)
    let run = |form| {
        let (params, w) = scalar_param(1.0);
        let mut opt = Optimizer::new(
            params,
            Momentum {
                lr: 0.1,
                momentum: 0.9,
                form,
                ..Default::default()
            },
        )
        .expect("valid");
        let mut out = Vec::new();
        for step in 1..=3 {
            if step == 3 {
                opt.set_lr(0.05).expect("a valid rate");
            }
            half_a_w2(&w, 2.0);
            opt.step().expect("no closure needed");
            out.push(w.item());
        }
        out
    };
    assert_close(&run(Form::Course), &[0.8, 0.46, 0.108]);
    assert_close(&run(Form::PyTorch), &[0.8, 0.46, 0.261]);
}

#[test]
fn momentum_follows_a_schedule_on_mu() {
    // a = 2, w0 = 1, λ = 0.1, μ = 0.9 for steps 1–2 then 0 from step 3 (μ·0 from tick 2, the
    // scheduler ticking after each step):
    //   steps 1–2 as above: w = 0.46, ĝ = 0.34
    //   step 3: g = 0.92, ĝ = 0·0.34 + 0.092 = 0.092, w = 0.46 − 0.092 = 0.368
    let (params, w) = scalar_param(1.0);
    let rule = Momentum {
        lr: 0.1,
        momentum: 0.9,
        ..Default::default()
    };
    let mut opt = Optimizer::new(params, rule).unwrap();
    let mut mu = Scheduler::momentum(&mut opt, MultiStepLr::new(&[2], 0.0).unwrap()).unwrap();
    let mut got = Vec::new();
    for _ in 0..3 {
        half_a_w2(&w, 2.0);
        opt.step().unwrap();
        mu.step(&mut opt, None).unwrap();
        got.push(w.item());
    }
    assert_close(&got, &[0.8, 0.46, 0.368]);
}

// ------------------------------------------------------------------------------------ NAG

#[test]
fn nesterov_course_form_by_hand() {
    // a = 2, w0 = 1, λ = 0.1, μ = 0.9; the gradient is taken at p = w − 0.9 ĝ.
    //   step 1: p = 1,                      g = 2,      ĝ = 0.2,                  w = 0.8
    //   step 2: p = 0.8 − 0.18 = 0.62,      g = 1.24,   ĝ = 0.18 + 0.124 = 0.304, w = 0.8 − 0.304 = 0.496
    //   step 3: p = 0.496 − 0.2736 = 0.2224, g = 0.4448, ĝ = 0.2736 + 0.04448 = 0.31808,
    //           w = 0.496 − 0.31808 = 0.17792
    let (params, w) = scalar_param(1.0);
    let mut opt = Optimizer::new(
        params,
        Nesterov {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    let (mut at, mut got) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        opt.step_with_closure(&mut || {
            at.push(w.item()); // where the closure evaluates the gradient
            half_a_w2(&w, 2.0)
        })
        .unwrap();
        got.push(w.item());
    }
    assert_close(&at, &[1.0, 0.62, 0.2224]);
    assert_close(&got, &[0.8, 0.496, 0.17792]);
}

#[test]
fn nesterov_course_form_refuses_a_plain_step() {
    let (params, w) = scalar_param(1.0);
    let mut opt = Optimizer::new(params, Nesterov::default()).unwrap();
    half_a_w2(&w, 2.0);
    let err = opt.step().unwrap_err();
    assert_eq!(
        err,
        OptimError::NeedsClosure {
            optimizer: "nesterov"
        }
    );
    assert!(err.to_string().contains("step_with_closure"), "{err}");
    assert_eq!(
        (w.item(), opt.step_count()),
        (1.0, 0),
        "a refused step changes nothing"
    );
}

#[test]
fn nesterov_pytorch_form_by_hand() {
    // a = 2, w0 = 1, λ = 0.1, μ = 0.9: v ← 0.9 v + g, w ← w − 0.1 (g + 0.9 v)
    //   step 1: g = 2,      v = 2,                       w = 1 − 0.1·(2 + 1.8)           = 0.62
    //   step 2: g = 1.24,   v = 1.8 + 1.24 = 3.04,       w = 0.62 − 0.1·(1.24 + 2.736)   = 0.2224
    //   step 3: g = 0.4448, v = 2.736 + 0.4448 = 3.1808, w = 0.2224 − 0.1·(0.4448 + 2.86272) = −0.108352
    // The first two are the course form's look-ahead points of steps 2 and 3 above; the third is
    // the course form's next one, w3 − 0.9 ĝ3 = 0.17792 − 0.286272 = −0.108352.
    let nag = Nesterov {
        lr: 0.1,
        momentum: 0.9,
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_close(&trajectory(nag, 2.0, 1.0, 3), &[0.62, 0.2224, -0.108352]);
}

/// `L = ½ (1·w₁² + 10·w₂²)` of a 2-vector, so `g = (w₁, 10 w₂)`.
fn bowl(w: &Tensor) -> f32 {
    w.zero_grad();
    let a = Tensor::from_vec(vec![1.0, 10.0], &[2]).unwrap();
    let loss = (&(w * w) * &a).sum().mul_scalar(0.5);
    loss.backward();
    loss.item()
}

#[test]
fn nesterov_pytorch_weights_are_the_course_look_ahead_points() {
    // OPTIMIZERS.md: for constant μ, λ and the same start, PyTorch's weights after i steps equal
    // the course form's look-ahead point w_i − μ ĝ_i, i.e. where its closure takes the gradient.
    let (lr, mu, start) = (0.02, 0.9, [1.5f32, -0.8]);
    let vector_param = || {
        let mut params = Parameters::new();
        params.push(
            "w",
            Tensor::from_vec(start.to_vec(), &[2])
                .unwrap()
                .requires_grad(),
        );
        let w = params.get("w").unwrap().clone();
        (params, w)
    };

    let (params, w) = vector_param();
    let mut course = Optimizer::new(
        params,
        Nesterov {
            lr,
            momentum: mu,
            ..Default::default()
        },
    )
    .unwrap();
    let mut look_ahead = Vec::new();
    for _ in 0..20 {
        course
            .step_with_closure(&mut || {
                look_ahead.push(w.to_vec());
                bowl(&w)
            })
            .unwrap();
    }
    // After the last step: w_20 − μ ĝ_20, read from the state.
    let g_hat = course.state("w").unwrap()[0].clone();
    look_ahead.push(
        w.to_vec()
            .iter()
            .zip(g_hat.iter())
            .map(|(w, g)| w - mu * g)
            .collect(),
    );

    let (params, w) = vector_param();
    let nag = Nesterov {
        lr,
        momentum: mu,
        form: Form::PyTorch,
        ..Default::default()
    };
    let mut pytorch = Optimizer::new(params, nag).unwrap();
    let mut weights = vec![w.to_vec()];
    for _ in 0..20 {
        bowl(&w);
        pytorch.step().unwrap();
        weights.push(w.to_vec());
    }

    for (i, (p, q)) in look_ahead.iter().zip(&weights).enumerate() {
        for (x, y) in p.iter().zip(q) {
            assert!(
                (x - y).abs() <= 1e-6 + 1e-5 * y.abs(),
                "step {i}: look-ahead {p:?}, PyTorch {q:?}"
            );
        }
    }
    // And the run did move: the stiff coordinate oscillated and both shrank.
    assert!(
        weights[20][0].abs() < 1.0 && weights[20][1].abs() < 0.8,
        "{:?}",
        weights[20]
    );
}

// -------------------------------------------------------------------------------- AdaGrad

#[test]
fn adagrad_both_forms_by_hand() {
    // a = 1 (g = w), w0 = 2, λ = 0.5, ε = 5 (large, so that where it sits shows).
    // Course, w ← w − λ g / sqrt(G + ε):
    //   step 1: g = 2,   G = 4,                 w = 2 − 0.5·2/√9 = 2 − 1/3 = 1.6666667
    //   step 2: g = 5/3, G = 4 + 25/9 = 61/9,   w = 5/3 − 0.5·(5/3)/√(61/9 + 45/9)
    //                                             = 5/3 − 2.5/√106 = 1.6666667 − 0.2428215 = 1.4238452
    let course = AdaGrad {
        lr: 0.5,
        eps: 5.0,
        ..Default::default()
    };
    assert_close(
        &trajectory(course, 1.0, 2.0, 2),
        &[1.6666666666666667, 1.4238452010773508],
    );
    // PyTorch, w ← w − λ g / (sqrt(G) + ε):
    //   step 1: g = 2,    G = 4,                   w = 2 − 0.5·2/(2 + 5) = 2 − 1/7 = 1.8571429
    //   step 2: g = 13/7, G = 4 + 169/49 = 7.4489796, √G = 2.7292819,
    //           w = 1.8571429 − 0.9285714/7.7292819 = 1.8571429 − 0.1201368 = 1.7370060
    let pytorch = AdaGrad {
        lr: 0.5,
        eps: 5.0,
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_close(
        &trajectory(pytorch, 1.0, 2.0, 2),
        &[1.8571428571428572, 1.7370060264853318],
    );
}

// -------------------------------------------------------------------------------- RMSProp

#[test]
fn rmsprop_both_forms_by_hand() {
    // a = 1 (g = w), w0 = 2, λ = 0.1, γ = 0.9.
    // Course (ε = 0.09 inside the root), MA ← 0.9 MA + 0.1 g², w ← w − 0.1 g / √(MA + 0.09):
    //   step 1: MA = 0.4,  w = 2 − 0.2/√0.49 = 2 − 0.2/0.7 = 1.7142857
    //   step 2: g² = 2.9387755, MA = 0.36 + 0.2938776 = 0.6538776, √0.7438776 = 0.8624834,
    //           w = 1.7142857 − 0.1714286/0.8624834 = 1.7142857 − 0.1987616 = 1.5155241
    let course = RmsProp {
        lr: 0.1,
        gamma: 0.9,
        eps: 0.09,
        ..Default::default()
    };
    assert_close(
        &trajectory(course, 1.0, 2.0, 2),
        &[1.7142857142857142, 1.515524116285733],
    );
    // PyTorch (ε = 0.1 outside the root), w ← w − 0.1 g / (√MA + 0.1):
    //   step 1: MA = 0.4, w = 2 − 0.2/(0.6324555 + 0.1) = 2 − 0.2730541 = 1.7269459
    //   step 2: g² = 2.9823421, MA = 0.36 + 0.2982342 = 0.6582342, √MA = 0.8113163,
    //           w = 1.7269459 − 0.1726946/0.9113163 = 1.7269459 − 0.1895001 = 1.5374457
    let pytorch = RmsProp {
        lr: 0.1,
        gamma: 0.9,
        eps: 0.1,
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_close(
        &trajectory(pytorch, 1.0, 2.0, 2),
        &[1.7269458810083713, 1.5374457260690135],
    );
}

// ------------------------------------------------------------------------------- AdaDelta

#[test]
fn adadelta_by_hand_with_and_without_a_learning_rate() {
    // a = 1 (g = w), w0 = 2, γ = 0.9, ε = 0.01. Course form (λ = 1):
    //   step 1: MA[g²] = 0.4, Δw = √0.01/√0.41 · 2 = 0.2/0.6403124 = 0.3123475, w = 1.6876525,
    //           MA[Δw²] = 0.1 · 0.04/0.41 = 0.0097561
    //   step 2: g² = 2.8481710, MA[g²] = 0.36 + 0.2848171 = 0.6448171,
    //           Δw = √0.0197561/√0.6548171 · g = 0.1405564/0.8092077 · 1.6876525 = 0.2931390,
    //           w = 1.6876525 − 0.2931390 = 1.3945135
    let course = AdaDelta {
        gamma: 0.9,
        eps: 0.01,
        ..Default::default()
    };
    assert_close(
        &trajectory(course, 1.0, 2.0, 2),
        &[1.6876524762227878, 1.3945134776015604],
    );
    // PyTorch's form with lr = 0.5 halves each move; MA[Δw²] averages the unscaled Δw:
    //   step 1: Δw = 0.31234752 as before, w = 2 − 0.15617376 = 1.84382624, MA[Δw²] = 0.0097561
    //   step 2: g² = 3.3996951, MA[g²] = 0.36 + 0.3399695 = 0.6999695,
    //           Δw = 0.1405564/√0.7099695 · 1.8438262 = 0.1405564/0.8425969 · 1.8438262 = 0.3075751,
    //           w = 1.84382624 − 0.15378755 = 1.69003869
    let pytorch = AdaDelta {
        lr: 0.5,
        gamma: 0.9,
        eps: 0.01,
        form: Form::PyTorch,
        ..Default::default()
    };
    assert_close(
        &trajectory(pytorch, 1.0, 2.0, 2),
        &[1.843826238111394, 1.690038848878145],
    );
}

// ----------------------------------------------------------------------------------- Adam

#[test]
fn adam_by_hand() {
    // a = 1 (g = w), w0 = 1, λ = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8:
    //   step 1: m = 0.1, v = 0.001, m̂ = 0.1/0.1 = 1, v̂ = 0.001/0.001 = 1,
    //           w = 1 − 0.1·1/(1 + 1e-8) = 0.9 (+1e-9)
    //   step 2: g = 0.9, m = 0.09 + 0.09 = 0.18, v = 0.000999 + 0.00081 = 0.001809,
    //           m̂ = 0.18/(1 − 0.81) = 0.9473684, v̂ = 0.001809/(1 − 0.998001) = 0.9049525,
    //           w = 0.9 − 0.1·0.9473684/0.9512899 = 0.9 − 0.0995878 = 0.8004122
    let adam = Adam {
        lr: 0.1,
        ..Default::default()
    };
    assert_close(
        &trajectory(adam, 1.0, 1.0, 2),
        &[0.9000000009999999, 0.8004122297123379],
    );
}

#[test]
fn adam_both_denominators_by_hand() {
    // a = 1, w0 = 1, λ = 0.1. Step 1 has m̂ = g = 1 and v̂ = g² = 1 (bias correction is exact
    // on step 1), so ε = 0.44 inside the root and ε = 0.2 outside both divide by 1.2:
    //   step 1: w = 1 − 0.1/1.2 = 0.9166667 (both)
    //   step 2: g = 0.9166667, m = 0.09 + 0.0916667 = 0.1816667, m̂ = 0.1816667/0.19 = 0.9561404,
    //           v = 0.000999 + 0.001·0.8402778 = 0.0018392778, v̂ = 0.0018392778/0.001999 = 0.9200989
    //     inside:  √(0.9200989 + 0.44) = 1.1662328, w = 0.9166667 − 0.0956140/1.1662328 = 0.8346813
    //     outside: √0.9200989 + 0.2 = 1.1592179,     w = 0.9166667 − 0.0956140/1.1592179 = 0.8341852
    let inside = Adam {
        lr: 0.1,
        eps: 0.44,
        eps_inside_sqrt: true,
        ..Default::default()
    };
    assert_close(
        &trajectory(inside, 1.0, 1.0, 2),
        &[0.9166666666666666, 0.8346812900944636],
    );
    let outside = Adam {
        lr: 0.1,
        eps: 0.2,
        ..Default::default()
    };
    assert_close(
        &trajectory(outside, 1.0, 1.0, 2),
        &[0.9166666666666666, 0.8341851617965835],
    );
}

#[test]
fn adam_counts_steps_per_parameter() {
    // `b` gets no gradient on step 1, so its first update (on step 2) is its own t = 1: a bias-
    // corrected first step of size λ·g/|g| = 0.1: b = 1 − 0.1 = 0.9. (With the global t = 2 it
    // would be m̂ = 0.1/0.19, v̂ = 0.001/0.001999, a step of 0.0744.)
    let mut params = Parameters::new();
    params.push("a", Tensor::scalar(1.0).requires_grad());
    params.push("b", Tensor::scalar(1.0).requires_grad());
    let (a, b) = (
        params.get("a").unwrap().clone(),
        params.get("b").unwrap().clone(),
    );
    let mut opt = Optimizer::new(
        params,
        Adam {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    half_a_w2(&a, 1.0);
    opt.step().unwrap();
    opt.zero_grad();
    half_a_w2(&b, 1.0);
    opt.step().unwrap();
    assert!((b.item() - 0.9).abs() < 1e-6, "b = {}", b.item());
    assert_eq!(opt.step_count(), 2);
    let saved = opt.state_dict();
    assert_eq!(
        (saved.scalars["a.step"], saved.scalars["b.step"]),
        (1.0, 1.0)
    );
}

// --------------------------------------------------------------------------- weight decay

#[test]
fn sgd_weight_decay_by_hand() {
    // a = 2, w0 = 1, λ = 0.1, wd = 0.5: g ← 2w + 0.5w = 2.5w, w ← w − 0.25 w = 0.75 w.
    //   step 1: g = 2 + 0.5 = 2.5,        w = 1 − 0.25 = 0.75
    //   step 2: g = 1.5 + 0.375 = 1.875,  w = 0.75 − 0.1875 = 0.5625
    let got = trajectory(
        Sgd {
            lr: 0.1,
            weight_decay: 0.5,
        },
        2.0,
        1.0,
        2,
    );
    assert_close(&got, &[0.75, 0.5625]);
}

#[test]
fn l2_weight_decay_is_the_gradient_of_a_bigger_quadratic_for_every_optimizer() {
    // g + wd·w = a·w + wd·w: L2 decay on ½·a·w² is plain descent on ½·(a + wd)·w², for every
    // rule that adds the decay to the gradient (NAG's course form at the look-ahead point too).
    let (a, wd) = (1.5f32, 0.5f32);
    macro_rules! check {
        ($rule:expr) => {{
            let rule = $rule;
            let with_decay = trajectory(rule.clone_with_decay(wd), a, 2.0, 4);
            let without = trajectory(rule, a + wd, 2.0, 4);
            let want: Vec<f64> = without.iter().map(|&x| x as f64).collect();
            assert_close(&with_decay, &want);
            assert!(with_decay[3] < 1.9, "it moved: {with_decay:?}");
        }};
    }
    trait WithDecay {
        fn clone_with_decay(&self, wd: f32) -> Self;
    }
    macro_rules! with_decay {
        ($($t:ty),*) => {$(impl WithDecay for $t {
            fn clone_with_decay(&self, wd: f32) -> Self { Self { weight_decay: wd, ..self.clone() } }
        })*};
    }
    with_decay!(Sgd, Momentum, Nesterov, AdaGrad, AdaDelta, RmsProp, Adam);
    check!(Sgd {
        lr: 0.1,
        ..Default::default()
    });
    check!(Momentum {
        lr: 0.1,
        form: Form::Course,
        ..Default::default()
    });
    check!(Momentum {
        lr: 0.1,
        form: Form::PyTorch,
        ..Default::default()
    });
    check!(Nesterov {
        lr: 0.1,
        form: Form::Course,
        ..Default::default()
    });
    check!(Nesterov {
        lr: 0.1,
        form: Form::PyTorch,
        ..Default::default()
    });
    check!(AdaGrad {
        lr: 0.1,
        ..Default::default()
    });
    check!(AdaGrad {
        lr: 0.1,
        ..AdaGrad::pytorch()
    });
    check!(AdaDelta {
        eps: 0.01,
        ..Default::default()
    });
    check!(RmsProp {
        lr: 0.1,
        ..Default::default()
    });
    check!(RmsProp {
        lr: 0.1,
        ..RmsProp::pytorch()
    });
    check!(Adam {
        lr: 0.1,
        ..Default::default()
    });
}

#[test]
fn adamw_decays_the_weights_not_the_gradient() {
    // a = 1 (g = w), w0 = 1, λ = 0.1, wd = 0.1, β's and ε = 1e-8 the defaults.
    // Adam + L2: g = 1 + 0.1·1 = 1.1, m̂ = 1.1, v̂ = 1.21, w = 1 − 0.1·1.1/(1.1 + 1e-8) = 0.9:
    //   on step 1 the decay is divided out with the rest of the gradient.
    // AdamW: w ← 1 − 0.1·0.1·1 = 0.99, then the Adam step with g = 1: 0.99 − 0.1·1/(1 + 1e-8) = 0.89.
    let l2 = Adam {
        lr: 0.1,
        weight_decay: 0.1,
        ..Default::default()
    };
    assert_close(&trajectory(l2, 1.0, 1.0, 1), &[0.900000000909]);
    let adamw = Adam {
        lr: 0.1,
        weight_decay: 0.1,
        decoupled_weight_decay: true,
        ..Default::default()
    };
    assert_close(&trajectory(adamw, 1.0, 1.0, 1), &[0.890000001]);
}

// --------------------------------------------------------------- skipping, closures, misc

#[test]
fn parameters_without_a_gradient_are_skipped() {
    let mut params = Parameters::new();
    params.push("used", Tensor::scalar(1.0).requires_grad());
    params.push(
        "unused",
        Tensor::from_vec(vec![5.0, 6.0], &[2])
            .unwrap()
            .requires_grad(),
    );
    let used = params.get("used").unwrap().clone();
    let mut opt = Optimizer::new(
        params,
        Adam {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    for _ in 0..3 {
        half_a_w2(&used, 1.0);
        opt.step().unwrap();
    }
    let all = opt.params();
    assert_eq!(all.get("unused").unwrap().to_vec(), vec![5.0, 6.0]);
    assert!(opt.state("unused").is_none());
    assert!(opt.state("used").is_some());
    let saved = opt.state_dict();
    let names: Vec<&str> = saved.buffers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["used.m", "used.v"]);
    assert_eq!(saved.scalars.keys().collect::<Vec<_>>(), vec!["used.step"]);
}

#[test]
fn nesterov_moves_back_a_parameter_that_got_no_gradient_at_the_look_ahead() {
    // Both parameters get state on step 1 (a = 2, w0 = 1: ĝ = 0.2, w = 0.8). On step 2 the
    // closure uses only `a`: `b` was moved to its look-ahead point 0.8 − 0.18 = 0.62 and must be
    // moved back to 0.8; `a` steps as in the hand-worked test above, to 0.496.
    let mut params = Parameters::new();
    params.push("a", Tensor::scalar(1.0).requires_grad());
    params.push("b", Tensor::scalar(1.0).requires_grad());
    let (a, b) = (
        params.get("a").unwrap().clone(),
        params.get("b").unwrap().clone(),
    );
    let mut opt = Optimizer::new(
        params,
        Nesterov {
            lr: 0.1,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    opt.step_with_closure(&mut || half_a_w2(&a, 2.0) + half_a_w2(&b, 2.0))
        .unwrap();
    let mut b_seen = 0.0;
    opt.step_with_closure(&mut || {
        b.zero_grad();
        b_seen = b.item();
        half_a_w2(&a, 2.0)
    })
    .unwrap();
    assert!(
        (b_seen - 0.62).abs() < 1e-6,
        "b during the closure: {b_seen}"
    );
    assert!((b.item() - 0.8).abs() < 1e-7, "b after: {}", b.item());
    assert!((a.item() - 0.496).abs() < 1e-6, "a after: {}", a.item());
}

#[test]
fn step_with_closure_returns_the_loss_and_steps() {
    // SGD, a = 2, w0 = 1, λ = 0.1: the closure sees L = ½·2·1² = 1, then w = 0.8.
    let (params, w) = scalar_param(1.0);
    let mut opt = Optimizer::new(
        params,
        Sgd {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    let loss = opt.step_with_closure(&mut || half_a_w2(&w, 2.0)).unwrap();
    assert_eq!((loss, opt.step_count()), (1.0, 1));
    assert!((w.item() - 0.8).abs() < 1e-7);
}
