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

/// The Rust code in README.md, compiled and run by `cargo test` so that the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
