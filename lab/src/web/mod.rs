//! The optimizer lab in a browser (`lab`): a local web page where the surfaces' paths redraw
//! as a slider moves, the chapter's claims are one click away, and MNIST runs stream their
//! curves.
//!
//! | route | what it answers |
//! |---|---|
//! | `GET /`, `/app.js`, … | the page, embedded in the program (`assets.rs`) |
//! | `GET /api/surfaces` | every surface `trajectories` knows: view, default start, minima, contour lines |
//! | `GET /api/optimizers` | the seven optimizers, each form's options and defaults, their colour |
//! | `GET /api/trajectory?function=…&optimizer=…&lr=…` | one path: byte for byte what `trajectories … --json` prints |
//! | `POST /api/paths` | the race: one path per ticked optimizer, computed in parallel, cached |
//! | `GET /api/claims` | the claims of `trajectories --all`, verdicts and settings (computed once, in the background) |
//! | `GET /api/mnist/run?optimizer=…&hidden=…&epochs=…` | starts a run and streams its events (Server-Sent Events) |
//! | `POST /api/mnist/stop` | stops the run in progress |
//! | `GET /api/mnist/runs`, `/api/mnist/runs/{id}/steps.csv`, `/metrics.csv` | the last finished runs, as CSV made in memory |
//!
//! Every parameter becomes the command line of `trajectories` or `train` ([`request_argv`]),
//! parsed by [`crate::trajectory::Cli::try_parse`] or
//! [`crate::cli::train::TrainArgs::try_parse`]: the page gets the programs' own checks and
//! messages. The server listens on 127.0.0.1 unless told otherwise, refuses requests from
//! another site's page (and, on loopback, those naming another host), writes no file, keeps at
//! most [`paths::CACHE_BYTES`] of computed paths and [`mnist::KEPT_RUNS`] finished runs, and
//! trains one MNIST run at a time; a run stops when its page goes away.
//!
//! Files: `server.rs` (state, routes, start), `argv.rs` (a request as a command line),
//! `catalog.rs` (the surfaces and optimizers offered), `paths.rs` (the paths, as
//! `trajectories --json` computes them), `cache.rs` (the bounded cache of paths), `claims.rs`
//! (the claims and what each ran), `mnist.rs` (the MNIST runs, one at a time), `stream.rs` (a
//! run's events and record), `assets.rs` (the page's files), `static/` (the page: HTML, CSS
//! and plain JavaScript that draws SVG).

mod argv;
mod assets;
mod cache;
pub mod catalog;
pub mod claims;
pub mod mnist;
pub mod paths;
mod server;
pub mod stream;

pub use argv::{request_argv, Params};
pub use cache::Lru;
pub use server::{bind, router, spawn, Bound, Lab, Settings};
