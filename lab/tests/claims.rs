//! The claims of `trajectories --all`: the new surfaces, the gradient noise, the measures read
//! off paths (on paths made by hand), and a run of every claim with none left unchecked. The
//! verdict functions are tested in `claims_verdicts.rs`.

use lab::claims::adam_parts::{largest_gap, rebuild_adam, steps_for};
use lab::claims::adaptive::{effective_rates, scaling_error, Rate};
use lab::claims::heavy_ball::{basin, settle_step, swing};
use lab::claims::noise::{spread, Spread};
use lab::claims::{check_more, experiments, run_experiment, tune, verdicts};
use lab::surfaces::{Surface, SCALE};
use lab::trajectory::{run, run_noisy, run_with, Cli, Noise, Trajectory};
use optim::scheduler::{LinearLr, Scheduler};
use optim::{AdaDelta, AdaGrad, Adam, Algorithm, Form, Momentum, RmsProp, UpdateRule};

/// The course's optimizer `name` with its defaults and the rate `lr`.
fn opt(name: &str, lr: f32) -> Algorithm {
    let mut a = Algorithm::defaults(name, Form::Course).unwrap();
    if a.lr().is_some() {
        a.set_lr(lr); // course AdaDelta has no rate
    }
    a
}

fn path(points: Vec<[f32; 2]>, losses: Vec<f32>) -> Trajectory {
    Trajectory {
        function: "booth".into(),
        optimizer: "sgd".into(),
        settings: "sgd (lr 0.01, weight decay 0)".into(),
        points,
        losses,
    }
}

#[test]
fn new_surfaces_have_their_stated_minima_and_curvature() {
    // bowl: ∇f = (x, 10y), so the curvatures are 1 and 10.
    assert_eq!(Surface::Bowl.grad_f64(2.0, 3.0), [2.0, 30.0]);
    assert_eq!(Surface::Bowl.eval_f64(2.0, 1.0), 0.5 * 4.0 + 5.0);
    // wells: both minima are stationary, the local one is higher than the global one.
    for (m, value) in [
        (Surface::Wells.minima()[0], -7.346553),
        (Surface::Wells.local_minima()[0], -0.980432),
    ] {
        let g = Surface::Wells.grad_f64(m[0], m[1]);
        assert!(g[0].abs() < 1e-5 && g[1] == 0.0, "{m:?}: {g:?}");
        assert!((Surface::Wells.eval_f64(m[0], m[1]) - value).abs() < 1e-5);
    }
    assert_eq!(Surface::Wells.min_value(), Some(-7.346553));
    // scaled-booth at c·w is Booth at w, and its gradient is Booth's over c.
    for (x, y) in [(0.5, -1.0), (1.0, 3.0), (-4.0, 2.5)] {
        let (xs, ys) = (x * SCALE, y * SCALE);
        assert_eq!(
            Surface::ScaledBooth.eval_f64(xs, ys),
            Surface::Booth.eval_f64(x, y)
        );
        let (g, gb) = (
            Surface::ScaledBooth.grad_f64(xs, ys),
            Surface::Booth.grad_f64(x, y),
        );
        assert_eq!(g, [gb[0] / SCALE, gb[1] / SCALE]);
    }
    assert_eq!(Surface::ScaledBooth.minima(), [[SCALE, 3.0 * SCALE]]);
    for s in [Surface::Bowl, Surface::Wells, Surface::ScaledBooth] {
        assert_eq!(Surface::from_name(s.name()), Some(s));
    }
}

#[test]
fn the_losses_of_the_new_surfaces_match_their_f64_formulas() {
    for surface in [Surface::Bowl, Surface::Wells, Surface::ScaledBooth] {
        let t = run(surface, &opt("adam", 0.05), surface.default_start(), 30).unwrap();
        for (p, &l) in t.points.iter().zip(&t.losses) {
            let want = surface.eval_f64(p[0] as f64, p[1] as f64);
            assert!(
                (l as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                "{surface:?} {p:?}"
            );
        }
    }
}

#[test]
fn sgd_on_the_bowl_follows_the_hand_formula() {
    // x ← (1 − λ)x, y ← (1 − 10λ)y; λ = 0.1 from (−4, 1): (−3.6, 0) after one step.
    let t = run(Surface::Bowl, &opt("sgd", 0.1), [-4.0, 1.0], 1).unwrap();
    assert_eq!(t.points[1], [-3.6, 0.0]);
    // Above the limit λ = 0.2 the y error is multiplied by 1 − 2.1 = −1.1 each step.
    let t = run(Surface::Bowl, &opt("sgd", 0.21), [0.0, 1.0], 10).unwrap();
    let want = (-1.1f64).powi(10);
    assert!((t.points[10][1] as f64 - want).abs() < 1e-5 * want.abs());
}

#[test]
fn noise_is_reproducible_by_seed_and_adds_sigma_times_the_draws() {
    let noise = |seed| Some(Noise { sigma: 2.0, seed });
    let a = run_noisy(
        Surface::Booth,
        &opt("momentum", 0.01),
        [-4.0, -4.0],
        50,
        noise(7),
    )
    .unwrap();
    let b = run_noisy(
        Surface::Booth,
        &opt("momentum", 0.01),
        [-4.0, -4.0],
        50,
        noise(7),
    )
    .unwrap();
    let c = run_noisy(
        Surface::Booth,
        &opt("momentum", 0.01),
        [-4.0, -4.0],
        50,
        noise(8),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a.points, c.points);
    // σ = 0 is no noise at all.
    let quiet = Some(Noise {
        sigma: 0.0,
        seed: 7,
    });
    let q = run_noisy(Surface::Booth, &opt("sgd", 0.01), [-4.0, -4.0], 20, quiet).unwrap();
    assert_eq!(
        q,
        run(Surface::Booth, &opt("sgd", 0.01), [-4.0, -4.0], 20).unwrap()
    );
    // At the bowl's minimum the exact gradient is 0, so SGD's first step is −λσ·n₁.
    let t = run_noisy(Surface::Bowl, &opt("sgd", 0.5), [0.0, 0.0], 1, noise(3)).unwrap();
    let n = Noise::draws(3, 1)[0];
    assert_eq!(t.points[1], [-0.5 * (2.0 * n[0]), -0.5 * (2.0 * n[1])]);
    // The draws are standard normal: mean 0 and variance 1 within 4 standard errors.
    let d = Noise::draws(0, 20000);
    let k = (2 * d.len()) as f64;
    let mean = d.iter().flatten().map(|&v| v as f64).sum::<f64>() / k;
    let var = d
        .iter()
        .flatten()
        .map(|&v| (v as f64 - mean).powi(2))
        .sum::<f64>()
        / k;
    assert!(mean.abs() < 4.0 / k.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 4.0 * (2.0 / k).sqrt(), "variance {var}");
}

#[test]
fn the_command_line_takes_noise_and_seed_and_the_optimizers_own_options() {
    use lab::cli::ParseError;
    let parse = |args: &[&str]| {
        let argv: Vec<std::ffi::OsString> = std::iter::once("t")
            .chain(args.iter().copied())
            .map(Into::into)
            .collect();
        Cli::try_parse(&argv)
    };
    let message = |args: &[&str]| match parse(args) {
        Err(ParseError::Bad(m)) => m,
        Err(ParseError::Clap(e)) => e.to_string(),
        Ok(_) => panic!("{args:?} was taken"),
    };
    let base = ["--function", "booth", "--optimizer", "sgd"];
    let cli = parse(&[&base[..], &["--noise", "0.5", "--seed", "9"]].concat()).unwrap();
    assert_eq!(
        cli.noise(),
        Some(Noise {
            sigma: 0.5,
            seed: 9
        })
    );
    assert_eq!(parse(&base).unwrap().noise(), None);
    assert!(message(&[&base[..], &["--noise=-1"]].concat()).contains("-1"));
    assert!(
        parse(&[&base[..], &["--seed", "3"]].concat()).is_err(),
        "--seed needs --noise"
    );
    assert!(parse(&["--all", "--noise", "1"]).is_err());
    assert!(parse(&["--all", "--mnist"]).unwrap().mnist);
    for option in [&["--mnist"][..], &["--gif"], &["--out-dir", "x"]] {
        let m = message(&[&base[..], option].concat());
        assert!(m.starts_with(option[0]) && m.contains("--all only"), "{m}");
    }
    assert!(parse(&["--all", "--gif", "--out-dir", "x"]).is_ok());
    // The optimizer's own options, from its struct: sgd takes --lr, not --momentum.
    let sgd = parse(&[&base[..], &["--lr", "0.05"]].concat()).unwrap();
    assert_eq!(sgd.optimizer.to_string(), "sgd (lr 0.05, weight decay 0)");
    let nag = parse(&[
        "--function",
        "booth",
        "--optimizer",
        "nag",
        "--momentum",
        "0.5",
    ])
    .unwrap();
    assert_eq!(
        (
            nag.optimizer.name(),
            nag.optimizer.momentum(),
            nag.typed.as_str()
        ),
        ("nesterov", Some(0.5), "nag")
    );
    assert!(message(&[&base[..], &["--momentum", "0.5"]].concat()).contains("--momentum"));
    assert!(message(&["--all", "--lr", "0.1"]).contains("--lr"));
    assert!(message(&["--function", "booth"]).contains("--optimizer is required"));
}

#[test]
fn a_momentum_schedule_is_used_step_by_step() {
    // On the bowl along x (∇ = x), λ = 0.1 from x = −4: ĝ₁ = −0.4, x₁ = −3.6; μ₂ = 0.9 − 0.3/100
    // = 0.897, ĝ₂ = 0.897·(−0.4) + 0.1·(−3.6) = −0.7188, x₂ = −2.8812.
    // μ from 0.9 to 0.6 over 100 steps: a linear schedule of μ from factor 1 to 0.6/0.9.
    let momentum = Algorithm::from(Momentum {
        lr: 0.1,
        momentum: 0.9,
        ..Momentum::default()
    });
    let lower = |opt: &mut optim::Optimizer<Algorithm>| {
        Scheduler::momentum(opt, LinearLr::new(1.0, 0.6 / 0.9, 100)?).map(Some)
    };
    let t = run_with(Surface::Bowl, &momentum, lower, [-4.0, 0.0], 2, None).unwrap();
    assert!((t.points[1][0] + 3.6).abs() < 1e-6);
    assert!((t.points[2][0] + 2.8812).abs() < 1e-5, "{:?}", t.points[2]);
}

#[test]
fn paths_rescale_exactly_when_every_constant_has_its_units() {
    // With c = 8 a power of two and λ·c, ε/c² for AdaGrad, the scaled run is c times the run,
    // bit for bit; with the same λ it is not.
    let c = SCALE as f32;
    let base = run(Surface::Booth, &opt("adagrad", 0.5), [-4.0, -4.0], 100).unwrap();
    let units = Algorithm::from(AdaGrad {
        lr: 0.5 * c,
        eps: 1e-8 / (c * c),
        ..AdaGrad::default()
    });
    let scaled = run(Surface::ScaledBooth, &units, [-4.0 * c, -4.0 * c], 100).unwrap();
    for (p, q) in base.points.iter().zip(&scaled.points) {
        assert_eq!([p[0] * c, p[1] * c], *q);
    }
    assert_eq!(scaling_error(&base.points, &scaled.points, SCALE), 0.0);
    let same = run(
        Surface::ScaledBooth,
        &opt("adagrad", 0.5),
        [-4.0 * c, -4.0 * c],
        100,
    )
    .unwrap();
    assert!(scaling_error(&base.points, &same.points, SCALE) > 0.1);
    // AdaDelta's first step is √ε/√((1 − γ)g² + ε)·g whatever the scale: about √(ε/(1 − γ)).
    let h = Algorithm::from(AdaDelta {
        gamma: 0.9,
        eps: 1e-6,
        ..AdaDelta::default()
    });
    for (surface, start) in [
        (Surface::Booth, [-4.0, -4.0]),
        (Surface::ScaledBooth, [-32.0, -32.0]),
    ] {
        let t = run(surface, &h, start, 1).unwrap();
        let g = surface.grad_f64(start[0] as f64, start[1] as f64);
        let want = 1e-3 / (0.1 * g[0] * g[0] + 1e-6).sqrt() * g[0];
        let step = (start[0] - t.points[1][0]) as f64;
        assert!(
            (step - want).abs() < 1e-4 * want.abs(),
            "{surface:?}: {step} vs {want}"
        );
    }
}

#[test]
fn effective_rates_follow_their_formulas_on_a_constant_gradient() {
    // g = 1 each step: AdaGrad λ/√(t + ε), RMSProp λ/√(1 − γ^t + ε).
    let grads = vec![[1.0, 2.0]; 4];
    let a = effective_rates(Rate::AdaGrad { lr: 0.1, eps: 0.0 }, &grads, &[]);
    assert_eq!(a[3][0], 0.1 / 2.0);
    assert_eq!(a[3][1], 0.1 / 4.0);
    let r = effective_rates(
        Rate::RmsProp {
            lr: 0.1,
            gamma: 0.5,
            eps: 0.0,
        },
        &grads,
        &[],
    );
    assert!((r[1][0] - 0.1 / 0.75f64.sqrt()).abs() < 1e-12);
    // AdaDelta: √ε/√((1 − γ)g² + ε) first, then √(MA[Δw²] + ε)/√(MA[g²] + ε).
    let d = effective_rates(
        Rate::AdaDelta {
            gamma: 0.5,
            eps: 0.01,
        },
        &grads[..2],
        &[[0.2, 0.0]; 2],
    );
    assert!((d[0][0] - 0.1 / (0.5f64 + 0.01).sqrt()).abs() < 1e-12);
    assert!((d[1][0] - (0.5 * 0.04 + 0.01f64).sqrt() / (0.75f64 + 0.01).sqrt()).abs() < 1e-12);
}

#[test]
fn spread_settle_swing_and_basin_read_hand_made_paths() {
    let t = path(
        vec![[3.0, 4.0], [0.0, 1.0], [0.0, -1.0]],
        vec![9.0, 1.0, 3.0],
    );
    let s = spread(std::slice::from_ref(&t), [0.0, 0.0], 0.0, 1);
    assert_eq!(
        s,
        Spread {
            rms_distance: 1.0,
            mean_loss: 2.0
        }
    );
    assert_eq!(settle_step(&t, [0.0, 0.0], 1.5), Some(1));
    assert_eq!(settle_step(&t, [0.0, 0.0], 0.5), None);
    assert_eq!(swing(&t, 2), 1.0);
    assert_eq!(
        swing(&t, 5),
        f64::INFINITY,
        "a path cut short by divergence"
    );
    assert_eq!(
        (basin(-2.2), basin(1.7), basin(0.4)),
        ("global", "local", "neither")
    );
}

#[test]
fn adams_steps_rebuild_from_momentum_and_rmsprop_on_made_up_gradients() {
    let grads: Vec<[f32; 2]> = (0..50)
        .map(|i| [(i as f32 * 0.3).sin() * 4.0, 0.5 + i as f32 * 0.1])
        .collect();
    let adam = Algorithm::from(Adam {
        lr: 0.05,
        ..Adam::default()
    });
    let adam = steps_for(&adam, &grads).unwrap();
    // With bias correction the first step is λ·g/(|g| + ε): 0 for g = 0, λ for g = 0.5.
    assert_eq!(adam[0][0], 0.0);
    assert!((adam[0][1] - 0.05).abs() < 1e-6, "{:?}", adam[0]);
    let momentum = Algorithm::from(Momentum {
        lr: 0.01,
        momentum: 0.9,
        ..Momentum::default()
    });
    let rmsprop = Algorithm::from(RmsProp {
        lr: 0.01,
        gamma: 0.999,
        eps: 1e-8,
        ..RmsProp::default()
    });
    let m = steps_for(&momentum, &grads).unwrap();
    let r = steps_for(&rmsprop, &grads).unwrap();
    assert!(largest_gap(&adam, &rebuild_adam(&m, &r, &grads, 0.01)) < 1e-4);
    assert_eq!(largest_gap(&adam, &adam[..10]), f64::INFINITY);
}

#[test]
fn every_claim_is_checked_and_none_is_left_unchecked() {
    let tunings: Vec<_> = Algorithm::COURSE
        .iter()
        .map(|&name| tune(name).unwrap())
        .collect();
    let outcomes: Vec<_> = experiments(&tunings)
        .iter()
        .map(|e| run_experiment(e).unwrap())
        .collect();
    let mut all = verdicts(&outcomes[0], &outcomes[1], &outcomes[2]);
    for checked in check_more().unwrap() {
        assert!(!checked.pictures.is_empty());
        all.extend(checked.verdicts);
    }
    assert!(all.len() >= 15, "{} claims", all.len());
    for v in &all {
        assert!(v.held.is_some(), "not checked: {}", v.claim);
        assert!(
            v.evidence.chars().any(|c| c.is_ascii_digit()),
            "no numbers: {}",
            v.evidence
        );
    }
}
