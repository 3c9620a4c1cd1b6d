//! The programs' machinery: what `train`, `compare`, `benchmark`, `trajectories`, `lab`,
//! `autograd_tour` and `fc_mnist` (in `examples/`) share, each module named for what it does. A
//! program reads top to bottom (parse, build, run, report); the work behind each of those steps is here.
//!
//! | module | what it is | used by |
//! |---|---|---|
//! | [`training`] | the training loop: a fully connected classifier trained in mini-batches, its schedule ticked every step, evaluated every epoch, checkpointed and resumed bit for bit; the run's settings ([`training::RunConfig`], which the command line parses into), the rates each optimizer starts from, metrics, progress and the output folder | `train`, [`benchmark`]; its output-folder lock ([`training::writable_out_dir`]) every program that writes files |
//! | [`watch`] | `train --watch`: gradient norms, update ratios and effective per-weight rates per layer, and dead activations, recorded with gradient and forward hooks | `train` |
//! | [`benchmark`] | the optimizers compared as a benchmark does: four problems, λ tuned on validation, seeds, statistics (`benchmark::stats`), pictures and `report.md`; `compare` is its one-problem view | `benchmark`, `compare` |
//! | [`trajectory`] | one optimizer's path on a 2-D surface, and the `trajectories` command line | `trajectories`, [`claims`] |
//! | [`surfaces`] | the 2-D test functions (saddle, Beale, Booth, …) with their minima and views | [`trajectory`], [`claims`], [`plot`] |
//! | [`claims`] | the course's claims checked against runs: the experiments, their tables, verdicts and pictures (`trajectories --all`, [`claims::run_all`]) | `trajectories` |
//! | [`plot`] | every picture, in one palette ([`plot::color_of`]): optimizer paths over a surface's contour lines (PNG, SVG, animated GIF), line charts and their smoothing, an SVG drawn as PNG | `trajectories`, `autograd_tour`, [`benchmark`], [`claims`], [`watch`] |
//! | [`report`] | CSV and JSON files, written atomically, and [`report::ReportError`] naming a file that could not be written | [`training`], [`benchmark`], [`plot`] |
//! | [`cli`] | the command lines: the optimizer chosen by name with its own struct's options ([`cli::optimizer`]), `train`'s options ([`cli::train`]), `benchmark`'s and `compare`'s ([`cli::benchmark`], [`cli::compare`]), the data folder | `train`, `benchmark`, `compare`, `trajectories` ([`trajectory`]) |
//! | [`serde_text`] | serde through a value's command-line text (`"relu"`, `"step:2:0.5"`) | [`training`] |
//! | [`tour`] | the autograd tour: one expression, its graph drawn with every value and gradient, the backward pass, gradient checks, anomaly mode | `autograd_tour` |
//! | [`web`] | the lab in a browser: a local server whose page draws the surfaces' paths as sliders move, the claims, and MNIST runs streamed as they train; its requests become the command lines of `trajectories` and `train` | `lab` |
//! | [`program`] | what every program does around its work: [`program::main_wrapper`] (exit status, one `error:` line), [`program::parse_args`], [`program::fail`], [`program::stdout_is_closed`], the closed pipe ([`program::exit_quietly_on_closed_pipe`]), [`program::check_picture_path`] | every program |

pub mod benchmark;
pub mod claims;
pub mod cli;
pub mod plot;
pub mod program;
pub mod report;
pub mod serde_text;
pub mod surfaces;
pub mod tour;
pub mod training;
pub mod trajectory;
pub mod watch;
pub mod web;

/// The Rust code in README.md, compiled and run by `cargo test` so that the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
