"""Tables in from the spreadsheets regulators live in: CSV and XLSX read row by row, in flat memory.

The mirror of lib/export.py. A reader knows nothing of what the columns mean: the caller gives a
column spec (a key, its headers in Chinese and English, whether it is required) and gets each data
row as {key: text}, with the row's number as a spreadsheet shows it (the header is row 1). Rejected
rows go to a report CSV with their number and the reason, so the sender can correct and resend them.
"""

import codecs
import csv
import io
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from xiaobao.lib.export import UTF8_BOM, _safe_text

# Values that mean "nothing here" in the exports seen in practice (the CFPB writes "N/A" and "None").
EMPTY_MARKERS = frozenset({"", "n/a", "na", "none", "null", "-", "—", "无"})

# Chinese spreadsheets saved as CSV by Excel are GB18030 unless "CSV UTF-8" was chosen.
FALLBACK_ENCODING = "gb18030"
_SNIFF_BYTES = 1 << 20

_SPACES = re.compile(r"\s+")


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, missing required columns); no row was taken."""


class RowError(Exception):
    """One row is rejected, with the reason in words its sender understands."""


@dataclass(frozen=True)
class Field:
    key: str
    headers: tuple[str, ...]  # the first is the template's own header; the rest are accepted aliases
    required: bool = False
    help: StrOrPromise = ""


def header_key(text: Any) -> str:
    """Headers compare without case, spaces, a byte-order mark or the full-width/ASCII bracket difference."""
    text = "" if text is None else str(text)
    text = text.replace(UTF8_BOM, "").replace("（", "(").replace("）", ")")
    return _SPACES.sub("", text).casefold()


def clean(value: Any) -> str:
    """A cell as text: trimmed, with the empty markers as ""."""
    if value.__class__ is str:  # every CSV cell: the fast path
        text = value.strip()
        return "" if len(text) < 5 and text.casefold() in EMPTY_MARKERS else text
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return "" if text.casefold() in EMPTY_MARKERS else text


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary file, for the progress bar of a streamed CSV."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def _encoding(raw: IO[bytes]) -> str:
    head = raw.read(_SNIFF_BYTES)
    raw.seek(0)
    try:
        # A multi-byte character may be cut at the end of the sample: only the rest must decode.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return FALLBACK_ENCODING
    return "utf-8-sig"


class Table:
    """The data rows of one CSV or XLSX file, mapped to the spec's keys, read once, front to back."""

    def __init__(self, raw: IO[bytes], name: str, fields: Sequence[Field]) -> None:
        self.name = name
        self.fields = fields
        self.format = "xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv"
        raw.seek(0, io.SEEK_END)
        self.size = raw.tell()
        raw.seek(0)
        self._raw = raw
        self._counter: _CountingReader | None = None
        self._rows: Iterator[Sequence[Any]] = self._open()
        try:
            header = next(self._rows)
        except StopIteration:
            raise TableError(_("文件为空，没有表头。")) from None
        self.headers = ["" if h is None else str(h).replace(UTF8_BOM, "").strip() for h in header]
        self._index = self._map_headers()
        used = set(self._index.values())
        self.ignored_columns = [h for i, h in enumerate(self.headers) if h and i not in used]
        self.estimated_rows = self._estimate_rows()
        self.cells_read = len(self.headers)

    def _open(self) -> Iterator[Sequence[Any]]:
        if self.format == "xlsx":
            from openpyxl import load_workbook

            try:
                workbook = load_workbook(self._raw, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises zipfile, KeyError or its own errors on a damaged file
                raise TableError(_("无法读取 XLSX 文件：%(error)s") % {"error": exc}) from exc
            self._sheet = workbook.worksheets[0]
            return self._sheet.iter_rows(values_only=True)
        encoding = _encoding(self._raw)
        self._counter = _CountingReader(self._raw)
        text = io.TextIOWrapper(io.BufferedReader(self._counter, 1 << 16), encoding=encoding, newline="")
        return csv.reader(text)

    def _map_headers(self) -> dict[str, int]:
        positions = {header_key(h): i for i, h in reversed(list(enumerate(self.headers))) if h}
        index: dict[str, int] = {}
        for spec in self.fields:
            for alias in spec.headers:
                if header_key(alias) in positions:
                    index[spec.key] = positions[header_key(alias)]
                    break
        missing = [spec.headers[0] for spec in self.fields if spec.required and spec.key not in index]
        if missing:
            raise TableError(_("缺少必填列：%(columns)s。请使用导入模板的表头。") % {"columns": "、".join(missing)})
        return index

    def _estimate_rows(self) -> int | None:
        if self.format == "xlsx":
            rows = getattr(self._sheet, "max_row", None)
            return rows - 1 if rows else None
        return None

    @property
    def bytes_read(self) -> int:
        return self._counter.count if self._counter is not None else 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, str], Sequence[Any]]]:
        """(row number, {key: cleaned text}, the row as read); blank rows are skipped."""
        number = 1
        index = list(self._index.items())
        width = max(self._index.values(), default=-1) + 1
        for raw in self._rows:
            number += 1
            # Before padding: a CSV row with fewer cells than the header was cut off (a truncated download).
            self.cells_read = len(raw)
            if len(raw) < width:
                raw = [*raw, *([""] * (width - len(raw)))]
            row = {key: clean(raw[i]) for key, i in index}
            if not any(row.values()) and not any(clean(cell) for cell in raw):
                continue
            yield number, row, raw

    def fraction_done(self, rows_done: int) -> float | None:
        if self.format == "csv" and self.size:
            return min(self.bytes_read / self.size, 1.0)
        if self.estimated_rows:
            return min(rows_done / self.estimated_rows, 1.0)
        return None


def open_table(path: str | Path, fields: Sequence[Field]) -> tuple[Table, IO[bytes]]:
    raw = open(path, "rb")  # noqa: SIM115 - the caller closes it when the table is read
    try:
        return Table(raw, str(path), fields), raw
    except Exception:
        raw.close()
        raise


class RejectReport:
    """The report of rejected rows: row number, reason, then the row as it was sent, in a CSV Excel opens."""

    def __init__(self, out: IO[str], headers: Sequence[str]) -> None:
        self._writer = csv.writer(out)
        out.write(UTF8_BOM)
        self._writer.writerow([_("行号"), _("拒绝原因"), *headers])
        self.count = 0

    def add(self, number: int, reason: str, raw: Sequence[Any]) -> None:
        self._writer.writerow([number, reason, *(_safe_text(clean(cell) or cell or "") for cell in raw)])
        self.count += 1


# ---------------------------------------------------------------------------------------------
# Cells


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(text: str, label: str) -> date:
    """ISO (2019-05-14), US (05/14/2019) as the CFPB export writes them, and the Chinese ways."""
    value = text.strip()
    # The two layouts of the CFPB export first, without strptime: they are most of a large file.
    if len(value) == 10:
        try:
            if value[4] == "-":
                return date.fromisoformat(value)
            if value[2] == "/" and value[5] == "/":
                return date(int(value[6:]), int(value[:2]), int(value[3:5]))
        except ValueError:
            pass
    if " " in value or "T" in value:  # a datetime: keep the date
        value = re.split(r"[ T]", value, maxsplit=1)[0]
    for fmt in _DATE_FORMATS:
        try:
            # time.strptime: a calendar date has no time of day, so no time zone to attach.
            return date(*time.strptime(value, fmt)[:3])
        except ValueError:
            continue
    raise RowError(
        _("%(label)s“%(value)s”无法识别：请写成 2019-05-14 或 05/14/2019。") % {"label": label, "value": text}
    )


def parse_money(text: str, label: str) -> Decimal:
    value = text.replace(",", "").replace("，", "").replace("元", "").replace("¥", "").replace("￥", "").strip()
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(_("%(label)s“%(value)s”不是金额。") % {"label": label, "value": text}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise RowError(_("%(label)s“%(value)s”超出范围。") % {"label": label, "value": text})
    return amount.quantize(Decimal("0.01"))


def parse_count(text: str, label: str) -> int:
    value = text.replace(",", "").replace("，", "").strip()
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowError(_("%(label)s“%(value)s”不是整数。") % {"label": label, "value": text}) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0 or number >= 10**15:
        raise RowError(_("%(label)s“%(value)s”应为非负整数。") % {"label": label, "value": text})
    return int(number)


YES = frozenset({"是", "yes", "y", "true", "1", "及时", "同意"})
NO = frozenset({"否", "no", "n", "false", "0", "不及时", "不同意"})


def parse_bool(text: str, label: str) -> bool | None:
    value = text.strip().casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowError(_("%(label)s“%(value)s”应填“是”或“否”。") % {"label": label, "value": text})
