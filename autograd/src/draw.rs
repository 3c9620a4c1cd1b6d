//! The graph as a picture: [`Tensor::to_svg`] draws every node below a tensor as a box with its
//! name, the op that made it, its shape, its value and its gradient, and an arrow from each input
//! to the node made from it, inputs on the left and the result on the right (micrograd's
//! `draw_dot`, drawn here with no external program).
//!
//! Scalars are shown in full; a tensor of up to four elements shows them all; a larger one its
//! mean, min and max. Gradients appear where `backward()` left them: on leaves that require one,
//! and on every node when the pass ran with
//! [`BackwardOptions::retain_grads`](crate::BackwardOptions::retain_grads). A backward pass
//! frees the graph unless it runs with `retain_graph`, so draw before it, or keep the graph.
//!
//! The layout is a simple layered one: a node sits one column right of its furthest input and is
//! pulled as far right as its first consumer allows, and each column is ordered by the average
//! row of the nodes it connects to, which keeps small graphs free of crossings.

use std::collections::HashMap;
use std::fmt::Write;

use ndarray::ArrayD;

use crate::tensor::Tensor;

/// Width of one character of the 12 px monospace font, in pixels.
const CHAR: f64 = 7.3;
/// Height of one line of text.
const LINE: f64 = 16.0;
/// Space inside a box around its text.
const PAD: f64 = 8.0;
/// Horizontal gap between columns.
const GAP_X: f64 = 56.0;
/// Vertical gap between the boxes of one column.
const GAP_Y: f64 = 18.0;

impl Tensor {
    /// The graph below this tensor as an SVG picture (see the module docs).
    ///
    /// ```
    /// use autograd::{BackwardOptions, Tensor};
    /// let a = Tensor::scalar(2.0).requires_grad().named("a");
    /// let b = Tensor::scalar(-3.0).requires_grad().named("b");
    /// let c = (&a * &b).named("c");
    /// // Keep the graph (to draw it) and every node's gradient (to show them all).
    /// c.backward_with(BackwardOptions { retain_graph: true, retain_grads: true, ..Default::default() });
    /// let svg = c.to_svg();
    /// assert!(svg.starts_with("<svg") && svg.contains("value -6") && svg.contains("grad -3"));
    /// ```
    pub fn to_svg(&self) -> String {
        let nodes = nodes_below(self);
        let columns = columns(&nodes);
        let boxes = place(&nodes, &columns);
        let width = boxes.iter().map(|b| b.x + b.w).fold(0.0, f64::max) + PAD;
        let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"DejaVu Sans Mono, monospace\" \
             font-size=\"12\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" \
             refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 \
             L0,10 z\" fill=\"#555\"/></marker></defs>\n<rect width=\"100%\" height=\"100%\" \
             fill=\"white\"/>\n"
        );
        let index: HashMap<usize, usize> = (nodes.iter().enumerate())
            .map(|(i, n)| (n.id(), i))
            .collect();
        for (i, node) in nodes.iter().enumerate() {
            let inputs = node.inputs();
            for (k, input) in inputs.iter().enumerate() {
                let (from, to) = (&boxes[index[&input.id()]], &boxes[i]);
                let (x0, y0) = (from.x + from.w, from.y + from.h / 2.0);
                let (x1, y1) = (
                    to.x,
                    to.y + to.h * (k + 1) as f64 / (inputs.len() + 1) as f64,
                );
                let bend = (x1 - x0) / 2.0;
                let _ = writeln!(
                    svg,
                    "<path d=\"M{x0:.1},{y0:.1} C{:.1},{y0:.1} {:.1},{y1:.1} {x1:.1},{y1:.1}\" \
                     fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>",
                    x0 + bend,
                    x1 - bend
                );
            }
        }
        for (node, b) in nodes.iter().zip(&boxes) {
            let fill = if node.id() == self.id() {
                "#fff2cc" // the tensor drawn
            } else if node.is_leaf() && node.needs_grad() {
                "#dae8fc" // a leaf that gets a gradient: a parameter
            } else if node.is_leaf() {
                "#f2f2f2" // a constant
            } else {
                "#ffffff"
            };
            let _ = writeln!(
                svg,
                "<g><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"5\" \
                 fill=\"{fill}\" stroke=\"#444\"/>",
                b.x, b.y, b.w, b.h
            );
            for (k, line) in b.lines.iter().enumerate() {
                let weight = if k == 0 { " font-weight=\"bold\"" } else { "" };
                let _ = writeln!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\"{weight}>{}</text>",
                    b.x + PAD,
                    b.y + PAD + LINE * (k as f64 + 0.75),
                    escape(line)
                );
            }
            svg.push_str("</g>\n");
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// The lines a picture of the graph shows for this node: title (name and op), shape, value,
    /// gradient.
    pub(crate) fn label_lines(&self) -> Vec<String> {
        let op = self
            .op_name()
            .unwrap_or(if self.is_leaf() { "leaf" } else { "released" });
        let title = match self.name() {
            Some(name) => format!("{name} = {op}"),
            None => op.to_string(),
        };
        let grad = match self.grad() {
            Some(g) => summarize(&g),
            None if self.needs_grad() => "—".to_string(),
            None => "none (constant)".to_string(),
        };
        vec![
            title,
            format!("shape {:?}", self.shape()),
            format!("value {}", summarize(&self.value())),
            format!("grad {grad}"),
        ]
    }
}

/// A scalar in full; up to four values listed; more as mean, min and max.
pub(crate) fn summarize(a: &ArrayD<f32>) -> String {
    match a.len() {
        0 => "[]".to_string(),
        1 => format!("{}", a.iter().next().expect("one element")),
        2..=4 => {
            let values: Vec<String> = a.iter().map(|&v| short(v)).collect();
            format!("[{}]", values.join(", "))
        }
        n => {
            let mean = a.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
            let min = a.iter().copied().fold(f32::INFINITY, f32::min);
            let max = a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            format!(
                "mean {} min {} max {}",
                short(mean as f32),
                short(min),
                short(max)
            )
        }
    }
}

/// Four significant digits, in exponent form when very large or small.
fn short(v: f32) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-3..1e5).contains(&a) {
        let text = format!("{v:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".into()
        } else {
            text.to_string()
        }
    } else {
        format!("{v:.3e}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The nodes below `root`, inputs before the nodes made from them, each once.
fn nodes_below(root: &Tensor) -> Vec<Tensor> {
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(root.clone(), false)];
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            order.push(node);
        } else if seen.insert(node.id()) {
            stack.push((node.clone(), true));
            for input in node.inputs().into_iter().rev() {
                if !seen.contains(&input.id()) {
                    stack.push((input, false));
                }
            }
        }
    }
    order
}

/// Each node's column: one right of its furthest input, then pulled right up to one left of
/// its nearest consumer (so a constant added at the end sits next to where it is used).
fn columns(nodes: &[Tensor]) -> Vec<usize> {
    let index: HashMap<usize, usize> = (nodes.iter().enumerate())
        .map(|(i, n)| (n.id(), i))
        .collect();
    let inputs: Vec<Vec<usize>> = (nodes.iter())
        .map(|n| n.inputs().iter().map(|i| index[&i.id()]).collect())
        .collect();
    let mut column = vec![0usize; nodes.len()];
    for i in 0..nodes.len() {
        column[i] = inputs[i].iter().map(|&j| column[j] + 1).max().unwrap_or(0);
    }
    for i in (0..nodes.len()).rev() {
        let consumers = (0..nodes.len()).filter(|&c| inputs[c].contains(&i));
        if let Some(nearest) = consumers.map(|c| column[c]).min() {
            column[i] = column[i].max(nearest - 1);
        }
    }
    column
}

/// A node's box and its text.
struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    lines: Vec<String>,
}

/// Boxes for every node: columns left to right, each ordered by the mean row of its inputs
/// (then of its consumers), stacked and centered vertically.
fn place(nodes: &[Tensor], column: &[usize]) -> Vec<Placed> {
    let index: HashMap<usize, usize> = (nodes.iter().enumerate())
        .map(|(i, n)| (n.id(), i))
        .collect();
    let inputs: Vec<Vec<usize>> = (nodes.iter())
        .map(|n| n.inputs().iter().map(|i| index[&i.id()]).collect())
        .collect();
    let width = column.iter().max().map_or(0, |m| m + 1);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); width];
    for (i, &c) in column.iter().enumerate() {
        order[c].push(i);
    }
    let mut row = vec![0.0f64; nodes.len()];
    let renumber = |order: &Vec<Vec<usize>>, row: &mut Vec<f64>| {
        for col in order {
            for (r, &i) in col.iter().enumerate() {
                row[i] = r as f64;
            }
        }
    };
    renumber(&order, &mut row);
    for _ in 0..3 {
        for c in 1..width {
            let key = |&i: &usize| {
                let rows: Vec<f64> = inputs[i].iter().map(|&j| row[j]).collect();
                if rows.is_empty() {
                    row[i]
                } else {
                    rows.iter().sum::<f64>() / rows.len() as f64
                }
            };
            order[c].sort_by(|a, b| key(a).total_cmp(&key(b)));
            renumber(&order, &mut row);
        }
        for c in (0..width.saturating_sub(1)).rev() {
            let key = |&i: &usize| {
                let rows: Vec<f64> = (0..nodes.len())
                    .filter(|&k| inputs[k].contains(&i))
                    .map(|k| row[k])
                    .collect();
                if rows.is_empty() {
                    row[i]
                } else {
                    rows.iter().sum::<f64>() / rows.len() as f64
                }
            };
            order[c].sort_by(|a, b| key(a).total_cmp(&key(b)));
            renumber(&order, &mut row);
        }
    }
    let lines: Vec<Vec<String>> = nodes.iter().map(Tensor::label_lines).collect();
    let size = |i: usize| {
        let chars = lines[i]
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(1);
        (
            chars as f64 * CHAR + 2.0 * PAD,
            lines[i].len() as f64 * LINE + 2.0 * PAD,
        )
    };
    let column_width: Vec<f64> = (order.iter())
        .map(|col| col.iter().map(|&i| size(i).0).fold(0.0, f64::max))
        .collect();
    let column_height: Vec<f64> = (order.iter())
        .map(|col| col.iter().map(|&i| size(i).1 + GAP_Y).sum::<f64>() - GAP_Y)
        .collect();
    let tallest = column_height.iter().copied().fold(0.0, f64::max);
    let mut placed: Vec<Option<Placed>> = (0..nodes.len()).map(|_| None).collect();
    let mut x = PAD;
    for (c, col) in order.iter().enumerate() {
        let mut y = PAD + (tallest - column_height[c]) / 2.0;
        for &i in col {
            let (w, h) = size(i);
            placed[i] = Some(Placed {
                x: x + (column_width[c] - w) / 2.0,
                y,
                w,
                h,
                lines: lines[i].clone(),
            });
            y += h + GAP_Y;
        }
        x += column_width[c] + GAP_X;
    }
    placed
        .into_iter()
        .map(|p| p.expect("every node is in a column"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BackwardOptions;

    #[test]
    fn summaries_show_scalars_in_full_and_tensors_briefly() {
        let a = |v: Vec<f32>| ArrayD::from_shape_vec(ndarray::IxDyn(&[v.len()]), v).unwrap();
        assert_eq!(
            summarize(&ArrayD::from_elem(ndarray::IxDyn(&[]), -0.880_797_1)),
            "-0.8807971"
        );
        assert_eq!(summarize(&a(vec![0.5, -1.0, 0.25])), "[0.5, -1, 0.25]");
        assert_eq!(
            summarize(&a(vec![1.0, 2.0, 3.0, 4.0, 10.0])),
            "mean 4 min 1 max 10"
        );
        assert_eq!(summarize(&a(vec![1e-7, 2e6])), "[1.000e-7, 2.000e6]");
    }

    #[test]
    fn a_constant_joins_the_graph_next_to_its_consumer() {
        // L = (a·b + c)·d: c and d are used late, so they sit one column left of their use.
        let leaf = |v: f32, n: &str| Tensor::scalar(v).requires_grad().named(n);
        let (a, b, c, d) = (
            leaf(2.0, "a"),
            leaf(-3.0, "b"),
            leaf(10.0, "c"),
            leaf(-2.0, "d"),
        );
        let e = &a * &b;
        let f = &e + &c;
        let loss = &f * &d;
        let nodes = nodes_below(&loss);
        let col: HashMap<String, usize> = (nodes.iter().zip(columns(&nodes)))
            .filter_map(|(n, c)| n.name().map(|name| (name, c)))
            .collect();
        assert_eq!((col["a"], col["b"], col["c"], col["d"]), (0, 0, 1, 2));
        loss.backward_with(BackwardOptions {
            retain_graph: true,
            retain_grads: true,
            ..Default::default()
        });
        // L = (2·(−3) + 10)·(−2) = −8; ∂L/∂a = b·d = 6, ∂L/∂b = a·d = −4, ∂L/∂c = d = −2,
        // ∂L/∂d = a·b + c = 4.
        let svg = loss.to_svg();
        for text in [
            "a = leaf", "grad 6", "grad -4", "grad -2", "grad 4", "value -8",
        ] {
            assert!(svg.contains(text), "`{text}` missing:\n{svg}");
        }
        assert_eq!(svg.matches("<rect x=").count(), nodes.len());
        assert_eq!(
            svg.matches("marker-end").count(),
            6,
            "two inputs for each of three ops"
        );
    }
}
