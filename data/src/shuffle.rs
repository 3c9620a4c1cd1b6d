//! Seeded shuffling, shared by the batches of an epoch and the validation split.
//!
//! The generator is [`ChaCha8Rng`], whose output for a given seed is fixed by its specification
//! (not by the `rand` version), and the shuffle is a Fisher–Yates written out below, so the
//! same seed gives the same order on every machine and every release of this crate.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random generator for `(seed, stream)`.
pub(crate) fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A uniformly random permutation of `0..n` (Fisher–Yates).
pub(crate) fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        // j uniform in 0..=i. The modulo bias is below (i + 1) / 2^64, i.e. < 1e-13 here.
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_permutation_and_seeded() {
        let p = permutation(1000, &mut rng(1, 0));
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_eq!(p, permutation(1000, &mut rng(1, 0)));
        assert_ne!(p, permutation(1000, &mut rng(2, 0)));
        assert_ne!(p, permutation(1000, &mut rng(1, 1)));
        assert!(permutation(0, &mut rng(1, 0)).is_empty());
    }

    #[test]
    fn generator_output_is_pinned() {
        // Guards "same seed, same batches across versions": if this changes, saved runs no
        // longer replay. Values recorded from this implementation (ChaCha8, stream 0).
        let p = permutation(10, &mut rng(42, 0));
        assert_eq!(p, PINNED);
    }

    const PINNED: [usize; 10] = [1, 5, 9, 6, 3, 2, 0, 8, 4, 7];
}
