"""P-values for the statistics the SQL indicators compute, from scipy's special functions.

The SQL (queries/exploitation_test.sql, concordance_test.sql, free_riding_response.sql) computes
every statistic: ranks, Spearman's rho, Kendall's tau-b with its pair counts, Wilcoxon's W+ and z,
OLS slopes. DuckDB has no distribution functions, so this module turns those outputs into
p-values, all two-sided, each reproducing what scipy (1.17) reports on the same numbers:

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
"""

from __future__ import annotations

import math
from functools import cache

import polars as pl

# t_p and z_p take their tails from scipy.special (stdtr, ndtr: what scipy.stats' t.sf and
# norm.sf call) and import it on first use: scipy.stats takes ~2 s to import, scipy.special
# ~0.4 s, which the dashboard's landing page would otherwise pay before its first card.
KENDALL_EXACT_MAX_N = 33  # scipy.stats.kendalltau(method='auto') goes exact up to this n
WILCOXON_EXACT_MAX_N = 50  # scipy.stats.wilcoxon(method='auto') goes exact up to this n


def _missing(*values: object) -> bool:
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


def t_p(t: float | None, df: float | None) -> float | None:
    """Two-sided p of a Student t statistic; an infinite t (|rho| = 1) gives 0."""
    if _missing(t, df) or df <= 0:
        return None
    from scipy.special import stdtr  # on first use: see the note at the top

    return float(2.0 * stdtr(df, -abs(t)))  # = scipy.stats.t.sf(|t|, df)


def z_p(z: float | None) -> float | None:
    """Two-sided p of a standard normal statistic."""
    if _missing(z):
        return None
    from scipy.special import ndtr

    return float(2.0 * ndtr(-abs(z)))  # = scipy.stats.norm.sf(|z|)


def spearman_p(rho: float | None, n: int | None) -> float | None:
    """P-value of Spearman's rho as scipy.stats.spearmanr: t on n - 2 degrees of freedom."""
    if _missing(rho, n) or n < 3:
        return None
    if abs(rho) >= 1.0:
        return 0.0
    dof = n - 2
    return t_p(rho * math.sqrt(dof / ((rho + 1.0) * (1.0 - rho))), dof)


def partial_spearman_p(rho: float | None, n: int | None) -> float | None:
    """P-value of a first-order partial rank correlation: t on n - 3 degrees of freedom."""
    if _missing(rho, n) or n < 4:
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
    if _missing(n, concordant, discordant, ties_x, ties_y) or n < 2:
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
    if _missing(n, w_plus) or n < 1:
        return None
    counts = _wilcoxon_counts(n)
    total = 2**n
    lo = math.floor(w_plus)  # scipy rounds a non-integral W+ (ties) down for the sf ...
    hi = math.ceil(w_plus)  # ... and up for the cdf
    sf = sum(counts[lo:]) / total
    cdf = sum(counts[: hi + 1]) / total
    return min(1.0, 2.0 * min(sf, cdf))


def slope_p(t: float | None, n: int | None) -> float | None:
    """P-value of an OLS slope as scipy.stats.linregress: t on n - 2 degrees of freedom."""
    if _missing(n) or n < 3:
        return None
    return t_p(t, n - 2)


def _with(frame: pl.DataFrame, name: str, values: list) -> pl.DataFrame:
    return frame.with_columns(pl.Series(name, values, dtype=pl.Float64))


def exploitation_p_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds rho_p, tau_p, tau_p_method and partial_rho_p to exploitation_test's output."""
    rows = frame.iter_rows(named=True)
    rho_p, tau_p, tau_method, partial_p = [], [], [], []
    for r in rows:
        rho_p.append(spearman_p(r["rho"], r["n"]))
        p, method = kendall_p(
            r["n"], r["concordant"], r["discordant"], r["ties_x"], r["ties_y"], r["tau_z"]
        )
        tau_p.append(p)
        tau_method.append(method)
        partial_p.append(partial_spearman_p(r["partial_rho"], r["n"]))
    out = _with(frame, "rho_p", rho_p)
    out = _with(out, "tau_p", tau_p)
    out = out.with_columns(pl.Series("tau_p_method", tau_method, dtype=pl.String))
    return _with(out, "partial_rho_p", partial_p)


def concordance_p_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds p (asymptotic, tie-corrected z, no continuity correction) and p_exact."""
    p, p_exact = [], []
    for r in frame.iter_rows(named=True):
        p.append(z_p(r["z_ties"]))
        exact_ok = (
            r["n"] is not None
            and r["n"] + r["n_zero"] <= WILCOXON_EXACT_MAX_N
            and r["n_zero"] == 0
            and r["tie_term"] == 0
        )
        p_exact.append(wilcoxon_exact_p(r["n"], r["w_plus"]) if exact_ok else None)
    return _with(_with(frame, "p", p), "p_exact", p_exact)


def free_riding_p_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds slope_p (t test of slope = 0 on n - 2 degrees of freedom)."""
    return _with(frame, "slope_p", [slope_p(r["t"], r["n"]) for r in frame.iter_rows(named=True)])


def with_p_values(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame of one of the three statistical indicators with its p-value columns added.

    Recognises the indicator by its columns: exploitation_test (rho, tau_b),
    concordance_test (w_plus, z_ties) or free_riding_response (slope, t).
    """
    columns = set(frame.columns)
    if {"rho", "tau_b", "tau_z", "partial_rho"} <= columns:
        return exploitation_p_values(frame)
    if {"w_plus", "z_ties", "n_zero", "tie_term"} <= columns:
        return concordance_p_values(frame)
    if {"slope", "t", "n"} <= columns:
        return free_riding_p_values(frame)
    raise ValueError(f"no p-values known for a frame with columns {sorted(columns)}")
