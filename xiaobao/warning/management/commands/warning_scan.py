"""Run a full early-warning scan and print the alerts it found.

    manage.py warning_scan [--as-of 2026-11-26] [--format text|json|csv]

Each alert has the fields dimension, key (the institution's name where the series is an
institution's), period, observed, expected, score and level. Running it twice for one day raises
nothing twice: the second run prints the same alerts.
"""

import csv
import json
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xiaobao.registry.reference import require_reference_data
from xiaobao.warning.services import FIELDS, alert_row, scan_run


class Command(BaseCommand):
    help = "Run a full early-warning scan (complaint series, emerging topics, fundraising risk index)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the last day the scan covers, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
        parser.add_argument("--no-topics", action="store_true", help="skip emerging topics")
        parser.add_argument("--no-risk", action="store_true", help="skip the fundraising risk index")

    def handle(self, *args: Any, **options: Any) -> None:
        require_reference_data()
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {options['as_of']!r}") from None
        else:
            as_of = timezone.localdate() - timedelta(days=1)
        result = scan_run(as_of=as_of, topics=not options["no_topics"], risk_index=not options["no_risk"])
        rows = [alert_row(a) for a in result.alerts]
        match options["format"]:
            case "json":
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            case "csv":
                writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            case _:
                for r in rows:
                    expected = "–" if r["expected"] is None else f"{r['expected']:.1f}"
                    self.stdout.write(
                        f"[{r['level']}] {r['dimension']} {r['key']} {r['period']}: "
                        f"observed {r['observed']}, expected {expected}, score {r['score']}"
                    )
                run = result.run
                self.stderr.write(
                    f"Scan as of {as_of}: {run.series} series, {len(rows)} alerts "
                    f"({run.raised} new), {run.entities} entities scored."
                )
