"""The judgement of one complaint series: what was expected, how surprising what came is.

Pure functions over plain numbers, so a hand-made series can be checked without a database.

A series (one institution's complaints per week, say) is compared with the rest of the complaints:
its expected count in the current period is its share of the others over its own history window,
times the others' count now. Whatever moves every series alike — the week's rhythm, holidays, the
Spring Festival dip, a province-wide season — moves the expectation with it. Where the data reaches
a year back, the series' own share in the same period a year earlier corrects the expectation, shrunk
toward the average share by a prior count so that a handful of complaints cannot swing it: a series
with a season of its own (tax-refund scams every spring) is not an anomaly when its season comes.

The surprise is the upper-tail probability of a count model: negative binomial, whose variance holds
the series' own dispersion (how much more than Poisson its history varies, clipped to a configured
maximum) and the uncertainty of an expectation estimated from a finite history.
A minimum volume and a minimum ratio of observed to expected keep tiny series quiet: a small
institution going from 1 complaint to 3 is noise, not news.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    min_volume: int
    min_ratio: float
    p_yellow: float
    p_orange: float
    p_red: float
    max_dispersion: float
    seasonal_prior: float


@dataclass(frozen=True)
class Judgement:
    observed: int
    expected: float
    p_value: float
    dispersion: float
    share: float
    seasonal_factor: float
    expected_history: tuple[float, ...]

    @property
    def score(self) -> float:
        """-log10 of the tail probability: 3 is one in a thousand, 5 one in a hundred thousand."""
        return round(min(99.0, -math.log10(max(self.p_value, 1e-99))), 1)


def poisson_sf(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu)."""
    return nbinom_sf(k, mu, 1.0)


def nbinom_sf(k: int, mu: float, dispersion: float) -> float:
    """P(X ≥ k) for a count with mean mu and variance dispersion × mu (Poisson when dispersion is 1).

    Summed upward from k in log space; called only for k above the mean, where the terms fall
    steadily, so the sum stops after a few dozen terms even for large counts.
    """
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if dispersion <= 1.000001:
        log_term = k * math.log(mu) - mu - math.lgamma(k + 1)
        ratio = lambda i: mu / (i + 1)  # noqa: E731
    else:
        r = mu / (dispersion - 1)  # variance mu + mu²/r = dispersion × mu
        q = mu / (r + mu)
        log_term = (
            math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * math.log(r / (r + mu)) + k * math.log(q)
        )
        ratio = lambda i: (i + r) / (i + 1) * q  # noqa: E731
    if k <= mu:
        # Below the mean the upper tail is large: sum the lower tail instead.
        lower = 0.0
        term = math.exp(log_term)
        i = k
        while i > 0:
            term = term / ratio(i - 1)
            i -= 1
            lower += term
            if term < 1e-16 * lower:
                break
        return max(0.0, min(1.0, 1.0 - lower))
    total = 0.0
    term = math.exp(log_term)
    i = k
    while term > 1e-17 * max(total, 1e-300) and i < k + 100_000:
        total += term
        term *= ratio(i)
        i += 1
    return min(1.0, total)


def judge(
    *,
    counts: Sequence[int],
    others: Sequence[int],
    params: Params,
    year_ago: tuple[int, float] | None = None,
) -> Judgement | None:
    """Judge the last period of a series against the periods before it.

    counts and others are aligned: the series and the rest of the complaints, oldest period first,
    current period last. year_ago is the series' count a year before the current period and what
    the same share rule expected of it then. Returns None when there is nothing to alert on.
    """
    observed = counts[-1]
    if observed < params.min_volume or len(counts) < 2:
        return None
    history, history_others = counts[:-1], others[:-1]
    own, rest = sum(history), sum(history_others)
    if rest > 0 and others[-1] > 0:
        share = own / rest
        base = [share * o for o in history_others]
        expected = share * others[-1]
    else:
        # The series is all there is: its own mean is the expectation.
        share = 1.0
        mean = own / len(history)
        base = [mean] * len(history)
        expected = mean
    factor = 1.0
    if year_ago is not None:
        seen, then_expected = year_ago
        factor = (seen + params.seasonal_prior) / (then_expected + params.seasonal_prior)
        expected *= factor
    # A series never seen before still has an expectation: half a complaint per period at least,
    # so its first burst is judged rather than divided by zero.
    expected = max(expected, 0.5)
    if observed < params.min_ratio * expected:
        return None
    # The expectation is itself estimated from the series' own history: its relative variance is about
    # 1/own (a Poisson count), which widens the predictive distribution by expected²/own. Without it a
    # series with a short or thin history is judged as if its usual level were known exactly.
    dispersion = _dispersion(history, base, params.max_dispersion) + expected / max(own, 1)
    p_value = nbinom_sf(observed, expected, dispersion)
    if p_value > params.p_yellow:
        return None
    return Judgement(
        observed=observed,
        expected=expected,
        p_value=p_value,
        dispersion=dispersion,
        share=share,
        seasonal_factor=factor,
        expected_history=tuple(b * factor for b in base),
    )


def _dispersion(history: Sequence[int], expected: Sequence[float], cap: float) -> float:
    """Pearson's dispersion of the history around its expectation, between 1 (Poisson) and cap."""
    terms = [(h - e) ** 2 / e for h, e in zip(history, expected, strict=True) if e > 0]
    if len(terms) < 3:
        return 1.0
    return max(1.0, min(cap, sum(terms) / (len(terms) - 1)))


def level_for(p_value: float, params: Params) -> str:
    if p_value <= params.p_red:
        return "red"
    if p_value <= params.p_orange:
        return "orange"
    return "yellow"
