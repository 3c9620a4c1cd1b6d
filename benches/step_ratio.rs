//! What autograd costs, measured so that the machine's drift cancels: one training step through
//! `nn` + `optim` and one step of the hand-written baseline ([`benches::handwritten`]), of the
//! same network on the same batches, alternated pair after pair.
//!
//! ```text
//! cargo run --release -p benches --bin step_ratio [-- --workload W1-sgd --pairs 3000]
//! ```
//!
//! Prints the median time of each and the median of the per-pair ratios autograd/hand-written
//! (the `train_step` criterion bench times the two minutes apart, which on a machine whose
//! speed drifts can make either look faster).

use std::process::ExitCode;
use std::time::Instant;

use autograd::Tensor;
use benches::{handwritten::Mlp, synthetic_batch, workload};
use nn::Module;

fn main() -> ExitCode {
    let (mut name, mut pairs) = ("W1-sgd".to_string(), 3000usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--workload", Some(v)) => name = v,
            ("--pairs", Some(v)) => match v.parse() {
                Ok(n) if n > 0 => pairs = n,
                _ => return fail(&format!("--pairs: `{v}` is not a positive whole number")),
            },
            _ => return fail(&format!("unknown option or missing value: `{arg}`")),
        }
    }
    let Some(w) = workload(&name).filter(|w| w.optimizer == "momentum") else {
        return fail(&format!(
            "--workload: `{name}` has no hand-written baseline (W1-sgd or W3)"
        ));
    };
    let batches: Vec<_> = (0..64)
        .map(|seed| synthetic_batch(w.batch, w.sizes[0], 10, seed))
        .collect();
    let (model, mut optimizer) = benches::network(&w, 0);
    let mut baseline = Mlp::new(w.sizes, w.batch, 0);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for (x, labels) in batches.iter().cycle().take(pairs + 20) {
        let started = Instant::now();
        let input = Tensor::from_array(x.clone().into_dyn());
        optimizer.zero_grad();
        let loss = model.forward(&input).cross_entropy(labels);
        loss.backward();
        optimizer.step().expect("no closure needed");
        std::hint::black_box(loss.item());
        ours.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let input = x.clone();
        std::hint::black_box(baseline.train_step(&input.view(), labels, w.lr, 0.9));
        theirs.push(started.elapsed().as_secs_f64());
    }
    // The first 20 pairs warm the caches and the allocator up.
    let (ours, theirs) = (&ours[20..], &theirs[20..]);
    let mut ratios: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a / b).collect();
    println!(
        "{name}, {pairs} alternated pairs, {} threads: autograd {:.0} µs, hand-written {:.0} µs, median ratio {:.3}",
        autograd::backend::threads(),
        1e6 * median(&mut ours.to_vec()),
        1e6 * median(&mut theirs.to_vec()),
        median(&mut ratios)
    );
    ExitCode::SUCCESS
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
