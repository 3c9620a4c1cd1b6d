//! The programs' machinery: what `train`, `compare`, `trajectories`, `autograd_tour` and
//! `fc_mnist` (in `examples/`) share, each module named for what it does. A program reads top
//! to bottom (parse, build, run, report); the work behind each of those steps is here.
//!
//! | module | what it is | used by |
//! |---|---|---|
//! | [`training`] | the training loop: a fully connected classifier trained in mini-batches, evaluated every epoch, checkpointed and resumed bit for bit; its configuration, metrics and output folder | `train`, [`comparison`], [`cli`]; its output-folder lock ([`training::writable_out_dir`]) every program that writes files |
//! | [`comparison`] | the optimizers side by side on real training: seeds, a learning-rate sweep, the steps to a target accuracy, the table, CSV files and curves | `compare` |
//! | [`trajectory`] | one optimizer's path on a 2-D surface, and the `trajectories` command line | `trajectories`, [`claims`] |
//! | [`surfaces`] | the 2-D test functions (saddle, Beale, Booth, …) with their minima and views | [`trajectory`], [`claims`], [`plot`] |
//! | [`claims`] | the course's claims checked against runs: the experiments, their tables, verdicts and pictures | `trajectories --all` |
//! | [`plot`] | every picture, in one palette ([`plot::color_of`]): optimizer paths over a surface's contour lines (PNG, SVG, animated GIF), line charts and their smoothing | `trajectories`, [`comparison`], [`claims`] |
//! | [`report`] | CSV and JSON files, written atomically, and [`report::ReportError`] naming a file that could not be written | [`training`], [`comparison`], [`plot`] |
//! | [`cli`] | the command-line groups shared by the programs (optimizer, model, data, `train`'s options) and their conversions into a run's configuration; uses [`training`], never the reverse | `train`, `compare` ([`comparison`]), `trajectories` ([`trajectory`]) |
//! | [`option_names`] | the command-line option of each optimizer hyperparameter: an optimizer's error named as the user typed it (`--lr: …`) | [`cli`], [`training`], `trajectories` |
//! | [`serde_text`] | serde through a value's command-line text (`"relu"`, `"step:2:0.5"`) | [`cli`], [`training`], [`comparison`] |
//! | [`tour`] | the autograd tour: one expression, its graph, backward pass, gradient checks, anomaly mode | `autograd_tour` |
//! | [`program`] | what every program does around its work: [`program::main_wrapper`] (exit status, one `error:` line), [`program::parse_args`], [`program::fail`], [`program::stdout_is_closed`], the closed pipe ([`program::exit_quietly_on_closed_pipe`]), [`program::check_picture_path`] | every program |

pub mod benchmark;
pub mod claims;
pub mod cli;
pub mod comparison;
pub mod plot;
pub mod program;
pub mod report;
pub mod serde_text;
pub mod surfaces;
pub mod tour;
pub mod training;
pub mod trajectory;
pub mod watch;

/// The Rust code in README.md, compiled and run by `cargo test` so that the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
