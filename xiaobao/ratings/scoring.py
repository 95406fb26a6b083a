"""The arithmetic of an evaluation, as pure functions over plain values: no ORM, no request.

Every indicator scores 0–100. A dimension's score is the weighted mean of its indicators' scores;
the total is the weighted mean of the dimensions' scores, minus the inspection deductions up to the
scheme's cap, never below 0; the grade is the highest band whose lower edge the total reaches.

Missing data follows the scheme's rule (Scheme.missing_data):
- "renormalise": an indicator without data is left out and the other indicators of its dimension share
  its weight; a dimension with no data at all is left out the same way among the dimensions. With no
  data anywhere there is no total and no grade.
- "zero": an indicator without data scores 0, as if the institution had failed it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

RENORMALISE = "renormalise"
ZERO = "zero"
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def linear_score(value: Decimal | None, *, best: Decimal, worst: Decimal) -> Decimal | None:
    """100 at `best`, 0 at `worst`, a straight line between and held at either end.

    best below worst means lower is better (complaints per 10,000 customers, say).
    """
    if value is None:
        return None
    if best == worst:  # the admin refuses this; a step at the one value is the only sensible reading
        return HUNDRED if value >= best else Decimal("0")
    fraction = (Decimal(value) - worst) / (best - worst)
    return round2(min(max(fraction, Decimal("0")), Decimal("1")) * HUNDRED)


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    dimension: str
    weight: Decimal
    score: Decimal | None  # None: no data


@dataclass(frozen=True)
class DimensionInput:
    code: str
    weight: Decimal


@dataclass(frozen=True)
class BandInput:
    grade: str
    min_score: Decimal
    needs_rectification: bool = False


@dataclass
class Result:
    dimension_scores: dict[str, Decimal | None]
    # Each indicator's share of the total after renormalisation (0–1); 0 for one left out.
    effective_weights: dict[str, Decimal]
    before_deductions: Decimal | None
    deducted: Decimal
    total: Decimal | None
    band: BandInput | None
    excluded: list[str] = field(default_factory=list)
    # The band the total reached, when a measure (a black-list entry) held the grade below it.
    capped_from: BandInput | None = None

    @property
    def grade(self) -> str:
        return self.band.grade if self.band else ""


def _weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    pairs = list(pairs)
    weight = sum((w for w, _s in pairs), Decimal("0"))
    if not pairs or weight <= 0:
        return None
    return sum((w * s for w, s in pairs), Decimal("0")) / weight


def band_for(total: Decimal | None, bands: Sequence[BandInput]) -> BandInput | None:
    """The highest band whose lower edge (inclusive) the total reaches."""
    if total is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if total >= band.min_score:
            return band
    return None


def cap_band(result: Result, bands: Sequence[BandInput], best: int | None) -> Result:
    """The result with its grade held at the `best`-th band from the top (1 = the top band) when it reached
    a better one; the total stays as scored. None, or a cap at or below the band reached, changes nothing."""
    if best is None or result.band is None:
        return result
    ordered = sorted(bands, key=lambda b: b.min_score, reverse=True)
    rank = ordered.index(result.band) + 1
    if rank >= best or best > len(ordered):
        return result
    return replace(result, band=ordered[best - 1], capped_from=result.band)


def evaluate(
    *,
    dimensions: Sequence[DimensionInput],
    indicators: Sequence[IndicatorInput],
    deductions: Iterable[Decimal] = (),
    deduction_cap: Decimal = Decimal("0"),
    missing: str = RENORMALISE,
    bands: Sequence[BandInput] = (),
) -> Result:
    excluded: list[str] = []
    raw_dimension: dict[str, Decimal | None] = {}
    for dim in dimensions:
        pairs = []
        for ind in indicators:
            if ind.dimension != dim.code:
                continue
            if ind.score is None and missing == RENORMALISE:
                excluded.append(ind.code)
                continue
            pairs.append((ind.weight, ind.score if ind.score is not None else Decimal("0")))
        raw_dimension[dim.code] = _weighted_mean(pairs)

    scored = {d.code: s for d in dimensions if (s := raw_dimension[d.code]) is not None}
    counted = [d for d in dimensions if d.code in scored]
    dim_weight = sum((d.weight for d in counted), Decimal("0"))
    before = _weighted_mean((d.weight, scored[d.code]) for d in counted)

    effective: dict[str, Decimal] = {}
    for dim in dimensions:
        members = [i for i in indicators if i.dimension == dim.code and i.code not in excluded]
        inner = sum((i.weight for i in members), Decimal("0"))
        for ind in indicators:
            if ind.dimension != dim.code:
                continue
            share = Decimal("0")
            if ind in members and inner > 0 and dim_weight > 0 and raw_dimension[dim.code] is not None:
                share = (dim.weight / dim_weight) * (ind.weight / inner)
            effective[ind.code] = share

    deducted = min(sum((Decimal(p) for p in deductions), Decimal("0")), deduction_cap)
    total = None if before is None else round2(max(before - deducted, Decimal("0")))
    return Result(
        dimension_scores={k: (round2(v) if v is not None else None) for k, v in raw_dimension.items()},
        effective_weights=effective,
        before_deductions=round2(before) if before is not None else None,
        deducted=round2(deducted),
        total=total,
        band=band_for(total, bands),
        excluded=excluded,
    )
