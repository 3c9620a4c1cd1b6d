//! The benchmark of the seven optimizers: problems, tuning, seeds, statistics, pictures and the
//! report (issue 17); `stats.rs` holds the statistics, pure functions tested on hand-made
//! numbers and on SciPy's.

pub mod stats;
