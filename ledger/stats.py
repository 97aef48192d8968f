"""P-values and 95 % intervals for the statistics the SQL indicators compute (scipy.special).

The SQL computes the statistics: ranks, Spearman's rho, Kendall's tau-b with its pair counts,
Wilcoxon's W+ and z, OLS slopes. DuckDB has no distribution functions, so this module turns
those outputs into p-values and intervals. One estimate is made here, from the differences the
SQL lists: the Hodges-Lehmann shift (below), an order statistic of n(n+1)/2 pairwise averages,
which DuckDB can only take by holding them all (beyond the reader connection's memory at a few
thousand members) while numpy selects it from the n values (microseconds at NATO's size).
Which column gets which is declared in the query's sidecar (`statistics:`, see METHODS) and
applied by ledger.queries.run, the one function that runs a query. P-values are two-sided,
each reproducing what scipy (1.17) reports:

- Spearman's rho: ``scipy.stats.spearmanr``: t = rho * sqrt((n - 2) / (1 - rho^2)) on a Student t
  with n - 2 degrees of freedom; |rho| = 1 gives p = 0.
- Kendall's tau-b: ``scipy.stats.kendalltau(method='auto')``. scipy takes the *exact* null
  distribution of the number of discordant pairs (Kendall 1970; Mahonian numbers) when there are
  no ties in either variable and n <= 33 (or min(concordant, discordant) <= 1); otherwise the
  *asymptotic* normal approximation to S = concordant - discordant with the tie-corrected variance
  Var(S) = [n(n-1)(2n+5) - sum t(t-1)(2t+5) - sum u(u-1)(2u+5)] / 18
           + [sum t(t-1)] [sum u(u-1)] / (2 n (n-1))
           + [sum t(t-1)(t-2)] [sum u(u-1)(u-2)] / (9 n (n-1)(n-2)),
  the SQL's ``tau_z``. ``kendall_p`` makes the same choice and says which one it made.
- Wilcoxon signed-rank: ``scipy.stats.wilcoxon(d, zero_method='wilcox', correction=False,
  method='approx')`` (scipy calls it 'asymptotic' now) is p = 2 * (1 - Phi(|z|)) with the
  *tie-corrected* z, the SQL's ``z_ties`` = (W+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - sum(t^3-t)/48)
  over the n non-zero differences. Without ties it equals the textbook ``z``. scipy's default
  (``method='auto'``, ``correction=False``) is the same asymptotic p for more than 50
  differences; for up to 50 it is the exact distribution of W+ when there are neither ties nor
  zeros (``wilcoxon_exact_p``); with ties or zeros it is a permutation test over the 2^n sign
  flips for up to 13 differences (not reproduced here: it needs the differences themselves,
  not the SQL's sums) and the asymptotic p again above 13.
- OLS slope: a t test of slope = 0 with n - 2 degrees of freedom, as ``scipy.stats.linregress``.

Intervals (95 %): Fisher's z for the rank correlations (fisher_interval; Spearman's rho with
Bonett and Wright's standard error, as ledger.claims' cards), slope -+ t quantile x standard
error for OLS slopes (t_interval). The Wilcoxon test's is for the shift it tests, estimated by
Hodges and Lehmann (1963) as the median of the M = n(n+1)/2 Walsh averages (d_i + d_j) / 2,
i <= j (hodges_lehmann): the distribution-free interval [W_(k), W_(M+1-k)] of the sorted
averages, the set of shifts the two-sided signed-rank test does not reject at 5 % (Hollander
and Wolfe 1999, 3.2). The critical rank k (wilcoxon_critical_rank) comes from the exact null
distribution of W+ up to 50 differences, from the normal one above, as scipy's p-values do;
with 5 or fewer differences no shift is rejected, so there is no interval. A difference in
differences (difference_in_differences: treated units' changes less the mean change of control
units over the same years, pooled and by stratum) takes a fixed-seed percentile bootstrap that
resamples treated units within strata and control units whole, as scipy.stats.bootstrap does
with one independent sample each (method='percentile').
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import polars as pl

# t_p and z_p take their tails from scipy.special (stdtr, ndtr: what scipy.stats' t.sf and
# norm.sf call) and import it on first use: scipy.stats takes ~2 s to import, scipy.special
# ~0.4 s, which the dashboard's landing page would otherwise pay before its first card.
KENDALL_EXACT_MAX_N = 33  # scipy.stats.kendalltau(method='auto') goes exact up to this n
WILCOXON_EXACT_MAX_N = 50  # scipy.stats.wilcoxon(method='auto') goes exact up to this n


def missing(*values: object) -> bool:
    """Whether any value is missing: None or NaN (the one test the project uses)."""
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


def spans_zero(lo: float | None, hi: float | None) -> bool:
    """True when an interval holds zero (or is unknown): the data cannot tell the sign."""
    return missing(lo, hi) or lo <= 0 <= hi


def t_p(t: float | None, df: float | None) -> float | None:
    """Two-sided p of a Student t statistic; an infinite t (|rho| = 1) gives 0."""
    if missing(t, df) or df <= 0:
        return None
    from scipy.special import stdtr  # on first use: see the note at the top

    return float(2.0 * stdtr(df, -abs(t)))  # = scipy.stats.t.sf(|t|, df)


def z_p(z: float | None) -> float | None:
    """Two-sided p of a standard normal statistic."""
    if missing(z):
        return None
    from scipy.special import ndtr

    return float(2.0 * ndtr(-abs(z)))  # = scipy.stats.norm.sf(|z|)


def spearman_p(rho: float | None, n: int | None) -> float | None:
    """P-value of Spearman's rho as scipy.stats.spearmanr: t on n - 2 degrees of freedom."""
    if missing(rho, n) or n < 3:
        return None
    if abs(rho) >= 1.0:
        return 0.0
    dof = n - 2
    return t_p(rho * math.sqrt(dof / ((rho + 1.0) * (1.0 - rho))), dof)


def partial_spearman_p(rho: float | None, n: int | None) -> float | None:
    """P-value of a first-order partial rank correlation: t on n - 3 degrees of freedom."""
    if missing(rho, n) or n < 4:
        return None
    if abs(rho) >= 1.0:
        return 0.0
    dof = n - 3
    return t_p(rho * math.sqrt(dof / (1.0 - rho * rho)), dof)


@cache
def _mahonian(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0 .. n(n-1)/2 (exact ints)."""
    row = [1]
    for m in range(2, n + 1):
        new = [0] * (len(row) + m - 1)
        for k, count in enumerate(row):  # insert item m: adds 0 .. m-1 inversions
            for j in range(m):
                new[k + j] += count
        row = new
    return tuple(row)


def kendall_exact_p(n: int, concordant: int) -> float:
    """Exact two-sided p of Kendall's tau without ties, as scipy's `_kendall_p_exact`."""
    tot = n * (n - 1) // 2
    c = min(concordant, tot - concordant)
    if n <= 2 or 4 * c == n * (n - 1):
        return 1.0
    counts = _mahonian(n)
    return min(1.0, 2 * sum(counts[: c + 1]) / math.factorial(n))


def kendall_method(n: int, concordant: int, discordant: int, ties_x: int, ties_y: int) -> str:
    """'exact' or 'asymptotic': the choice scipy.stats.kendalltau(method='auto') makes."""
    if (
        ties_x == 0
        and ties_y == 0
        and (n <= KENDALL_EXACT_MAX_N or min(concordant, discordant) <= 1)
    ):
        return "exact"
    return "asymptotic"


def kendall_p(
    n: int | None,
    concordant: int | None,
    discordant: int | None,
    ties_x: int | None,
    ties_y: int | None,
    z: float | None,
) -> tuple[float | None, str | None]:
    """(p, method) for Kendall's tau-b as scipy.stats.kendalltau(method='auto')."""
    if missing(n, concordant, discordant, ties_x, ties_y) or n < 2:
        return None, None
    tot = n * (n - 1) // 2
    if ties_x == tot or ties_y == tot:  # a constant variable: scipy returns NaN
        return None, None
    method = kendall_method(n, concordant, discordant, ties_x, ties_y)
    if method == "exact":
        return kendall_exact_p(n, concordant), method
    return z_p(z), method


@cache
def _wilcoxon_counts(n: int) -> tuple[int, ...]:
    """Number of subsets of {1..n} summing to k, k = 0 .. n(n+1)/2 (exact null of W+ * 2^n)."""
    counts = [1]
    for m in range(1, n + 1):
        new = counts + [0] * m
        for k, c in enumerate(counts):
            new[k + m] += c
        counts = new
    return tuple(counts)


def wilcoxon_exact_p(n: int | None, w_plus: float | None) -> float | None:
    """Exact two-sided p of W+ (no ties, no zeros), as scipy.stats.wilcoxon(method='exact')."""
    if missing(n, w_plus) or n < 1:
        return None
    counts = _wilcoxon_counts(n)
    total = 2**n
    lo = math.floor(w_plus)  # scipy rounds a non-integral W+ (ties) down for the sf ...
    hi = math.ceil(w_plus)  # ... and up for the cdf
    sf = sum(counts[lo:]) / total
    cdf = sum(counts[: hi + 1]) / total
    return min(1.0, 2.0 * min(sf, cdf))


def wilcoxon_critical_rank(n: int | None) -> int | None:
    """k of the 95 % interval [W_(k), W_(M+1-k)] of the sorted Walsh averages: the smallest k
    with P(W+ <= k) >= 2.5 % (so a shift below W_(k) gets p < 0.05, one just above it p >= 0.05),
    exact up to WILCOXON_EXACT_MAX_N differences (_wilcoxon_counts), else from the normal
    approximation without tie correction, k = ceil(n(n+1)/4 - z_0.975 sqrt(n(n+1)(2n+1)/24)),
    which inverts scipy.stats.wilcoxon(method='approx', correction=False). None when even the
    most extreme W+ has p >= 0.05 (n <= 5): every shift is then in the interval."""
    if missing(n) or n < 1:
        return None
    tail = (1 - CONFIDENCE) / 2
    if n <= WILCOXON_EXACT_MAX_N:
        cumulative = itertools.accumulate(_wilcoxon_counts(n))  # 2^n P(W+ <= k), k = 0, 1, ..
        k = next(k for k, below in enumerate(cumulative) if below >= tail * 2**n)
    else:
        k = math.ceil(n * (n + 1) / 4 - _z_quantile() * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    return k if k >= 1 else None


def hodges_lehmann(d: Sequence[float] | None) -> tuple[float | None, float | None, float | None]:
    """(estimate, lo, hi): the median of the Walsh averages of d and their order statistics
    k and M + 1 - k (wilcoxon_critical_rank); (None, None, None) without differences."""
    if d is None or len(d) == 0:
        return None, None, None
    x = np.sort(np.asarray(d, dtype=float))
    n = len(x)
    m = n * (n + 1) // 2
    k = wilcoxon_critical_rank(n)
    middle = ((m - 1) // 2, m // 2)
    # The order statistics of the sums x_i + x_j: halving is exact, so W_(r) = sum_(r) / 2.
    sums = walsh_sums_at(x, {*middle, *((k - 1, m - k) if k else ())})
    estimate = (sums[middle[0]] / 2 + sums[middle[1]] / 2) / 2  # numpy's median of the averages
    if not k:
        return estimate, None, None
    return estimate, sums[k - 1] / 2, sums[m - k] / 2


WALSH_AT_ONCE = 1 << 16  # up to this many sums they are all formed (n <= 361): microseconds


def walsh_sums_at(x: np.ndarray, ranks: set[int]) -> dict[int, float]:
    """{r: the r-th smallest (from 0) of the sums x_i + x_j, i <= j} of a sorted x. Up to
    WALSH_AT_ONCE sums numpy forms and partitions them all; above, each is selected without
    forming them (_walsh_sum_at), as O(n^2) memory and time made a grouping of 3,000 members
    take seconds a year."""
    n = len(x)
    if n * (n + 1) // 2 <= WALSH_AT_ONCE:
        ordered = np.partition((x[:, None] + x[None, :])[np.triu_indices(n)], sorted(ranks))
        return {r: float(ordered[r]) for r in ranks}
    return {r: _walsh_sum_at(x, r) for r in ranks}


def _walsh_sum_at(x: np.ndarray, r: int) -> float:
    """The r-th smallest (from 0) x_i + x_j, i <= j, of a sorted x. Row i of that triangle
    (j = i .. n-1) is sorted, so where a pivot falls in every row is one binary search a row;
    the pivot is the median of the rows' middle candidates weighted by their number, which
    drops at least a quarter of the candidates a round (Johnson and Mizoguchi 1978), until
    WALSH_AT_ONCE are left to be formed and partitioned."""
    n = len(x)
    lo, hi = np.arange(n), np.full(n, n)  # row i's candidates: x_i + x_j, lo_i <= j < hi_i
    while (total := int((hi - lo).sum())) > WALSH_AT_ONCE:
        live = hi > lo
        middles = (x + x[np.minimum((lo + hi - 1) // 2, n - 1)])[live]
        weights = (hi - lo)[live]
        order = np.argsort(middles, kind="stable")
        pivot = middles[order][np.searchsorted(np.cumsum(weights[order]), (total + 1) // 2)]
        below = _cut(x, lo, hi, pivot, strict=True)  # row i: x_i + x_j < pivot for j < below_i
        upto = _cut(x, lo, hi, pivot, strict=False)  # ... and <= pivot for j < upto_i
        n_below, n_upto = int((below - lo).sum()), int((upto - lo).sum())
        if r < n_below:
            hi = below
        elif r < n_upto:
            return float(pivot)
        else:
            r, lo = r - n_upto, upto
    sizes = hi - lo
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    rows = np.repeat(np.arange(n), sizes)
    cols = np.arange(total) - starts + np.repeat(lo, sizes)
    return float(np.partition(x[rows] + x[cols], r)[r])


def _cut(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, pivot: float, strict: bool) -> np.ndarray:
    """Per row i, the first j in [lo_i, hi_i] whose sum x_i + x_j is not below the pivot (>=
    it when strict, > it otherwise): a binary search on pivot - x_i, then moved to where the
    sums as numpy adds them cross (that subtraction rounds; the sums rise along a row)."""
    n = len(x)

    def below(j: np.ndarray) -> np.ndarray:
        s = x + x[np.clip(j, 0, n - 1)]
        return s < pivot if strict else s <= pivot

    j = np.clip(np.searchsorted(x, pivot - x, side="left" if strict else "right"), lo, hi)
    while True:
        back = (j > lo) & ~below(j - 1)
        ahead = (j < hi) & below(j)
        if not (back.any() or ahead.any()):
            return j
        j = j - back + ahead


def slope_p(t: float | None, n: int | None) -> float | None:
    """P-value of an OLS slope as scipy.stats.linregress: t on n - 2 degrees of freedom."""
    if missing(n) or n < 3:
        return None
    return t_p(t, n - 2)


# --------------------------------------------------------------------------- intervals

CONFIDENCE = 0.95
# Every bootstrap: fixed, so the same data give the same interval on every run.
SEED = 20250601
DRAWS = 2000


def _z_quantile() -> float:
    from scipy.special import ndtri

    return float(ndtri((1 + CONFIDENCE) / 2))


def fisher_interval(
    r: float | None, n: int | None, lost: int = 3, variance: float = 1.0
) -> tuple[float | None, float | None]:
    """95 % interval of a correlation by Fisher's z: tanh(atanh(r) -+ z_0.975 sqrt(variance /
    (n - lost))). lost = 3, variance = 1 is Pearson's r (scipy.stats.pearsonr(...)
    .confidence_interval()). A rank correlation's z varies more: Spearman's rho takes Bonett and
    Wright's (2000) variance 1 + rho^2 / 2 (a partial rho given one variable loses one more
    degree of freedom, lost = 4), Kendall's tau Fieller, Hartley and Pearson's (1957)
    0.437 / (n - 4). |r| = 1 gives (r, r)."""
    if missing(r, n) or n - lost <= 0:
        return None, None
    if abs(r) >= 1.0:
        return r, r
    z, half = math.atanh(r), _z_quantile() * math.sqrt(variance / (n - lost))
    return math.tanh(z - half), math.tanh(z + half)


def spearman_interval(
    rho: float | None, n: int | None, controls: int = 0
) -> tuple[float | None, float | None]:
    """95 % interval of Spearman's rho (or a partial rho given `controls` variables): Fisher's z
    with Bonett and Wright's (2000) variance 1 + rho^2 / 2 over n - 3 - controls, which keeps
    the coverage of a rank correlation near 95 % (Psychometrika 65:1). The runner's `spearman`
    and `partial_spearman` statistics and the claims' correlations take it alike."""
    variance = 1.0 if missing(rho) else 1.0 + rho * rho / 2.0
    return fisher_interval(rho, n, lost=3 + controls, variance=variance)


def t_interval(
    estimate: float | None, se: float | None, df: float | None
) -> tuple[float | None, float | None]:
    """95 % interval estimate -+ t_0.975(df) se (an OLS slope: scipy.stats.linregress's
    slope and stderr with scipy.stats.t.ppf(0.975, n - 2))."""
    if missing(estimate, se, df) or df <= 0:
        return None, None
    from scipy.special import stdtrit

    half = float(stdtrit(df, (1 + CONFIDENCE) / 2)) * se
    return estimate - half, estimate + half


@dataclass(frozen=True)
class DifferenceInDifferences:
    """A difference in differences pooled over treated units, with each stratum's own, and
    their 95 % percentile intervals (None where the bootstrap cannot give one)."""

    estimate: float
    lo: float | None
    hi: float | None
    strata: dict[str, tuple[float, float | None, float | None]]  # stratum -> (est, lo, hi)


def difference_in_differences(
    treated: Sequence[float],
    window: Sequence[int],
    stratum: Sequence[str],
    control: np.ndarray,
    draws: int = DRAWS,
    seed: int = SEED,
) -> DifferenceInDifferences:
    """Each treated unit's change less the mean change of the control units over the same
    window, averaged over treated units (pooled) and within each stratum, with a fixed-seed
    percentile bootstrap that resamples the treated units within their strata and the control
    units as whole rows, independently (as scipy.stats.bootstrap does with one sample per
    stratum and one of control units, method='percentile').

    treated[i] is unit i's change over its window, window[i] the column of `control` that holds
    the control units' changes over the same years, stratum[i] its stratum (a cohort).
    control is units x windows, NaN where a unit is not a control for a window (a state that
    joined the treatment in those years). A draw in which no drawn control unit serves a
    window some drawn treated unit needs gives no estimate and is left out."""
    t = np.asarray(treated, dtype=float)
    w = np.asarray(window, dtype=int)
    labels = np.asarray(stratum, dtype=object)
    c = np.asarray(control, dtype=float)
    if t.size == 0 or c.shape[0] == 0:
        raise ValueError("a difference in differences needs treated and control units")
    served = ~np.isnan(c)
    sums, counts = np.where(served, c, 0.0), served.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums.sum(axis=0) / counts.sum(axis=0)
    gaps = t - means[w]
    groups = {s: np.flatnonzero(labels == s) for s in dict.fromkeys(labels.tolist())}

    rng = np.random.default_rng(seed)
    picked = np.concatenate(
        [rng.choice(members, size=(draws, members.size)) for members in groups.values()], axis=1
    )
    rows = rng.choice(c.shape[0], size=(draws, c.shape[0]))
    with np.errstate(invalid="ignore", divide="ignore"):
        drawn = sums[rows].sum(axis=1) / counts[rows].sum(axis=1)  # draws x windows
    draw_gaps = t[picked] - np.take_along_axis(drawn, w[picked], axis=1)

    def interval(values: np.ndarray) -> tuple[float | None, float | None]:
        kept = values[~np.isnan(values)]
        if kept.size == 0 or np.ptp(kept) == 0:
            return None, None
        tail = (1 - CONFIDENCE) / 2
        return float(np.quantile(kept, tail)), float(np.quantile(kept, 1 - tail))

    strata, start = {}, 0
    for name, members in groups.items():
        block = draw_gaps[:, start : start + members.size].mean(axis=1)
        strata[name] = (float(gaps[members].mean()), *interval(block))
        start += members.size
    return DifferenceInDifferences(float(gaps.mean()), *interval(draw_gaps.mean(axis=1)), strata)


# --------------------------------------------------------------------------- methods
# What a sidecar's `statistics:` may name. Each method reads the statistic's column and the
# input columns it names (defaults below; the sidecar may rename them) and returns new columns:
# `p` (default name X_p), and for the methods with an interval `lo`/`hi` (X_lo, X_hi).


def _spearman(row: dict, spec: dict) -> dict[str, Any]:
    r, n = row[spec["column"]], row[spec.get("n", "n")]
    lo, hi = spearman_interval(r, n)
    return {"p": spearman_p(r, n), "lo": lo, "hi": hi}


def _partial_spearman(row: dict, spec: dict) -> dict[str, Any]:
    r, n = row[spec["column"]], row[spec.get("n", "n")]
    lo, hi = spearman_interval(r, n, controls=1)
    return {"p": partial_spearman_p(r, n), "lo": lo, "hi": hi}


def _kendall_tau_b(row: dict, spec: dict) -> dict[str, Any]:
    n = row[spec.get("n", "n")]
    p, method = kendall_p(
        n,
        row[spec.get("concordant", "concordant")],
        row[spec.get("discordant", "discordant")],
        row[spec.get("ties_x", "ties_x")],
        row[spec.get("ties_y", "ties_y")],
        row[spec.get("z", "tau_z")],
    )
    lo, hi = fisher_interval(row[spec["column"]], n, lost=4, variance=0.437)
    return {"p": p, "p_method": method, "lo": lo, "hi": hi}


def _wilcoxon(row: dict, spec: dict) -> dict[str, Any]:
    n, n_zero, tie_term = row[spec.get("n", "n")], row["n_zero"], row["tie_term"]
    exact_ok = (
        n is not None and n + n_zero <= WILCOXON_EXACT_MAX_N and n_zero == 0 and tie_term == 0
    )
    return {
        "p": z_p(row[spec["column"]]),
        "p_exact": wilcoxon_exact_p(n, row[spec.get("w_plus", "w_plus")]) if exact_ok else None,
    }


def _hodges_lehmann(row: dict, spec: dict) -> dict[str, Any]:
    estimate, lo, hi = hodges_lehmann(row[spec["differences"]])
    return {"estimate": estimate, "lo": lo, "hi": hi}


def _ols_slope(row: dict, spec: dict) -> dict[str, Any]:
    n = row[spec.get("n", "n")]
    slope, se = row[spec["column"]], row[spec.get("se", "slope_se")]
    lo, hi = t_interval(slope, se, None if missing(n) else n - 2)
    return {"p": slope_p(row[spec.get("t", "t")], n), "lo": lo, "hi": hi}


METHODS: dict[str, Callable[[dict, dict], dict[str, Any]]] = {
    "spearman": _spearman,
    "partial_spearman": _partial_spearman,
    "kendall_tau_b": _kendall_tau_b,
    "wilcoxon": _wilcoxon,
    "hodges_lehmann": _hodges_lehmann,
    "ols_slope": _ols_slope,
}
# What each method adds, and the default suffix of each added column.
OUTPUTS = {
    "spearman": ("p", "lo", "hi"),
    "partial_spearman": ("p", "lo", "hi"),
    "kendall_tau_b": ("p", "p_method", "lo", "hi"),
    "wilcoxon": ("p", "p_exact"),
    "hodges_lehmann": ("estimate", "lo", "hi"),
    "ols_slope": ("p", "lo", "hi"),
}
_SUFFIX = {
    "estimate": "",
    "p": "_p",
    "p_method": "_p_method",
    "p_exact": "_p_exact",
    "lo": "_lo",
    "hi": "_hi",
}
# Methods that make their estimate here (it is then the statistic's column, named by the
# sidecar's key) from a list column the SQL gives, named by this sidecar key: the runner drops
# that list once every statistic is computed, so the finished frame (what the dashboard caches,
# what `etl query` prints) stays small.
CONSUMES = {"hodges_lehmann": "differences"}


def output_columns(column: str, spec: dict) -> dict[str, str]:
    """{output: column name} a declared statistic adds, e.g. {'p': 'rho_p', 'lo': 'rho_lo'};
    the sidecar may name an output itself (exploitation_test's tau_b: `p: tau_p`)."""
    return {key: spec.get(key) or f"{column}{_SUFFIX[key]}" for key in OUTPUTS[spec["method"]]}


def apply(frame: pl.DataFrame, statistics: dict[str, dict] | None) -> pl.DataFrame:
    """The frame with the columns its sidecar's `statistics:` declare, in declaration order,
    without the list columns those were computed from (CONSUMES)."""
    if not statistics:
        return frame
    rows = list(frame.iter_rows(named=True))
    new: list[pl.Series] = []
    for column, declared in statistics.items():
        spec = {**declared, "column": column}
        results = [METHODS[spec["method"]](row, spec) for row in rows]
        for key, name in output_columns(column, spec).items():
            dtype = pl.String if key == "p_method" else pl.Float64
            new.append(pl.Series(name, [r[key] for r in results], dtype=dtype))
    consumed = [d[CONSUMES[d["method"]]] for d in statistics.values() if d["method"] in CONSUMES]
    return frame.with_columns(new).drop(consumed)


# --------------------------------------------------------------------------- bootstraps
# Percentile intervals over allies resampled with replacement (the claims' medians, differences
# and changes in a correlation). The allies are the whole population, not a sample: such an
# interval reads as "how much the figure hangs on which allies happen to be in it".


def _percentiles(values: np.ndarray) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles (written out: (1 - CONFIDENCE) / 2 is 0.025 only to
    within a rounding, enough to move an interval's last digits)."""
    return float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))


def _per_row(statistic: Callable[..., float], draws: np.ndarray) -> np.ndarray:
    """statistic of every row; a statistic without an axis argument is applied row by row."""
    try:
        return np.asarray(statistic(draws, axis=1), dtype=float)
    except TypeError:
        return np.apply_along_axis(statistic, 1, draws)


def _known(values: Sequence[float]) -> np.ndarray:
    return np.asarray([v for v in values if not missing(v)], dtype=float)


def bootstrap(
    values: Sequence[float], statistic: Callable[[np.ndarray], float] = np.median
) -> tuple[float | None, float | None]:
    """95 % percentile interval of `statistic` over the values resampled with replacement."""
    data = _known(values)
    if data.size < 3:
        return None, None
    rng = np.random.default_rng(SEED)
    draws = rng.choice(data, size=(DRAWS, data.size), replace=True)
    return _percentiles(_per_row(statistic, draws))


def bootstrap_difference(
    a: Sequence[float], b: Sequence[float], statistic: Callable[[np.ndarray], float] = np.mean
) -> tuple[float | None, float | None]:
    """95 % percentile interval of statistic(a) - statistic(b), each group resampled on its own."""
    xa, xb = _known(a), _known(b)
    if xa.size < 2 or xb.size < 2:
        return None, None
    rng = np.random.default_rng(SEED)
    # One call over all draws (numpy's mean and median take an axis): the claims' histories
    # run this hundreds of times, and a call per draw cost seconds on the landing page.
    da = _per_row(statistic, rng.choice(xa, size=(DRAWS, xa.size)))
    db = _per_row(statistic, rng.choice(xb, size=(DRAWS, xb.size)))
    return _percentiles(da - db)


def spearman_rho(frame: pl.DataFrame, a: str, b: str) -> tuple[float | None, int]:
    """Spearman's rho of two columns (average ranks), over the rows where both are known, and
    how many rows that is (None below 3)."""
    both = frame.select(a, b).drop_nulls()
    if both.height < 3:
        return None, both.height
    ranked = both.select(pl.col(a).rank("average"), pl.col(b).rank("average"))
    rho = ranked.select(pl.corr(a, b)).item()
    return (None if rho is None else float(rho)), both.height


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of every row of x against the same row of y (average ranks for ties),
    one vectorised pass: the Pearson correlation of the rows' ranks."""
    from scipy.stats import rankdata

    rx, ry = rankdata(x, axis=1), rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    denominator = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=1) / denominator


def rho_change_interval(
    early: Sequence[tuple[Sequence[float], Sequence[float]]],
    late: Sequence[tuple[Sequence[float], Sequence[float]]],
) -> tuple[float | None, float | None]:
    """95 % percentile interval of a change in Spearman's rho over the same units: the mean rho
    over the `late` years minus the mean over the `early` ones, each year an (x, y) pair of
    arrays aligned on the same units. The units are resampled together, once per draw, for
    every year (a paired bootstrap: an ally drawn twice counts twice at both ends), so the
    interval is for the change itself, not for either end."""
    years = [*early, *late]
    n = len(years[0][0]) if years else 0
    if n < 4 or any(len(x) != n or len(y) != n for x, y in years):
        return None, None
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, n, size=(DRAWS, n))

    def mean_rho(pairs) -> np.ndarray:
        rhos = [
            _spearman_rows(np.asarray(x, float)[draws], np.asarray(y, float)[draws])
            for x, y in pairs
        ]
        return np.mean(rhos, axis=0)

    change = mean_rho(late) - mean_rho(early)
    change = change[np.isfinite(change)]
    if change.size < DRAWS // 2:
        return None, None
    return _percentiles(change)
