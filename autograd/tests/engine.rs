//! The backward engine as a whole: accumulation, shared nodes, no_grad/detach, anomaly mode,
//! graph release, visiting order (memory over many steps: `memory.rs`), and graph printing.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use autograd::anomaly::{self, Pass};
use autograd::{no_grad, BackwardOptions, Tensor};

fn grad_of(t: &Tensor) -> Vec<f32> {
    t.grad()
        .expect("a gradient arrived")
        .iter()
        .copied()
        .collect()
}

fn t(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape).unwrap()
}

// ---------------------------------------------------------------- (a) accumulation

#[test]
fn backward_accumulates_until_zero_grad() {
    // L = Σ x², ∂L/∂x = 2x = [4, 6] at x = [2, 3].
    let x = t(&[2.0, 3.0], &[2]).requires_grad();
    (&x * &x).sum().backward();
    assert_eq!(grad_of(&x), vec![4.0, 6.0]);
    // A fresh graph over the same leaf adds to the slot.
    (&x * &x).sum().backward();
    assert_eq!(grad_of(&x), vec![8.0, 12.0]);
    x.zero_grad();
    assert!(x.grad().is_none());
    (&x * &x).sum().backward();
    assert_eq!(grad_of(&x), vec![4.0, 6.0]);
}

// ---------------------------------------------------------------- (b) shared nodes

#[test]
fn a_node_used_twice_gets_the_sum() {
    // y = x·x + x: dy/dx = 2x + 1 = 7 at x = 3 (x is used three times).
    let x = t(&[3.0], &[1]).requires_grad();
    let y = &(&x * &x) + &x;
    assert_eq!(y.to_vec(), vec![12.0]);
    y.sum().backward();
    assert_eq!(grad_of(&x), vec![7.0]);
}

#[test]
fn a_diamond_gets_the_sum_of_both_branches() {
    // h = a + a; L = 3h + h² (branches h·3 and h·h). At a = 1.5: h = 3, L = 9 + 9 = 18.
    // ∂L/∂h = 3 + 2h = 9; ∂L/∂a = 2·∂L/∂h = 18.
    let a = t(&[1.5], &[1]).requires_grad();
    let h = &a + &a;
    h.retain_grad();
    let loss = (&(&h * 3.0) + &(&h * &h)).sum();
    assert_eq!(loss.item(), 18.0);
    loss.backward();
    assert_eq!(grad_of(&h), vec![9.0]);
    assert_eq!(grad_of(&a), vec![18.0]);
}

// ---------------------------------------------------------------- (c) no_grad and detach

#[test]
fn no_grad_results_are_plain_leaves() {
    let w = t(&[1.0, 2.0], &[1, 2]).requires_grad();
    let x = t(&[3.0, 4.0], &[2, 1]);
    let y = no_grad(|| (&w.matmul(&x) * 2.0).relu());
    assert_eq!(y.to_vec(), vec![22.0]); // 2·(3 + 8)
    assert!(y.is_leaf());
    assert!(y.inputs().is_empty());
    assert!(!y.needs_grad());
    assert!(y.op_name().is_none());
    // Outside no_grad the same expression records the graph again.
    assert!(!w.matmul(&x).inputs().is_empty());
}

#[test]
fn detach_cuts_the_graph() {
    // y = w ⊙ w = [1, 4]; d = detach(y) is a constant, so ∂Σ(d ⊙ w)/∂w = d = [1, 4]
    // (not 3w² = [3, 12], which it would be without the cut).
    let w = t(&[1.0, 2.0], &[2]).requires_grad();
    let y = &w * &w;
    let d = y.detach();
    assert!(d.is_leaf() && d.inputs().is_empty() && !d.needs_grad());
    assert_eq!(d.to_vec(), vec![1.0, 4.0]);
    (&d * &w).sum().backward();
    assert_eq!(grad_of(&w), vec![1.0, 4.0]);
}

// ---------------------------------------------------------------- (d) anomaly mode

#[test]
fn anomaly_names_the_forward_op() {
    // y = 2x + 1 = [2, −1] is fine; log(−1) is NaN.
    let x = t(&[0.5, -1.0], &[1, 2]).requires_grad();
    let err = anomaly::detect(|| (&x * 2.0).add_scalar(1.0).log()).unwrap_err();
    assert_eq!(err.op, "log");
    assert_eq!(err.pass, Pass::Forward);
    assert_eq!(err.input_shapes, vec![vec![1, 2]]);
    assert!(err.value.is_nan());
    // Anomaly mode is switched off again afterwards.
    assert!(!anomaly::is_enabled());
}

#[test]
fn anomaly_names_the_backward_op() {
    // √[0, 4] = [0, 2] is finite, but ∂√x/∂x = 1/(2√x) is +inf at 0.
    let x = t(&[0.0, 4.0], &[2]).requires_grad();
    let err = anomaly::detect(|| x.sqrt().sum().backward()).unwrap_err();
    assert_eq!(err.op, "sqrt");
    assert_eq!(err.pass, Pass::Backward);
    assert_eq!(err.input_shapes, vec![vec![2]]);
    assert_eq!(err.value, f32::INFINITY);
}

// ---------------------------------------------------------------- (e) graph release

#[test]
fn backward_releases_the_graph() {
    let x = t(&[1.0, 2.0], &[2]).requires_grad();
    let y = &x * &x;
    let loss = y.sum();
    assert_eq!(loss.inputs().len(), 1);
    assert_eq!(y.inputs().len(), 2);
    loss.backward();
    assert!(loss.inputs().is_empty());
    assert!(y.inputs().is_empty());
    let again = catch_unwind(AssertUnwindSafe(|| loss.backward()));
    let message = again.expect_err("a second backward must panic");
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| message.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(
        message.contains("second time"),
        "unexpected message: {message}"
    );
}

#[test]
fn retain_graph_allows_a_second_pass() {
    // L = Σ x²; two passes leave 2·2x = [4, 8] at x = [1, 2].
    let x = t(&[1.0, 2.0], &[2]).requires_grad();
    let loss = (&x * &x).sum();
    let keep = BackwardOptions {
        retain_graph: true,
        ..Default::default()
    };
    loss.backward_with(keep);
    loss.backward_with(keep);
    assert_eq!(grad_of(&x), vec![4.0, 8.0]);
    assert_eq!(loss.inputs().len(), 1);
}

// ---------------------------------------------------------------- (g) visiting order

#[test]
fn trace_visits_loss_first_and_each_node_once_before_its_inputs() {
    // A diamond and a shared leaf: h = a·b; L = Σ relu(h + a) · h.
    let a = t(&[1.0, -2.0], &[2]).requires_grad();
    let b = t(&[3.0, 0.5], &[2]).requires_grad();
    let h = &a * &b;
    let loss = (&(&h + &a).relu() * &h).sum();

    // Record the graph's edges before backward releases them.
    let mut edges: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut stack = vec![loss.clone()];
    while let Some(node) = stack.pop() {
        if edges.contains_key(&node.id()) {
            continue;
        }
        let inputs = node.inputs();
        edges.insert(node.id(), inputs.iter().map(Tensor::id).collect());
        stack.extend(inputs);
    }
    assert_eq!(edges.len(), 7); // a, b, h, h + a, relu, · h, sum

    let trace = loss.backward_with(BackwardOptions {
        trace: true,
        ..Default::default()
    });
    assert_eq!(trace[0].id, loss.id());
    assert_eq!(trace[0].op, "sum");
    let position: HashMap<usize, usize> =
        trace.iter().enumerate().map(|(i, v)| (v.id, i)).collect();
    assert_eq!(position.len(), trace.len(), "a node was visited twice");
    let all: HashSet<usize> = edges.keys().copied().collect();
    assert_eq!(position.keys().copied().collect::<HashSet<_>>(), all);
    for (node, inputs) in &edges {
        for input in inputs {
            assert!(
                position[node] < position[input],
                "node {node} visited after its input {input}"
            );
        }
    }
}

// ---------------------------------------------------------------- (h) printing

#[test]
fn graph_and_dot_show_every_op_and_edge() {
    // relu(a·b + c).sum(): matmul (2 inputs), add (2), relu (1), sum (1) → 6 edges.
    let a = Tensor::ones(&[1, 2]).requires_grad();
    let b = Tensor::ones(&[2, 3]);
    let c = Tensor::zeros(&[3]).requires_grad();
    let y = (&a.matmul(&b) + &c).relu().sum();
    let text = y.graph();
    for op in ["sum", "relu", "add", "matmul", "leaf"] {
        assert!(text.contains(op), "`{op}` missing from:\n{text}");
    }
    assert_eq!(text.lines().count(), 7); // 4 ops + 3 leaves, none shared
    let dot = y.to_dot();
    assert_eq!(dot.matches("->").count(), 6, "{dot}");
    assert!(dot.contains(&format!("n{} -> n", a.id())));
}
