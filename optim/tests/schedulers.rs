//! The scheduler on an optimizer: the value of tick 0 applied at construction, schedules of μ
//! (which replace the old `MomentumSchedule`), per-step ticking (which replaces the programs'
//! per-step decay), refusals, and resuming.

use autograd::{Parameters, Tensor};
use optim::scheduler::{
    Constant, CosineAnnealingLr, ExponentialLr, LinearLr, MultiStepLr, PlateauConfig, Scheduler,
    StepLr, Target,
};
use optim::{AdaDelta, Adam, Group, Momentum, Nesterov, Optimizer, Sgd};

fn scalar(name: &str) -> Parameters {
    let mut params = Parameters::new();
    params.push(name, Tensor::scalar(1.0).requires_grad());
    params
}

fn sgd(lr: f32) -> Optimizer<Sgd> {
    Optimizer::new(
        scalar("w"),
        Sgd {
            lr,
            ..Sgd::default()
        },
    )
    .unwrap()
}

#[test]
fn a_linear_warmup_starts_at_its_start_factor_before_the_first_step() {
    // PyTorch: LinearLR(start_factor=0.1, total_iters=2) on λ0 = 0.1 gives 0.01 at once, then
    // 0.055 and 0.1 after the first and second scheduler.step().
    let mut opt = sgd(0.1);
    let mut warmup = Scheduler::new(&mut opt, LinearLr::new(0.1, 1.0, 2).unwrap()).unwrap();
    assert_eq!(
        (opt.lr(), warmup.value(0), warmup.ticks()),
        (Some(0.01), 0.01, 0)
    );
    // The first step moves by 0.01·g: L = w, g = 1, w = 1 − 0.01.
    let w = opt.params().get("w").unwrap().clone();
    w.sum().backward();
    opt.step().unwrap();
    assert_eq!(w.item(), 1.0 - 0.01);
    warmup.step(&mut opt, None).unwrap();
    assert_eq!(opt.lr(), Some(0.055));
    warmup.step(&mut opt, None).unwrap();
    assert_eq!(opt.lr(), Some(0.1));
    warmup.step(&mut opt, None).unwrap();
    assert_eq!((opt.lr(), warmup.ticks()), (Some(0.1), 3));
}

/// The old `MomentumSchedule`, verbatim from `rule.rs` before issue 18: `μ_t` at step `t`.
enum Old {
    Constant(f32),
    Steps(Vec<(u64, f32)>),
    Linear { from: f32, to: f32, over_steps: u64 },
}

impl Old {
    fn at(&self, t: u64) -> f32 {
        match self {
            Old::Constant(mu) => *mu,
            Old::Steps(pairs) => pairs
                .iter()
                .take_while(|(start, _)| *start <= t)
                .last()
                .map_or(0.0, |&(_, mu)| mu),
            Old::Linear {
                from,
                to,
                over_steps,
            } => {
                if *over_steps == 0 {
                    return *to;
                }
                let done = t.saturating_sub(1).min(*over_steps) as f64 / *over_steps as f64;
                (*from as f64 + (*to as f64 - *from as f64) * done) as f32
            }
        }
    }
}

#[test]
fn the_old_momentum_schedules_are_schedules_on_mu() {
    // Ticked after every step, tick t − 1 is in force during step t. The struct's μ is the
    // base: a schedule starting below it starts at a factor < 1.
    let cases: Vec<(Old, f32, Box<dyn optim::scheduler::Schedule>)> = vec![
        (Old::Constant(0.9), 0.9, Box::new(Constant)),
        // 0.9, then 0.5 from step 100: ×(0.5/0.9) from tick 99.
        (
            Old::Steps(vec![(1, 0.9), (100, 0.5)]),
            0.9,
            Box::new(MultiStepLr::new(&[99], 0.5 / 0.9).unwrap()),
        ),
        // 0.5 to 0.9 over 4 steps: the factor from 0.5/0.9 to 1 over 4 ticks.
        (
            Old::Linear {
                from: 0.5,
                to: 0.9,
                over_steps: 4,
            },
            0.9,
            Box::new(LinearLr::new(0.5 / 0.9, 1.0, 4).unwrap()),
        ),
        // 0.9 down to 0.5 over 50 steps: the factor from 1 to 0.5/0.9.
        (
            Old::Linear {
                from: 0.9,
                to: 0.5,
                over_steps: 50,
            },
            0.9,
            Box::new(LinearLr::new(1.0, 0.5 / 0.9, 50).unwrap()),
        ),
    ];
    for (old, mu, schedule) in cases {
        let rule = Momentum {
            lr: 0.01,
            momentum: mu,
            ..Momentum::default()
        };
        let mut opt = Optimizer::new(scalar("w"), rule).unwrap();
        let mut sched = Scheduler::momentum(&mut opt, schedule).unwrap();
        assert_eq!(sched.target(), Target::Momentum);
        for t in 1..=150 {
            let (got, want) = (opt.rule().momentum, old.at(t));
            assert!(
                (got - want).abs() <= 1e-7,
                "step {t}: μ {got}, old schedule {want}"
            );
            // (the step itself goes here)
            sched.step(&mut opt, None).unwrap();
        }
        assert_eq!(opt.rule().lr, 0.01, "λ is left alone");
    }
}

#[test]
fn ticked_per_step_the_closed_forms_are_the_per_step_decays() {
    // The programs' `--lr-decay cosine | linear` (λ_s = λ0·(1 + cos(π s/S))/2, λ0·(1 − s/S)
    // before step s of S): CosineAnnealingLR(S, 0) and LinearLR(1, 0, S), ticked per step.
    let (lr0, total) = (0.1f64, 40usize);
    for linear in [false, true] {
        let mut opt = sgd(lr0 as f32);
        let mut sched = if linear {
            Scheduler::new(&mut opt, LinearLr::new(1.0, 0.0, total).unwrap())
        } else {
            Scheduler::new(&mut opt, CosineAnnealingLr::new(total, 0.0).unwrap())
        }
        .unwrap();
        let base = f64::from(lr0 as f32);
        for s in 0..=total {
            let done = s as f64 / total as f64;
            let want = if linear {
                base * (1.0 - done)
            } else {
                base * 0.5 * (1.0 + (std::f64::consts::PI * done).cos())
            };
            let got = f64::from(opt.lr().unwrap());
            assert!(
                (got - want).abs() <= 1e-7 * base,
                "step {s}: {got} vs {want}"
            );
            sched.step(&mut opt, None).unwrap();
        }
    }
}

#[test]
fn a_rule_without_the_target_is_refused_naming_it() {
    let mut adadelta = Optimizer::new(scalar("w"), AdaDelta::default()).unwrap();
    let err = Scheduler::new(&mut adadelta, StepLr::new(1, 0.5).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "StepLR: adadelta (γ 0.9, ε 1e-6, weight decay 0, course form) has no learning rate"
    );
    let err = Scheduler::plateau(&mut adadelta, PlateauConfig::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("ReduceLROnPlateau: adadelta"),
        "{err}"
    );
    let mut adam = Optimizer::new(scalar("w"), Adam::default()).unwrap();
    let err = Scheduler::momentum(&mut adam, Constant).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Constant: adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0) has no momentum"
    );
}

#[test]
fn a_value_a_rule_refuses_changes_nothing() {
    // μ = 0.9 doubled at tick 1 is 1.8, outside [0, 1).
    let mut opt = Optimizer::new(scalar("w"), Nesterov::default()).unwrap();
    let mut sched = Scheduler::momentum(&mut opt, ExponentialLr::new(2.0).unwrap()).unwrap();
    let err = sched.step(&mut opt, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "nesterov: momentum = 1.8 is outside [0, 1)"
    );
    assert_eq!((sched.ticks(), opt.rule().momentum), (0, 0.9));
}

#[test]
fn a_scheduler_follows_the_groups_it_was_built_for() {
    let two = || {
        let rule = Sgd {
            lr: 0.1,
            ..Sgd::default()
        };
        let groups = vec![
            Group {
                params: scalar("w"),
                rule: rule.clone(),
            },
            Group {
                params: scalar("b"),
                rule: Sgd { lr: 0.5, ..rule },
            },
        ];
        Optimizer::with_groups(groups).unwrap()
    };
    let mut opt = two();
    let mut sched = Scheduler::new(&mut opt, StepLr::new(1, 0.1).unwrap()).unwrap();
    sched.step(&mut opt, None).unwrap();
    let rates: Vec<f32> = opt.groups().iter().map(|g| g.rule.lr).collect();
    assert_eq!(rates, [0.01, 0.05]);
    assert_eq!((sched.value(0), sched.value(1)), (0.01, 0.05));
    let mut one = sgd(0.1);
    let err = sched.step(&mut one, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "StepLR: it was built for 2 parameter groups, the optimizer has 1"
    );
    // Restored into a fresh optimizer, the position sets each group's value at once.
    let mut fresh = two();
    let mut resumed = Scheduler::new(&mut fresh, StepLr::new(1, 0.1).unwrap()).unwrap();
    resumed.load_state(&mut fresh, &sched.state()).unwrap();
    assert_eq!(fresh.groups()[1].rule.lr, 0.05);
}

#[test]
fn a_momentum_schedule_resumes_through_metadata() {
    let build = || {
        let mut opt = Optimizer::new(scalar("w"), Momentum::default()).unwrap();
        let sched = Scheduler::momentum(&mut opt, MultiStepLr::new(&[2, 4], 0.5).unwrap()).unwrap();
        (opt, sched)
    };
    let (mut opt, mut sched) = build();
    for _ in 0..3 {
        sched.step(&mut opt, None).unwrap();
    }
    let metadata = sched.to_metadata("mu.");
    assert_eq!(metadata["mu.target"], "momentum");
    let (mut opt2, mut resumed) = build();
    resumed.load_metadata(&mut opt2, "mu.", &metadata).unwrap();
    assert_eq!(opt2.rule().momentum, opt.rule().momentum);
    for _ in 0..3 {
        sched.step(&mut opt, None).unwrap();
        resumed.step(&mut opt2, None).unwrap();
        assert_eq!(
            opt2.rule().momentum.to_bits(),
            opt.rule().momentum.to_bits()
        );
    }
    // A λ schedule's position is not a μ schedule's.
    let mut lr = Scheduler::new(&mut opt2, MultiStepLr::new(&[2, 4], 0.5).unwrap()).unwrap();
    let err = lr
        .load_metadata(&mut opt2, "mu.", &metadata)
        .unwrap_err()
        .to_string();
    assert!(err.contains("but this is MultiStepLR on Lr"), "{err}");
}

#[test]
#[should_panic(expected = "ReduceLROnPlateau: step needs the metric")]
fn a_plateau_step_without_a_metric_panics() {
    let mut opt = sgd(0.1);
    let mut plateau = Scheduler::plateau(&mut opt, PlateauConfig::default()).unwrap();
    let _ = plateau.step(&mut opt, None);
}
