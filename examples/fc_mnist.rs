//! The course's fully connected network on MNIST, as its PyTorch exercise writes it, line for
//! line (README, "The course's loop"), on the public API of `autograd`, `nn`, `optim` and
//! `data` only: `cargo run --release --example fc_mnist`. For every option, see `train`.

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;

use autograd::no_grad;
use data::Order;
use nn::{Linear, Module, ReLU, Sequential};
use optim::{Adam, Optimizer};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const EPOCHS: u64 = 5;

fn main() -> ExitCode {
    // Any failure, a missing dataset or a full disk under `> file`, ends in one line.
    if let Err(e) = train_and_test() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn train_and_test() -> Result<(), Box<dyn Error>> {
    let mut out = io::stdout();
    let mnist = data::mnist()?; // obtained, verified, standardized (mean 0.1307, std 0.3081)
    let mut rng = ChaCha8Rng::seed_from_u64(0); // torch.manual_seed(0)

    let model = Sequential::new()
        .add(Linear::new(784, 512, &mut rng))
        .add(ReLU)
        .add(Linear::new(512, 512, &mut rng))
        .add(ReLU)
        .add(Linear::new(512, 10, &mut rng));
    let adam = Adam {
        lr: 1e-3,
        ..Adam::default()
    };
    let mut optimizer = Optimizer::new(model.parameters(), adam)?;

    for epoch in 0..EPOCHS {
        let mut last_loss = f32::NAN;
        for batch in mnist
            .train
            .batches(64, Order::Shuffled { seed: 0, epoch }, false)
        {
            optimizer.zero_grad();
            let loss = model
                .forward(&batch.images.into())
                .cross_entropy(&batch.labels);
            loss.backward();
            optimizer.step()?;
            last_loss = loss.item();
        }
        writeln!(out, "epoch {}: loss {last_loss:.4}", epoch + 1)?;
    }

    let mut correct = 0;
    no_grad(|| {
        for batch in mnist.test.batches(1000, Order::Sequential, false) {
            let predicted = model.forward(&batch.images.into()).argmax(1);
            correct += predicted
                .iter()
                .zip(&batch.labels)
                .filter(|(p, y)| p == y)
                .count();
        }
    });
    let accuracy = 100.0 * correct as f64 / mnist.test.len() as f64;
    writeln!(out, "test accuracy {accuracy:.2}%")?;
    Ok(())
}
