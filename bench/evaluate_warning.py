"""Evaluate early warning: plant anomalies of known sizes in generated complaints, report precision and recall.

    .venv/bin/python bench/evaluate_warning.py [--complaints 300000] [--seed 20161212]

Complaints come from the demo generator (24 months, the shares and weekly and seasonal rhythm of
real ones, with no anomaly of its own), counted per institution (head office) and day or week, exactly
as the scan's grouped query counts them. On each evaluated period the detector (services.series_findings,
the code the scan runs, with the shipped rules) judges every institution series:

- on the data as generated, every alert is a false alarm;
- then, one at a time, an anomaly is planted in a randomly chosen institution that drew complaints in the
  history window: its count in that period is raised to size × what it usually draws there (its mean over
  the window), and the period is judged with every other institution as it was; recall is the share of
  plants found, per size. The same for the three largest institutions of each period (recall largest).

Precision is reported for one plant of each size per evaluated period: TP / (TP + false alarms).
The figures and the settings used go to var/bench/evaluate_warning.json.
"""

import argparse
import os
import random
import sys
from collections import defaultdict
from datetime import date
from typing import Any

from common import (
    ROOT,
    SEED,
    format_table,
    generated_complaints,
    generator_reference,
    head_offices,
    machine,
    write_json,
)

SIZES = (1.5, 2.0, 3.0, 5.0)
END = date(2025, 12, 31)
PLANTS_PER_SIZE = 20  # per evaluated period
# The largest institutions are planted in every evaluated period as well: a rise at a bank holding a
# tenth of all complaints moves the total its expectation would be built on.
LARGEST = 3
EVAL_PERIODS = {"day": 56, "week": 26}


def _setup() -> None:
    scratch = ROOT / "var" / "bench" / "evaluate"
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["XIAOBAO_VAR_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'xiaobao.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from xiaobao.registry.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()


def _counts(n: int, seed: int) -> tuple[dict[str, dict[date, int]], dict[date, int]]:
    """Complaints per head office and day, and all complaints per day."""
    reference = generator_reference(END)
    heads = head_offices(reference)
    per: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[date, int] = defaultdict(int)
    for c in generated_complaints(n, seed=seed, reference=reference):
        day = c["received_at"].date()
        per[heads[c["institution"]]][day] += 1
        totals[day] += 1
    return per, totals


def _found_planted(
    counts: Any, key: tuple[Any, ...], size: float, start: int, params: Any, window: int, lag: int
) -> bool:
    """Whether the scan finds key raised to size × its usual count, judged among all the other series."""
    from xiaobao.warning import selectors
    from xiaobao.warning.services import series_findings

    row = list(counts.series[key])
    end = len(row)
    usual = sum(row[start : end - 1]) / (end - 1 - start)
    extra = max(1, round(usual * size) - row[-1])
    row[-1] += extra
    planted = selectors.Counts(
        granularity=counts.granularity,
        periods=counts.periods,
        totals=[*counts.totals[:-1], counts.totals[-1] + extra],
        series={**counts.series, key: row},
    )
    return any(k == key for k, *_rest in series_findings(planted, params=params, window=window, lag=lag))


def _evaluate(granularity: str, per: dict[str, dict[date, int]], totals: dict[date, int], rng: random.Random) -> dict:
    from xiaobao.warning import selectors
    from xiaobao.warning.models import WarningSettings
    from xiaobao.warning.rules import detection_params
    from xiaobao.warning.services import series_findings

    rules = WarningSettings(valid_from=END)  # the shipped defaults
    params = detection_params(rules, granularity)
    window, lag = rules.window(granularity), selectors.YEAR_LAG[granularity]
    first_day = min(totals)
    last = selectors.current_period(END, granularity)
    first = selectors.period_start(first_day, granularity)
    periods = []
    p = first
    while p <= last:
        periods.append(p)
        p = selectors.shift_period(p, granularity, 1)
    index = {p: i for i, p in enumerate(periods)}

    def bucket(day: date) -> int:
        return index[selectors.period_start(day, granularity)]

    all_series: dict[tuple[Any, ...], list[int]] = {}
    for inst, days in per.items():
        row = [0] * len(periods)
        for day, k in days.items():
            if selectors.period_start(day, granularity) in index:
                row[bucket(day)] += k
        all_series[("institution", inst)] = row
    all_totals = [0] * len(periods)
    for day, k in totals.items():
        if selectors.period_start(day, granularity) in index:
            all_totals[bucket(day)] += k

    false_alarms = 0
    series_periods = 0
    found = dict.fromkeys(SIZES, 0)
    planted = dict.fromkeys(SIZES, 0)
    found_large = dict.fromkeys(SIZES, 0)
    planted_large = dict.fromkeys(SIZES, 0)
    evaluated = periods[-EVAL_PERIODS[granularity] :]
    for current in evaluated:
        end = index[current] + 1
        counts = selectors.Counts(
            granularity=granularity,
            periods=periods[:end],
            totals=all_totals[:end],
            series={k: v[:end] for k, v in all_series.items()},
        )
        series_periods += len(counts.series)
        false_alarms += len(series_findings(counts, params=params, window=window, lag=lag))
        start = max(0, end - 1 - window)
        eligible = [k for k, v in counts.series.items() if sum(v[start : end - 1]) > 0]
        largest = sorted(eligible, key=lambda k: -sum(counts.series[k][start : end - 1]))[:LARGEST]

        for size in SIZES:
            for key in rng.sample(eligible, min(PLANTS_PER_SIZE, len(eligible))):
                planted[size] += 1
                found[size] += _found_planted(counts, key, size, start, params, window, lag)
            for key in largest:
                planted_large[size] += 1
                found_large[size] += _found_planted(counts, key, size, start, params, window, lag)
    tp_one_each = sum(found[s] / planted[s] * len(evaluated) for s in SIZES)
    return {
        "granularity": granularity,
        "periods_evaluated": len(evaluated),
        "series_periods": series_periods,
        "false_alarms": false_alarms,
        "false_alarms_per_1000_series_periods": round(1000 * false_alarms / max(series_periods, 1), 2),
        "recall": {str(s): round(found[s] / planted[s], 3) for s in SIZES},
        "planted": {str(s): planted[s] for s in SIZES},
        "recall_largest": {str(s): round(found_large[s] / planted_large[s], 3) for s in SIZES},
        "precision_one_plant_per_size_per_period": round(tp_one_each / (tp_one_each + false_alarms), 3)
        if tp_one_each + false_alarms
        else None,
        "min_volume": params.min_volume,
        "p_yellow": params.p_yellow,
    }


def anomalies(n: int, seed: int) -> list[dict[str, Any]]:
    per, totals = _counts(n, seed)
    rng = random.Random(seed)
    return [_evaluate(g, per, totals, rng) for g in ("day", "week")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    _setup()
    results = anomalies(args.complaints, args.seed)
    rows = []
    for r in results:
        rows.append(
            (
                f"institution × {r['granularity']}",
                r["periods_evaluated"],
                r["false_alarms"],
                r["false_alarms_per_1000_series_periods"],
                *(r["recall"][str(s)] for s in SIZES),
                " / ".join(f"{r['recall_largest'][str(s)]:.2f}" for s in SIZES),
                r["precision_one_plant_per_size_per_period"],
            )
        )
    columns = [
        "series",
        "periods",
        "false alarms",
        "per 1000",
        *(f"recall ×{s:g}" for s in SIZES),
        "largest 3: recall by size",
        "precision",
    ]
    print(format_table(f"complaint anomalies ({args.complaints:,} generated complaints)", columns, rows))
    out = ROOT / "var" / "bench" / "evaluate_warning.json"
    write_json(out, {"complaints": args.complaints, "seed": args.seed, "machine": machine(), "anomalies": results})
    print(f"  figures: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
