//! The course's fully connected network on MNIST, as its PyTorch exercise writes it, line for
//! line (README, "The course's loop"): a model, a loss, an optimizer, a loop over mini-batches
//! of `zero_grad`, forward, `backward`, `step`, then the accuracy on the test set.
//!
//! ```text
//! cargo run --release --example fc_mnist
//! ```
//!
//! Nothing here is private to this repository: only the public API of `autograd`, `nn`,
//! `optim` and `data`. For checkpoints, schedules, plots and every option, see `train`.

use std::error::Error;

use autograd::no_grad;
use data::Order;
use nn::{Linear, Module, ReLU, Sequential};
use optim::{Adam, Optimizer};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const EPOCHS: u64 = 5;

fn main() -> Result<(), Box<dyn Error>> {
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
        println!("epoch {}: loss {last_loss:.4}", epoch + 1);
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
    println!("test accuracy {accuracy:.2}%");
    Ok(())
}
