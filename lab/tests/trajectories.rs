//! The `trajectories` core: path shape, agreement with the optimizers stepped by hand, the
//! command line, and analytic properties of the paths.

use autograd::{Parameters, Tensor};
use clap::error::ErrorKind;
use lab::claims::{escape_step, overshoot, steps_to_minimum};
use lab::cli::ParseError;
use lab::plot::contour::Grid;
use lab::surfaces::Surface;
use lab::trajectory::{parse_point, run, Cli, Trajectory, TrajectoryError};
use optim::{Algorithm, Form, Optimizer, UpdateRule};

/// The course's optimizer `name` with its defaults and the rate `lr`.
fn with_lr(name: &str, lr: f32) -> Algorithm {
    let mut a = Algorithm::defaults(name, Form::Course).unwrap();
    if a.lr().is_some() {
        a.set_lr(lr); // course AdaDelta has no rate
    }
    a
}

#[test]
fn json_has_steps_plus_one_points_and_the_loss_of_each() {
    let steps = 25;
    for (surface, kind, start) in [
        (Surface::Beale, "momentum", [1.0, 1.5]),
        (Surface::Rosenbrock, "nesterov", [-1.5, 2.0]),
        (Surface::Himmelblau, "adam", [0.0, 0.0]),
        (Surface::Saddle, "rmsprop", [-1.2, 0.5]),
        (Surface::Booth, "adadelta", [-4.0, -4.0]),
    ] {
        let t = run(surface, &with_lr(kind, 1e-3), start, steps).unwrap();
        assert_eq!(t.points.len(), steps + 1);
        assert_eq!(t.losses.len(), steps + 1);
        assert_eq!(t.points[0], start);
        for (p, &l) in t.points.iter().zip(&t.losses) {
            // The f64 formula is written separately from the autograd one.
            let want = surface.eval_f64(p[0] as f64, p[1] as f64);
            assert!(
                (l as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                "{surface:?} at {p:?}: loss {l}, f64 formula {want}"
            );
        }
        let json: serde_json::Value = serde_json::to_value(&t).unwrap();
        let obj = json.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["function", "losses", "optimizer", "points", "settings"]
        );
        assert_eq!(obj["function"], surface.name());
        assert_eq!(obj["optimizer"], kind);
        let points = obj["points"].as_array().unwrap();
        assert!(points.iter().all(|p| p.as_array().unwrap().len() == 2));
        let back: Trajectory = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
    }
}

#[test]
fn autograd_gradient_of_each_surface_matches_the_hand_formula() {
    for surface in Surface::ALL {
        for (x, y) in [(0.5f32, -0.75f32), (-1.25, 1.5), (2.0, 0.25)] {
            let p = Tensor::from_vec(vec![x, y], &[2]).unwrap().requires_grad();
            surface.eval(&p).backward();
            let g = p.grad().unwrap().iter().copied().collect::<Vec<f32>>();
            let want = surface.grad_f64(x as f64, y as f64);
            for d in 0..2 {
                assert!(
                    (g[d] as f64 - want[d]).abs() <= 1e-4 * want[d].abs().max(1.0),
                    "{surface:?} at ({x}, {y}): ∂/∂{d} autograd {} vs formula {}",
                    g[d],
                    want[d]
                );
            }
        }
    }
}

/// Steps an optimizer built directly (not through `run`) and records the points.
fn step_directly<R: UpdateRule>(
    opt: &mut Optimizer<R>,
    p: &Tensor,
    surface: Surface,
    steps: usize,
) -> Vec<[f32; 2]> {
    let mut points = vec![[p.to_vec()[0], p.to_vec()[1]]];
    for _ in 0..steps {
        opt.step_with_closure(&mut || {
            p.zero_grad();
            let loss = surface.eval(p);
            loss.backward();
            loss.item()
        })
        .unwrap();
        let v = p.to_vec();
        points.push([v[0], v[1]]);
    }
    points
}

#[test]
fn points_are_bit_identical_to_stepping_the_optimizer_directly() {
    let start = [1.0f32, 1.5];
    let new_param = || {
        let p = Tensor::from_vec(start.to_vec(), &[2])
            .unwrap()
            .requires_grad();
        let mut params = Parameters::new();
        params.push("xy", p.clone());
        (p, params)
    };

    let (p, params) = new_param();
    let mut adam = Optimizer::new(
        params,
        optim::Adam {
            lr: 0.05,
            ..Default::default()
        },
    )
    .unwrap();
    let direct = step_directly(&mut adam, &p, Surface::Beale, 40);
    let ours = run(Surface::Beale, &with_lr("adam", 0.05), start, 40).unwrap();
    assert_eq!(ours.points, direct);

    // NAG in the course form needs the closure (gradient at the look-ahead point).
    let (p, params) = new_param();
    let mut nag = Optimizer::new(
        params,
        optim::Nesterov {
            lr: 0.002,
            ..Default::default()
        },
    )
    .unwrap();
    let direct = step_directly(&mut nag, &p, Surface::Beale, 40);
    let ours = run(Surface::Beale, &with_lr("nesterov", 0.002), start, 40).unwrap();
    assert_eq!(ours.points, direct);

    // SGD with the plain step(): backward by hand, then step.
    let (p, params) = new_param();
    let mut sgd = Optimizer::new(
        params,
        optim::Sgd {
            lr: 0.01,
            weight_decay: 0.0,
        },
    )
    .unwrap();
    let mut direct = vec![start];
    for _ in 0..40 {
        sgd.zero_grad();
        Surface::Beale.eval(&p).backward();
        sgd.step().unwrap();
        direct.push([p.to_vec()[0], p.to_vec()[1]]);
    }
    let ours = run(Surface::Beale, &with_lr("sgd", 0.01), start, 40).unwrap();
    assert_eq!(ours.points, direct);
}

#[test]
fn sgd_on_the_saddle_follows_the_hand_formula() {
    // f = x² − y², ∇f = (2x, −2y): x ← (1 − 2λ)x, y ← (1 + 2λ)y.
    // With λ = 0.01 from (1, 1e-3), after N = 50 steps: x = 0.98⁵⁰, y = 1e-3·1.02⁵⁰.
    let (lr, n) = (0.01f64, 50);
    let t = run(Surface::Saddle, &with_lr("sgd", lr as f32), [1.0, 1e-3], n).unwrap();
    let last = t.points[n];
    let (x, y) = (
        (1.0 - 2.0 * lr).powi(n as i32),
        1e-3 * (1.0 + 2.0 * lr).powi(n as i32),
    );
    assert!(
        ((last[0] as f64) - x).abs() < 1e-5 * x,
        "x = {} vs {x}",
        last[0]
    );
    assert!(
        ((last[1] as f64) - y).abs() < 1e-5 * y,
        "y = {} vs {y}",
        last[1]
    );
    // |y| > 1 needs 1.02^N > 1000: N > ln 1000 / ln 1.02 = 348.8, so step 349.
    let t = run(Surface::Saddle, &with_lr("sgd", 0.01), [1.0, 1e-3], 400).unwrap();
    assert_eq!(escape_step(&t), Some(349));
}

#[test]
fn adam_reaches_booths_minimum() {
    let t = run(Surface::Booth, &with_lr("adam", 0.1), [-4.0, -4.0], 2000).unwrap();
    let p = t.points.last().unwrap();
    let dist = ((p[0] - 1.0).powi(2) + (p[1] - 3.0).powi(2)).sqrt();
    assert!(dist < 1e-2, "Adam ended at {p:?}, {dist} from (1, 3)");
    assert!(steps_to_minimum(&t, 0.0, 1e-3).is_some());
}

#[test]
fn a_diverging_run_names_the_step() {
    // Beale from (1, 1.5) with λ = 0.1: the first SGD step is ≈ −0.1·(27.75, 92.5), landing near
    // (−1.8, −7.75), where the y³ terms blow up within a few steps.
    let err = run(Surface::Beale, &with_lr("sgd", 0.1), [1.0, 1.5], 100).unwrap_err();
    let TrajectoryError::Diverged { step, partial } = &err else {
        panic!("expected divergence, got {err}");
    };
    assert!(*step >= 1 && *step < 100);
    assert_eq!(partial.points.len(), step + 1);
    let last = partial.points.last().unwrap();
    assert!(
        !(last[0].is_finite() && last[1].is_finite() && partial.losses.last().unwrap().is_finite())
    );
    assert!(
        err.to_string()
            .contains(&format!("diverged at step {step}")),
        "{err}"
    );
}

#[test]
fn invalid_hyperparameters_are_refused_with_their_name() {
    let err = run(Surface::Booth, &with_lr("sgd", -0.1), [0.0, 0.0], 5).unwrap_err();
    assert!(matches!(err, TrajectoryError::Optim(_)));
    assert!(err.to_string().contains("lr = -0.1"), "{err}");
    let mut h = with_lr("momentum", 0.01);
    h.set_momentum(1.5);
    let err = run(Surface::Booth, &h, [0.0, 0.0], 5).unwrap_err();
    assert!(err.to_string().contains("momentum = 1.5"), "{err}");
}

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    let argv: Vec<std::ffi::OsString> = std::iter::once("trajectories")
        .chain(args.iter().copied())
        .map(Into::into)
        .collect();
    Cli::try_parse(&argv).map_err(|e| match e {
        ParseError::Clap(e) => e,
        ParseError::Bad(m) => clap::Error::raw(ErrorKind::ValueValidation, m),
    })
}

#[test]
fn command_line_accepts_negative_numbers_both_ways() {
    for args in [
        [
            "--function",
            "saddle",
            "--optimizer",
            "nag",
            "--start",
            "-1.2,1.0",
            "--steps",
            "7",
            "--json",
        ]
        .as_slice(),
        [
            "--function=saddle",
            "--optimizer=nag",
            "--start=-1.2,1.0",
            "--steps=7",
            "--json",
        ]
        .as_slice(),
    ] {
        let cli = parse(args).unwrap();
        assert_eq!(cli.function, Some(Surface::Saddle));
        assert_eq!(
            (cli.optimizer.name(), cli.typed.as_str()),
            ("nesterov", "nag")
        );
        assert_eq!(cli.start, Some([-1.2, 1.0]));
        assert_eq!(cli.steps, 7);
        assert!(cli.json);
    }
    // Negative values reach the optimizer, which refuses them by name.
    let err = parse(&["--function", "beale", "--optimizer", "adam", "--lr", "-0.5"]).unwrap_err();
    assert!(err.to_string().contains("--lr: adam: lr = -0.5"), "{err}");
    let cli = parse(&[
        "--function",
        "beale",
        "--optimizer",
        "adam",
        "--lr",
        "0.5",
        "--beta1",
        "0.8",
        "--beta2",
        "0.99",
        "--eps",
        "1e-7",
    ])
    .unwrap();
    assert_eq!(
        cli.optimizer.to_string(),
        "adam (lr 0.5, β1 0.8, β2 0.99, ε 1e-7, weight decay 0)"
    );
    let cli = parse(&[
        "--function",
        "beale",
        "--optimizer",
        "rmsprop",
        "--gamma",
        "0.95",
        "--form",
        "pytorch",
    ])
    .unwrap();
    assert_eq!(
        cli.optimizer.to_string(),
        "rmsprop (lr 0.01, γ 0.95, ε 1e-8, weight decay 0, PyTorch form)"
    );
    let cli = parse(&["--function", "booth", "--optimizer", "sgd"]).unwrap();
    assert_eq!(cli.optimizer, Algorithm::from(optim::Sgd::default()));
    assert!(parse(&["--all", "--out-dir", "docs/img"]).unwrap().all);
}

#[test]
fn command_line_errors_name_the_problem() {
    let err = parse(&["--function", "booth", "--optimizer", "sgd", "--bogus"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownArgument);
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--bogus"));

    let err = parse(&["--function", "booth", "--optimizer", "adamax"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("adamax"));

    let err = parse(&["--function", "sphere", "--optimizer", "sgd"]).unwrap_err();
    assert!(err.to_string().contains("sphere"));

    let err = parse(&[
        "--function",
        "booth",
        "--optimizer",
        "sgd",
        "--start",
        "1;2",
    ])
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ValueValidation);
    assert!(err.to_string().contains("1;2"));

    let err = parse(&["--function", "booth", "--optimizer", "sgd", "--steps", "-3"]).unwrap_err();
    assert_eq!(err.exit_code(), 2);

    let err = parse(&["--optimizer", "sgd"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingRequiredArgument);
    assert!(parse(&["--all", "--function", "booth"]).is_err());
}

#[test]
fn parse_point_reads_two_finite_numbers() {
    assert_eq!(parse_point("-1.2,1.0"), Ok([-1.2, 1.0]));
    assert_eq!(parse_point(" 3 , -4e-1 "), Ok([3.0, -0.4]));
    assert!(parse_point("1").is_err());
    assert!(parse_point("1,2,3").is_err());
    assert!(parse_point("1,nan").unwrap_err().contains("nan"));
}

#[test]
fn contour_segments_of_a_circle_lie_on_the_circle() {
    // f = x² + y², level 1: the unit circle. Linear interpolation on a 0.02 grid puts each
    // crossing within (0.02)²/8 · f'' / |∇f| ≈ 1e-4 of it.
    let grid = Grid::sample(|x, y| x * x + y * y, [[-1.5, 1.5], [-1.5, 1.5]], 151, 151);
    let segments = grid.segments(&[1.0]);
    assert!(segments.len() > 100);
    for (level, a, b) in segments {
        assert_eq!(level, 0);
        for p in [a, b] {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            assert!((r - 1.0).abs() < 1e-3, "point {p:?} at radius {r}");
        }
    }
    // Geometric levels for a non-negative function: between the smallest positive value and the max.
    let levels = grid.levels(4);
    assert_eq!(levels.len(), 4);
    assert!(levels.windows(2).all(|w| w[1] / w[0] > 1.0));
}

#[test]
fn overshoot_counts_how_far_past_and_how_often() {
    // e = ⟨p − (0, 0), (1, 0)⟩ = x: 2, −0.5, 0.25, −0.0005 (below 1e-3, not counted), 0.1.
    let t = Trajectory {
        function: "booth".into(),
        optimizer: "sgd".into(),
        settings: String::new(),
        points: vec![
            [2.0, 0.0],
            [-0.5, 1.0],
            [0.25, 0.0],
            [-0.0005, 0.0],
            [0.1, 0.0],
        ],
        losses: vec![0.0; 5],
    };
    assert_eq!(overshoot(&t, [0.0, 0.0], [1.0, 0.0]), (0.5, 2));
    assert_eq!(escape_step(&t), None);
}

#[test]
fn each_optimizer_has_its_own_colour() {
    use lab::plot::color_of;
    let rgb = |name: &str| {
        let c = color_of(name);
        (c.0, c.1, c.2)
    };
    let colours: Vec<_> = Algorithm::NAMES.iter().map(|&name| rgb(name)).collect();
    for (i, c) in colours.iter().enumerate() {
        assert!(!colours[..i].contains(c), "{} repeats", Algorithm::NAMES[i]);
    }
    assert_eq!(rgb("nag"), rgb("nesterov"));
    assert!(
        !colours.contains(&rgb("lion")),
        "a name outside the catalog"
    );
}
