//! A guided tour of autograd for learners: one small expression, its graph, the backward pass,
//! the graph drawn with every value and gradient, gradients against hand-derived formulas,
//! gradient checking and anomaly mode.
//!
//! ```text
//! cargo run --release --example autograd_tour                 # writes runs/tour/graph.{svg,png}
//! cargo run --release --example autograd_tour -- --dot        # and graph.dot, for Graphviz
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use lab::training::writable_out_dir;

/// The options of the tour.
#[derive(Parser)]
#[command(
    name = "autograd_tour",
    about = "A guided tour of autograd: one expression, its graph, the backward pass, the graph \
             drawn with every value and gradient (graph.svg, graph.png), gradient checking and \
             anomaly mode"
)]
struct Cli {
    /// Where the pictures go
    #[arg(long, value_name = "DIR", default_value = "runs/tour")]
    out_dir: PathBuf,
    /// Also write the graph in Graphviz DOT (graph.dot), for `dot -Tpng`
    #[arg(long)]
    dot: bool,
}

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        let matches = lab::program::parse_args(Cli::command());
        let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        tour(&cli)
    })
}

fn tour(cli: &Cli) -> Result<ExitCode, (u8, String)> {
    // Held while the tour writes; checked before the lesson is printed.
    let _lock = writable_out_dir("--out-dir", &cli.out_dir).map_err(|message| (1, message))?;
    // Anomaly mode stops an op by panicking (the tour catches it); keep the panic hook from
    // printing those expected stops, and let every other panic through.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.starts_with("anomaly:"));
        if !expected {
            default_hook(info);
        }
    }));

    let tour = lab::tour::tour();
    print!("{}", tour.text);

    let failed = |e: &dyn std::fmt::Display| (1, e.to_string());
    let svg = cli.out_dir.join("graph.svg");
    lab::report::write_atomic(&svg, tour.svg.as_bytes()).map_err(|e| failed(&e))?;
    let png = cli.out_dir.join("graph.png");
    lab::plot::svg_to_png(&tour.svg, &png).map_err(|e| failed(&e))?;
    let mut wrote = vec![svg, png];
    if cli.dot {
        let dot = cli.out_dir.join("graph.dot");
        lab::report::write_atomic(&dot, tour.dot.as_bytes()).map_err(|e| failed(&e))?;
        wrote.push(dot);
    }
    let names: Vec<String> = wrote.iter().map(|p| p.display().to_string()).collect();
    println!("\nThe graph, drawn: {}", names.join(", "));
    Ok(ExitCode::SUCCESS)
}
