//! Shared code of the example programs.

pub mod claims;
pub mod contour;
pub mod plot;
pub mod surfaces;
pub mod tour;
pub mod trajectory;
