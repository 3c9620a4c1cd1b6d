//! Running one trial: a problem, an optimizer, a seed → a [`TrialResult`]. Deterministic given
//! those and the plan's threads per trial, so a trial run again (or elsewhere, from `benchmark
//! plan`'s commands) gives the same result.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use autograd::{Parameters, Tensor};
use data::Dataset;
use optim::{Algorithm, Optimizer};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::plan::{Plan, TrialSpec};
use super::problem::{Budget, Problem};
use super::quadratic::{Quadratic, POINTS};
use super::results::{CurvePoint, TrialResult};
use crate::cli::DataDir;
use crate::training::{
    evaluate, Datasets, Observer, RunConfig, StepInfo, TrainError, Trainer, EVAL_BATCH,
};

/// The data of the plan's problems, loaded once and shared by every trial.
pub struct Data {
    mnist: Option<Datasets>,
    fmnist: Option<Datasets>,
    quadratic: Option<Quadratic>,
}

impl Data {
    /// Loads what `problems` need (obtaining the datasets as every program does).
    ///
    /// # Errors
    /// A one-line message naming the dataset and what is wrong.
    pub fn load(
        plan: &Plan,
        problems: &[Problem],
        mnist: &DataDir,
        fashion: &DataDir,
    ) -> Result<Data, String> {
        let load = |dataset: Dataset, source: &DataDir| -> Result<Option<Datasets>, String> {
            let Some(&problem) = problems.iter().find(|p| p.dataset() == Some(dataset)) else {
                return Ok(None);
            };
            let dir: PathBuf = source.obtain(dataset).map_err(|e| e.to_string())?;
            let val = plan.budget(problem).val_split;
            Datasets::load(dataset, &dir, val)
                .map(Some)
                .map_err(|e| e.to_string())
        };
        Ok(Data {
            mnist: load(Dataset::Mnist, mnist)?,
            fmnist: load(Dataset::FashionMnist, fashion)?,
            quadratic: problems
                .contains(&Problem::QuadraticDeep)
                .then(Quadratic::new),
        })
    }
}

impl Data {
    /// Data whose MNIST problems train on `datasets` (small synthetic sets, in the tests).
    pub fn with_mnist(datasets: Datasets) -> Data {
        Data {
            mnist: Some(datasets),
            fmnist: None,
            quadratic: None,
        }
    }
}

/// Runs `spec` with `optimizer` (which tuned `value`) on the plan's budget.
///
/// # Panics
/// If the data of `spec`'s problem was not loaded.
pub fn run(
    plan: &Plan,
    spec: &TrialSpec,
    optimizer: Algorithm,
    value: f64,
    data: &Data,
) -> TrialResult {
    let budget = plan.budget(spec.problem);
    let outcome = autograd::backend::with_threads(plan.threads, || match spec.problem {
        Problem::MnistMlp | Problem::MnistLogreg => {
            let mnist = data
                .mnist
                .as_ref()
                .expect("MNIST is loaded for its problems");
            classifier(plan, spec, &optimizer, mnist)
        }
        Problem::FmnistMlp => {
            let fmnist = data
                .fmnist
                .as_ref()
                .expect("Fashion-MNIST is loaded for its problem");
            classifier(plan, spec, &optimizer, fmnist)
        }
        Problem::QuadraticDeep => {
            let quadratic = data
                .quadratic
                .as_ref()
                .expect("the quadratic is made for its problem");
            quadratic_trial(spec, &optimizer, budget, quadratic)
        }
    });
    TrialResult {
        plan: plan.id(),
        spec: spec.clone(),
        optimizer,
        value,
        cpu: format!(
            "{}, {} thread{}",
            cpu_name(),
            plan.threads,
            if plan.threads == 1 { "" } else { "s" }
        ),
        ..outcome
    }
}

/// The processor's name as the system gives it (`model name` of `/proc/cpuinfo`), or the
/// architecture's where it does not.
pub fn cpu_name() -> String {
    let from_cpuinfo = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            (text.lines())
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        });
    from_cpuinfo.unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// Measures a run as it goes: the curve, the time to the target, the time spent training.
struct Recorder<'a> {
    problem: Problem,
    budget: &'a Budget,
    val: Option<&'a data::Split>,
    curve: Vec<CurvePoint>,
    loss_sum: f64,
    losses: usize,
    /// Training time so far, evaluations excluded.
    trained: Duration,
    since: Instant,
    target_step: Option<usize>,
    target_seconds: Option<f64>,
}

impl<'a> Recorder<'a> {
    fn new(problem: Problem, budget: &'a Budget, val: Option<&'a data::Split>) -> Recorder<'a> {
        Recorder {
            problem,
            budget,
            val,
            curve: Vec::new(),
            loss_sum: 0.0,
            losses: 0,
            trained: Duration::ZERO,
            since: Instant::now(),
            target_step: None,
            target_seconds: None,
        }
    }

    fn point(&mut self, step: usize, val: f64) {
        let train_loss = (self.losses > 0).then(|| self.loss_sum / self.losses as f64);
        (self.loss_sum, self.losses) = (0.0, 0);
        let val = val.is_finite().then_some(val);
        self.curve.push(CurvePoint {
            step,
            train_loss,
            val,
        });
        if self.target_step.is_none()
            && val.is_some_and(|v| self.problem.reached(v, self.budget.target))
        {
            self.target_step = Some(step);
            self.target_seconds = Some(self.trained.as_secs_f64());
        }
    }

    fn due(&self, step: usize) -> bool {
        step.is_multiple_of(self.budget.eval_every) || step == self.budget.steps
    }
}

impl Observer for Recorder<'_> {
    fn epoch_start(&mut self, _epoch: usize, _batches: usize) {
        self.since = Instant::now();
    }

    fn step(&mut self, info: &StepInfo, model: &mut crate::training::Model) {
        self.trained += self.since.elapsed();
        self.loss_sum += f64::from(info.loss);
        self.losses += 1;
        let step = info.step as usize;
        if let (true, Some(val)) = (self.due(step), self.val) {
            let accuracy = evaluate(model, val, EVAL_BATCH).accuracy;
            self.point(step, accuracy);
        }
        self.since = Instant::now();
    }

    fn stop_requested(&self) -> bool {
        self.curve
            .last()
            .is_some_and(|p| p.step >= self.budget.steps)
    }
}

/// A classifier trial: `train`'s loop with a constant λ and every batch full.
fn classifier(
    plan: &Plan,
    spec: &TrialSpec,
    optimizer: &Algorithm,
    data: &Datasets,
) -> TrialResult {
    let budget = plan.budget(spec.problem);
    let batches = data.train.len() / budget.batch;
    let config = RunConfig {
        model: plan.model(spec.problem),
        optimizer: optimizer.clone(),
        schedule: "constant".parse().expect("a schedule"),
        epochs: budget.steps.div_ceil(batches),
        batch_size: budget.batch,
        seed: spec.seed,
        drop_last: true,
        ..RunConfig::default()
    };
    let mut trainer = Trainer::new(config, data.input_size(), data.classes).expect("a valid trial");
    let val = data.val.as_ref();
    let mut recorder = Recorder::new(spec.problem, budget, val);
    if let Some(val) = val {
        let at_start = evaluate(&mut trainer.model, val, EVAL_BATCH).accuracy;
        recorder.point(0, at_start);
    }
    let diverged = match trainer.fit(data, &mut recorder, None) {
        Ok(()) | Err(TrainError::Stopped { .. }) => None,
        Err(e) => Some(e.to_string()),
    };
    let test = evaluate(&mut trainer.model, &data.test, EVAL_BATCH);
    let finite = diverged.is_none() && test.loss.is_finite();
    outcome(
        recorder,
        finite.then_some(test.accuracy),
        finite.then_some(test.loss),
        diverged,
    )
}

/// A quadratic trial: θ from 1, batches of the 1000 training points in the seed's order.
fn quadratic_trial(
    spec: &TrialSpec,
    optimizer: &Algorithm,
    budget: &Budget,
    quad: &Quadratic,
) -> TrialResult {
    let theta = Tensor::ones(&[super::quadratic::DIM])
        .requires_grad()
        .named("theta");
    let mut params = Parameters::new();
    params.push("theta", theta.clone());
    let mut opt = Optimizer::new(params, optimizer.clone()).expect("a valid trial");
    let mut recorder = Recorder::new(spec.problem, budget, None);
    let hessian = quad.hessian();
    recorder.point(0, Quadratic::loss_on(&hessian, &theta, &quad.val));
    let per_epoch = POINTS / budget.batch; // the last, smaller batch is dropped
    let mut diverged = None;
    let mut step = 0;
    'run: for epoch in 0.. {
        let mut order: Vec<usize> = (0..POINTS).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(spec.seed ^ (epoch << 32)));
        for b in 0..per_epoch {
            let rows = &order[b * budget.batch..(b + 1) * budget.batch];
            let x = Tensor::from_array(quad.train.select(autograd::ndarray::Axis(0), rows));
            let since = Instant::now();
            let loss = opt.step_with_closure(&mut || {
                theta.zero_grad();
                let loss = Quadratic::loss(&hessian, &theta, &x);
                let value = loss.item();
                if value.is_finite() {
                    loss.backward();
                }
                value
            });
            recorder.trained += since.elapsed();
            step += 1;
            match loss {
                Ok(l) if l.is_finite() => {
                    recorder.loss_sum += f64::from(l);
                    recorder.losses += 1;
                }
                Ok(l) => {
                    diverged = Some(format!("the loss is {l} at step {step}"));
                    break 'run;
                }
                Err(e) => {
                    diverged = Some(e.to_string());
                    break 'run;
                }
            }
            if recorder.due(step) {
                recorder.point(step, Quadratic::loss_on(&hessian, &theta, &quad.val));
            }
            if step >= budget.steps {
                break 'run;
            }
        }
    }
    let test = Quadratic::loss_on(&hessian, &theta, &quad.test);
    let finite = diverged.is_none() && test.is_finite();
    outcome(
        recorder,
        finite.then_some(test),
        finite.then_some(test),
        diverged,
    )
}

/// A trial's result from its recorder; the plan, spec and optimizer are filled in by [`run`].
fn outcome(
    r: Recorder,
    test: Option<f64>,
    test_loss: Option<f64>,
    diverged: Option<String>,
) -> TrialResult {
    TrialResult {
        plan: String::new(),
        spec: TrialSpec {
            problem: r.problem,
            optimizer: String::new(),
            phase: super::plan::Phase::Tune,
            value: None,
            seed: 0,
        },
        optimizer: Algorithm::from(optim::Sgd::default()),
        value: 0.0,
        val: r
            .curve
            .last()
            .and_then(|p| p.val)
            .filter(|_| diverged.is_none()),
        curve: r.curve,
        test,
        test_loss,
        target_step: r.target_step,
        target_seconds: r.target_seconds,
        diverged,
        seconds: r.trained.as_secs_f64(),
        cpu: String::new(),
    }
}
