//! One epoch of a speed workload on real MNIST, timed; the Rust side of
//! `tools/compare_pytorch.py`.
//!
//! ```text
//! cargo run --release -p benches --bin workload -- --workload W1-adam [--epochs 1] [--json]
//! ```
//!
//! Prints seconds per epoch (training only: forward, backward, optimizer step), test accuracy
//! after the epoch, and peak memory (the process's maximum resident set, `VmHWM`).

use std::process::ExitCode;
use std::time::Instant;

use autograd::{no_grad, Tensor};
use benches::{workload, Workload, WORKLOADS};
use data::{Dataset, Order, Source, Split};
use nn::Module;

struct Args {
    workload: Workload,
    epochs: usize,
    seed: u64,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let names: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
    let mut args = Args {
        workload: WORKLOADS[0],
        epochs: 1,
        seed: 0,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--workload" => {
                let name = it.next().ok_or("--workload needs a value")?;
                args.workload = workload(&name).ok_or_else(|| {
                    format!("--workload: unknown `{name}` (one of {})", names.join(", "))
                })?;
            }
            "--epochs" => {
                let n = it.next().ok_or("--epochs needs a value")?;
                args.epochs = n
                    .parse()
                    .map_err(|_| format!("--epochs: `{n}` is not a whole number"))?;
            }
            "--seed" => {
                let n = it.next().ok_or("--seed needs a value")?;
                args.seed = n
                    .parse()
                    .map_err(|_| format!("--seed: `{n}` is not a whole number"))?;
            }
            "--json" => args.json = true,
            "--help" | "-h" => {
                return Err(format!(
                    "usage: workload --workload {{{}}} [--epochs N] [--seed S] [--json]",
                    names.join("|")
                ))
            }
            other => return Err(format!("unknown option `{other}` (try --help)")),
        }
    }
    Ok(args)
}

fn accuracy(model: &dyn Module, test: &Split) -> f32 {
    no_grad(|| {
        let mut correct = 0;
        for batch in test.batches(1000, Order::Sequential, false) {
            let logits = model.forward(&Tensor::from_array(batch.images.into_dyn()));
            let logits = logits.value();
            for (row, &label) in logits.outer_iter().zip(&batch.labels) {
                let best = row
                    .iter()
                    .enumerate()
                    .fold(
                        (0, f32::NEG_INFINITY),
                        |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                    );
                correct += usize::from(best.0 == label);
            }
        }
        correct as f32 / test.len() as f32
    })
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let w = args.workload;
    let mnist = data::obtain(Dataset::Mnist, &Source::from_env(Dataset::Mnist))
        .and_then(|dir| data::load(Dataset::Mnist, &dir));
    let mnist = match mnist {
        Ok(mnist) => mnist,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let (model, mut optimizer) = benches::network(&w, args.seed);

    let start = Instant::now();
    for epoch in 0..args.epochs as u64 {
        for batch in mnist.train.batches(
            w.batch,
            Order::Shuffled {
                seed: args.seed,
                epoch,
            },
            false,
        ) {
            let x = Tensor::from_array(batch.images.into_dyn());
            optimizer.zero_grad();
            let loss = model.forward(&x).cross_entropy(&batch.labels);
            loss.backward();
            optimizer.step().expect("no closure needed");
        }
    }
    let seconds = start.elapsed().as_secs_f64() / args.epochs as f64;
    let acc = accuracy(&model, &mnist.test);
    let threads = std::env::var("AUTOGRAD_THREADS").unwrap_or_else(|_| "all".into());
    if args.json {
        println!(
            "{{\"workload\": \"{}\", \"seconds\": {seconds:.4}, \"accuracy\": {acc:.4}, \"peak_rss_mb\": {:.1}, \"threads\": \"{threads}\"}}",
            w.name,
            peak_rss_mb()
        );
    } else {
        println!(
            "{}: {seconds:.2} s/epoch, test accuracy {:.2}%, peak memory {:.0} MB, threads {threads}",
            w.name,
            100.0 * acc,
            peak_rss_mb()
        );
    }
    ExitCode::SUCCESS
}
