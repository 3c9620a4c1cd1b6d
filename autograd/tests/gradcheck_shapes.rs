//! Finite-difference check of every shape, reduction, probability and loss op: one table row
//! per op, all rows run, every failing row reported by name.

use autograd::{gradcheck, GradCheck, Tensor};

/// A deterministic `shape` tensor requiring a gradient: the values `0.3·k − 1.5` for
/// `k = 0, 1, …, n−1` visited in a scrambled order (`k = (7i + seed) mod n`, a permutation
/// when 7 does not divide `n`). All values are distinct and at least 0.3 apart, far more than
/// the finite-difference step, so `max_axis` sees no near-ties.
fn input(shape: &[usize], seed: usize) -> Tensor {
    let n: usize = shape.iter().product();
    let ks: Vec<usize> = (0..n).map(|i| (7 * i + seed) % n).collect();
    let mut sorted = ks.clone();
    sorted.sort_unstable();
    assert!(
        sorted.iter().copied().eq(0..n),
        "(7i + {seed}) mod {n} is not a permutation"
    );
    let data = ks.iter().map(|&k| 0.3 * k as f32 - 1.5).collect();
    Tensor::from_vec(data, shape).unwrap().requires_grad()
}

type OpFn = Box<dyn Fn(&[Tensor]) -> Tensor>;

struct Row {
    name: &'static str,
    f: OpFn,
    inputs: Vec<Tensor>,
}

fn row(name: &'static str, f: impl Fn(&[Tensor]) -> Tensor + 'static, inputs: Vec<Tensor>) -> Row {
    Row {
        name,
        f: Box::new(f),
        inputs,
    }
}

fn table() -> Vec<Row> {
    let m = || vec![input(&[3, 4], 1)];
    vec![
        row("sum", |t| t[0].sum(), m()),
        row("sum_axis(0)", |t| t[0].sum_axis(0, false), m()),
        row("sum_axis(0, keep_dim)", |t| t[0].sum_axis(0, true), m()),
        row("sum_axis(1)", |t| t[0].sum_axis(1, false), m()),
        row("sum_axis(1, keep_dim)", |t| t[0].sum_axis(1, true), m()),
        row("mean", |t| t[0].mean(), m()),
        row("mean_axis(0)", |t| t[0].mean_axis(0, false), m()),
        row("mean_axis(1, keep_dim)", |t| t[0].mean_axis(1, true), m()),
        row("max_axis(0)", |t| t[0].max_axis(0, false), m()),
        row("max_axis(1, keep_dim)", |t| t[0].max_axis(1, true), m()),
        row(
            "max_axis(2) of 3-D",
            |t| t[0].max_axis(2, false),
            vec![input(&[2, 2, 3], 5)],
        ),
        row("transpose", |t| t[0].transpose(), m()),
        row("reshape", |t| t[0].reshape(&[2, 3, 2]), m()),
        row("softmax(0)", |t| t[0].softmax(0), m()),
        row("softmax(1)", |t| t[0].softmax(1), m()),
        row("log_softmax(0)", |t| t[0].log_softmax(0), m()),
        row("log_softmax(1)", |t| t[0].log_softmax(1), m()),
        row("gather_rows", |t| t[0].gather_rows(&[3, 0, 2]), m()),
        row("cross_entropy", |t| t[0].cross_entropy(&[1, 3, 0]), m()),
        row(
            "nll_loss(log_softmax)",
            |t| t[0].log_softmax(1).nll_loss(&[2, 2, 1]),
            m(),
        ),
        row(
            "mse_loss",
            |t| t[0].mse_loss(&t[1]),
            vec![input(&[3, 4], 1), input(&[3, 4], 4)],
        ),
        row(
            "cross_entropy(x·W + b)",
            |t| (&t[0].matmul(&t[1]) + &t[2]).cross_entropy(&[4, 0, 2, 1]),
            vec![input(&[4, 3], 2), input(&[3, 5], 3), input(&[5], 1)],
        ),
    ]
}

#[test]
fn every_op_matches_finite_differences() {
    let rows = table();
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            gradcheck(&r.f, &r.inputs, GradCheck::default())
                .err()
                .map(|e| format!("{}: {e}", r.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// The table can fail: `x.detach()·x` has the value `x²` (finite differences see `2x`) but its
/// backward only sees the undetached factor (`x`), and the checker must say so.
#[test]
fn a_wrong_gradient_is_reported() {
    let x = input(&[3, 4], 1);
    let wrong = |t: &[Tensor]| (&t[0].detach() * &t[0]).softmax(1);
    assert!(gradcheck(wrong, &[x], GradCheck::default()).is_err());
}
