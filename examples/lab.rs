//! The optimizer lab in a browser: a local web page where the optimizers race on the surfaces
//! of `trajectories` as you move their sliders, the chapter's claims are one click away, and
//! MNIST runs of `train` stream their curves.
//!
//! ```text
//! cargo run --release --example lab                      # then open the address it prints
//! cargo run --release --example lab -- --port 0          # any free port (the tests' choice)
//! cargo run --release --example lab -- --host 0.0.0.0    # reachable from other machines: warns
//! ```
//!
//! The first line on standard output is the address (`lab: http://127.0.0.1:8765/`). The
//! server is `lab::web`: every setting the page sends becomes a `trajectories` or `train`
//! command line, checked by that program's own parser. Exit status: 2 for a bad option, 1 when
//! the address cannot be bound.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use lab::web::{self, Settings};

/// The options of `lab`.
#[derive(Parser, Debug)]
#[command(
    name = "lab",
    about = "The optimizer lab in a browser: surfaces, claims and MNIST runs on a local web page"
)]
struct Options {
    /// Port to listen on (0: any free port; the address is printed first)
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// Address to listen on: 127.0.0.1 (this machine only) unless you ask for another, which
    /// lets anyone who reaches this machine use the lab
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Directory holding MNIST's four files for the MNIST page [default: $MNIST_DIR, else the
    /// cache data/cache/; nothing is downloaded: `train --fetch-only` does that]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    lab::program::main_wrapper(|| {
        // Parse.
        let matches = lab::program::parse_args(Options::command());
        let options = Options::from_arg_matches(&matches).map_err(|e| (2, e.to_string()))?;
        if !options.host.is_loopback() {
            eprintln!(
                "warning: --host {} is not a loopback address: anyone who can reach this \
                 machine on port {} can use the lab (start MNIST runs, read them); it has no \
                 login",
                options.host, options.port
            );
        }

        // Start: bind, then print where, then serve until stopped.
        let settings = Settings {
            data_dir: options.data_dir,
        };
        let addr = SocketAddr::new(options.host, options.port);
        let server =
            web::bind(addr, settings).map_err(|e| (1, format!("cannot listen on {addr}: {e}")))?;
        let bound = server.addr().map_err(|e| (1, e.to_string()))?;
        let shown = if bound.ip().is_unspecified() {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), bound.port())
        } else {
            bound
        };
        println!("lab: http://{shown}/");
        println!("open it in a browser; Ctrl-C stops the server (and any MNIST run)");
        server
            .run()
            .map_err(|e| (1, format!("the server stopped: {e}")))?;
        Ok(ExitCode::SUCCESS)
    })
}
