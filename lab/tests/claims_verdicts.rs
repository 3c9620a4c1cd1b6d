//! The verdicts of the claims with experiments of their own, as pure functions of the measured
//! numbers: each is given numbers made by hand on both sides of its threshold.

use lab::claims::adam_parts::adam_verdict;
use lab::claims::adaptive::{
    adadelta_verdict, rmsprop_verdict, units_verdict, vanishing_verdict, RateEnds, Units,
};
use lab::claims::heavy_ball::{
    local_minimum_verdict, oscillation_verdict, schedule_verdict, Swings,
};
use lab::claims::noise::{noise_verdict, NoiseNumbers, Spread};
use lab::claims::{verdict_text, verdicts, Outcome, Setting, Verdict};
use lab::trajectory::Trajectory;
use optim::{Algorithm, Form, UpdateRule};

#[test]
fn verdicts_of_the_momentum_claims_follow_the_numbers() {
    let s = |rms| Spread {
        rms_distance: rms,
        mean_loss: rms,
    };
    let n = NoiseNumbers {
        sgd: s(0.7),
        momentum: s(0.5),
        sgd_same_lr: s(0.1),
    };
    assert_eq!(noise_verdict(&n).held, Some(true));
    assert_eq!(
        noise_verdict(&NoiseNumbers {
            momentum: s(0.8),
            ..n
        })
        .held,
        Some(false)
    );

    let escaped = [(0.001, 1.76, 1.76), (0.01, 1.76, -2.18)];
    assert_eq!(local_minimum_verdict(&escaped).held, Some(true));
    assert!(local_minimum_verdict(&escaped)
        .evidence
        .contains("global minimum at λ = 0.01"));
    assert_eq!(
        local_minimum_verdict(&[(0.01, 1.76, 1.76)]).held,
        Some(false)
    );
    assert_eq!(
        local_minimum_verdict(&[(0.01, -2.18, -2.18)]).held,
        Some(false),
        "SGD got there too"
    );

    assert_eq!(schedule_verdict(Some(168), Some(75)).held, Some(true));
    assert_eq!(schedule_verdict(None, Some(75)).held, Some(true));
    assert_eq!(schedule_verdict(Some(75), None).held, Some(false));

    let sw = Swings {
        sgd_below: 0.1,
        sgd_above: 40.0,
        momentum_below: 0.001,
        momentum_above: 0.002,
        momentum09: [0.3, 0.5],
    };
    assert_eq!(oscillation_verdict(&sw).held, Some(true));
    assert_eq!(
        oscillation_verdict(&Swings {
            sgd_above: 0.5,
            ..sw
        })
        .held,
        Some(false)
    );
    assert_eq!(
        oscillation_verdict(&Swings {
            momentum_below: 0.2,
            ..sw
        })
        .held,
        Some(false)
    );
}

#[test]
fn verdicts_of_the_adaptive_claims_follow_the_numbers() {
    let ends = |first, last, loss| RateEnds {
        first,
        last,
        final_loss: loss,
        moved_last: 0.0,
    };
    let (adagrad, rmsprop) = (ends(1e-3, 1e-5, 0.5), ends(1e-3, 0.1, 1e-3));
    assert_eq!(vanishing_verdict(&adagrad, &rmsprop).held, Some(true));
    assert_eq!(
        vanishing_verdict(&ends(1e-3, 2e-4, 0.5), &rmsprop).held,
        Some(false)
    );
    assert_eq!(
        vanishing_verdict(&adagrad, &ends(1e-3, 1e-5, 1e-3)).held,
        Some(false)
    );

    let u = |optimizer, same, with_units| Units {
        optimizer,
        same,
        with_units,
    };
    let units = [
        u("adagrad", 0.8, 0.0),
        u("rmsprop", 0.8, 0.0),
        u("adadelta", 0.9, 1e-6),
    ];
    assert_eq!(units_verdict(&units).held, Some(true));
    assert_eq!(
        units_verdict(&[u("adagrad", 1e-4, 0.0)]).held,
        Some(false),
        "already scale-free"
    );
    assert_eq!(rmsprop_verdict(&rmsprop, &units).held, Some(true));
    assert_eq!(
        rmsprop_verdict(&adagrad, &units).held,
        Some(false),
        "a vanishing rate"
    );
    assert_eq!(adadelta_verdict(&rmsprop, &units).held, Some(true));
    assert_eq!(
        adadelta_verdict(&rmsprop, &[u("adadelta", 0.9, 0.5)]).held,
        Some(false)
    );
    assert_eq!(adam_verdict(1e-5, 1.0).held, Some(true));
    assert_eq!(adam_verdict(0.1, 1.0).held, Some(false));
}

#[test]
fn verdict_text_numbers_each_claim_and_names_its_verdict() {
    let v = |held| Verdict {
        claim: "c".into(),
        held,
        evidence: "e 1".into(),
    };
    let text = verdict_text(&[v(Some(true)), v(Some(false)), v(None)]);
    assert!(text.contains(" 1. [held] c\n      e 1"), "{text}");
    assert!(text.contains(" 2. [did not hold] c"), "{text}");
    assert!(text.contains(" 3. [not checked] c"), "{text}");
}

/// A hand-made outcome of `optimizer` (at λ = 0.003 for Momentum and NAG) with these points and
/// losses.
fn outcome(optimizer: &'static str, points: Vec<[f32; 2]>, losses: Vec<f32>) -> Outcome {
    let lr = matches!(optimizer, "momentum" | "nesterov").then_some(0.003);
    Outcome {
        setting: Setting {
            optimizer: {
                let mut a = Algorithm::defaults(optimizer, Form::Course).unwrap();
                if let Some(lr) = lr {
                    a.set_lr(lr);
                }
                a
            },
        },
        path: Trajectory {
            function: "hand-made".into(),
            optimizer: optimizer.into(),
            settings: String::new(),
            points,
            losses,
        },
        diverged_at: None,
    }
}

const SEVEN: [&str; 7] = [
    "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
];

/// Saddle paths that leave (|y| > 1) at the given step, Beale paths that get below 1e-3 at the
/// given step (`None`: never, within 20 points).
fn saddle_and_beale(
    leave: &dyn Fn(&str) -> Option<usize>,
    reach: &dyn Fn(&str) -> Option<usize>,
) -> (Vec<Outcome>, Vec<Outcome>) {
    let saddle = SEVEN
        .iter()
        .map(|&k| {
            let y = |i: usize| {
                if leave(k).is_some_and(|n| i >= n) {
                    2.0
                } else {
                    0.0
                }
            };
            outcome(k, (0..20).map(|i| [1.0, y(i)]).collect(), vec![0.0; 20])
        })
        .collect();
    let beale = SEVEN
        .iter()
        .map(|&k| {
            let l = |i: usize| {
                if reach(k).is_some_and(|n| i >= n) {
                    0.0
                } else {
                    1.0
                }
            };
            outcome(k, vec![[0.0, 0.0]; 20], (0..20).map(l).collect())
        })
        .collect();
    (saddle, beale)
}

/// A Booth path from (−4, −2), on the steep direction (1, 1) through the minimum (1, 3), that
/// crosses the minimum with the given overshoots, one sign change per entry.
fn booth_path(k: &'static str, overshoots: &[f32]) -> Outcome {
    let mut points = vec![[-4.0, -2.0]];
    for (i, &o) in overshoots.iter().enumerate() {
        let side = if i % 2 == 0 { 1.0 } else { -1.0 };
        points.push([1.0 + side * o, 3.0 + side * o]);
    }
    let n = points.len();
    outcome(k, points, vec![0.0; n])
}

#[test]
fn the_claims_of_the_shared_experiments_follow_hand_made_paths() {
    // As the course says: adaptive methods leave the saddle first, Momentum and NAG reach Beale's
    // minimum first, AdaGrad and RMSProp last; Momentum zig-zags less than SGD, NAG overshoots
    // less than Momentum. SGD rerun at Momentum's λ = 0.003 does not leave the saddle within its
    // 300 steps and reaches f < 1e-3 on Beale after 1846, later than any hand-made count.
    let leave = |k: &str| {
        Some(if ["adagrad", "rmsprop", "adadelta"].contains(&k) {
            2
        } else {
            9
        })
    };
    let reach = |k: &str| match k {
        "momentum" | "nesterov" | "adadelta" => Some(3),
        "adagrad" | "rmsprop" => Some(8),
        _ => Some(12),
    };
    let (saddle, beale) = saddle_and_beale(&leave, &reach);
    let booth = vec![
        booth_path("sgd", &[0.8, 0.6, 0.4, 0.3, 0.2, 0.1]),
        booth_path("momentum", &[2.0, 1.0]),
        booth_path("nesterov", &[0.5]),
    ];
    let v = verdicts(&saddle, &beale, &booth);
    assert_eq!(v.len(), 7);
    assert!(v.iter().all(|v| v.held == Some(true)), "{v:#?}");
    assert!(
        v[0].evidence.contains("momentum 3, sgd 1846"),
        "{}",
        v[0].evidence
    );

    // The opposite everywhere: every verdict turns. Momentum never leaves the saddle (SGD's
    // rerun does not either: not before), while SGD and NAG leave before the adaptive methods.
    let leave = |k: &str| (k == "sgd" || k == "nesterov").then_some(2);
    let reach = |k: &str| match k {
        "momentum" | "nesterov" | "adadelta" => None,
        _ => Some(5),
    };
    let (saddle, beale) = saddle_and_beale(&leave, &reach);
    let booth = vec![
        booth_path("sgd", &[0.5]),
        booth_path("momentum", &[0.5, 0.4, 0.3]),
        booth_path("nesterov", &[2.0, 1.0, 0.5, 0.2]),
    ];
    let v = verdicts(&saddle, &beale, &booth);
    // Momentum never reaches Beale's minimum, so it is not faster than SGD's rerun (1846).
    assert!(v.iter().all(|v| v.held == Some(false)), "{v:#?}");
}

#[test]
fn the_mnist_verdict_uses_the_beale_test_of_a_vanishing_rate() {
    use lab::claims::mnist::mnist_verdict;
    let ends = |first, last| RateEnds {
        first,
        last,
        final_loss: 0.1,
        moved_last: f64::NAN,
    };
    let v = mnist_verdict(&ends(0.7, 0.05), &ends(0.3, 0.6), [0.7, 1.0]);
    assert_eq!(v.held, Some(true));
    assert!(v.evidence.contains("×0.70 and ×1.00"), "{}", v.evidence);
    assert_eq!(
        mnist_verdict(&ends(0.7, 0.13), &ends(0.3, 0.6), [0.7, 1.0]).held,
        Some(false)
    );
    assert_eq!(
        mnist_verdict(&ends(0.7, 0.05), &ends(0.3, 0.01), [0.7, 1.0]).held,
        Some(false)
    );
}

#[test]
fn the_mnist_noise_verdict_needs_both_measures_better_by_the_margin() {
    use lab::claims::mnist_noise::{mnist_noise_verdict, NoiseRun, MARGIN};
    assert_eq!(MARGIN, 1.25);
    let run = |coherence, jitter| NoiseRun {
        coherence,
        jitter,
        test_loss: 0.11,
        accuracy: 0.967,
    };
    let sgd = run(0.12, 8.5e-3);
    // Close to the README's run (×3.95 more coherent, ×1.57 less jitter).
    let v = mnist_noise_verdict(&sgd, &run(0.46, 5.4e-3));
    assert_eq!(v.held, Some(true));
    assert!(
        v.evidence.contains("momentum 0.460, sgd 0.120 (×3.83)"),
        "{}",
        v.evidence
    );
    assert!(v.evidence.contains("96.70%"), "{}", v.evidence);
    // Just inside and just outside the margin, on each measure.
    assert_eq!(
        mnist_noise_verdict(&sgd, &run(0.151, 5.4e-3)).held,
        Some(true)
    );
    assert_eq!(
        mnist_noise_verdict(&sgd, &run(0.149, 5.4e-3)).held,
        Some(false)
    );
    assert_eq!(
        mnist_noise_verdict(&sgd, &run(0.46, 6.7e-3)).held,
        Some(true)
    );
    let steps_only = mnist_noise_verdict(&sgd, &run(0.46, 6.9e-3));
    assert_eq!(steps_only.held, Some(false));
    assert!(
        steps_only
            .evidence
            .contains("the test loss does not show it"),
        "{}",
        steps_only.evidence
    );
    let loss_only = mnist_noise_verdict(&sgd, &run(0.12, 5.4e-3));
    assert_eq!(loss_only.held, Some(false));
    assert!(
        loss_only.evidence.contains("not more coherent"),
        "{}",
        loss_only.evidence
    );
    // Momentum noisier than SGD on both.
    assert_eq!(mnist_noise_verdict(&sgd, &run(0.1, 9e-3)).held, Some(false));
}
