"""Reference intervals computed from scipy, for the tests of the runner's _lo/_hi columns."""

from __future__ import annotations

import math

from scipy import stats


def fisher(r: float, n: int, lost: int = 3, variance: float = 1.0) -> tuple[float, float]:
    """tanh(atanh(r) -+ z_0.975 sqrt(variance / (n - lost))), z from scipy.stats.norm."""
    z, half = math.atanh(r), stats.norm.ppf(0.975) * math.sqrt(variance / (n - lost))
    return math.tanh(z - half), math.tanh(z + half)


def spearman_interval(x, y) -> tuple[float, float]:
    """Spearman's rho from scipy.stats.spearmanr, Bonett and Wright's (2000) interval."""
    rho = stats.spearmanr(x, y).statistic
    return fisher(rho, len(x), variance=1 + rho * rho / 2)
