//! Every scheduler against PyTorch's `torch.optim.lr_scheduler` over 30 epochs.
//!
//! The fixture `fixtures/schedulers.json` was recorded by `tools/reference_schedulers.py` (run by
//! hand in the reference venv, see `tools/README.md`): for each case the spec string, λ0, the
//! metrics fed to ReduceLROnPlateau, and the rate PyTorch's optimizer held after construction and
//! after each `scheduler.step()`. Tolerance: 1e-6 relative (PyTorch's recursive forms and our
//! closed forms agree to ~1e-15 in f64; the f32 rounding of our output is 6e-8 relative), with an
//! absolute floor of 1e-12 where the cosine reaches η_min = 0.

use optim::scheduler::{
    PlateauConfig, PlateauMode, ReduceLrOnPlateau, ScheduleSpec, Scheduler, ThresholdMode,
};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schedulers.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture committed with the test");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// The scheduler a case describes: its spec string, or the full plateau configuration.
fn build(case: &Value) -> Box<dyn Scheduler> {
    let base_lr = case["base_lr"].as_f64().unwrap();
    if let Some(spec) = case["spec"].as_str() {
        return spec
            .parse::<ScheduleSpec>()
            .unwrap()
            .build(base_lr)
            .unwrap();
    }
    let p = &case["plateau"];
    let config = PlateauConfig {
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
    };
    Box::new(ReduceLrOnPlateau::new(base_lr, config).unwrap())
}

#[test]
fn schedulers_match_pytorch() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 10, "fixture has all the cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = f64s(&case["lrs"]);
        let metrics: Option<Vec<f64>> = case.get("metrics").map(f64s);
        let mut sched = build(case);
        let mut got = vec![sched.last_lr()];
        for e in 0..want.len() - 1 {
            got.push(sched.step(metrics.as_ref().map(|m| m[e] as f32)));
        }
        let mut worst = 0.0f64;
        for (e, (&g, &w)) in got.iter().zip(&want).enumerate() {
            let err = (g as f64 - w).abs();
            worst = worst.max(err / w.abs().max(1e-12));
            if err > 1e-6 * w.abs() + 1e-12 {
                failures.push(format!("{name} epoch {e}: got {g}, PyTorch {w}"));
            }
        }
        println!("{name:<20} max rel err {worst:.2e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn resumed_schedulers_match_pytorch() {
    // Save after 13 epochs, restore into a fresh scheduler, continue: still PyTorch's sequence.
    let fixture = fixture();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let want = f64s(&case["lrs"]);
        let metrics: Option<Vec<f64>> = case.get("metrics").map(f64s);
        let metric = |e: usize| metrics.as_ref().map(|m| m[e] as f32);
        let mut first = build(case);
        for e in 0..13 {
            first.step(metric(e));
        }
        let mut resumed = build(case);
        resumed.load_state(&first.state()).unwrap();
        for (e, &w) in want.iter().enumerate().skip(14) {
            let g = resumed.step(metric(e - 1)) as f64;
            assert!(
                (g - w).abs() <= 1e-6 * w.abs() + 1e-12,
                "{name} epoch {e} after resume: got {g}, PyTorch {w}"
            );
        }
    }
}
