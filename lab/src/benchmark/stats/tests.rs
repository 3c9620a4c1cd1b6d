//! Tests of `stats.rs`: SciPy/NumPy reference values from the fixture recorded by
//! `tools/reference_stats.py`, and hand-worked cases written out below.

use serde_json::Value;

use super::*;

/// The fixture, relative to this file; adjust the path where the module moves.
const FIXTURE: &str = include_str!("../../../tests/fixtures/stats_reference.json");

/// Agreement with SciPy's and NumPy's values, relative. Our exact p divides integer counts once
/// where SciPy sums floating-point probabilities, and our sums run in another order: the
/// differences are a few ulps, far below this.
const REL: f64 = 1e-12;

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the fixture is valid JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    let tolerance = rel * expected.abs();
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: got {actual:e}, expected {expected:e} (relative difference {:e})",
        ((actual - expected) / expected).abs()
    );
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

#[test]
fn summary_matches_numpy_quantiles_and_mean() {
    let fixture = fixture();
    let cases = fixture["quantiles"].as_array().expect("quantile cases");
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let x = floats(&case["x"]);
        let q = floats(&case["quantiles"]);
        assert_eq!(floats(&case["q"]), [0.0, 0.25, 0.5, 0.75, 1.0]);
        let s = Summary::of(&x);
        assert_eq!(s.n, x.len(), "{name}");
        assert_eq!(s.min, q[0], "{name}: min");
        assert_close(s.q1, q[1], REL, &format!("{name}: q1"));
        assert_close(s.median, q[2], REL, &format!("{name}: median"));
        assert_close(s.q3, q[3], REL, &format!("{name}: q3"));
        assert_eq!(s.max, q[4], "{name}: max");
        assert_close(s.mean, case["mean"].as_f64().unwrap(), REL, name);
    }
}

#[test]
fn summary_of_four_values_interpolates_linearly() {
    // Sorted 1 2 3 4; quantile q sits at position 3q: ¼ → 0.75 (1 + 0.75·1), ½ → 1.5, ¾ → 2.25.
    let s = Summary::of(&[4.0, 1.0, 3.0, 2.0]);
    let expected = Summary {
        n: 4,
        median: 2.5,
        q1: 1.75,
        q3: 3.25,
        min: 1.0,
        max: 4.0,
        mean: 2.5,
    };
    assert_eq!(s, expected);
}

#[test]
fn summary_with_a_diverged_run_reaches_infinity_in_the_upper_quartile() {
    // Sorted 1 2 3 +∞: q3 at position 2.25 lies between 3 and +∞, hence +∞; the median
    // (position 1.5) is still 2.5.
    let s = Summary::of(&[3.0, f64::INFINITY, 1.0, 2.0]);
    assert_eq!(s.median, 2.5);
    assert_eq!(s.q1, 1.75);
    assert_eq!(s.q3, f64::INFINITY);
    assert_eq!(s.max, f64::INFINITY);
    assert_eq!(s.mean, f64::INFINITY);
}

#[test]
#[should_panic(expected = "Summary::of: values[1] is NaN")]
fn summary_refuses_nan() {
    Summary::of(&[1.0, f64::NAN]);
}

#[test]
#[should_panic(expected = "no values")]
fn summary_refuses_an_empty_sample() {
    Summary::of(&[]);
}

// ---------------------------------------------------------------------------------------------
// Mann–Whitney U
// ---------------------------------------------------------------------------------------------

/// The Mann–Whitney cases of the fixture: (name, a, b, has_ties, U, p asymptotic, p exact).
type MwCase = (String, Vec<f64>, Vec<f64>, bool, f64, f64, Option<f64>);

fn mann_whitney_cases() -> Vec<MwCase> {
    let fixture = fixture();
    let cases: Vec<MwCase> = fixture["mann_whitney"]
        .as_array()
        .expect("Mann–Whitney cases")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("a name").to_string(),
                floats(&c["a"]),
                floats(&c["b"]),
                c["has_ties"].as_bool().expect("has_ties"),
                c["u"].as_f64().expect("u"),
                c["p_asymptotic"].as_f64().expect("p_asymptotic"),
                c["p_exact"].as_f64(),
            )
        })
        .collect();
    assert!(cases.len() >= 10, "the fixture lost its cases");
    cases
}

#[test]
fn mann_whitney_exact_matches_scipy() {
    let mut exact_cases = 0;
    for (name, a, b, _, u, _, p_exact) in mann_whitney_cases() {
        let Some(p_exact) = p_exact else { continue };
        let test = mann_whitney_u_by(&a, &b, MannWhitneyMethod::Exact);
        assert_eq!(test.u, u, "{name}: U");
        assert_close(test.p, p_exact, REL, &format!("{name}: exact p"));
        exact_cases += 1;
    }
    assert!(exact_cases >= 6, "only {exact_cases} exact cases");
}

#[test]
fn mann_whitney_normal_approximation_matches_scipy() {
    for (name, a, b, _, u, p_asymptotic, _) in mann_whitney_cases() {
        let test = mann_whitney_u_by(&a, &b, MannWhitneyMethod::Normal);
        assert_eq!(test.u, u, "{name}: U");
        assert_close(test.p, p_asymptotic, REL, &format!("{name}: asymptotic p"));
        assert_eq!(
            test.effect,
            u / (a.len() * b.len()) as f64,
            "{name}: effect"
        );
    }
}

#[test]
fn mann_whitney_is_exact_only_without_ties_and_up_to_twenty_values() {
    for (name, a, b, has_ties, _, p_asymptotic, p_exact) in mann_whitney_cases() {
        let test = mann_whitney_u(&a, &b);
        let small = a.len() <= EXACT_MAX_SIZE && b.len() <= EXACT_MAX_SIZE;
        if small && !has_ties {
            assert_eq!(test.method, MannWhitneyMethod::Exact, "{name}");
            assert_close(test.p, p_exact.expect("recorded"), REL, &name);
        } else {
            assert_eq!(test.method, MannWhitneyMethod::Normal, "{name}");
            assert_close(test.p, p_asymptotic, REL, &name);
        }
    }
    // 21 values: one more than the exact limit.
    let a: Vec<f64> = (0..21).map(f64::from).collect();
    assert_eq!(
        mann_whitney_u(&a, &[0.5, 1.5]).method,
        MannWhitneyMethod::Normal
    );
}

#[test]
fn mann_whitney_u_counts_pairs_with_ties_as_halves() {
    // a = 1 3 5, b = 2 3: 1 beats nothing; 3 beats 2 and ties 3 (1 + ½); 5 beats both (2).
    let test = mann_whitney_u_by(&[1.0, 3.0, 5.0], &[2.0, 3.0], MannWhitneyMethod::Normal);
    assert_eq!(test.u, 3.5);
    assert_eq!(test.effect, 3.5 / 6.0);
    // Swapping the samples gives n_a n_b − U and 1 − effect, and the same two-sided p.
    let swapped = mann_whitney_u_by(&[2.0, 3.0], &[1.0, 3.0, 5.0], MannWhitneyMethod::Normal);
    assert_eq!(swapped.u, 2.5);
    assert_eq!(swapped.p, test.p);
}

#[test]
fn exact_distribution_of_u_for_two_and_two() {
    // The 6 splits of ranks 1..4 into two pairs, by the ranks of the first sample:
    // {1,2} U=0, {1,3} U=1, {1,4} U=2, {2,3} U=2, {2,4} U=3, {3,4} U=4.
    assert_eq!(exact_u_counts(2, 2), [1, 1, 2, 1, 1]);
    // One against n: U is the number of b's below the single a, each value once.
    assert_eq!(exact_u_counts(1, 4), [1, 1, 1, 1, 1]);
    // The counts add up to C(20, 10) at the benchmark's size.
    assert_eq!(exact_u_counts(10, 10).iter().sum::<u64>(), 184_756);
}

#[test]
fn exact_p_of_complete_separation_is_two_splits_out_of_all() {
    let a: Vec<f64> = (11..=20).map(f64::from).collect();
    let b: Vec<f64> = (1..=10).map(f64::from).collect();
    // Only "all of a above all of b" and its mirror are as extreme: 2 / C(20, 10).
    let test = mann_whitney_u(&a, &b);
    assert_eq!(test.u, 100.0);
    assert_eq!(test.effect, 1.0);
    assert_eq!(test.p, 2.0 / 184_756.0);
    let reversed = mann_whitney_u(&b, &a);
    assert_eq!(
        (reversed.u, reversed.effect, reversed.p),
        (0.0, 0.0, test.p)
    );
}

#[test]
fn mann_whitney_of_all_equal_values_has_p_one() {
    let test = mann_whitney_u(&[2.0, 2.0, 2.0], &[2.0, 2.0]);
    assert_eq!(test.method, MannWhitneyMethod::Normal);
    assert_eq!((test.u, test.p, test.effect), (3.0, 1.0, 0.5));
}

#[test]
fn normal_cdf_matches_scipy_ndtr() {
    let fixture = fixture();
    let grid = fixture["ndtr"].as_array().expect("ndtr grid");
    assert!(grid.len() >= 20);
    for point in grid {
        let x = point["x"].as_f64().expect("x");
        let expected = point["ndtr"].as_f64().expect("ndtr");
        assert_close(normal_cdf(x), expected, REL, &format!("ndtr({x})"));
    }
}

#[test]
#[should_panic(expected = "the exact distribution of U assumes no ties")]
fn exact_mann_whitney_refuses_ties() {
    mann_whitney_u_by(&[1.0, 2.0], &[2.0, 3.0], MannWhitneyMethod::Exact);
}

#[test]
#[should_panic(expected = "mann_whitney_u: b[0] is NaN")]
fn mann_whitney_refuses_nan() {
    mann_whitney_u(&[1.0, 2.0], &[f64::NAN]);
}

#[test]
#[should_panic(expected = "both samples need values")]
fn mann_whitney_refuses_an_empty_sample() {
    mann_whitney_u(&[1.0, 2.0], &[]);
}

// ---------------------------------------------------------------------------------------------
// Holm
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn assert_all_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        assert_close(a, e, 1e-15, &format!("[{i}]"));
    }
}

#[test]
fn holm_multiplies_the_smallest_by_m_and_keeps_the_order() {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → raised to 0.06 by
    // the running maximum. Back in the input order:
    let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
    assert_all_close(&adjusted, &[0.03, 0.06, 0.06, 0.02]);
}

#[test]
fn holm_gives_equal_p_values_equal_adjustments() {
    // Sorted: 0.001·4 = 0.004, 0.02·3 = 0.06, 0.02·2 = 0.04 → 0.06, 0.5·1 = 0.5.
    let adjusted = holm(&[0.02, 0.02, 0.5, 0.001]);
    assert_all_close(&adjusted, &[0.06, 0.06, 0.5, 0.004]);
}

#[test]
fn holm_caps_at_one() {
    // 0.4·3 = 1.2 → 1, 0.6·2 = 1.2 → 1, 0.9·1 = 0.9 → 1 by the running maximum.
    assert_eq!(holm(&[0.9, 0.4, 0.6]), [1.0, 1.0, 1.0]);
    assert_eq!(holm(&[0.3]), [0.3]);
    assert_eq!(holm(&[]), Vec::<f64>::new());
}

#[test]
fn holm_matches_statsmodels_where_recorded() {
    // tools/reference_stats.py records statsmodels' values when statsmodels is importable; the
    // fixture then holds "cases", otherwise it says why it skipped them.
    let fixture = fixture();
    let section = &fixture["holm"];
    match section["cases"].as_array() {
        Some(cases) => {
            for case in cases {
                assert_all_close(&holm(&floats(&case["p"])), &floats(&case["adjusted"]));
            }
        }
        None => assert!(
            section["skipped"].as_str().is_some(),
            "the fixture's holm section has neither cases nor a reason for skipping them"
        ),
    }
}

#[test]
#[should_panic(expected = "holm: p_values[1] = 1.5 is not a probability")]
fn holm_refuses_values_outside_zero_one() {
    holm(&[0.1, 1.5]);
}

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

/// Ten spread-out values, as ten seeds might give.
const SEEDS: [f64; 10] = [0.3, 1.9, 0.8, 1.2, 0.1, 1.6, 0.5, 1.1, 0.9, 1.4];

#[test]
fn bootstrap_of_a_large_shift_excludes_zero_and_contains_the_shift() {
    // a is b moved up by 10, far more than b's spread (0.1 to 1.9).
    let a: Vec<f64> = SEEDS.iter().map(|x| x + 10.0).collect();
    let interval = bootstrap_median_difference(&a, &SEEDS, 2000, 0.95, 7);
    assert_close(interval.estimate, 10.0, 1e-15, "estimate");
    assert!(interval.low > 0.0, "{interval:?}");
    assert!(
        interval.low <= 10.0 && 10.0 <= interval.high,
        "{interval:?}"
    );
    // Each resampled median lies within the spread of its sample, so the difference does too.
    assert!(
        interval.low >= 10.0 - 1.8 && interval.high <= 10.0 + 1.8,
        "{interval:?}"
    );
}

#[test]
fn bootstrap_of_equal_samples_contains_zero() {
    let mut permuted = SEEDS;
    permuted.reverse();
    let interval = bootstrap_median_difference(&SEEDS, &permuted, 2000, 0.95, 7);
    assert_eq!(interval.estimate, 0.0);
    assert!(interval.low < 0.0 && 0.0 < interval.high, "{interval:?}");
}

#[test]
fn bootstrap_is_deterministic_for_a_seed() {
    let a: Vec<f64> = SEEDS.iter().map(|x| x * 1.3).collect();
    let first = bootstrap_median_difference(&a, &SEEDS, 500, 0.9, 42);
    let again = bootstrap_median_difference(&a, &SEEDS, 500, 0.9, 42);
    assert_eq!(first, again);
    assert!(first.low <= first.high);
}

#[test]
fn bootstrap_interval_widens_with_confidence() {
    let a: Vec<f64> = SEEDS.iter().map(|x| x + 0.4).collect();
    let narrow = bootstrap_median_difference(&a, &SEEDS, 2000, 0.5, 3);
    let wide = bootstrap_median_difference(&a, &SEEDS, 2000, 0.99, 3);
    // Same seed, same resamples: only the quantiles taken differ.
    assert!(wide.low <= narrow.low && narrow.high <= wide.high);
    assert!(wide.high - wide.low > narrow.high - narrow.low);
}

#[test]
#[should_panic(expected = "confidence = 1 must be strictly between 0 and 1")]
fn bootstrap_refuses_confidence_one() {
    bootstrap_median_difference(&SEEDS, &SEEDS, 100, 1.0, 0);
}

#[test]
#[should_panic(expected = "bootstrap_median_difference: a[0] = inf is not finite")]
fn bootstrap_refuses_infinity() {
    bootstrap_median_difference(&[f64::INFINITY], &SEEDS, 100, 0.9, 0);
}

// ---------------------------------------------------------------------------------------------
// Expected best of k trials
// ---------------------------------------------------------------------------------------------

#[test]
fn expected_best_of_three_results() {
    // Sorted worst to best 1 2 3. One trial: the mean, 2.
    assert_close(
        expected_best(&[3.0, 1.0, 2.0], 1, true),
        2.0,
        1e-15,
        "k = 1",
    );
    // Two trials: best is 1 with prob 1/9, 2 with 4/9 − 1/9, 3 with 1 − 4/9:
    // (1·1 + 2·3 + 3·5)/9 = 22/9.
    assert_close(
        expected_best(&[3.0, 1.0, 2.0], 2, true),
        22.0 / 9.0,
        1e-15,
        "k = 2",
    );
    // Lower is better: worst to best 3 2 1, (3·1 + 2·3 + 1·5)/9 = 14/9.
    assert_close(
        expected_best(&[3.0, 1.0, 2.0], 2, false),
        14.0 / 9.0,
        1e-15,
        "loss",
    );
}

#[test]
fn expected_best_tends_to_the_best_result() {
    let values = [0.91, 0.95, 0.93, 0.97, 0.90];
    // 1000 trials: the best is missed with probability (4/5)^1000 ≈ 1e-97.
    assert_close(expected_best(&values, 1000, true), 0.97, 1e-15, "max");
    assert_close(expected_best(&values, 1000, false), 0.90, 1e-15, "min");
    // Each further trial can only help.
    let curve: Vec<f64> = (1..=20).map(|k| expected_best(&values, k, true)).collect();
    assert!(curve.windows(2).all(|w| w[0] < w[1]), "{curve:?}");
}

#[test]
#[should_panic(expected = "expected_best: k must be at least 1")]
fn expected_best_refuses_zero_trials() {
    expected_best(&[1.0], 0, true);
}

// ---------------------------------------------------------------------------------------------
// Comparing several optimizers
// ---------------------------------------------------------------------------------------------

/// Ten values well above `LOW` (every one of them larger than every one of `LOW`).
const HIGH: [f64; 10] = [
    0.981, 0.979, 0.984, 0.980, 0.983, 0.978, 0.982, 0.985, 0.977, 0.986,
];
const LOW: [f64; 10] = [
    0.961, 0.958, 0.965, 0.960, 0.963, 0.957, 0.962, 0.966, 0.959, 0.964,
];

#[test]
fn compare_all_ranks_a_clear_winner_first_and_shows_the_tie() {
    let mut low_permuted = LOW;
    low_permuted.rotate_left(3);
    let groups = [("a", &HIGH[..]), ("b", &LOW[..]), ("c", &low_permuted[..])];
    let comparison = compare_all(&groups, true, 0.05);

    // a–b and a–c: complete separation, exact p = 2/C(20,10) each; b–c: the same values, p = 1.
    // Holm over three pairs: 3·p and max(3·p, 2·p) for the two small ones, 1 for the last.
    let p_separated = 2.0 / 184_756.0;
    let p_holm: Vec<f64> = comparison.pairs.iter().map(|p| p.p_holm).collect();
    assert_all_close(&p_holm, &[3.0 * p_separated, 3.0 * p_separated, 1.0]);

    assert_eq!(comparison.rank_of("a"), Some(1));
    assert_eq!(comparison.rank_of("b"), Some(2));
    assert_eq!(comparison.rank_of("c"), Some(2));
    let ranking: Vec<&str> = comparison.ranking.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(ranking, ["a", "b", "c"]);

    let verdicts: Vec<(&str, &str, f64)> = comparison
        .verdicts
        .iter()
        .map(|v| (v.better.as_str(), v.worse.as_str(), v.effect))
        .collect();
    assert_eq!(verdicts, [("a", "b", 1.0), ("a", "c", 1.0)]);
}

#[test]
fn compare_all_of_identical_groups_ranks_everyone_first() {
    let names = [
        "sgd", "momentum", "nag", "adagrad", "rmsprop", "adadelta", "adam", "x", "y", "z",
    ];
    let permutations: Vec<Vec<f64>> = (0..10)
        .map(|shift| {
            let mut values = HIGH;
            values.rotate_left(shift);
            values.to_vec()
        })
        .collect();
    let groups: Vec<(&str, &[f64])> = names
        .iter()
        .zip(&permutations)
        .map(|(&name, values)| (name, &values[..]))
        .collect();
    let comparison = compare_all(&groups, true, 0.05);
    assert_eq!(comparison.pairs.len(), 45);
    assert!(comparison.pairs.iter().all(|pair| pair.p_holm == 1.0));
    assert!(comparison.ranking.iter().all(|r| r.rank == 1));
    assert!(comparison.verdicts.is_empty());
}

#[test]
fn compare_all_lower_is_better_reverses_the_direction() {
    let mut low_permuted = LOW;
    low_permuted.reverse();
    let groups = [("a", &HIGH[..]), ("b", &LOW[..]), ("c", &low_permuted[..])];
    // As losses, b and c (the low values) are better than a, and tie with each other.
    let losses = compare_all(&groups, false, 0.05);
    assert_eq!(losses.rank_of("b"), Some(1));
    assert_eq!(losses.rank_of("c"), Some(1));
    assert_eq!(losses.rank_of("a"), Some(3));
    let verdicts: Vec<(&str, &str, f64)> = losses
        .verdicts
        .iter()
        .map(|v| (v.better.as_str(), v.worse.as_str(), v.effect))
        .collect();
    assert_eq!(verdicts, [("b", "a", 1.0), ("c", "a", 1.0)]);
    let ranking: Vec<&str> = losses.ranking.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(ranking, ["b", "c", "a"]);
}

#[test]
fn compare_all_ranks_count_significant_betters_not_positions() {
    // a > b and b > c by a little (U = 72 of 100 each: a–b p ≈ 0.1), a > c by a lot (U = 90):
    // only a–c survives Holm, so a and b share rank 1 and c, with one optimizer better, is 2.
    let a: Vec<f64> = (10..20).map(f64::from).collect();
    let b: Vec<f64> = a.iter().map(|x| x - 2.5).collect();
    let c: Vec<f64> = a.iter().map(|x| x - 5.25).collect();
    let comparison = compare_all(&[("a", &a[..]), ("b", &b[..]), ("c", &c[..])], true, 0.05);
    let u: Vec<f64> = comparison.pairs.iter().map(|pair| pair.test.u).collect();
    assert_eq!(u, [72.0, 90.0, 72.0]);
    assert_eq!(comparison.rank_of("a"), Some(1));
    assert_eq!(comparison.rank_of("b"), Some(1));
    assert_eq!(comparison.rank_of("c"), Some(2));
    assert_eq!(comparison.verdicts.len(), 1);
    assert_eq!(
        (
            &*comparison.verdicts[0].better,
            &*comparison.verdicts[0].worse
        ),
        ("a", "c")
    );
    assert_eq!(comparison.verdicts[0].effect, 0.9);
}

#[test]
fn verdict_reads_as_a_sentence_with_its_test() {
    let verdict = Verdict {
        better: "adam".to_string(),
        worse: "sgd".to_string(),
        p_holm: 3.0 * 2.0 / 184_756.0,
        effect: 0.955,
    };
    assert_eq!(
        verdict.to_string(),
        "adam is better than sgd (two-sided Mann–Whitney U test, Holm-adjusted p = 3.2e-5; \
         adam is ahead in 96% of the pairs of runs, ties counting half)"
    );
    let verdict = Verdict {
        p_holm: 0.0213,
        ..verdict
    };
    assert!(verdict.to_string().contains("p = 0.021;"));
}

#[test]
fn comparison_serializes_to_json() {
    let groups = [("a", &HIGH[..]), ("b", &LOW[..])];
    let json = serde_json::to_value(compare_all(&groups, true, 0.05)).expect("serializable");
    assert_eq!(json["ranking"][0]["name"], "a");
    assert_eq!(json["ranking"][1]["rank"], 2);
    assert_eq!(json["ranking"][1]["summary"]["n"], 10);
    assert_eq!(json["pairs"][0]["test"]["method"], "Exact");
    assert_eq!(json["verdicts"][0]["better"], "a");
    assert_eq!(json["higher_is_better"], true);
}

#[test]
#[should_panic(expected = "compare_all: two groups are called 'a'")]
fn compare_all_refuses_duplicate_names() {
    compare_all(&[("a", &HIGH[..]), ("a", &LOW[..])], true, 0.05);
}

#[test]
#[should_panic(expected = "compare_all: b[2] is NaN")]
fn compare_all_refuses_nan_naming_the_group() {
    compare_all(
        &[("a", &HIGH[..]), ("b", &[1.0, 2.0, f64::NAN])],
        true,
        0.05,
    );
}

// ---------------------------------------------------------------------------------------------
// Time to target
// ---------------------------------------------------------------------------------------------

#[test]
fn performance_profile_of_three_problems_and_three_solvers() {
    let costs = vec![
        vec![Some(10.0), Some(40.0), None],       // ratios 1, 4, ∞
        vec![Some(30.0), Some(15.0), Some(20.0)], // ratios 2, 1, 4/3
        vec![None, None, None],                   // nobody: ∞ for all
    ];
    let profile = performance_profile(&costs, &[1.0, 1.5, 2.0, 4.0]);
    let third = 1.0 / 3.0;
    let two_thirds = 2.0 / 3.0;
    assert_eq!(
        profile,
        [
            vec![third, third, two_thirds, two_thirds], // 1 on problem 1; 2 on problem 2
            vec![third, third, third, two_thirds],      // 1 on problem 2; 4 on problem 1
            vec![0.0, third, third, third],             // 4/3 on problem 2
        ]
    );
}

#[test]
#[should_panic(expected = "performance_profile: problem 1 has 2 solvers, problem 0 has 3")]
fn performance_profile_refuses_ragged_rows() {
    performance_profile(&[vec![Some(1.0); 3], vec![Some(1.0); 2]], &[1.0]);
}

#[test]
#[should_panic(expected = "costs[0][1] = 0 is not a finite positive cost")]
fn performance_profile_refuses_zero_cost() {
    performance_profile(&[vec![Some(1.0), Some(0.0)]], &[1.0]);
}

#[test]
fn median_with_misses_counts_a_miss_as_infinite() {
    // 100 200 300 ∞ ∞: 2 of 5 missed, the middle value is 300.
    let five = [Some(300.0), None, Some(100.0), Some(200.0), None];
    assert_eq!(median_with_misses(&five), Some(300.0));
    // 1 2 3 ∞: the mean of the middle two.
    assert_eq!(
        median_with_misses(&[Some(1.0), Some(3.0), None, Some(2.0)]),
        Some(2.5)
    );
    // Half of an even count missed: the middle pair holds a miss.
    assert_eq!(median_with_misses(&[Some(1.0), None]), None);
    // More than half of an odd count missed.
    assert_eq!(median_with_misses(&[None, Some(1.0), None]), None);
    assert_eq!(median_with_misses(&[Some(7.0)]), Some(7.0));
}

#[test]
#[should_panic(expected = "median_with_misses: values[0] = inf is not a finite time")]
fn median_with_misses_refuses_infinity_for_a_miss() {
    median_with_misses(&[Some(f64::INFINITY)]);
}
