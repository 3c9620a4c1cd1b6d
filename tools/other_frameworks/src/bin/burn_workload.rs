//! The speed workloads in burn (crates.io), written the way burn's book writes a training loop:
//! `nn::Linear` layers, `CrossEntropyLoss`, `AdamConfig` / `SgdConfig` with momentum, a device
//! with autodiff.
//!
//! ```text
//! burn_workload --workload W1-adam [--backend flex|ndarray] [--json]
//! ```
//!
//! `flex` (burn's pure-Rust CPU backend, what burn 0.22 recommends) or `ndarray` (the older
//! CPU backend, deprecated since 0.22). Threads: `RAYON_NUM_THREADS`; the ndarray backend's
//! matrix products run on `matrixmultiply`'s own threads, sized by `MATMUL_NUM_THREADS`, which
//! this binary sets to `RAYON_NUM_THREADS` when it is unset.

use std::process::ExitCode;
use std::time::Instant;

use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::{Linear, LinearConfig};
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, GradientsParams, SgdConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;
use burn::tensor::TensorData;
use other_frameworks::{
    count_correct, load_mnist, mnist_dir, parse_args, report, shuffled_batches, Optimizer, Split,
};

#[derive(Module, Debug)]
struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    fn new(sizes: &[usize], device: &Device) -> Self {
        let layers = sizes
            .windows(2)
            .map(|w| LinearConfig::new(w[0], w[1]).init(device))
            .collect();
        Self { layers }
    }

    fn forward(&self, mut x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                x = relu(x);
            }
        }
        x
    }
}

fn batch_tensors(split: &Split, idx: &[usize], device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let (x, y) = split.gather(idx);
    let x = Tensor::<2>::from_data(TensorData::new(x, [idx.len(), 784]), device);
    let y: Vec<i64> = y.into_iter().map(i64::from).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(y, [idx.len()]), device);
    (x, y)
}

fn accuracy(model: &Mlp, test: &Split, device: &Device) -> f64 {
    let model = model.valid();
    let device = device.clone().inner();
    let mut correct = 0;
    let all: Vec<usize> = (0..test.len()).collect();
    for idx in all.chunks(1000) {
        let (x, _) = batch_tensors(test, idx, &device);
        let logits: Vec<f32> = model
            .forward(x)
            .into_data()
            .try_into_vec()
            .expect("f32 logits");
        correct += count_correct(&logits, 10, &test.labels[idx[0]..idx[0] + idx.len()]);
    }
    correct as f64 / test.len() as f64
}

#[allow(deprecated)] // Device::ndarray: measured on request, next to the recommended flex
fn main() -> ExitCode {
    let args = match parse_args("burn_workload", &[("--backend", &["flex", "ndarray"])]) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        if let Ok(n) = std::env::var("RAYON_NUM_THREADS") {
            std::env::set_var("MATMUL_NUM_THREADS", n); // still single-threaded here
        }
    }
    let w = args.workload;
    let backend = args.extra[0].as_str();
    let mnist = match load_mnist(&mnist_dir()) {
        Ok(mnist) => mnist,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let device = match backend {
        "ndarray" => Device::ndarray(),
        _ => Device::flex(),
    };
    device.seed(0);
    let device = device.autodiff();
    let mut model = Mlp::new(w.sizes, &device);
    let mut optimizer = match w.optimizer {
        Optimizer::Adam => AdamConfig::new().with_epsilon(1e-8).init(),
        // burn's momentum defaults to dampening 0.1; PyTorch's (and ours) is 0.
        Optimizer::Momentum => SgdConfig::new()
            .with_momentum(Some(
                MomentumConfig::new().with_momentum(0.9).with_dampening(0.0),
            ))
            .init(),
    };
    let loss_fn = CrossEntropyLossConfig::new().init(&device);

    let start = Instant::now();
    for idx in shuffled_batches(mnist.train.len(), w.batch, 0) {
        let (x, y) = batch_tensors(&mnist.train, &idx, &device);
        let loss = loss_fn.forward(model.forward(x), y);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(w.lr, model, grads);
    }
    // Backends may run asynchronously: wait for the last step before stopping the clock.
    device.sync().expect("device sync");
    let seconds = start.elapsed().as_secs_f64();
    let acc = accuracy(&model, &mnist.test, &device);
    report(w.name, &format!("burn {backend}"), seconds, acc, args.json);
    ExitCode::SUCCESS
}
