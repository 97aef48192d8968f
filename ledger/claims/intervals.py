"""95 % intervals for the statistics on a card: Fisher z for correlations, t for slopes, a
fixed-seed bootstrap over allies for medians and differences the queries do not test.

The allies are the whole population, not a sample, so an interval here reads as "how much the
figure hangs on which allies happen to be in it", not as sampling error; docs/CLAIMS.md says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Z95 = 1.959963984540054
SEED = 20250601  # fixed: the same data give the same interval on every run
DRAWS = 2000


def _bad(*values: object) -> bool:
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


def fisher(
    rho: float | None, n: int | None, controls: int = 0
) -> tuple[float | None, float | None]:
    """Fisher z interval for a Spearman (or partial) correlation, with the Bonett-Wright
    standard error sqrt((1 + rho^2 / 2) / (n - 3 - controls)), which keeps the coverage of a
    rank correlation near 95 % (Bonett & Wright 2000, Psychometrika 65:1)."""
    if _bad(rho, n) or n - 3 - controls <= 0:
        return None, None
    if abs(rho) >= 1:
        return rho, rho
    z = math.atanh(rho)
    se = math.sqrt((1 + rho * rho / 2) / (n - 3 - controls))
    return math.tanh(z - Z95 * se), math.tanh(z + Z95 * se)


def t_interval(
    estimate: float | None, se: float | None, df: float | None
) -> tuple[float | None, float | None]:
    if _bad(estimate, se, df) or df <= 0:
        return None, None
    from scipy.special import stdtrit

    q = float(stdtrit(df, 0.975))
    return estimate - q * se, estimate + q * se


def bootstrap(
    values: Sequence[float], statistic: Callable[[np.ndarray], float] = np.median
) -> tuple[float | None, float | None]:
    """Percentile interval of `statistic` over allies resampled with replacement."""
    data = np.asarray([v for v in values if not _bad(v)], dtype=float)
    if data.size < 3:
        return None, None
    rng = np.random.default_rng(SEED)
    draws = rng.choice(data, size=(DRAWS, data.size), replace=True)
    stats = _per_row(statistic, draws)
    return float(np.quantile(stats, 0.025)), float(np.quantile(stats, 0.975))


def _per_row(statistic: Callable[..., float], draws: np.ndarray) -> np.ndarray:
    """statistic of every row; a statistic without an axis argument is applied row by row."""
    try:
        return np.asarray(statistic(draws, axis=1), dtype=float)
    except TypeError:
        return np.apply_along_axis(statistic, 1, draws)


def bootstrap_difference(
    a: Sequence[float], b: Sequence[float], statistic: Callable[[np.ndarray], float] = np.mean
) -> tuple[float | None, float | None]:
    """Percentile interval of statistic(a) - statistic(b), each group resampled on its own."""
    xa = np.asarray([v for v in a if not _bad(v)], dtype=float)
    xb = np.asarray([v for v in b if not _bad(v)], dtype=float)
    if xa.size < 2 or xb.size < 2:
        return None, None
    rng = np.random.default_rng(SEED)
    # One call over all draws (numpy's mean and median take an axis): the claims' histories
    # run this hundreds of times, and a call per draw cost seconds on the landing page.
    da = _per_row(statistic, rng.choice(xa, size=(DRAWS, xa.size)))
    db = _per_row(statistic, rng.choice(xb, size=(DRAWS, xb.size)))
    diff = da - db
    return float(np.quantile(diff, 0.025)), float(np.quantile(diff, 0.975))
