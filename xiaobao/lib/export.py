"""Tables out to the spreadsheets regulators live in: XLSX and CSV from rows and a column spec.

The caller decides which rows and which columns (and so keeps personal data out); this module only
writes them, in a form Excel opens correctly with Chinese text.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# CFPB's consumer complaint database caps an export at 100,000 rows; a larger one is better cut by filters.
EXPORT_MAX_ROWS = 100_000
# Excel reads a CSV as UTF-8 only when the file starts with the byte-order mark.
UTF8_BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TEXT, DATE, DATETIME, MONEY, INTEGER, NUMBER = "text", "date", "datetime", "money", "integer", "number"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14  # in Excel's character units; a Chinese character takes about two
    kind: str = TEXT


def _safe_text(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _local(value: datetime) -> datetime:
    """Spreadsheets know no time zones: write the local wall-clock time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _csv_value(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == DATE and isinstance(value, datetime):
        return _local(value).date().isoformat()
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    if kind == DATETIME and isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if kind == MONEY and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):.2f}"
    if kind in (INTEGER, NUMBER) and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return _safe_text(value)


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([_csv_value(c.value(row), c.kind) for c in columns])


def csv_response(*, rows: Iterable[Any], columns: Sequence[Column], filename: str) -> StreamingHttpResponse:
    """Streamed row by row, so a large export never sits in memory."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(rows, columns)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def write_xlsx(file: Any, *, rows: Iterable[Any], columns: Sequence[Column], title: str) -> None:
    write_xlsx_sheets(file, [Sheet(title=title, columns=columns, rows=rows)])


def write_xlsx_sheets(file: Any, sheets: Sequence[Sheet]) -> None:
    """Write-only mode streams rows to disk, so 100,000 rows stay within a modest memory budget."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])  # Excel's limit on a sheet name
        ws.freeze_panes = "A2"
        for i, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = bold
            cell.alignment = Alignment(vertical="center")
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_xlsx_cell(ws, column.value(row), column.kind) for column in sheet.columns])
    wb.save(file)


def _xlsx_cell(ws: Any, value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == DATE and isinstance(value, date):
        # openpyxl writes dates and Decimals; its stubs list fewer value types.
        cell = WriteOnlyCell(ws, value=_local(value).date() if isinstance(value, datetime) else value)  # type: ignore[arg-type]
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind == DATETIME and isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=_local(value))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if kind == MONEY and isinstance(value, Decimal | int | float):
        cell = WriteOnlyCell(ws, value=Decimal(value))  # type: ignore[arg-type]  # as for dates above
        cell.number_format = "#,##0.00"
        return cell
    if kind == INTEGER and isinstance(value, int):
        return value
    if kind == NUMBER and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return _safe_text(value)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(*, rows: Iterable[Any], columns: Sequence[Column], filename: str, title: str) -> FileResponse:
    # A temporary file rather than memory: FileResponse streams it and closes (so deletes) it afterwards.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(file, rows=rows, columns=columns, title=title)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def export_response(
    *, rows: Iterable[Any], columns: Sequence[Column], fmt: str, filename: str, title: str = "Sheet1"
) -> StreamingHttpResponse | FileResponse:
    """rows + column spec → a download; fmt is "xlsx" or "csv", filename without extension."""
    if fmt == "xlsx":
        return xlsx_response(rows=rows, columns=columns, filename=f"{filename}.xlsx", title=title)
    return csv_response(rows=rows, columns=columns, filename=f"{filename}.csv")


def write_csv(file: Any, *, rows: Iterable[Any], columns: Sequence[Column]) -> int:
    """The same CSV as csv_response, into an open text file; returns the number of data rows."""
    count = -1  # the header line is not a row
    for line in _csv_lines(rows, columns):
        file.write(line)
        count += 1
    return count
