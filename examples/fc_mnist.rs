//! The course's fully connected network on MNIST, as its PyTorch exercise writes it, line for
//! line (README, "The course's loop"), on the public API of `autograd`, `nn`, `optim` and
//! `data` only: `cargo run --release --example fc_mnist`. For every option, see `train`.

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;

use autograd::no_grad;
use clap::Parser;
use data::Order;
use nn::{Linear, Module, ReLU, Sequential};
use optim::{Adam, Optimizer};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const EPOCHS: u64 = 5;

/// The program takes no options; parsing still answers `--help` and refuses anything else.
#[derive(Parser)]
#[command(
    name = "fc_mnist",
    about = "The course's loop: 784-512-512-10 on MNIST with Adam (λ = 1e-3), batch 64, 5 epochs, \
             then the test accuracy. It takes no options: `train --help` has them all."
)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse(); // exits with status 2 and a usage line on an unknown argument
                  // A bad AUTOGRAD_THREADS is refused before any work, as every program does.
    if let Err(message) = autograd::backend::threads_from_env() {
        return fail(2, &message);
    }
    // Any other failure, a missing dataset or a full disk under `> file`, ends in one line.
    match train_and_test() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &e.to_string()),
    }
}

/// `error: …` on stderr (even if stderr cannot be written, the status is `status`).
fn fail(status: u8, message: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "error: {message}");
    ExitCode::from(status)
}

fn train_and_test() -> Result<(), Box<dyn Error>> {
    let mut out = Stdout::open()?;
    writeln!(
        out,
        "784-512-512-10, ReLU, Adam λ = 1e-3, batch 64, {EPOCHS} epochs"
    )?;
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
        let (mut loss_sum, mut batches) = (0.0, 0);
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
            (loss_sum, batches) = (loss_sum + loss.item(), batches + 1);
        }
        let mean_loss = loss_sum / batches as f32;
        writeln!(
            out,
            "epoch {}: mean training loss {mean_loss:.4}",
            epoch + 1
        )?;
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

/// Standard output whose write errors say that it is standard output that failed.
struct Stdout(io::Stdout);

impl Stdout {
    /// Refuses a closed stdout (`>&-`), where every line would vanish unseen (see
    /// `lab::program::stdout_is_closed`).
    fn open() -> io::Result<Stdout> {
        if lab::program::stdout_is_closed() {
            return Err(named(io::Error::other("it is closed")));
        }
        Ok(Stdout(io::stdout()))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(named)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(named)
    }
}

fn named(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot write to standard output: {e}"))
}
