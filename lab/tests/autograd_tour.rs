//! The autograd tour's text holds each of its lessons, with correct numbers, and its picture of
//! the graph every node's value and gradient.

use lab::tour::{tour, INPUTS};

#[test]
fn the_tour_shows_graph_dot_order_gradients_checks_and_anomalies() {
    let t = tour();
    let text = &t.text;
    for heading in [
        "1. A small expression",
        "2. The graph",
        "3. The backward pass",
        "4. The graph after backward()",
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
    assert!(t.dot.starts_with("digraph autograd {"));
    // a, b → a·b; a·b, c → +; a → σ; +, σ → y
    assert_eq!(t.dot.matches("->").count(), 7, "{}", t.dot);

    // The visiting order starts at the output (the last mul) and lists all 7 nodes once.
    let order: Vec<&str> = text
        .split("== 3.")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(". #"))
        .collect();
    assert_eq!(order.len(), 7, "{order:?}");
    assert!(order[0].contains("y = mul "), "{order:?}");

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

#[test]
fn the_picture_shows_every_value_and_gradient_worked_by_hand() {
    let svg = tour().svg;
    // With s = σ(2) = 0.8807971: y = 4s = 3.523188; ∂y/∂y = 1; ∂y/∂(a·b + c) = s; ∂y/∂s = a·b + c
    // = 4; ∂y/∂a = b·s + 4·s(1 − s) = −2.2224166; ∂y/∂b = a·s = 1.761594; ∂y/∂c = s.
    let s = 1.0 / (1.0 + (-2.0f64).exp());
    let grad_a = -3.0 * s + 4.0 * s * (1.0 - s);
    let boxes = [
        ("a = leaf", 2.0, grad_a),
        ("b = leaf", -3.0, 2.0 * s),
        ("c = leaf", 10.0, s),
        ("mul", -6.0, s),
        ("add", 4.0, s),
        ("sigmoid", s, 4.0),
        ("y = mul", 4.0 * s, 1.0),
    ];
    assert_eq!(svg.matches("<rect x=").count(), boxes.len(), "{svg}");
    for (title, value, grad) in boxes {
        // The box's lines: title, shape, value, gradient, as the picture prints them.
        let lines: Vec<&str> = svg
            .split("<g>")
            .find(|g| g.contains(&format!(">{title}</text>")))
            .unwrap_or_else(|| panic!("no box titled {title}:\n{svg}"))
            .lines()
            .filter_map(|l| l.split('>').nth(1)?.strip_suffix("</text"))
            .collect();
        let number = |line: &str, key: &str| -> f64 {
            line.strip_prefix(key)
                .and_then(|v| v.trim().parse().ok())
                .unwrap()
        };
        assert_eq!(lines[1], "shape []", "{title}");
        assert!(
            (number(lines[2], "value") - value).abs() < 1e-6,
            "{title}: {lines:?}"
        );
        assert!(
            (number(lines[3], "grad") - grad).abs() < 1e-6,
            "{title}: {lines:?}"
        );
    }
    // Seven arrows: a, b → a·b; a·b, c → +; a → σ; +, σ → y.
    assert_eq!(svg.matches("marker-end").count(), 7);
}
