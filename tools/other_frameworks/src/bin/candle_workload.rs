//! The speed workloads in candle (crates.io), written the way candle's MNIST example writes a
//! training loop: `candle_nn::linear` layers from a `VarMap`, `loss::cross_entropy`,
//! `AdamW` with weight decay 0 (which is Adam), on the CPU device.
//!
//! ```text
//! candle_workload --workload W1-adam [--json]
//! ```
//!
//! candle's `SGD` has no momentum (its documentation says so), so SGD with momentum is written
//! here on the `Var`s in a few lines, as PyTorch defines it. Threads: `RAYON_NUM_THREADS`
//! (candle's CPU backend and its `gemm` matrix products both read it).

use std::process::ExitCode;
use std::time::Instant;

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Module, Result, Tensor, Var};
use candle_nn::{AdamW, Linear, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use other_frameworks::{
    count_correct, load_mnist, mnist_dir, parse_args, report, shuffled_batches, Split,
};

struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    fn new(sizes: &[usize], vb: &VarBuilder) -> Result<Self> {
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| candle_nn::linear(w[0], w[1], vb.pp(format!("fc{i}"))))
            .collect::<Result<_>>()?;
        Ok(Self { layers })
    }
}

impl Module for Mlp {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let last = self.layers.len() - 1;
        let mut x = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(&x)?;
            if i < last {
                x = x.relu()?;
            }
        }
        Ok(x)
    }
}

/// SGD with momentum as PyTorch defines it (dampening 0, no Nesterov):
/// `v = momentum·v + g` (`v = g` at the first step), `p -= lr·v`.
struct MomentumSgd {
    vars: Vec<Var>,
    velocity: Vec<Option<Tensor>>,
    lr: f64,
    momentum: f64,
}

impl Optimizer for MomentumSgd {
    type Config = (f64, f64);

    fn new(vars: Vec<Var>, (lr, momentum): (f64, f64)) -> Result<Self> {
        let velocity = vec![None; vars.len()];
        Ok(Self {
            vars,
            velocity,
            lr,
            momentum,
        })
    }

    fn step(&mut self, grads: &GradStore) -> Result<()> {
        for (var, v) in self.vars.iter().zip(&mut self.velocity) {
            if let Some(g) = grads.get(var) {
                let next = match v.take() {
                    Some(v) => ((v * self.momentum)? + g)?,
                    None => g.clone(),
                };
                var.set(&var.sub(&(&next * self.lr)?)?)?;
                *v = Some(next);
            }
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

fn batch_tensors(split: &Split, idx: &[usize], device: &Device) -> Result<(Tensor, Tensor)> {
    let (x, y) = split.gather(idx);
    let x = Tensor::from_vec(x, (idx.len(), 784), device)?;
    let y = Tensor::from_vec(
        y.into_iter().map(u32::from).collect::<Vec<u32>>(),
        idx.len(),
        device,
    )?;
    Ok((x, y))
}

fn train<O: Optimizer>(
    model: &Mlp,
    mut opt: O,
    split: &Split,
    batch: usize,
    device: &Device,
) -> Result<f64> {
    let start = Instant::now();
    for idx in shuffled_batches(split.len(), batch, 0) {
        let (x, y) = batch_tensors(split, &idx, device)?;
        let loss = candle_nn::loss::cross_entropy(&model.forward(&x)?, &y)?;
        opt.backward_step(&loss)?;
    }
    Ok(start.elapsed().as_secs_f64())
}

fn accuracy(model: &Mlp, test: &Split, device: &Device) -> Result<f64> {
    let mut correct = 0;
    let all: Vec<usize> = (0..test.len()).collect();
    for idx in all.chunks(1000) {
        let (x, _) = batch_tensors(test, idx, device)?;
        let logits = model.forward(&x)?.flatten_all()?.to_vec1::<f32>()?;
        correct += count_correct(&logits, 10, &test.labels[idx[0]..idx[0] + idx.len()]);
    }
    Ok(correct as f64 / test.len() as f64)
}

fn run(args: &other_frameworks::Args) -> std::result::Result<(f64, f64), String> {
    let w = args.workload;
    let mnist = load_mnist(&mnist_dir())?;
    // No seed: candle's CPU device refuses `set_seed` ("cannot seed the CPU rng"), so the
    // initial weights differ from run to run.
    let device = Device::Cpu;
    let go = || -> Result<(f64, f64)> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
        let model = Mlp::new(w.sizes, &vb)?;
        let seconds = match w.optimizer {
            other_frameworks::Optimizer::Adam => {
                let params = ParamsAdamW {
                    lr: w.lr,
                    weight_decay: 0.0,
                    ..ParamsAdamW::default()
                };
                train(
                    &model,
                    AdamW::new(varmap.all_vars(), params)?,
                    &mnist.train,
                    w.batch,
                    &device,
                )?
            }
            other_frameworks::Optimizer::Momentum => {
                let opt = MomentumSgd::new(varmap.all_vars(), (w.lr, 0.9))?;
                train(&model, opt, &mnist.train, w.batch, &device)?
            }
        };
        Ok((seconds, accuracy(&model, &mnist.test, &device)?))
    };
    go().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = match parse_args("candle_workload", &[]) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok((seconds, acc)) => {
            report(args.workload.name, "candle", seconds, acc, args.json);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
