//! The statistics of the optimizer benchmark: how a result over seeds is summarized, and when the
//! report may say "A is better than B".
//!
//! Seven optimizers, several problems, 10 seeds each: differences between optimizers are often
//! smaller than the spread between seeds, so the report never ranks by a mean alone. Each metric
//! gets:
//!
//! - a [`Summary`] per optimizer (median and quartiles, NumPy's default quantiles);
//! - a two-sided [Mann–Whitney U test](mann_whitney_u) for every pair, with the probability of
//!   superiority as effect size, the p-values adjusted for the number of pairs by
//!   [Holm's method](holm);
//! - a ranking in which optimizers that no test separates share a rank ([`compare_all`]), and a
//!   sentence per significant pair ([`Verdict`]);
//! - a [bootstrap interval](bootstrap_median_difference) of a difference of medians, for the size
//!   of a difference rather than its sign.
//!
//! For tuning and time-to-target there are [`expected_best`] (the expected best result of k
//! random-search trials, Dodge et al. 2019), [`performance_profile`] (Dolan and Moré 2002, as in
//! AlgoPerf) and [`median_with_misses`] (a run that never reached the target counts as +∞).
//!
//! # NaN and infinities
//! NaN is refused everywhere: every function panics with a message naming itself and the
//! position of the NaN. A NaN result (a diverged run) means something the caller must decide
//! (leave the run out and report it, count it as a miss, or as +∞), and a test that silently
//! dropped it would compare samples of different meaning.
//!
//! ±∞ is accepted where only the order of values matters ([`Summary`], [`mann_whitney_u`],
//! [`compare_all`]: a diverged loss of +∞ ranks as the worst), and refused where the arithmetic
//! on it is undefined ([`bootstrap_median_difference`], [`expected_best`]) or where a miss has
//! its own spelling, `None` ([`performance_profile`], [`median_with_misses`]).
//!
//! # Reference values
//! The tests compare with SciPy 1.17 (`scipy.stats.mannwhitneyu`, `scipy.special.ndtr`) and
//! NumPy 2.4 (`np.quantile`) through a fixture recorded by `tools/reference_stats.py`; Holm's
//! method, the bootstrap, the expected best, the ranking and the profiles are checked on
//! hand-worked cases written out in the tests.
//!
//! # Example
//! ```
//! use lab::benchmark::stats::compare_all;
//!
//! // Final validation accuracy over 5 seeds (higher is better).
//! let adam = [0.981, 0.979, 0.983, 0.980, 0.982];
//! let sgd = [0.962, 0.965, 0.960, 0.963, 0.961];
//! let rmsprop = [0.978, 0.984, 0.977, 0.985, 0.976];
//! let groups = [("adam", &adam[..]), ("sgd", &sgd[..]), ("rmsprop", &rmsprop[..])];
//! let comparison = compare_all(&groups, true, 0.05);
//! // adam and rmsprop: no test separates them, they share rank 1; sgd is below both.
//! assert_eq!(comparison.rank_of("adam"), Some(1));
//! assert_eq!(comparison.rank_of("rmsprop"), Some(1));
//! assert_eq!(comparison.rank_of("sgd"), Some(3));
//! for verdict in &comparison.verdicts {
//!     println!("{verdict}"); // "adam is better than sgd (two-sided Mann–Whitney U test, …)"
//! }
//! ```

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/// Median, quartiles, extremes and mean of a sample: a result over seeds as the report shows it.
///
/// The quartiles are NumPy's default `np.quantile(x, q)` (method `'linear'`): with the sample
/// sorted, `x_(0) ≤ … ≤ x_(n−1)`, the quantile `q` sits at position `h = q·(n − 1)` and is
/// `x_(⌊h⌋) + (h − ⌊h⌋)·(x_(⌊h⌋+1) − x_(⌊h⌋))`. `median` is the quantile ½, `q1` ¼, `q3` ¾.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Quantile ½.
    pub median: f64,
    /// First quartile, quantile ¼.
    pub q1: f64,
    /// Third quartile, quantile ¾.
    pub q3: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean, `Σ x / n`.
    pub mean: f64,
}

impl Summary {
    /// Summarizes `values` (any order).
    ///
    /// Infinities are accepted: a quantile whose interpolation touches +∞ is +∞ (NumPy gives
    /// NaN there, from `∞ − ∞`), so a quartile says "at least this many runs diverged".
    ///
    /// # Panics
    /// If `values` is empty or holds a NaN.
    #[track_caller]
    pub fn of(values: &[f64]) -> Summary {
        assert!(!values.is_empty(), "Summary::of: no values to summarize");
        refuse_nan("Summary::of", "values", values);
        let sorted = sorted(values);
        Summary {
            n: sorted.len(),
            median: quantile_of_sorted(&sorted, 0.5),
            q1: quantile_of_sorted(&sorted, 0.25),
            q3: quantile_of_sorted(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
        }
    }
}

/// The values in ascending order (no NaN: the callers have refused it).
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// Quantile `q` of an ascending, non-empty sample by NumPy's `'linear'` method (see [`Summary`]).
///
/// The interpolation is written as NumPy's `_lerp` writes it, `a + (b − a)·t` below `t = ½` and
/// `b − (b − a)·(1 − t)` from ½ on, so that results agree to the last bit. Where a neighbour is
/// infinite the answer is that infinity (NumPy's formula would give NaN from `∞ − ∞`).
fn quantile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let below = h.floor() as usize;
    let t = h - h.floor();
    if t == 0.0 || below + 1 == sorted.len() {
        return sorted[below];
    }
    let (a, b) = (sorted[below], sorted[below + 1]);
    match (a.is_infinite(), b.is_infinite()) {
        (false, false) if t < 0.5 => a + (b - a) * t,
        (false, false) => b - (b - a) * (1.0 - t),
        (true, false) => a,
        (false, true) => b,
        (true, true) => a + b, // equal infinities: that infinity; −∞ and +∞: NaN, as it should
    }
}

// ---------------------------------------------------------------------------------------------
// Mann–Whitney U
// ---------------------------------------------------------------------------------------------

/// Both samples at most this large and no ties: [`mann_whitney_u`] uses the exact distribution.
pub const EXACT_MAX_SIZE: usize = 20;

/// How the p-value of a Mann–Whitney test was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MannWhitneyMethod {
    /// From the exact null distribution of U (no ties), counted by dynamic programming.
    Exact,
    /// From the normal approximation of U, with tie and continuity corrections.
    Normal,
}

/// The result of a two-sided Mann–Whitney U test of sample `a` against sample `b`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MannWhitney {
    /// U of `a`: `#{(i, j) : a_i > b_j} + ½ #{(i, j) : a_i = b_j}`, which is also
    /// `R_a − n_a(n_a + 1)/2` with `R_a` the sum of `a`'s ranks in the pooled sample (ties
    /// sharing their average rank). SciPy's `statistic`.
    pub u: f64,
    /// Two-sided p-value: the probability, if `a` and `b` come from one distribution, of a U at
    /// least as far from its mean `n_a n_b / 2` as this one. Capped at 1.
    pub p: f64,
    /// Probability of superiority of `a` (the Vargha–Delaney A): `P(A > B) + ½ P(A = B)` for
    /// one value of each sample, `U / (n_a n_b)`. ½ when neither tends to be larger, 1 when every
    /// value of `a` exceeds every value of `b`.
    pub effect: f64,
    /// How `p` was computed.
    pub method: MannWhitneyMethod,
}

/// Two-sided Mann–Whitney U test of `a` against `b`, with the method chosen for the data.
///
/// Exact ([`MannWhitneyMethod::Exact`]) when the pooled sample has no ties and both samples have
/// at most [`EXACT_MAX_SIZE`] values (the benchmark's 10 seeds always qualify, unless values
/// tie); the normal approximation otherwise. See [`mann_whitney_u_by`] for both methods. SciPy's
/// `method='auto'` switches to the normal approximation sooner (both samples above 8); the
/// exact p is the better answer whenever it can be counted.
///
/// # Panics
/// If either sample is empty or holds a NaN.
///
/// # Example
/// ```
/// use lab::benchmark::stats::{mann_whitney_u, MannWhitneyMethod};
///
/// let a = [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0];
/// let b = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
/// let test = mann_whitney_u(&a, &b);
/// assert_eq!(test.method, MannWhitneyMethod::Exact);
/// assert_eq!(test.u, 100.0); // every a beats every b
/// assert_eq!(test.effect, 1.0);
/// // Only the two most extreme of the C(20, 10) = 184,756 splits are this far from the middle.
/// assert!((test.p - 2.0 / 184_756.0).abs() < 1e-18);
/// ```
#[track_caller]
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> MannWhitney {
    check_samples("mann_whitney_u", a, b);
    let exact_possible =
        a.len() <= EXACT_MAX_SIZE && b.len() <= EXACT_MAX_SIZE && tie_sizes(a, b).is_empty();
    let method = if exact_possible {
        MannWhitneyMethod::Exact
    } else {
        MannWhitneyMethod::Normal
    };
    mann_whitney_u_by(a, b, method)
}

/// Two-sided Mann–Whitney U test of `a` against `b` by the given method.
///
/// With `U_max = max(U_a, U_b)`, `U_b = n_a n_b − U_a`:
///
/// - **Exact**: `p = min(1, 2·P(U ≥ U_max))` under the null distribution of U: all
///   `C(n_a + n_b, n_a)` ways of splitting the pooled ranks into the two samples equally likely.
///   Matches `scipy.stats.mannwhitneyu(a, b, method='exact')`.
/// - **Normal**: `z = (U_max − n_a n_b/2 − ½) / σ`, `p = min(1, 2·Φ(−z))` with the
///   tie-corrected `σ² = n_a n_b/12 · ((N + 1) − Σ_t (t³ − t) / (N(N − 1)))`, `N = n_a + n_b`,
///   `t` running over the sizes of the groups of tied values; the ½ is the continuity
///   correction. When every value is equal (σ = 0), `p = 1`. Matches
///   `scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True)`.
///
/// # Panics
/// If either sample is empty or holds a NaN; for `Exact`, if the pooled sample has ties (the
/// exact distribution assumes none; SciPy would truncate U and ignore them), or if the number
/// of splits `C(n_a + n_b, n_a)` exceeds `u64` (samples of about 30 each and more).
#[track_caller]
pub fn mann_whitney_u_by(a: &[f64], b: &[f64], method: MannWhitneyMethod) -> MannWhitney {
    check_samples("mann_whitney_u_by", a, b);
    let (n_a, n_b) = (a.len(), b.len());
    let u = u_statistic(a, b);
    let u_max = u.max((n_a * n_b) as f64 - u);
    let ties = tie_sizes(a, b);
    let p = match method {
        MannWhitneyMethod::Exact => {
            assert!(
                ties.is_empty(),
                "mann_whitney_u_by: the exact distribution of U assumes no ties, and the pooled \
                 sample has {} group(s) of tied values; use MannWhitneyMethod::Normal",
                ties.len()
            );
            let counts = exact_u_counts(n_a, n_b);
            let total: u64 = counts.iter().sum();
            // Without ties U is a whole number of pairs.
            let at_least_u_max: u64 = counts[u_max as usize..].iter().sum();
            2.0 * (at_least_u_max as f64 / total as f64)
        }
        MannWhitneyMethod::Normal => {
            let n = (n_a + n_b) as f64;
            let tie_term: f64 = ties.iter().map(|&t| (t * t * t - t) as f64).sum();
            // The same order of operations as SciPy's `_get_mwu_z`.
            let sigma =
                ((n_a * n_b) as f64 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
            if sigma == 0.0 {
                1.0 // every value equal: nothing to tell the samples apart
            } else {
                let z = (u_max - (n_a * n_b) as f64 / 2.0 - 0.5) / sigma;
                2.0 * normal_cdf(-z)
            }
        }
    };
    MannWhitney {
        u,
        p: p.min(1.0),
        effect: u / (n_a * n_b) as f64,
        method,
    }
}

#[track_caller]
fn check_samples(function: &str, a: &[f64], b: &[f64]) {
    assert!(
        !a.is_empty() && !b.is_empty(),
        "{function}: both samples need values (got {} and {})",
        a.len(),
        b.len()
    );
    refuse_nan(function, "a", a);
    refuse_nan(function, "b", b);
}

/// U of `a`: each pair `(a_i, b_j)` counts 1 when `a_i > b_j` and ½ when they are equal.
fn u_statistic(a: &[f64], b: &[f64]) -> f64 {
    let mut u = 0.0;
    for &x in a {
        for &y in b {
            if x > y {
                u += 1.0;
            } else if x == y {
                u += 0.5;
            }
        }
    }
    u
}

/// The sizes of the groups of equal values in the pooled sample (groups of one left out).
fn tie_sizes(a: &[f64], b: &[f64]) -> Vec<usize> {
    let pooled = sorted(&[a, b].concat());
    pooled
        .chunk_by(|x, y| x == y)
        .map(<[f64]>::len)
        .filter(|&t| t > 1)
        .collect()
}

/// `counts[u]`: in how many of the `C(m + n, m)` splits of `m + n` distinct ranks into samples
/// of `m` and `n` the first sample has `U = u`, for `u = 0 ..= m n`.
///
/// The largest of the `m + n` values belongs either to the first sample, where it beats all `n`
/// values of the second (U gains `n`), or to the second (U unchanged):
/// `c(m, n; u) = c(m − 1, n; u − n) + c(m, n − 1; u)`, with `c(0, n; 0) = c(m, 0; 0) = 1`.
#[track_caller]
fn exact_u_counts(m: usize, n: usize) -> Vec<u64> {
    // table[i][j] = counts for samples of i and j values; filled row by row.
    let mut table: Vec<Vec<Vec<u64>>> = vec![vec![Vec::new(); n + 1]; m + 1];
    for i in 0..=m {
        for j in 0..=n {
            table[i][j] = if i == 0 || j == 0 {
                vec![1]
            } else {
                let mut counts = vec![0u64; i * j + 1];
                for (u, &c) in table[i - 1][j].iter().enumerate() {
                    counts[u + j] = c; // the largest value in the first sample
                }
                for (u, &c) in table[i][j - 1].iter().enumerate() {
                    counts[u] = counts[u].checked_add(c).unwrap_or_else(|| {
                        panic!(
                            "mann_whitney_u_by: the exact distribution for samples of {m} and \
                             {n} values has more splits than u64 counts; use \
                             MannWhitneyMethod::Normal"
                        )
                    });
                }
                counts
            };
        }
    }
    std::mem::take(&mut table[m][n])
}

/// Standard normal distribution function `Φ(x) = ½ erfc(−x/√2)`, as SciPy's
/// `scipy.special.ndtr` computes it (Cephes' `ndtr`, from the `xsf` library): `½ + ½ erf(x/√2)`
/// near 0, `½ erfc(|x|/√2)` (or one minus it) beyond, so that the far lower tail keeps its
/// relative precision.
fn normal_cdf(x: f64) -> f64 {
    let y = x * std::f64::consts::FRAC_1_SQRT_2;
    if y.abs() < 1.0 {
        0.5 + 0.5 * erf(y)
    } else {
        let half_erfc = 0.5 * erfc(y.abs());
        if y > 0.0 {
            1.0 - half_erfc
        } else {
            half_erfc
        }
    }
}

/// Error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`: Cephes' rational approximation
/// `x·T(x²)/U(x²)` for `|x| ≤ 1` (relative error under 4e-16), `1 − erfc(x)` beyond.
#[allow(clippy::excessive_precision)] // the tables' digits as printed in xsf, to compare line by line
fn erf(x: f64) -> f64 {
    if x < 0.0 {
        return -erf(-x);
    }
    if x > 1.0 {
        return 1.0 - erfc(x);
    }
    const T: [f64; 5] = [
        9.60497373987051638749E0,
        9.00260197203842689217E1,
        2.23200534594684319226E3,
        7.00332514112805075473E3,
        5.55923013010394962768E4,
    ];
    const U: [f64; 5] = [
        3.35617141647503099647E1,
        5.21357949780152679795E2,
        4.59432382970980127987E3,
        2.26290000613890934246E4,
        4.92673942608635921086E4,
    ];
    let z = x * x;
    x * polynomial(z, &T) / monic_polynomial(z, &U)
}

/// Complementary error function `erfc(x) = 1 − erf(x)`: Cephes' `e^(−x²)·P(x)/Q(x)` for
/// `1 ≤ |x| < 8`, `e^(−x²)·R(x)/S(x)` from 8 on (relative error under 6e-14), `1 − erf(x)`
/// below 1; 0 once `e^(−x²)` underflows. The tables of both functions are those of SciPy's
/// `xsf/cephes/ndtr.h` (`ndtr_P` … `ndtr_U`), digit for digit.
#[allow(clippy::excessive_precision)] // as for `erf`
fn erfc(a: f64) -> f64 {
    const P: [f64; 9] = [
        2.46196981473530512524E-10,
        5.64189564831068821977E-1,
        7.46321056442269912687E0,
        4.86371970985681366614E1,
        1.96520832956077098242E2,
        5.26445194995477358631E2,
        9.34528527171957607540E2,
        1.02755188689515710272E3,
        5.57535335369399327526E2,
    ];
    const Q: [f64; 8] = [
        1.32281951154744992508E1,
        8.67072140885989742329E1,
        3.54937778887819891062E2,
        9.75708501743205489753E2,
        1.82390916687909736289E3,
        2.24633760818710981792E3,
        1.65666309194161350182E3,
        5.57535340817727675546E2,
    ];
    const R: [f64; 6] = [
        5.64189583547755073984E-1,
        1.27536670759978104416E0,
        5.01905042251180477414E0,
        6.16021097993053585195E0,
        7.40974269950448939160E0,
        2.97886665372100240670E0,
    ];
    const S: [f64; 6] = [
        2.26052863220117276590E0,
        9.39603524938001434673E0,
        1.20489539808096656605E1,
        1.70814450747565897222E1,
        9.60896809063285878198E0,
        3.36907645100081516050E0,
    ];
    const MAX_LOG: f64 = 7.09782712893383996732E2; // xsf's MAXLOG, ln of the largest f64
    let x = a.abs();
    if x < 1.0 {
        return 1.0 - erf(a);
    }
    let z = -a * a;
    let y = if z < -MAX_LOG {
        0.0
    } else if x < 8.0 {
        z.exp() * polynomial(x, &P) / monic_polynomial(x, &Q)
    } else {
        z.exp() * polynomial(x, &R) / monic_polynomial(x, &S)
    };
    if a < 0.0 {
        2.0 - y
    } else {
        y
    }
}

/// `c₀xᵈ + c₁xᵈ⁻¹ + … + c_d` by Horner's rule (Cephes' `polevl`).
fn polynomial(x: f64, coefficients: &[f64]) -> f64 {
    coefficients.iter().fold(0.0, |sum, &c| sum * x + c)
}

/// `xᵈ + c₀xᵈ⁻¹ + … + c_(d−1)`, the leading 1 left out of the table (Cephes' `p1evl`).
fn monic_polynomial(x: f64, coefficients: &[f64]) -> f64 {
    coefficients.iter().fold(1.0, |sum, &c| sum * x + c)
}

// ---------------------------------------------------------------------------------------------
// Holm
// ---------------------------------------------------------------------------------------------

/// Holm–Bonferroni adjusted p-values, in the order of `p_values`.
///
/// With the m p-values sorted ascending, `p_(1) ≤ … ≤ p_(m)`, the adjusted value of the i-th is
/// `p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j))`: the smallest is multiplied by m, the next
/// by m − 1, and so on, with the running maximum keeping the adjusted values in the order of the
/// raw ones. Rejecting every hypothesis with `p̃ ≤ α` keeps the probability of any false
/// rejection at most α, whatever the dependence between the tests. Same as statsmodels'
/// `multipletests(p, method='holm')[1]`.
///
/// # Panics
/// If a p-value is NaN or outside [0, 1].
#[track_caller]
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    for (i, &p) in p_values.iter().enumerate() {
        assert!(
            (0.0..=1.0).contains(&p),
            "holm: p_values[{i}] = {p} is not a probability in [0, 1]"
        );
    }
    let m = p_values.len();
    let mut ascending: Vec<usize> = (0..m).collect();
    ascending.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let mut adjusted = vec![0.0; m];
    let mut running_max: f64 = 0.0;
    for (j, &i) in ascending.iter().enumerate() {
        let scaled = ((m - j) as f64 * p_values[i]).min(1.0);
        running_max = running_max.max(scaled);
        adjusted[i] = running_max;
    }
    adjusted
}

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

/// An estimate with a confidence interval `[low, high]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The estimate from the samples themselves.
    pub estimate: f64,
}

/// Percentile bootstrap interval of `median(a) − median(b)`.
///
/// `estimate = median(a) − median(b)`. Each of the `resamples` rounds draws `n_a` values from
/// `a` and `n_b` from `b`, with replacement, and records `d* = median(a*) − median(b*)`; the
/// interval runs from the `(1 − c)/2` to the `(1 + c)/2` quantile of the `d*` (NumPy's
/// `'linear'` quantiles), `c = confidence`. The draws come from `ChaCha8Rng::seed_from_u64(seed)`,
/// so a seed always gives the same interval, on every platform.
///
/// With 10 seeds per optimizer the interval is coarse (a median of 10 resampled values takes
/// few distinct values); it says how large a difference might be, while [`mann_whitney_u`] says
/// whether there is one.
///
/// # Panics
/// If a sample is empty or holds a NaN or an infinity, if `resamples` is 0, or if `confidence`
/// is not strictly between 0 and 1.
#[track_caller]
pub fn bootstrap_median_difference(
    a: &[f64],
    b: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Interval {
    let function = "bootstrap_median_difference";
    assert!(
        !a.is_empty() && !b.is_empty(),
        "{function}: both samples need values (got {} and {})",
        a.len(),
        b.len()
    );
    refuse_non_finite(function, "a", a);
    refuse_non_finite(function, "b", b);
    assert!(resamples > 0, "{function}: resamples must be at least 1");
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "{function}: confidence = {confidence} must be strictly between 0 and 1"
    );
    let median = |values: &[f64]| quantile_of_sorted(&sorted(values), 0.5);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut resample = |values: &[f64], into: &mut Vec<f64>| {
        into.clear();
        into.extend((0..values.len()).map(|_| values[rng.random_range(0..values.len())]));
    };
    let (mut a_star, mut b_star) = (Vec::with_capacity(a.len()), Vec::with_capacity(b.len()));
    let mut differences = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        resample(a, &mut a_star);
        resample(b, &mut b_star);
        differences.push(median(&a_star) - median(&b_star));
    }
    differences.sort_by(f64::total_cmp);
    Interval {
        low: quantile_of_sorted(&differences, (1.0 - confidence) / 2.0),
        high: quantile_of_sorted(&differences, (1.0 + confidence) / 2.0),
        estimate: median(a) - median(b),
    }
}

// ---------------------------------------------------------------------------------------------
// Expected best of k trials
// ---------------------------------------------------------------------------------------------

/// Expected best validation result after `k` random-search trials, each drawn with replacement
/// from the `n` tuning results in `values` (Dodge et al. 2019, "Show Your Work"; the measure of
/// tunability of Sivaprasad et al. 2020).
///
/// With the values sorted from worst to best, `v_(1), …, v_(n)`, the best of k draws is
/// `v_(i)` or worse with probability `(i/n)^k`, so
/// `E[best of k] = Σ_i v_(i)·((i/n)^k − ((i − 1)/n)^k)`.
/// `k = 1` gives the mean; as k grows the value tends to the best of `values`. "Best" is the
/// largest when `higher_is_better` (accuracy), the smallest otherwise (loss, steps).
///
/// # Panics
/// If `values` is empty or holds a NaN or an infinity, or if `k` is 0.
///
/// # Example
/// ```
/// use lab::benchmark::stats::expected_best;
///
/// // Three tuning results; two trials: the best is 1 with probability 1/9, 2 with 3/9, 3 with 5/9.
/// let e = expected_best(&[2.0, 3.0, 1.0], 2, true);
/// assert!((e - 22.0 / 9.0).abs() < 1e-15);
/// ```
#[track_caller]
pub fn expected_best(values: &[f64], k: usize, higher_is_better: bool) -> f64 {
    assert!(!values.is_empty(), "expected_best: no tuning results");
    assert!(k > 0, "expected_best: k must be at least 1 trial");
    refuse_non_finite("expected_best", "values", values);
    let mut worst_to_best = sorted(values);
    if !higher_is_better {
        worst_to_best.reverse();
    }
    let n = worst_to_best.len() as f64;
    let k = k as f64;
    let at_most = |i: usize| (i as f64 / n).powf(k); // P(best of k is v_(i) or worse)
    worst_to_best
        .iter()
        .enumerate()
        .map(|(index, &v)| v * (at_most(index + 1) - at_most(index)))
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Comparing several optimizers
// ---------------------------------------------------------------------------------------------

/// Every pairwise test of a set of optimizers on one metric, and the ranking they support.
///
/// Built by [`compare_all`], which documents the rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Whether larger values of the metric are better (accuracy) or smaller (loss, steps).
    pub higher_is_better: bool,
    /// Significance level of the Holm-adjusted tests.
    pub alpha: f64,
    /// Every optimizer with its rank and summary, by rank; within a rank in the order given to
    /// [`compare_all`] (that order is not a ranking).
    pub ranking: Vec<Ranked>,
    /// The test of every pair, in the order given (first with second, first with third, …).
    pub pairs: Vec<PairTest>,
    /// The significant pairs, as "better than" statements, in the order of `pairs`.
    pub verdicts: Vec<Verdict>,
}

impl Comparison {
    /// The rank of the optimizer called `name`, if it is in the comparison.
    pub fn rank_of(&self, name: &str) -> Option<usize> {
        self.ranking.iter().find(|r| r.name == name).map(|r| r.rank)
    }
}

/// One optimizer's place in a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The optimizer.
    pub name: String,
    /// 1 + the number of optimizers significantly better than this one.
    pub rank: usize,
    /// Its results over seeds.
    pub summary: Summary,
}

/// The Mann–Whitney test of one pair of a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairTest {
    /// The first optimizer, sample `a` of the test.
    pub a: String,
    /// The second optimizer, sample `b`.
    pub b: String,
    /// The test of `a` against `b`; its `effect` is the probability that `a`'s value is larger.
    pub test: MannWhitney,
    /// `test.p` adjusted by [`holm`] over all pairs of the comparison.
    pub p_holm: f64,
}

/// "`better` is better than `worse`": a pair whose Holm-adjusted test is significant.
///
/// `Display` writes the sentence for the report, with the test, the adjusted p-value and the
/// effect size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The optimizer whose values tend to be better.
    pub better: String,
    /// The other one.
    pub worse: String,
    /// Holm-adjusted two-sided p-value of the Mann–Whitney test of the pair.
    pub p_holm: f64,
    /// Probability of superiority in the better direction: `P(better's value is better) +
    /// ½ P(equal)` for one run of each, over ½ always.
    pub effect: f64,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = if self.p_holm >= 0.001 {
            format!("{:.3}", self.p_holm)
        } else {
            format!("{:.1e}", self.p_holm)
        };
        write!(
            f,
            "{better} is better than {worse} (two-sided Mann–Whitney U test, Holm-adjusted \
             p = {p}; {better} is ahead in {percent:.0}% of the pairs of runs, ties counting half)",
            better = self.better,
            worse = self.worse,
            percent = 100.0 * self.effect,
        )
    }
}

/// Compares optimizers on one metric: a two-sided Mann–Whitney test for every pair, the
/// p-values adjusted by Holm's method over all pairs, and a ranking that shows ties as ties.
///
/// The rule: a pair is **significant** when its Holm-adjusted p is at most `alpha`; its
/// direction is that of the effect (`U_a / (n_a n_b)` above or below ½, in the sense of
/// `higher_is_better`). An optimizer's **rank is 1 + the number of others significantly better
/// than it**. Optimizers that no test separates share a rank (ties show as ties), and "not
/// separated" is not transitive: with A significantly better than C only, A and B have rank 1
/// and C rank 2, although B is separated from neither. Ranks need not be consecutive either:
/// two optimizers sharing rank 1 and both better than a third give it rank 3. A [`Verdict`] is
/// made for each significant pair and for nothing else: "better" never appears without its
/// test.
///
/// `groups` holds each optimizer's name and its values (one per seed). Infinities are
/// accepted (a diverged loss of +∞ ranks as the worst).
///
/// # Panics
/// If two groups share a name, a group is empty or holds a NaN, or `alpha` is not strictly
/// between 0 and 1.
#[track_caller]
pub fn compare_all(groups: &[(&str, &[f64])], higher_is_better: bool, alpha: f64) -> Comparison {
    assert!(
        alpha > 0.0 && alpha < 1.0,
        "compare_all: alpha = {alpha} must be strictly between 0 and 1"
    );
    for (i, &(name, values)) in groups.iter().enumerate() {
        assert!(
            !values.is_empty(),
            "compare_all: group '{name}' has no values"
        );
        refuse_nan("compare_all", name, values);
        assert!(
            groups[..i].iter().all(|&(other, _)| other != name),
            "compare_all: two groups are called '{name}'"
        );
    }

    let mut pairs = Vec::new();
    for (i, &(name_a, a)) in groups.iter().enumerate() {
        for &(name_b, b) in &groups[i + 1..] {
            pairs.push(PairTest {
                a: name_a.to_string(),
                b: name_b.to_string(),
                test: mann_whitney_u(a, b),
                p_holm: f64::NAN, // filled in below, once all pairs are known
            });
        }
    }
    let raw: Vec<f64> = pairs.iter().map(|pair| pair.test.p).collect();
    for (pair, p_holm) in pairs.iter_mut().zip(holm(&raw)) {
        pair.p_holm = p_holm;
    }

    let mut verdicts = Vec::new();
    for pair in pairs.iter().filter(|pair| pair.p_holm <= alpha) {
        // Probability that a's value is the better one, ties counting half.
        let a_ahead = if higher_is_better {
            pair.test.effect
        } else {
            1.0 - pair.test.effect
        };
        let (better, worse, effect) = if a_ahead > 0.5 {
            (&pair.a, &pair.b, a_ahead)
        } else {
            (&pair.b, &pair.a, 1.0 - a_ahead)
        };
        verdicts.push(Verdict {
            better: better.clone(),
            worse: worse.clone(),
            p_holm: pair.p_holm,
            effect,
        });
    }

    let mut ranking: Vec<Ranked> = groups
        .iter()
        .map(|&(name, values)| Ranked {
            name: name.to_string(),
            rank: 1 + verdicts.iter().filter(|v| v.worse == name).count(),
            summary: Summary::of(values),
        })
        .collect();
    ranking.sort_by_key(|r| r.rank); // stable: within a rank, the order given

    Comparison {
        higher_is_better,
        alpha,
        ranking,
        pairs,
        verdicts,
    }
}

// ---------------------------------------------------------------------------------------------
// Time to target
// ---------------------------------------------------------------------------------------------

/// Dolan–Moré performance profiles: for each solver and each τ, the fraction of problems on
/// which its cost is within a factor τ of the best solver's (Dolan and Moré 2002; AlgoPerf's
/// way of scoring training algorithms by time to target).
///
/// `costs[p][s]` is solver s's cost on problem p (steps or seconds to reach the target), `None`
/// when it never reached it. The ratio is `r_(p,s) = costs[p][s] / min_s' costs[p][s']`, +∞ for
/// `None`; a problem no solver solved has +∞ for everyone and so counts against everyone. The
/// result `profile[s][t] = #{p : r_(p,s) ≤ taus[t]} / #problems` (a solver × τ table). At τ = 1
/// it is the fraction of problems where the solver was fastest (ties count for each); as τ
/// grows it tends to the fraction of problems the solver solved at all.
///
/// # Panics
/// If there are no problems, the rows have different lengths, a cost is not finite and
/// positive, or a τ is NaN.
///
/// # Example
/// ```
/// use lab::benchmark::stats::performance_profile;
///
/// // Two problems × two solvers; the second never reaches the target on problem 2.
/// let costs = vec![vec![Some(100.0), Some(150.0)], vec![Some(300.0), None]];
/// let profile = performance_profile(&costs, &[1.0, 2.0]);
/// assert_eq!(profile, vec![vec![1.0, 1.0], vec![0.0, 0.5]]);
/// ```
#[track_caller]
pub fn performance_profile(costs: &[Vec<Option<f64>>], taus: &[f64]) -> Vec<Vec<f64>> {
    let function = "performance_profile";
    assert!(!costs.is_empty(), "{function}: no problems");
    let solvers = costs[0].len();
    for (p, row) in costs.iter().enumerate() {
        assert_eq!(
            row.len(),
            solvers,
            "{function}: problem {p} has {} solvers, problem 0 has {solvers}",
            row.len()
        );
        for (s, cost) in row.iter().enumerate() {
            if let &Some(c) = cost {
                assert!(
                    c.is_finite() && c > 0.0,
                    "{function}: costs[{p}][{s}] = {c} is not a finite positive cost \
                     (a run that never reached the target is None)"
                );
            }
        }
    }
    refuse_nan(function, "taus", taus);

    let ratios: Vec<Vec<f64>> = costs
        .iter()
        .map(|row| {
            let best = row.iter().flatten().copied().fold(f64::INFINITY, f64::min);
            row.iter()
                .map(|cost| cost.map_or(f64::INFINITY, |c| c / best))
                .collect()
        })
        .collect();
    let problems = costs.len() as f64;
    (0..solvers)
        .map(|s| {
            taus.iter()
                .map(|&tau| ratios.iter().filter(|row| row[s] <= tau).count() as f64 / problems)
                .collect()
        })
        .collect()
}

/// Median time to target over seeds, a run that never reached the target (`None`) counting as
/// +∞; `None` when the median itself is such a miss.
///
/// With the values sorted and the misses last, this is the ordinary median (NumPy's quantile ½):
/// the middle value, or the mean of the two middle ones. It is a miss, and the answer `None`,
/// when more than half of the runs missed for an odd count, or half or more for an even count
/// (the mean of a time and +∞ is +∞): of 10 seeds, 5 misses already give `None`.
///
/// # Panics
/// If `values` is empty or holds a NaN, an infinity or a negative time (a miss is `None`).
#[track_caller]
pub fn median_with_misses(values: &[Option<f64>]) -> Option<f64> {
    assert!(!values.is_empty(), "median_with_misses: no values");
    for (i, value) in values.iter().enumerate() {
        if let &Some(v) = value {
            assert!(
                v.is_finite() && v >= 0.0,
                "median_with_misses: values[{i}] = {v} is not a finite time \
                 (a run that never reached the target is None)"
            );
        }
    }
    let times: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::INFINITY)).collect();
    let times = sorted(&times);
    // The upper of the middle values (the middle one for an odd count) decides.
    if times[times.len() / 2].is_infinite() {
        None
    } else {
        Some(quantile_of_sorted(&times, 0.5))
    }
}

// ---------------------------------------------------------------------------------------------
// Refusing NaN
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn refuse_nan(function: &str, what: &str, values: &[f64]) {
    if let Some(i) = values.iter().position(|v| v.is_nan()) {
        panic!(
            "{function}: {what}[{i}] is NaN; decide what the run means (leave it out, count it \
             as a miss, or as +∞) before comparing"
        );
    }
}

#[track_caller]
fn refuse_non_finite(function: &str, what: &str, values: &[f64]) {
    refuse_nan(function, what, values);
    if let Some(i) = values.iter().position(|v| v.is_infinite()) {
        panic!(
            "{function}: {what}[{i}] = {} is not finite; this computation needs finite values",
            values[i]
        );
    }
}

#[cfg(test)]
mod tests;
