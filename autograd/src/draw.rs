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
        let layout = Layout::of(&nodes);
        let width = layout.boxes.iter().map(|b| b.x + b.w).fold(0.0, f64::max) + PAD;
        let height = layout.boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
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
        for edge in &layout.edges {
            let _ = writeln!(
                svg,
                "<path d=\"{}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" \
                 marker-end=\"url(#arrow)\"/>",
                curve(edge)
            );
        }
        for (node, b) in nodes.iter().zip(&layout.boxes) {
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

/// A smooth path through an edge's points: horizontal at both ends, S-shaped between.
fn curve(points: &[(f64, f64)]) -> String {
    let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let bend = (x1 - x0) / 2.0;
        let _ = write!(
            d,
            " C{:.1},{y0:.1} {:.1},{y1:.1} {x1:.1},{y1:.1}",
            x0 + bend,
            x1 - bend
        );
    }
    d
}

/// A node's box and its text.
struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    lines: Vec<String>,
}

/// Where everything goes: a box per node, and for each edge the points it passes through.
struct Layout {
    boxes: Vec<Placed>,
    edges: Vec<Vec<(f64, f64)>>,
}

impl Layout {
    /// The layered layout of the module docs. An edge that spans several columns gets a
    /// waypoint in each column it crosses, which takes a place in that column's order like a
    /// node does, so no box is drawn over it.
    fn of(nodes: &[Tensor]) -> Layout {
        let index: HashMap<usize, usize> = (nodes.iter().enumerate())
            .map(|(i, n)| (n.id(), i))
            .collect();
        let inputs: Vec<Vec<usize>> = (nodes.iter())
            .map(|n| n.inputs().iter().map(|i| index[&i.id()]).collect())
            .collect();
        let column = columns(&inputs);
        // Items are the nodes, then the waypoints; each item lists the items it comes from.
        let mut item_column = column.clone();
        let mut from: Vec<Vec<usize>> = inputs.clone();
        let mut routes = Vec::new(); // per edge: its items (input first) and the input's place
        for (to, ins) in inputs.iter().enumerate() {
            for (k, &input) in ins.iter().enumerate() {
                let mut route = vec![input];
                for c in column[input] + 1..column[to] {
                    let waypoint = item_column.len();
                    item_column.push(c);
                    from.push(vec![*route.last().expect("starts with the input")]);
                    route.push(waypoint);
                }
                from[to][k] = *route.last().expect("starts with the input");
                route.push(to);
                routes.push((route, k));
            }
        }
        let order = order_columns(&item_column, &from);
        let lines: Vec<Vec<String>> = nodes.iter().map(Tensor::label_lines).collect();
        let size = |item: usize| -> (f64, f64) {
            match lines.get(item) {
                Some(lines) => {
                    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
                    (
                        chars as f64 * CHAR + 2.0 * PAD,
                        lines.len() as f64 * LINE + 2.0 * PAD,
                    )
                }
                None => (0.0, LINE), // a waypoint: room for the edge to pass
            }
        };
        let column_width: Vec<f64> = (order.iter())
            .map(|col| col.iter().map(|&i| size(i).0).fold(0.0, f64::max))
            .collect();
        let column_height: Vec<f64> = (order.iter())
            .map(|col| col.iter().map(|&i| size(i).1 + GAP_Y).sum::<f64>() - GAP_Y)
            .collect();
        let tallest = column_height.iter().copied().fold(0.0, f64::max);
        let mut at = vec![(0.0, 0.0, 0.0, 0.0); item_column.len()]; // x, y, w, h
        let mut x = PAD;
        for (c, col) in order.iter().enumerate() {
            let mut y = PAD + (tallest - column_height[c]) / 2.0;
            for &i in col {
                let (w, h) = size(i);
                let w = if i < nodes.len() { w } else { column_width[c] };
                at[i] = (x + (column_width[c] - w) / 2.0, y, w, h);
                y += h + GAP_Y;
            }
            x += column_width[c] + GAP_X;
        }
        let mut edges: Vec<Vec<(f64, f64)>> = (routes.iter())
            .map(|(route, _)| {
                let (x0, y0, w0, h0) = at[route[0]];
                let mut points = vec![(x0 + w0, y0 + h0 / 2.0)];
                for &waypoint in &route[1..route.len() - 1] {
                    let (x, y, w, h) = at[waypoint];
                    points.push((x, y + h / 2.0));
                    points.push((x + w, y + h / 2.0));
                }
                points
            })
            .collect();
        // The edges into a node arrive spread down its left side, in the order they come from
        // top to bottom, so that they do not cross on the way in.
        for (to, &(x1, y1, _, h1)) in at.iter().enumerate().take(nodes.len()) {
            let mut arriving: Vec<usize> = (0..routes.len())
                .filter(|&e| routes[e].0.last() == Some(&to))
                .collect();
            let last_y = |e: usize| edges[e].last().expect("an edge has a start").1;
            arriving.sort_by(|&a, &b| {
                last_y(a)
                    .total_cmp(&last_y(b))
                    .then(routes[a].1.cmp(&routes[b].1))
            });
            for (slot, &e) in arriving.iter().enumerate() {
                let y = y1 + h1 * (slot + 1) as f64 / (arriving.len() + 1) as f64;
                edges[e].push((x1, y));
            }
        }
        let boxes = (0..nodes.len())
            .map(|i| {
                let (x, y, w, h) = at[i];
                let lines = lines[i].clone();
                Placed { x, y, w, h, lines }
            })
            .collect();
        Layout { boxes, edges }
    }
}

/// Each node's column: one right of its furthest input; a leaf is then pulled right to one
/// left of its nearest consumer (so a constant added at the end sits next to where it is
/// used). `inputs[i]` lists node `i`'s inputs, which come before it.
fn columns(inputs: &[Vec<usize>]) -> Vec<usize> {
    let mut column = vec![0usize; inputs.len()];
    for i in 0..inputs.len() {
        column[i] = inputs[i].iter().map(|&j| column[j] + 1).max().unwrap_or(0);
    }
    for i in (0..inputs.len()).filter(|&i| inputs[i].is_empty()) {
        let consumers = (0..inputs.len()).filter(|&c| inputs[c].contains(&i));
        if let Some(nearest) = consumers.map(|c| column[c]).min() {
            column[i] = nearest - 1;
        }
    }
    column
}

/// The items of each column, top to bottom: sorted by the mean row of the items they come
/// from, then of the items that come from them, a few sweeps each way.
fn order_columns(column: &[usize], from: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let width = column.iter().max().map_or(0, |m| m + 1);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); width];
    for (i, &c) in column.iter().enumerate() {
        order[c].push(i);
    }
    let to: Vec<Vec<usize>> = (0..column.len())
        .map(|i| {
            (0..column.len())
                .filter(|&k| from[k].contains(&i))
                .collect()
        })
        .collect();
    let mut row = vec![0.0f64; column.len()];
    let renumber = |order: &Vec<Vec<usize>>, row: &mut Vec<f64>| {
        for col in order {
            for (r, &i) in col.iter().enumerate() {
                row[i] = r as f64;
            }
        }
    };
    let mean = |items: &[usize], row: &[f64], own: f64| {
        if items.is_empty() {
            own
        } else {
            items.iter().map(|&k| row[k]).sum::<f64>() / items.len() as f64
        }
    };
    renumber(&order, &mut row);
    for _ in 0..4 {
        for c in 1..width {
            order[c].sort_by(|&a, &b| {
                mean(&from[a], &row, row[a]).total_cmp(&mean(&from[b], &row, row[b]))
            });
            renumber(&order, &mut row);
        }
        for c in (0..width.saturating_sub(1)).rev() {
            order[c].sort_by(|&a, &b| {
                mean(&to[a], &row, row[a]).total_cmp(&mean(&to[b], &row, row[b]))
            });
            renumber(&order, &mut row);
        }
    }
    order
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
        let inputs: Vec<Vec<usize>> = (nodes.iter())
            .map(|n| {
                (n.inputs().iter())
                    .map(|i| nodes.iter().position(|m| m.id() == i.id()).unwrap())
                    .collect()
            })
            .collect();
        let col: HashMap<String, usize> = (nodes.iter().zip(columns(&inputs)))
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
