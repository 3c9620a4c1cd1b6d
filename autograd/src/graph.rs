//! Looking at the graph: a text tree and Graphviz DOT.
//!
//! Backprop is easier to believe when you can see the graph it walks. [`Tensor::graph`] prints
//! the nodes below a tensor, one per line, with the op that made each, its shape and whether it
//! requires a gradient; a node reached a second time is printed once and then referred to by its
//! id. [`Tensor::to_dot`] writes the same graph for `dot -Tpng`.
//! [`Tensor::backward_with`](crate::Tensor::backward_with) with `trace: true` shows the order in
//! which the backward pass visits the nodes.

use std::collections::HashSet;
use std::fmt::Write;

use crate::tensor::Tensor;

impl Tensor {
    /// A one-line description of this node: its id, name and op, shape, value and gradient
    /// (`#3 c = mul [] value -6 grad 1`; see [`Tensor::to_svg`] for how values are summarized).
    pub fn describe(&self) -> String {
        let [title, shape, value, grad] = <[String; 4]>::try_from(self.label_lines())
            .expect("four lines: title, shape, value, gradient");
        let shape = shape.trim_start_matches("shape ");
        format!("#{} {title} {shape} {value} {grad}", self.id())
    }

    /// The graph below this tensor as an indented tree.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let a = Tensor::ones(&[2]).requires_grad();
    /// let y = (&a * 3.0).sum();
    /// let text = y.graph();
    /// assert!(text.contains("sum []") && text.contains("mul_scalar [2]"));
    /// ```
    pub fn graph(&self) -> String {
        let mut out = String::new();
        let mut seen = HashSet::new();
        write_tree(self, "", "", &mut seen, &mut out);
        out
    }

    /// The graph below this tensor in Graphviz DOT: one box per node with the lines of
    /// [`Tensor::to_svg`], an arrow from each input to the node made from it (for `dot -Tpng`;
    /// `to_svg` needs no external program).
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph autograd {\n  rankdir=LR;\n  node [shape=box, fontname=monospace];\n",
        );
        let mut seen = HashSet::new();
        let mut stack = vec![self.clone()];
        while let Some(node) = stack.pop() {
            if !seen.insert(node.id()) {
                continue;
            }
            let color = if node.needs_grad() {
                "lightblue"
            } else {
                "white"
            };
            let label = node.label_lines().join("\\n").replace('"', "\\\"");
            let _ = writeln!(
                out,
                "  n{} [label=\"{label}\", style=filled, fillcolor={color}];",
                node.id()
            );
            for input in node.inputs() {
                let _ = writeln!(out, "  n{} -> n{};", input.id(), node.id());
                stack.push(input);
            }
        }
        out.push_str("}\n");
        out
    }
}

fn write_tree(node: &Tensor, first: &str, rest: &str, seen: &mut HashSet<usize>, out: &mut String) {
    let again = !seen.insert(node.id());
    let _ = writeln!(
        out,
        "{first}{}{}",
        node.describe(),
        if again { " (see above)" } else { "" }
    );
    if again {
        return;
    }
    let inputs = node.inputs();
    for (i, input) in inputs.iter().enumerate() {
        let last = i + 1 == inputs.len();
        let (branch, indent) = if last {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        write_tree(
            input,
            &format!("{rest}{branch}"),
            &format!("{rest}{indent}"),
            seen,
            out,
        );
    }
}
