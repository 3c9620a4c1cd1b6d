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
