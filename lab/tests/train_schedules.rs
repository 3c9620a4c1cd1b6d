//! The learning rate `train` actually uses at every step of a whole run, for every kind of
//! `--schedule` and `--warmup`, against `torch.optim.lr_scheduler` stepped once per batch
//! (fixture recorded by `tools/reference_train_schedules.py`): a warm-up starts at its start
//! factor from the very first step, and each epoch's first step has PyTorch's per-epoch value.

mod common;

use lab::training::{EpochMetrics, Model, Observer, RunConfig, StepInfo, Trainer};
use optim::scheduler::{PlateauConfig, Scheduler};
use optim::{Algorithm, Optimizer, Sgd};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/train_schedules.json");

/// The rate of every step, and the metrics of every epoch.
#[derive(Default)]
struct Rates {
    steps: Vec<f32>,
    epochs: Vec<EpochMetrics>,
}

impl Observer for Rates {
    fn step(&mut self, info: &StepInfo, _model: &mut Model) {
        self.steps.push(info.lr);
    }

    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        self.epochs.push(metrics.clone());
    }
}

/// SGD at λ0 = `lr` on the blobs, batches of 48: 240 training images, 5 steps per epoch.
fn run(schedule: &str, warmup: Option<&str>, epochs: usize, lr: f32, val: usize) -> Rates {
    let data = common::tiny(val);
    let config = RunConfig {
        model: lab::training::ModelConfig {
            hidden: vec![8],
            ..Default::default()
        },
        optimizer: Algorithm::from(Sgd {
            lr,
            ..Sgd::default()
        }),
        schedule: schedule.parse().unwrap(),
        warmup: warmup.map(|w| w.parse().unwrap()),
        epochs,
        batch_size: 48,
        ..RunConfig::default()
    };
    let mut trainer = Trainer::new(config, data.input_size(), data.classes).unwrap();
    let mut rates = Rates::default();
    trainer.fit(&data, &mut rates, None).unwrap();
    rates
}

#[test]
fn every_step_uses_pytorchs_rate_for_every_schedule() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let (epochs, lr) = (
        fixture["epochs"].as_u64().unwrap() as usize,
        fixture["lr"].as_f64().unwrap(),
    );
    let batches = fixture["batches_per_epoch"].as_u64().unwrap() as usize;
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(
        cases.len(),
        12,
        "every kind of schedule, with and without a warm-up"
    );
    for case in cases {
        let schedule = case["schedule"].as_str().unwrap();
        let warmup = case["warmup"].as_str();
        let want: Vec<f64> = case["rates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_f64().unwrap())
            .collect();
        let got = run(schedule, warmup, epochs, lr as f32, 0).steps;
        assert_eq!(got.len(), epochs * batches, "{schedule} {warmup:?}");
        for (step, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (f64::from(g) - w).abs() <= 1e-6 * w.abs().max(1e-6),
                "--schedule {schedule} --warmup {warmup:?}: step {step} used λ = {g}, PyTorch {w}\n got {got:?}\nwant {want:?}"
            );
        }
    }
}

#[test]
fn the_issues_warmup_starts_at_its_start_factor() {
    // `--warmup 2,0.1` then a flat rate: epochs 1, 2, 3 start at 0.01, 0.055, 0.1 (PyTorch's
    // LinearLR(start_factor=0.1, total_iters=2) per epoch), not at 0.1.
    let rates = run("constant", Some("2,0.1"), 3, 0.1, 0).steps;
    let starts: Vec<f32> = rates.iter().step_by(5).copied().collect();
    for (got, want) in starts.iter().zip([0.01, 0.055, 0.1]) {
        assert!((got - want).abs() < 1e-7, "{starts:?}");
    }
}

#[test]
fn plateau_follows_the_validation_loss_epoch_by_epoch() {
    // The trainer ticks ReduceLROnPlateau (tested against PyTorch in optim) once per epoch on
    // the validation loss, and the rate holds within an epoch: replay the same losses through
    // optim's scheduler and compare.
    let rates = run("plateau:0.5:0", None, 4, 0.5, 30);
    let mut params = autograd::Parameters::new();
    params.push("w", autograd::Tensor::scalar(0.0).requires_grad());
    let mut opt = Optimizer::new(
        params,
        Sgd {
            lr: 0.5,
            ..Sgd::default()
        },
    )
    .unwrap();
    let config = PlateauConfig {
        factor: 0.5,
        patience: 0,
        ..PlateauConfig::default()
    };
    let mut plateau = Scheduler::plateau(&mut opt, config).unwrap();
    let per_step = rates.steps.len() / 4;
    for (epoch, metrics) in rates.epochs.iter().enumerate() {
        let expected = opt.lr().unwrap();
        for &lr in &rates.steps[epoch * per_step..(epoch + 1) * per_step] {
            assert_eq!(lr, expected, "epoch {}: {:?}", epoch + 1, rates.steps);
        }
        let loss = metrics.val_loss.expect("a validation split of 30") as f32;
        plateau.step(&mut opt, Some(loss)).unwrap();
    }
}
