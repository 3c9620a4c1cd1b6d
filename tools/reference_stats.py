#!/usr/bin/env python3
"""Record SciPy's and NumPy's answers for the statistics of the optimizer benchmark, for the tests
of `stats.rs` (Mann–Whitney U, the normal tail it uses, quartiles, Holm's adjustment).

Run once by hand in the reference venv (see tools/README.md); never in CI:

    /work/venv/bin/python tools/reference_stats.py

Writes lab/tests/fixtures/stats_reference.json with:

- `mann_whitney`: for each case the two samples, U of the first sample, and the two-sided p of
  `scipy.stats.mannwhitneyu(a, b, alternative='two-sided', use_continuity=True, method=M)` for
  M = 'asymptotic' always and M = 'exact' when the pooled sample has no ties and both samples
  have at most 20 values (with ties SciPy's 'exact' truncates U to an integer and ignores the
  ties, which is not a test of anything; the Rust side refuses it). `has_ties` is recorded so
  that the Rust test can check which method its automatic choice makes.
- `ndtr`: `scipy.special.ndtr(x)` on a grid reaching far into the lower tail, where the
  asymptotic p-values of well-separated samples live.
- `quantiles`: `np.quantile(x, [0, .25, .5, .75, 1])` (method 'linear', NumPy's default) and
  `np.mean(x)` for a few samples.
- `holm`: `statsmodels.stats.multitest.multipletests(p, method='holm')[1]`, or, when
  statsmodels is not importable, `{"skipped": reason}` (the Rust tests then rely on their
  hand-worked Holm cases alone).

All samples are written with Python's shortest round-trip float repr, so the Rust side reads
the very same doubles (serde_json with `float_roundtrip`).
"""
import json
import os
import platform

import numpy as np
import scipy
from scipy import special, stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab", "tests", "fixtures", "stats_reference.json")

EXACT_MAX = 20  # the largest sample for which stats.rs uses the exact distribution


def floats(x):
    return [float(v) for v in x]


def has_ties(a, b):
    pooled = np.concatenate([a, b])
    return bool(len(np.unique(pooled)) < len(pooled))


def mann_whitney_cases():
    rng = np.random.default_rng(20240611)
    cases = {
        # 4 vs 3, no ties: every p of the exact distribution is a multiple of 1/35.
        "small_no_ties": ([1.2, 3.4, 0.5, 2.2], [4.1, 5.0, 2.9]),
        # The benchmark's size: 10 seeds each, overlapping, no ties.
        "ten_vs_ten_overlap": (rng.normal(0.0, 1.0, 10), rng.normal(0.8, 1.0, 10)),
        # Complete separation at 10 vs 10: the exact two-sided p is 2 / C(20, 10).
        "ten_vs_ten_separated": (np.arange(11.0, 21.0), np.arange(1.0, 11.0)),
        "ten_vs_ten_separated_reversed": (np.arange(1.0, 11.0), np.arange(11.0, 21.0)),
        # The same values in both samples: ties across the samples, U = n²/2, p = 1.
        "identical_samples": ([3.0, 1.0, 4.0, 1.5, 5.0], [1.5, 5.0, 3.0, 4.0, 1.0]),
        # Every value equal: the tie-corrected variance is 0.
        "all_equal": ([2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]),
        # Ties inside and across the samples.
        "small_ties": ([1.0, 2.0, 2.0, 3.0, 5.0], [2.0, 3.0, 3.0, 4.0, 6.0, 7.0]),
        # Steps to a target, 10 vs 10, on a coarse grid (every 50 steps): many ties.
        "steps_with_ties": (
            [350.0, 400.0, 400.0, 450.0, 300.0, 400.0, 350.0, 500.0, 450.0, 400.0],
            [450.0, 500.0, 550.0, 450.0, 600.0, 500.0, 400.0, 550.0, 500.0, 650.0],
        ),
        # Unequal sizes, no ties.
        "three_vs_fifteen": (rng.normal(1.0, 1.0, 3), rng.normal(0.0, 1.0, 15)),
        # The largest exact case: 20 vs 20.
        "twenty_vs_twenty": (rng.normal(0.3, 1.0, 20), rng.normal(0.0, 1.0, 20)),
        # One value each.
        "one_vs_one": ([1.0], [2.0]),
        # Large, asymptotic only.
        "forty_vs_thirty_five": (rng.normal(0.5, 1.0, 40), rng.normal(0.0, 1.0, 35)),
        # Large with ties: accuracies rounded to 0.01.
        "fifty_vs_fifty_rounded": (
            np.round(rng.normal(0.95, 0.01, 50), 2),
            np.round(rng.normal(0.955, 0.01, 50), 2),
        ),
        # Large and completely separated: p far in the normal tail (~1e-17).
        "fifty_vs_fifty_separated": (rng.uniform(1.0, 2.0, 50), rng.uniform(0.0, 0.99, 50)),
    }
    out = []
    for name, (a, b) in cases.items():
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        ties = has_ties(a, b)
        asym = stats.mannwhitneyu(a, b, alternative="two-sided", use_continuity=True, method="asymptotic")
        case = {
            "name": name,
            "a": floats(a),
            "b": floats(b),
            "has_ties": ties,
            "u": float(asym.statistic),
            "p_asymptotic": float(asym.pvalue),
            "p_exact": None,
        }
        if not ties and len(a) <= EXACT_MAX and len(b) <= EXACT_MAX:
            exact = stats.mannwhitneyu(a, b, alternative="two-sided", method="exact")
            assert exact.statistic == asym.statistic
            case["p_exact"] = float(exact.pvalue)
        out.append(case)
    return out


def ndtr_grid():
    xs = [-37.0, -30.0, -20.0, -12.0, -9.0, -8.5, -6.0, -5.0, -3.2, -2.0, -1.5, -1.2, -1.0,
          -0.7, -0.3, -1e-3, 0.0, 0.2, 0.9, 1.4142, 1.5, 2.5, 4.0, 6.0]
    return [{"x": x, "ndtr": float(special.ndtr(x))} for x in xs]


def quantile_cases():
    rng = np.random.default_rng(7)
    samples = {
        "one_value": [4.5],
        "two_values": [3.0, -1.0],
        "ten_seeds": floats(rng.normal(0.97, 0.005, 10)),
        "seven_with_ties_unsorted": [5.0, 1.0, 3.0, 3.0, 9.0, 1.0, 2.5],
        "eleven_steps": [1200.0, 800.0, 950.0, 1000.0, 1150.0, 700.0, 900.0, 1300.0, 1000.0, 850.0, 1100.0],
    }
    qs = [0.0, 0.25, 0.5, 0.75, 1.0]
    return [
        {"name": name, "x": floats(x), "q": qs,
         "quantiles": floats(np.quantile(np.asarray(x), qs, method="linear")),
         "mean": float(np.mean(x))}
        for name, x in samples.items()
    ]


def holm_cases():
    try:
        from statsmodels.stats.multitest import multipletests
        import statsmodels
    except ImportError as e:
        return {"skipped": f"statsmodels not importable ({e})"}
    ps = {
        "five": [0.01, 0.04, 0.03, 0.005, 0.2],
        "with_equal_p": [0.02, 0.02, 0.5, 0.001],
        "capped_at_one": [0.4, 0.6, 0.9],
        "twenty_one_pairs": floats(np.linspace(1e-4, 0.3, 21)[::-1]),
    }
    return {
        "statsmodels_version": statsmodels.__version__,
        "cases": [{"name": k, "p": v, "adjusted": floats(multipletests(v, method="holm")[1])}
                  for k, v in ps.items()],
    }


def main():
    fixture = {
        "generated_by": "tools/reference_stats.py",
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "mann_whitney": mann_whitney_cases(),
        "ndtr": ndtr_grid(),
        "quantiles": quantile_cases(),
        "holm": holm_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)} (scipy {scipy.__version__}, numpy {np.__version__})")


if __name__ == "__main__":
    main()
