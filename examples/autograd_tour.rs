//! A guided tour of autograd for learners: one small expression, its graph, the backward pass,
//! gradients against hand-derived formulas, gradient checking and anomaly mode.
//!
//! ```text
//! cargo run --release --example autograd_tour
//! ```

use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use lab::training::writable_out_dir;

/// The tour takes no options; parsing still refuses any, so a typo is not silently ignored.
#[derive(Parser)]
#[command(
    name = "autograd_tour",
    about = "A guided tour of autograd: one expression, its graph, the backward pass, gradient \
             checking and anomaly mode; writes runs/tour/expr.dot"
)]
struct Cli {}

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        lab::program::parse_args(Cli::command());
        tour()
    })
}

fn tour() -> Result<ExitCode, (u8, String)> {
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

    let dir = Path::new("runs/tour");
    let path = dir.join("expr.dot");
    let _lock = writable_out_dir("output folder", dir).map_err(|message| (1, message))?;
    atomic_file::write(&path, tour.dot.as_bytes())
        .map_err(|e| (1, format!("cannot write {}: {e}", path.display())))?;
    println!("\nThe DOT above is in {}; draw it with:", path.display());
    println!("  dot -Tpng {} -o runs/tour/expr.png", path.display());
    Ok(ExitCode::SUCCESS)
}
