//! The autograd tour's text holds each of its lessons, with correct numbers.

use lab::tour::{tour, INPUTS};

#[test]
fn the_tour_shows_graph_dot_order_gradients_checks_and_anomalies() {
    let t = tour();
    let text = &t.text;
    for heading in [
        "1. A small expression",
        "2. The graph",
        "3. The same graph",
        "4. The backward pass",
        "5. Gradients",
        "6. Checking",
        "7. Anomaly",
    ] {
        assert!(text.contains(heading), "missing section {heading}:\n{text}");
    }
    // y = (a·b + c)·σ(a) at (2, −3, 10) = 4·σ(2) = 4 / (1 + e⁻²) = 3.5231883…
    let y_line = text
        .lines()
        .find(|l| l.starts_with("y = ") && !l.contains('σ'))
        .unwrap();
    let y: f64 = y_line.trim_start_matches("y = ").parse().unwrap();
    assert!((y - 4.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-6, "{y_line}");
    assert_eq!(INPUTS, [2.0, -3.0, 10.0]);

    // The graph: the ops of the expression, and `a` reused.
    for op in ["mul ", "add ", "sigmoid ", "leaf ", "(see above)"] {
        assert!(text.contains(op), "graph lacks `{op}`:\n{text}");
    }
    assert!(t.dot.starts_with("digraph autograd {") && text.contains(&t.dot));
    // a, b → a·b; a·b, c → +; a → σ; +, σ → y
    assert_eq!(t.dot.matches("->").count(), 7, "{}", t.dot);

    // The visiting order starts at the output (the last mul) and lists all 7 nodes once.
    let order: Vec<&str> = text
        .split("== 4.")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(". #"))
        .collect();
    assert_eq!(order.len(), 7, "{order:?}");
    assert!(order[0].contains(" mul "), "{order:?}");

    // Gradients against the f64 formulas: f32 round-off only.
    assert!(t.formula_gap < 1e-5, "gap {}", t.formula_gap);
    // ∂y/∂c = σ(2) = 0.880797
    assert!(text.contains("0.880797"), "{text}");

    assert_eq!(text.matches("passed, largest gap").count(), 2, "{text}");
    assert!(
        text.contains("anomaly: op `log` produced a non-finite output"),
        "{text}"
    );
    assert!(
        text.contains("anomaly: op `sqrt` produced a non-finite gradient"),
        "{text}"
    );
}
