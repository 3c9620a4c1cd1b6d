//! Every scheduler against PyTorch's `torch.optim.lr_scheduler` over 30 ticks (epochs).
//!
//! The fixtures were recorded by `tools/reference_schedulers.py` (run by hand in the reference
//! venv, see `tools/README.md`):
//! - `fixtures/schedulers.json`: for each case a short spec string naming the schedule
//!   (`step:3:0.1`, read by [`schedule_of`] below), λ0, the metrics fed to ReduceLROnPlateau, and
//!   the rate PyTorch's optimizer held after construction and after each `scheduler.step()`;
//! - `fixtures/schedulers_groups.json`: every kind of schedule on an optimizer with two
//!   parameter groups of base rates 0.1 and 0.03, with PyTorch's keyword arguments, and both
//!   groups' rates at every tick.
//!
//! Tolerance: 1e-6 relative (PyTorch's recursive forms and our closed forms agree to ~1e-15 in
//! f64; the f32 rounding of the rate a group holds is 6e-8 relative), with an absolute floor of
//! 1e-12 where the cosine reaches η_min = 0.

use std::collections::BTreeMap;

use autograd::{Parameters, Tensor};
use optim::scheduler::{
    Constant, CosineAnnealingLr, ExponentialLr, LinearLr, MultiStepLr, PlateauConfig, PlateauMode,
    Schedule, Scheduler, SequentialLr, StepLr, ThresholdMode,
};
use optim::{Group, Optimizer, Sgd};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture committed with the test");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// The schedule a spec string of `schedulers.json` names: `constant`, `step:STEP_SIZE:GAMMA`,
/// `multistep:M1,M2,…:GAMMA`, `exp:GAMMA`, `cosine:T_MAX[:ETA_MIN]`,
/// `warmup:ITERS[,START_FACTOR]` and `warmup-cosine:WARMUP[,START_FACTOR]:T_MAX[:ETA_MIN]`
/// (start factor 1/3, PyTorch's, when left out). `None` for `plateau:…`.
fn schedule_of(spec: &str) -> Option<Box<dyn Schedule>> {
    let f: Vec<&str> = spec.split(':').collect();
    let num = |i: usize| f.get(i).map(|s| s.parse::<f64>().unwrap());
    let int = |s: &str| s.parse::<usize>().unwrap();
    let warmup = |s: &str| match s.split_once(',') {
        Some((n, factor)) => LinearLr::warmup(int(n), factor.parse().unwrap()).unwrap(),
        None => LinearLr::warmup(int(s), LinearLr::DEFAULT_START_FACTOR).unwrap(),
    };
    Some(match f[0] {
        "constant" => Box::new(Constant),
        "step" => Box::new(StepLr::new(int(f[1]), num(2).unwrap()).unwrap()),
        "multistep" => {
            let milestones: Vec<usize> = f[1].split(',').map(int).collect();
            Box::new(MultiStepLr::new(&milestones, num(2).unwrap()).unwrap())
        }
        "exp" => Box::new(ExponentialLr::new(num(1).unwrap()).unwrap()),
        "cosine" => Box::new(CosineAnnealingLr::new(int(f[1]), num(2).unwrap_or(0.0)).unwrap()),
        "warmup" => Box::new(warmup(f[1])),
        "warmup-cosine" => {
            let warm = warmup(f[1]);
            let iters = int(f[1].split(',').next().unwrap());
            let cosine = CosineAnnealingLr::new(int(f[2]), num(3).unwrap_or(0.0)).unwrap();
            Box::new(
                SequentialLr::new(vec![Box::new(warm), Box::new(cosine)], vec![iters]).unwrap(),
            )
        }
        "plateau" => return None,
        other => panic!("no schedule {other}"),
    })
}

/// The schedule of a `schedulers_groups.json` case, from PyTorch's keyword arguments.
fn schedule_from_kwargs(k: &Value) -> Box<dyn Schedule> {
    let num = |key: &str| k[key].as_f64().unwrap();
    let int = |key: &str| k[key].as_u64().unwrap() as usize;
    match k["kind"].as_str().unwrap() {
        "Constant" => Box::new(Constant),
        "StepLR" => Box::new(StepLr::new(int("step_size"), num("gamma")).unwrap()),
        "MultiStepLR" => {
            let milestones: Vec<usize> =
                f64s(&k["milestones"]).iter().map(|&m| m as usize).collect();
            Box::new(MultiStepLr::new(&milestones, num("gamma")).unwrap())
        }
        "ExponentialLR" => Box::new(ExponentialLr::new(num("gamma")).unwrap()),
        "CosineAnnealingLR" => {
            Box::new(CosineAnnealingLr::new(int("T_max"), num("eta_min")).unwrap())
        }
        "LinearLR" => Box::new(
            LinearLr::new(num("start_factor"), num("end_factor"), int("total_iters")).unwrap(),
        ),
        "SequentialLR" => {
            let schedules = k["schedules"]
                .as_array()
                .unwrap()
                .iter()
                .map(schedule_from_kwargs)
                .collect();
            let milestones = f64s(&k["milestones"]).iter().map(|&m| m as usize).collect();
            Box::new(SequentialLr::new(schedules, milestones).unwrap())
        }
        other => panic!("no schedule {other}"),
    }
}

/// PyTorch's `ReduceLROnPlateau` keyword arguments.
fn plateau_config(p: &Value) -> PlateauConfig {
    PlateauConfig {
        mode: if p["mode"] == "max" {
            PlateauMode::Max
        } else {
            PlateauMode::Min
        },
        factor: p["factor"].as_f64().unwrap(),
        patience: p["patience"].as_u64().unwrap() as usize,
        threshold: p["threshold"].as_f64().unwrap(),
        threshold_mode: if p["threshold_mode"] == "abs" {
            ThresholdMode::Abs
        } else {
            ThresholdMode::Rel
        },
        cooldown: p["cooldown"].as_u64().unwrap() as usize,
        min_lr: p["min_lr"].as_f64().unwrap(),
        ..PlateauConfig::default()
    }
}

/// An SGD optimizer with one group per rate, each over one parameter.
fn optimizer(lrs: &[f64]) -> Optimizer<Sgd> {
    let groups = lrs
        .iter()
        .enumerate()
        .map(|(i, &lr)| {
            let mut params = Parameters::new();
            params.push(format!("w{i}"), Tensor::scalar(0.0).requires_grad());
            Group {
                params,
                rule: Sgd {
                    lr: lr as f32,
                    ..Sgd::default()
                },
            }
        })
        .collect();
    Optimizer::with_groups(groups).unwrap()
}

/// The optimizer and scheduler a case of `schedulers.json` describes.
fn build(case: &Value) -> (Optimizer<Sgd>, Scheduler) {
    let mut opt = optimizer(&[case["base_lr"].as_f64().unwrap()]);
    let sched = match case["spec"].as_str().and_then(schedule_of) {
        Some(schedule) => Scheduler::new(&mut opt, schedule).unwrap(),
        None => {
            let config = match case.get("plateau") {
                Some(p) => plateau_config(p),
                None => {
                    // `plateau:FACTOR:PATIENCE`, PyTorch's defaults otherwise.
                    let f: Vec<&str> = case["spec"].as_str().unwrap().split(':').collect();
                    PlateauConfig {
                        factor: f[1].parse().unwrap(),
                        patience: f[2].parse().unwrap(),
                        ..Default::default()
                    }
                }
            };
            Scheduler::plateau(&mut opt, config).unwrap()
        }
    };
    (opt, sched)
}

/// Every group's rate.
fn rates(opt: &Optimizer<Sgd>) -> Vec<f64> {
    opt.groups().iter().map(|g| f64::from(g.rule.lr)).collect()
}

/// Where `got` is off PyTorch's `want` by more than the tolerance.
fn off(name: &str, tick: usize, got: &[f64], want: &[f64]) -> Option<String> {
    let bad = got
        .iter()
        .zip(want)
        .any(|(g, w)| (g - w).abs() > 1e-6 * w.abs() + 1e-12);
    bad.then(|| format!("{name} tick {tick}: got {got:?}, PyTorch {want:?}"))
}

#[test]
fn schedulers_match_pytorch() {
    let fixture = fixture("schedulers.json");
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 10, "fixture has all the cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = f64s(&case["lrs"]);
        let metrics: Option<Vec<f64>> = case.get("metrics").map(f64s);
        let (mut opt, mut sched) = build(case);
        let mut got = vec![rates(&opt)];
        for e in 0..want.len() - 1 {
            sched
                .step(&mut opt, metrics.as_ref().map(|m| m[e] as f32))
                .unwrap();
            got.push(rates(&opt));
            assert_eq!(sched.value(0), opt.groups()[0].rule.lr);
        }
        failures.extend(
            got.iter()
                .zip(&want)
                .enumerate()
                .filter_map(|(t, (g, &w))| off(name, t, g, &[w])),
        );
        assert_eq!(sched.ticks(), 30);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn resumed_schedulers_match_pytorch() {
    // Save after 13 ticks, restore into a fresh optimizer and scheduler, continue: still
    // PyTorch's sequence, through the state map and through checkpoint metadata.
    let fixture = fixture("schedulers.json");
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let want = f64s(&case["lrs"]);
        let metrics: Option<Vec<f64>> = case.get("metrics").map(f64s);
        let metric = |e: usize| metrics.as_ref().map(|m| m[e] as f32);
        let (mut opt, mut first) = build(case);
        for e in 0..13 {
            first.step(&mut opt, metric(e)).unwrap();
        }
        for through_metadata in [false, true] {
            let (mut opt2, mut resumed) = build(case);
            if through_metadata {
                let mut metadata = first.to_metadata("sched.");
                metadata.insert("other".into(), "ignored".into());
                resumed
                    .load_metadata(&mut opt2, "sched.", &metadata)
                    .unwrap();
            } else {
                resumed.load_state(&mut opt2, &first.state()).unwrap();
            }
            assert_eq!((resumed.ticks(), rates(&opt2)), (13, rates(&opt)), "{name}");
            for (e, &w) in want.iter().enumerate().skip(14) {
                resumed.step(&mut opt2, metric(e - 1)).unwrap();
                assert_eq!(off(name, e, &rates(&opt2), &[w]), None, "after resume");
            }
        }
    }
}

#[test]
fn every_schedule_acts_on_two_groups_as_pytorch() {
    let fixture = fixture("schedulers_groups.json");
    let base = f64s(&fixture["base_lrs"]);
    let mut failures = Vec::new();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let want: Vec<Vec<f64>> = case["lrs"].as_array().unwrap().iter().map(f64s).collect();
        let metrics: Option<Vec<f64>> = case.get("metrics").map(f64s);
        let mut opt = optimizer(&base);
        let k = &case["schedule"];
        let mut sched = if k["kind"] == "ReduceLROnPlateau" {
            Scheduler::plateau(&mut opt, plateau_config(k)).unwrap()
        } else {
            Scheduler::new(&mut opt, schedule_from_kwargs(k)).unwrap()
        };
        assert_eq!(sched.name(), k["kind"].as_str().unwrap());
        let mut got = vec![rates(&opt)];
        for e in 0..30 {
            sched
                .step(&mut opt, metrics.as_ref().map(|m| m[e] as f32))
                .unwrap();
            got.push(rates(&opt));
        }
        failures.extend(
            got.iter()
                .zip(&want)
                .enumerate()
                .filter_map(|(t, (g, w))| off(name, t, g, w)),
        );
        println!("{name:<14} tick 30: {:?}", got[30]);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_saved_position_restores_only_its_own_kind() {
    let mut opt = optimizer(&[0.1, 0.03]);
    let mut step = Scheduler::new(&mut opt, StepLr::new(2, 0.5).unwrap()).unwrap();
    step.step(&mut opt, None).unwrap();
    let metadata: BTreeMap<String, String> = step.to_metadata("s.");
    assert_eq!(metadata["s.schedule"], "StepLR");
    assert_eq!(metadata["s.target"], "lr");
    assert_eq!(metadata["s.ticks"], "1.0");
    assert_eq!(metadata["s.base.1"], format!("{:?}", f64::from(0.03f32)));
    let mut cosine = Scheduler::new(&mut opt, CosineAnnealingLr::new(4, 0.0).unwrap()).unwrap();
    let err = cosine
        .load_metadata(&mut opt, "s.", &metadata)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("CosineAnnealingLR::load_state: saved for Some(\"StepLR\")"),
        "{err}"
    );
    let mut plateau = Scheduler::plateau(&mut opt, PlateauConfig::default()).unwrap();
    let err = plateau
        .load_state(&mut opt, &step.state())
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown key `base.0`"), "{err}");
    let mut one_group = optimizer(&[0.1]);
    let mut other = Scheduler::new(&mut one_group, StepLr::new(2, 0.5).unwrap()).unwrap();
    let err = other
        .load_state(&mut one_group, &step.state())
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown key `base.1`"), "{err}");
    let mut bad = step.state();
    bad.insert("ticks".into(), 2.5);
    let err = step.load_state(&mut opt, &bad).unwrap_err().to_string();
    assert_eq!(
        err,
        "StepLR::load_state: `ticks` = 2.5 is not a non-negative integer"
    );
    let mut garbled = metadata.clone();
    garbled.insert("s.ticks".into(), "two".into());
    let err = step
        .load_metadata(&mut opt, "s.", &garbled)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "metadata `s.ticks` = `two` is not a number of the expected kind"
    );
    assert_eq!(step.ticks(), 1, "a refused load changes nothing");
}
