//! Shared code of the example programs.

pub mod claims;
pub mod cli;
pub mod comparison;
pub mod contour;
pub mod plot;
pub mod report;
pub mod surfaces;
pub mod tour;
pub mod training;
pub mod trajectory;

/// Lets a closed pipe end the program quietly (`train | head`), as command-line tools do.
///
/// Rust starts programs with `SIGPIPE` ignored, so printing into a closed pipe returns an error
/// and `println!` panics on it. With the default disposition restored, the program ends at that
/// point like `yes | head`. Sockets are not affected: the standard library sends with
/// `MSG_NOSIGNAL`, so a dropped download still returns an error.
pub fn exit_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: `signal` with `SIG_DFL` installs no handler; it only resets the disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The Rust code in README.md, compiled and run by `cargo test` so that the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
