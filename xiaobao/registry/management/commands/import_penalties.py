"""Import administrative penalty decisions from a CSV or XLSX file."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.lib.tabular import TableError
from xiaobao.registry.importing import import_from_path, penalties_import
from xiaobao.registry.reference import require_reference_data


class Command(BaseCommand):
    help = "导入行政处罚信息（CSV 或 XLSX）。按机构与处罚决定书文号匹配，重复导入不会产生重复记录。"
    importer = staticmethod(penalties_import)
    by_required = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--by", required=self.by_required, help="username of the regulator or administrator")
        parser.add_argument("--report", help="where to write the rejected rows (default: FILE.rejected.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        require_reference_data()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"no user {options['by']!r}")
        report_path = options["report"] or f"{path}.rejected.csv"
        try:
            summary = import_from_path(self.importer, path=str(path), by=by, report_path=report_path)
        except (TableError, PermissionDenied) as exc:
            Path(report_path).unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"rows {summary.rows}, created or updated {summary.imported}, unchanged {summary.skipped}, "
            f"rejected {summary.rejected}"
        )
        if summary.rejected:
            self.stdout.write(f"rejected rows with their reasons: {report_path}")
