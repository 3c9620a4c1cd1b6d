//! The compute backend: everything that is about speed rather than about the math.
//!
//! The ops in `ops/` and the optimizers say *what* to compute; this module decides *how*:
//! - [`gemm`](mod@gemm) — the matrix products and their memory layouts;
//! - [`elementwise`] — element-wise loops (`map`, `zip`) and splitting a list of arrays into
//!   equal parts (the optimizer updates), run on several threads when they are large;
//! - `pool` — the worker threads and how a split is handed to them;
//! - `memory` — keeping freed memory for the next training step.
//!
//! **Threads.** `AUTOGRAD_THREADS=N` (default: the cores available) is how many threads a split
//! uses; [`with_threads`] changes it for one closure on one thread (tests compare thread counts
//! this way). Work is cut into pieces by size and thread count alone, never by which thread is
//! free, so a run is bit-identical from run to run for the same thread count. Element-wise work
//! is bit-identical for every thread count; a product split over more threads may round
//! differently (its kernels block by size), so results agree to rounding across thread counts.

pub mod elementwise;
pub mod gemm;
mod memory;
mod pool;

use std::cell::Cell;
use std::sync::OnceLock;

pub use pool::{spin_time, MAX_THREADS};

/// How many threads a split on this thread uses: [`with_threads`]'s count inside it, else
/// `AUTOGRAD_THREADS`, else the cores available.
pub fn threads() -> usize {
    OVERRIDE.get().unwrap_or_else(configured_threads)
}

/// Runs `f` with splits on this thread using `n` threads (clamped to `1..=MAX_THREADS`),
/// without restarting the program: `with_threads(1, f)` gives the results of
/// `AUTOGRAD_THREADS=1`.
pub fn with_threads<R>(n: usize, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<usize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.set(self.0);
        }
    }
    let _restore = Restore(OVERRIDE.replace(Some(n.clamp(1, MAX_THREADS))));
    f()
}

thread_local! {
    /// Set inside [`with_threads`].
    static OVERRIDE: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The thread count from `AUTOGRAD_THREADS`, checked once.
///
/// # Errors
/// A message naming the value when it is not a whole number from 1 to [`MAX_THREADS`].
pub fn threads_from_env() -> Result<Option<usize>, String> {
    match std::env::var("AUTOGRAD_THREADS") {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(v)) => {
            Err(format!("AUTOGRAD_THREADS: {v:?} is not a number"))
        }
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(Some(n)),
            _ => Err(format!(
                "AUTOGRAD_THREADS: `{v}` is not a whole number from 1 to {MAX_THREADS}"
            )),
        },
    }
}

/// `AUTOGRAD_THREADS` when it is valid, else the cores available (an invalid value is reported
/// once on stderr; programs check it up front with [`threads_from_env`]).
fn configured_threads() -> usize {
    static CONFIGURED: OnceLock<usize> = OnceLock::new();
    *CONFIGURED.get_or_init(|| {
        let cores = || std::thread::available_parallelism().map_or(1, |n| n.get());
        match threads_from_env() {
            Ok(Some(n)) => n,
            Ok(None) => cores(),
            Err(message) => {
                eprintln!("warning: {message}; using {} threads", cores());
                cores()
            }
        }
    })
}

/// How many pieces to cut `work` units into: one per thread, but none smaller than `min_piece`
/// units (below that, handing a piece to a worker costs more than it saves).
fn pieces_for(work: usize, min_piece: usize) -> usize {
    memory::keep_freed_memory();
    threads().min(work / min_piece.max(1)).max(1)
}

/// Where `pieces` near-equal parts of `0..len` begin and end: `pieces + 1` boundaries, each
/// inner one a multiple of `align` (a whole vector register, so that no piece starts mid-way
/// through one).
fn boundaries(len: usize, pieces: usize, align: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (0..=pieces)
        .map(|i| (len * i / pieces).next_multiple_of(align).min(len))
        .collect();
    cuts[0] = 0;
    cuts
}

#[cfg(test)]
mod tests {
    use super::{boundaries, pieces_for, threads, with_threads};

    #[test]
    fn boundaries_cover_the_range_in_aligned_steps() {
        assert_eq!(boundaries(100, 1, 16), vec![0, 100]);
        assert_eq!(boundaries(100, 2, 16), vec![0, 64, 100]);
        assert_eq!(boundaries(100, 3, 16), vec![0, 48, 80, 100]);
        // More pieces than aligned blocks: the last ones are empty, none is lost.
        assert_eq!(boundaries(20, 4, 16), vec![0, 16, 16, 16, 20]);
    }

    #[test]
    fn with_threads_sets_the_count_for_its_closure_only() {
        let outside = threads();
        assert_eq!(with_threads(3, threads), 3);
        assert_eq!(with_threads(0, threads), 1);
        assert_eq!(with_threads(5, || with_threads(2, threads)), 2);
        assert_eq!(threads(), outside);
        assert_eq!(with_threads(4, || pieces_for(1000, 100)), 4);
        assert_eq!(with_threads(4, || pieces_for(250, 100)), 2);
        assert_eq!(with_threads(4, || pieces_for(10, 100)), 1);
    }
}
