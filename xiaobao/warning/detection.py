"""The judgement of one complaint series: what was expected, how surprising what came is.

Pure functions over plain numbers, so a hand-made series can be checked without a database.

A series (one institution's complaints per week, say) is compared with a background: the typical
movement of the series of its kind (the median of their counts relative to their own usual level, see
background()), or the rest of the complaints where there are too few series to tell. Its expected
count in the current period is its share of the background over its own history window (without the
window's highest and lowest period, so an old burst does not raise the usual level), times the
background now. Whatever moves most series alike — the week's rhythm, holidays, the Spring Festival
dip, a province-wide season — moves the expectation with it; what one large series does alone does not.
Where the data reaches a year back, the series' own share in the same period a year earlier corrects
the expectation, as far as it departs from the series' usual noise: a series with a season of its own
(tax-refund scams every spring) is not an anomaly when its season comes.

The surprise is the upper-tail probability of a negative binomial whose variance holds the series' own
swings relative to its level (estimated from the median of its history, bounded at the minimum volume
by the configured maximum dispersion) and the uncertainty of an expectation estimated from finite
counts. A minimum volume and a minimum ratio of observed to expected, which falls with the square root
of the volume, keep tiny series quiet: a small institution going from 1 complaint to 3 is noise, not
news; a large bank drawing 1.4 times its usual thousand is news.
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
    others: Sequence[float],
    params: Params,
    year_ago: tuple[int, float] | None = None,
) -> Judgement | None:
    """Judge the last period of a series against the periods before it.

    counts and others are aligned: the series and the background it moves with (the rest of the
    complaints, or the typical movement of the other series: see background()), oldest period first,
    current period last. year_ago is the series' count a year before the current period and what
    the same share rule expected of it then. Returns None when there is nothing to alert on.
    """
    observed = counts[-1]
    if observed < params.min_volume or len(counts) < 2:
        return None
    history, history_others = counts[:-1], others[:-1]
    own, rest = sum(history), sum(history_others)
    if rest > 0 and others[-1] > 0:
        share = _trimmed_share(history, history_others)
        base = [share * o for o in history_others]
        expected = share * others[-1]
        # The expectation is itself estimated: the share from the series' own history and the background's,
        # the scaling from the background now. Their relative variances (about 1/count each) add up. A series
        # that is most of all complaints has a thin, noisy background, and its expectation is that uncertain.
        uncertainty = 1 / max(own, 1) + 1 / rest + 1 / others[-1]
    else:
        # The series is all there is: its own mean is the expectation.
        share = 1.0
        mean = own / len(history)
        base = [mean] * len(history)
        expected = mean
        uncertainty = 1 / max(own, 1)
    noise = _relative_noise(history, base, params)
    factor = 1.0
    if year_ago is not None:
        seen, then_expected = year_ago
        raw = (seen + params.seasonal_prior) / (then_expected + params.seasonal_prior)
        # One period a year ago is one draw of the series' own noise: only the part of its departure the
        # noise cannot explain is the series' season (positive-part shrinkage). Otherwise a big series whose
        # month a year ago happened to run 10 % high would expect 10 % more now, and absorb a real rise.
        spread = noise + 1 / (seen + params.seasonal_prior)
        weight = max(0.0, 1 - spread / (raw - 1) ** 2) if raw != 1 else 0.0
        factor = 1 + (raw - 1) * weight
        expected *= factor
        uncertainty += spread * weight
    # A series never seen before still has an expectation: half a complaint per period at least,
    # so its first burst is judged rather than divided by zero.
    expected = max(expected, 0.5)
    if observed < required_ratio(expected, params) * expected:
        return None
    # Negative binomial: variance = expected + (noise + uncertainty) × expected², so the dispersion
    # (variance over mean) grows with the volume, as the relative swings of a large series do.
    dispersion = 1 + (noise + uncertainty) * expected
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


def required_ratio(expected: float, params: Params) -> float:
    """How many times its expectation a series must draw to be an alert.

    The configured ratio at the minimum volume, falling with the square root of the expectation above
    it: 1.5 at 15 a month is a ratio that noise can reach, 1.5 at 1,500 a month is 750 complaints more
    than usual. A fixed ratio kept a large bank's scandal month (1.4 times its usual thousand) quiet.
    """
    floor = max(params.min_volume, 1)
    return 1 + (params.min_ratio - 1) * math.sqrt(floor / max(expected, floor))


def _trimmed_share(history: Sequence[int], others: Sequence[float]) -> float:
    """The series' share of its background over the history, without the period where it was highest and
    the one where it was lowest (given six or more periods): a burst last spring is not the usual level."""
    periods = [(h / o, h, o) for h, o in zip(history, others, strict=True) if o > 0]
    if len(periods) >= 6:
        periods = sorted(periods)[1:-1]
    own, rest = sum(p[1] for p in periods), sum(p[2] for p in periods)
    return own / rest if rest else 0.0


# The median of a chi-square with one degree of freedom: a squared normal residual's median is this
# share of its variance, so median(residual²) / 0.455 estimates the variance whatever a few outliers do.
CHI2_1_MEDIAN = 0.4549


def _relative_noise(history: Sequence[int], expected: Sequence[float], params: Params) -> float:
    """The series' variance beyond Poisson, relative to its expectation squared (a negative binomial's 1/r).

    Estimated robustly, from the median over the history, so that one past burst in the window does not
    pass for the series' usual noise and hide the next one. Bounded so that, at the minimum volume, the
    dispersion is at most the configured maximum; a large series keeps its own relative swings.
    """
    terms = sorted(
        ((h - e) ** 2 / CHI2_1_MEDIAN - e) / (e * e) for h, e in zip(history, expected, strict=True) if e > 0
    )
    if len(terms) < 3:
        return 0.0
    middle = len(terms) // 2
    median = terms[middle] if len(terms) % 2 else (terms[middle - 1] + terms[middle]) / 2
    cap = (params.max_dispersion - 1) / max(params.min_volume, 1)
    return max(0.0, min(cap, median))


def background(rows: Sequence[Sequence[int]], *, start: int, last: int, min_mean: float) -> list[float] | None:
    """The typical movement of a set of series (one dimension: all institutions, say), period by period.

    Each series with at least min_mean per period over the history window [start, last) is divided by
    that mean; the median of these ratios in a period, times the sum of the means, is the background.
    The rest of the complaints would be the plain choice, but one large series moves it: when three
    credit bureaus hold most complaints and rise together, everyone else's expectation rises with them,
    and a bank's own scandal month is absorbed. A median follows what most series do and no single one.
    None when fewer than BACKGROUND_MIN_SERIES series qualify: the rest of the complaints then serve.
    """
    means = []
    for row in rows:
        mean = sum(row[start:last]) / max(last - start, 1)
        if mean >= min_mean:
            means.append((row, mean))
    if len(means) < BACKGROUND_MIN_SERIES:
        return None
    scale = sum(mean for _row, mean in means)
    out = []
    for t in range(len(rows[0])):
        ratios = sorted(row[t] / mean for row, mean in means)
        middle = len(ratios) // 2
        median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
        out.append(scale * median)
    return out


# Below this many series of a dimension, a median of their movements is too noisy to build on.
BACKGROUND_MIN_SERIES = 8


def level_for(p_value: float, params: Params) -> str:
    if p_value <= params.p_red:
        return "red"
    if p_value <= params.p_orange:
        return "orange"
    return "yellow"
