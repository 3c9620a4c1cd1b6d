//! Where an axis gets its labelled ticks, and the values of contour levels: round numbers
//! (1, 2 or 5 times a power of ten), and on a log axis always at least three labels, whatever
//! the range.

/// The most labels [`log_ticks`] puts on an axis: more would crowd a 400-pixel axis.
pub const MAX_LOG_TICKS: usize = 12;

/// The fewest labels [`log_ticks`] puts on an axis that spans any range at all.
pub const MIN_TICKS: usize = 3;

/// `m · 10^decade`, written as `m / 10^−decade` for negative decades so that 0.1 prints as
/// `0.1`, not `0.10000000000000002`.
fn times_ten_to(m: f64, decade: i32) -> f64 {
    if decade < 0 {
        m / 10f64.powi(-decade)
    } else {
        m * 10f64.powi(decade)
    }
}

/// The values `m · 10^k` in `[low, high]` for every mantissa `m` of `mantissas` and every
/// decade `k` divisible by `stride`.
fn per_decade(low: f64, high: f64, mantissas: &[f64], stride: i32) -> Vec<f64> {
    let mut ticks = Vec::new();
    for decade in low.log10().floor() as i32..=high.log10().ceil() as i32 {
        if decade.rem_euclid(stride) != 0 {
            continue;
        }
        for &m in mantissas {
            let v = times_ten_to(m, decade);
            if (low..=high).contains(&v) {
                ticks.push(v);
            }
        }
    }
    ticks
}

const ONE_TO_NINE: [f64; 9] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];

/// Labelled ticks for a log axis over `[low, high]`, between [`MIN_TICKS`] and
/// [`MAX_LOG_TICKS`] of them:
///
/// - 1, 2 and 5 times the powers of ten when that gives at least 3 and at most 12;
/// - over many decades, the powers of ten only (every second or third one if still too many);
/// - over less than about a decade, 1 to 9 times the powers of ten, and if even that gives
///   fewer than 3, the round linear steps of [`linear_ticks`].
///
/// ```
/// use lab::plot::log_ticks;
/// assert_eq!(log_ticks(0.04, 3.0), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
/// assert_eq!(log_ticks(0.12, 0.7), vec![0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
/// assert_eq!(log_ticks(0.041, 0.047), vec![0.042, 0.044, 0.046]);
/// assert_eq!(log_ticks(1e-9, 10.0).len(), 11); // 1e-9, 1e-8, …, 10
/// ```
pub fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) {
        return Vec::new();
    }
    let ticks = per_decade(low, high, &[1.0, 2.0, 5.0], 1);
    if ticks.len() > MAX_LOG_TICKS {
        return (1..)
            .map(|stride| per_decade(low, high, &[1.0], stride))
            .find(|t| t.len() <= MAX_LOG_TICKS)
            .expect("a stride longer than the range leaves one tick at most");
    }
    if ticks.len() >= MIN_TICKS {
        return ticks;
    }
    let ticks = per_decade(low, high, &ONE_TO_NINE, 1);
    if ticks.len() >= MIN_TICKS {
        return ticks;
    }
    linear_ticks(low, high, 4)
}

/// Unlabelled grid lines of a log axis: 1 to 9 times the powers of ten in `[low, high]`, or
/// none when there are too many to draw apart (over 15 decades).
pub fn log_grid(low: f64, high: f64) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) || (high / low).log10() > 15.0 {
        return Vec::new();
    }
    per_decade(low, high, &ONE_TO_NINE, 1)
}

/// Round ticks over `[low, high]`: the multiples of a step of 1, 2 or 5 times a power of ten
/// that fall in the range, about `target` of them and never fewer than [`MIN_TICKS`] when
/// `low < high`.
///
/// ```
/// use lab::plot::linear_ticks;
/// assert_eq!(linear_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
/// assert_eq!(linear_ticks(0.04, 0.06, 4), vec![0.04, 0.045, 0.05, 0.055, 0.06]);
/// ```
pub fn linear_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    if !(low < high && low.is_finite() && high.is_finite()) {
        return Vec::new();
    }
    let raw = (high - low) / target.max(1) as f64;
    // The round steps m·10^d, m in 1, 2, 5: start from the smallest at least `raw`, then take
    // smaller ones until there are enough ticks.
    let mut decade = raw.log10().floor() as i32;
    let mut m = [1u8, 2, 5]
        .into_iter()
        .find(|&m| times_ten_to(m.into(), decade) >= raw)
        .unwrap_or_else(|| {
            decade += 1;
            1
        });
    loop {
        let ticks = multiples(low, high, m.into(), decade);
        if ticks.len() >= MIN_TICKS || decade < f64::MIN_EXP {
            return ticks;
        }
        (m, decade) = match m {
            5 => (2, decade),
            2 => (1, decade),
            _ => (5, decade - 1),
        };
    }
}

/// The multiples `k · m · 10^decade` in `[low, high]`, each computed as one product (or one
/// quotient) so that they print short.
fn multiples(low: f64, high: f64, m: f64, decade: i32) -> Vec<f64> {
    let step = times_ten_to(m, decade);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .map(|k| times_ten_to(k as f64 * m, decade))
        .filter(|v| (low..=high).contains(v))
        .collect()
}

/// Contour levels between `low` and `high` (both excluded), about `target` of them, at round
/// values: geometric (the 1-2-5 or the 1-to-9 sequence, or the powers of ten, whichever count
/// is nearest `target`) when `geometric` and `low > 0`, else [`linear_ticks`].
pub fn levels(low: f64, high: f64, target: usize, geometric: bool) -> Vec<f64> {
    let inside = |v: &f64| *v > low && *v < high;
    if geometric && low > 0.0 && high > low {
        let candidates = [
            per_decade(low, high, &ONE_TO_NINE, 1),
            per_decade(low, high, &[1.0, 2.0, 5.0], 1),
            per_decade(low, high, &[1.0, 3.0], 1),
            per_decade(low, high, &[1.0], 1),
            per_decade(low, high, &[1.0], 2),
        ];
        let best = (candidates.into_iter())
            .min_by_key(|c| c.len().abs_diff(target))
            .expect("five candidates");
        return best.into_iter().filter(inside).collect();
    }
    linear_ticks(low, high, target)
        .into_iter()
        .filter(inside)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axes_get_at_least_three_labels_whatever_the_range() {
        for (low, high) in [
            (0.04, 0.06),
            (0.0364, 0.066),
            (1e-6, 1.0),
            (0.12, 0.7),
            (0.5, 0.51),
            (3.0, 3.0001),
            (1e-30, 1e30),
            (7.0, 70.0),
        ] {
            let t = log_ticks(low, high);
            assert!(
                (MIN_TICKS..=MAX_LOG_TICKS).contains(&t.len()),
                "[{low}, {high}]: {t:?}"
            );
            assert!(t.iter().all(|v| (low..=high).contains(v)), "{t:?}");
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{t:?}");
        }
    }

    #[test]
    fn linear_ticks_are_round_and_enough() {
        assert_eq!(linear_ticks(-1.0, 1.0, 4), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(linear_ticks(0.0, 1.0, 3), vec![0.0, 0.5, 1.0]);
        let t = linear_ticks(100.0, 100.3, 4);
        assert!(t.len() >= 3, "{t:?}");
        assert!(linear_ticks(1.0, 1.0, 4).is_empty());
    }

    #[test]
    fn levels_are_round_and_strictly_inside() {
        assert_eq!(
            levels(0.15, 60.0, 8, true),
            vec![0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        );
        assert_eq!(levels(-1.0, 1.0, 4, false), vec![-0.5, 0.0, 0.5]);
        assert_eq!(levels(1.0, 1000.0, 3, true), vec![10.0, 100.0]);
    }
}
