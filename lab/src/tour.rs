//! The autograd tour: one small expression looked at from every side, as a lesson.
//!
//! [`tour`] builds `y = (a·b + c)·σ(a)`, prints its graph, the order in which the backward pass
//! visits it, draws the graph with every node's value and gradient (SVG, and Graphviz DOT as an
//! option), sets its gradients next to the hand-derived formulas, checks them and a tiny
//! network's with finite differences, and lets anomaly mode catch a NaN.

use std::fmt::Write;

use autograd::{anomaly, gradcheck, BackwardOptions, GradCheck, Tensor};

/// The values of the tour's leaves: `a`, `b`, `c`.
pub const INPUTS: [f32; 3] = [2.0, -3.0, 10.0];

/// What the tour produced: the lesson's text and the expression's graph as pictures.
#[derive(Debug, Clone)]
pub struct Tour {
    /// The whole lesson, ready to print.
    pub text: String,
    /// `y.to_svg()` after the backward pass: every node with its value and gradient.
    pub svg: String,
    /// `y.to_dot()`, the same graph for `dot -Tpng`.
    pub dot: String,
    /// Largest |backward − hand formula| over ∂y/∂a, ∂y/∂b, ∂y/∂c.
    pub formula_gap: f64,
}

/// `y = (a·b + c)·σ(a)` in autograd ops.
pub fn expression(a: &Tensor, b: &Tensor, c: &Tensor) -> Tensor {
    (&(a * b) + c) * a.sigmoid()
}

/// A 2→3→2 network, `tanh` hidden layer, mean cross-entropy over four fixed points.
/// `params = [w1 [2, 3], b1 [3], w2 [3, 2], b2 [2]]`.
pub fn tiny_network_loss(params: &[Tensor]) -> Tensor {
    let x = Tensor::from_vec(vec![0.5, -1.0, 1.5, 0.25, -0.75, 2.0, 1.0, 1.0], &[4, 2])
        .expect("8 values for [4, 2]");
    let hidden = (&x.matmul(&params[0]) + &params[1]).tanh();
    let logits = &hidden.matmul(&params[2]) + &params[3];
    logits.cross_entropy(&[0, 1, 1, 0])
}

/// The tiny network's parameters, fixed small values (no random generator, so every run and
/// every reader sees the same numbers).
pub fn tiny_network_params() -> Vec<Tensor> {
    let make = |shape: &[usize], seed: f32| {
        let n = shape.iter().product::<usize>();
        let data = (0..n)
            .map(|k| 0.7 * ((k as f32 + 1.0) * seed).sin())
            .collect();
        Tensor::from_vec(data, shape)
            .expect("n matches shape")
            .requires_grad()
    };
    vec![
        make(&[2, 3], 1.3),
        make(&[3], 2.1),
        make(&[3, 2], 0.7),
        make(&[2], 3.3),
    ]
}

fn section(out: &mut String, title: &str, explanation: &str) {
    let _ = writeln!(out, "\n== {title} ==\n{explanation}\n");
}

/// Runs the tour and returns its text.
///
/// # Panics
/// Only on a bug in autograd (a gradient check failing, anomaly mode not firing): the tour
/// then says what disagreed.
pub fn tour() -> Tour {
    let mut out = String::new();
    let [av, bv, cv] = INPUTS;
    let leaf = |v: f32| Tensor::scalar(v).requires_grad();
    let (a, b, c) = (
        leaf(av).named("a"),
        leaf(bv).named("b"),
        leaf(cv).named("c"),
    );
    let y = expression(&a, &b, &c).named("y");

    section(
        &mut out,
        "1. A small expression",
        "Every op on tensors computes its value now and records how it was made, so the \
         expression below is also a graph that backward() can walk.",
    );
    let _ = writeln!(
        out,
        "y = (a·b + c)·σ(a)   with a = {av}, b = {bv}, c = {cv}"
    );
    let _ = writeln!(out, "y = {}", y.item());

    section(
        &mut out,
        "2. The graph",
        "Each line is a node: its id, its name and the op that made it ('leaf' for inputs), its \
         shape, its value, and its gradient ('—' until backward() runs). A node's inputs are \
         indented below it; `a` appears twice because both a·b and σ(a) use it.",
    );
    out.push_str(&y.graph());

    section(
        &mut out,
        "3. The backward pass, step by step",
        "backward() visits each node after every node that uses it, so a node's gradient is \
         complete (the sum over all its uses) before its own op passes it on.",
    );
    // The graph and every node's gradient are kept, to be drawn below.
    let trace = y.backward_with(BackwardOptions {
        trace: true,
        retain_graph: true,
        retain_grads: true,
    });
    for (k, visit) in trace.iter().enumerate() {
        let name = visit
            .name
            .as_ref()
            .map_or(String::new(), |n| format!("{n} = "));
        let _ = writeln!(
            out,
            "{:2}. #{} {name}{} {:?}",
            k + 1,
            visit.id,
            visit.op,
            visit.shape
        );
    }

    section(
        &mut out,
        "4. The graph after backward()",
        "Every node now holds its gradient ∂y/∂node as well as its value: the picture \
         (runs/tour/graph.svg and graph.png) draws each node as a box, inputs on the left.",
    );
    out.push_str(&y.graph());
    let svg = y.to_svg();
    let dot = y.to_dot();

    section(
        &mut out,
        "5. Gradients next to the formulas",
        "With s = σ(a) and σ' = s(1 − s): ∂y/∂a = b·s + (a·b + c)·s(1 − s), ∂y/∂b = a·s, \
         ∂y/∂c = s. The formulas are evaluated in f64; backward() works in f32.",
    );
    let (a64, b64, c64) = (av as f64, bv as f64, cv as f64);
    let s = 1.0 / (1.0 + (-a64).exp());
    let formulas = [
        ("∂y/∂a", &a, b64 * s + (a64 * b64 + c64) * s * (1.0 - s)),
        ("∂y/∂b", &b, a64 * s),
        ("∂y/∂c", &c, s),
    ];
    let _ = writeln!(
        out,
        "{:8} {:>12} {:>12} {:>10}",
        "", "backward", "formula", "|diff|"
    );
    let mut formula_gap = 0.0f64;
    for (name, t, formula) in formulas {
        let got = t.grad().expect("backward reached every leaf")[[]] as f64;
        let diff = (got - formula).abs();
        formula_gap = formula_gap.max(diff);
        let _ = writeln!(out, "{name:8} {got:>12.6} {formula:>12.6} {diff:>10.2e}");
    }

    section(
        &mut out,
        "6. Checking gradients with finite differences",
        "gradcheck() nudges every input element by ±h and compares (f(x+h) − f(x−h)) / 2h with \
         the backward pass; it returns the largest gap seen, or the first element out of \
         tolerance.",
    );
    let inputs = [leaf(av), leaf(bv), leaf(cv)];
    let check = gradcheck(
        |t| expression(&t[0], &t[1], &t[2]),
        &inputs,
        GradCheck::default(),
    );
    let _ = match &check {
        Ok(worst) => writeln!(
            out,
            "expression y:                     passed, largest gap {worst:.2e}"
        ),
        Err(e) => writeln!(out, "expression y:                     FAILED: {e}"),
    };
    let params = tiny_network_params();
    let check = gradcheck(tiny_network_loss, &params, GradCheck::default());
    let _ = match &check {
        Ok(worst) => writeln!(
            out,
            "2→3→2 tanh network, cross-entropy: passed, largest gap {worst:.2e}"
        ),
        Err(e) => writeln!(out, "2→3→2 tanh network, cross-entropy: FAILED: {e}"),
    };

    section(
        &mut out,
        "7. Anomaly mode",
        "A NaN spreads silently through everything computed from it. Anomaly mode checks every \
         op's output and gradient and stops at the first non-finite one, naming the op.",
    );
    let forward = anomaly::detect(|| {
        let x = Tensor::from_vec(vec![4.0, -1.0], &[2])
            .expect("2 values")
            .requires_grad();
        x.log().sum()
    });
    let _ = match forward {
        Err(e) => writeln!(out, "log([4, −1]):        {e}"),
        Ok(v) => writeln!(
            out,
            "log([4, −1]):        not caught (value {:?})",
            v.to_vec()
        ),
    };
    let backward = anomaly::detect(|| {
        // √x is 0 at 0, fine; its slope 1/(2√x) is infinite there: only the backward fails.
        let x = Tensor::from_vec(vec![0.0, 1.0], &[2])
            .expect("2 values")
            .requires_grad();
        x.sqrt().sum().backward();
    });
    let _ = match backward {
        Err(e) => writeln!(out, "backward of √[0, 1]: {e}"),
        Ok(()) => writeln!(out, "backward of √[0, 1]: not caught"),
    };

    Tour {
        text: out,
        svg,
        dot,
        formula_gap,
    }
}
