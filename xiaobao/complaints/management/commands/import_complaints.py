"""Import complaints from a CSV or XLSX file: the CFPB public export or the platform's template.

A later export of the same complaints updates them; the rejected rows go to the file --rejected names
(CSV or XLSX by its extension), or, without it, the first of them are listed in the summary.
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.accounts.models import User
from xiaobao.complaints.importing import PROFILES, REJECTS_SHOWN, REPORT_SUFFIXES, import_file
from xiaobao.lib.tabular import TableError
from xiaobao.registry.reference import require_reference_data

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "导入投诉（CSV 或 XLSX）：--format cfpb 读取美国 CFPB 公开数据，--format xiaobao 读取平台导入模板；"
        "再次导入同一来源编号时按新数据更新。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--format", dest="profile", choices=sorted(PROFILES), default="xiaobao")
        parser.add_argument(
            "--rejected",
            "--report",
            dest="rejected",
            metavar="REPORT",
            help="write the rejected rows with their reasons to REPORT, .csv or .xlsx (default: none, the first "
            f"{REJECTS_SHOWN} are listed in the summary)",
        )
        parser.add_argument("--by", help="username recorded as the importer (default: none)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        require_reference_data()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"no user {options['by']!r}")
        report_path = Path(options["rejected"]) if options["rejected"] else None
        if report_path is not None and report_path.suffix.lower() not in REPORT_SUFFIXES:
            raise CommandError(f"{report_path}: the rejected rows are written as .csv or .xlsx")
        if report_path is not None and report_path.resolve() == path.resolve():
            raise CommandError(f"{report_path}: the report would overwrite the file being imported")
        started = time.monotonic()
        show = not options["no_progress"]

        def progress(rows: int, fraction: float | None) -> None:
            if not show:
                return
            rate = rows / max(time.monotonic() - started, 1e-6)
            done = int(BAR_WIDTH * (fraction or 0))
            bar = "#" * done + "." * (BAR_WIDTH - done)
            percent = f"{fraction:4.0%}" if fraction is not None else "  ? "
            self.stderr.write(f"\r[{bar}] {percent} {rows:>10,} rows {rate:>8,.0f} rows/s", ending="")
            self.stderr.flush()

        try:
            result = import_file(
                path=path, profile=options["profile"], by=by, report_path=report_path, progress=progress
            )
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        run = result.run
        if show:
            self.stderr.write("")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"rows {run.rows}, created {run.imported - run.updated}, updated {run.updated}, "
            f"unchanged {run.skipped}, rejected {run.rejected} in {seconds:.1f} s"
        )
        if report_path is not None:
            self.stdout.write(f"rejected rows with their reasons: {report_path}")
        elif run.rejected:
            self.stdout.write("rejected rows (row, reason):")
            for number, reason in result.rejects:
                self.stdout.write(f"  {number:>8}  {reason}")
            if run.rejected > len(result.rejects):
                self.stdout.write(
                    f"  … and {run.rejected - len(result.rejects)} more: --rejected FILE.csv or FILE.xlsx lists them all"
                )
        if run.institutions_created:
            self.stdout.write(f"institutions created (marked as imported): {len(run.institutions_created)}")
            for name in run.institutions_created[:20]:
                self.stdout.write(f"  {name}")
        for field, values in run.unmapped.items():
            self.stdout.write(f"unmapped {field} values (kept on the records, mapped to the fallback):")
            for value, count in list(values.items())[:20]:
                self.stdout.write(f"  {count:>8}  {value}")
        if run.ignored_columns:
            self.stdout.write(f"columns not used: {', '.join(run.ignored_columns)}")
        sys.stdout.flush()
