"""Labelled texts from a CSV file exported by another system, read as it comes.

What such files look like in practice, and what is done about it:
- encoding: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), or GBK/GB18030 from
  Chinese Excel; the whole file is checked as UTF-8 first (a GBK file can look like UTF-8 for many lines);
- delimiter: comma, or tab for .tsv files and for files whose first line has tabs and no commas;
- quoted fields with newlines inside, and very long fields (narratives);
- a header row, or none (`header` True or False when the operator knows; None to guess): a column is
  named by its header or by its number, counted from 0 as in Python and pandas. A number is always a
  column number, never a header name that happens to be a number, so a header-less file whose first
  row holds a label such as `0` reads as it should; where a header is declared and holds the number as
  the name of another column, the file is refused with both meanings spelt out. With numbers only, the
  first row is taken as a header when it looks like one (its label is not a label of the rows below
  and its text is much shorter than theirs). A number one past the last column, with all numbers
  given at least 1, is read as counted from 1, with a warning;
- empty texts, empty labels and short rows are skipped and counted; labels lose stray whitespace.
Rows are yielded one at a time, so a file of any size passes through in bounded memory.
"""

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

CHUNK = 1 << 20
HEADER_SAMPLE_ROWS = 500
# Column names that only a header row holds, in the systems these files come from (CFPB: "Product",
# "Consumer complaint narrative"; Chinese exports: 投诉内容, 分类 …).
HEADER_WORDS = re.compile(
    r"^(text|texts|label|labels|category|class|content|narrative|product|issue|title|body|sentence|review|"
    r"consumer complaint narrative|complaint|target|y|x|内容|文本|标签|类别|分类|类型|投诉内容|投诉分类|投诉类别|"
    r"业务类别|问题描述|诉求|标题|摘要)$",
    re.IGNORECASE,
)


class DatasetError(Exception):
    """The file cannot be read as asked: the message says why, in words a user can act on."""


def detect_encoding(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _delimiter(path: Path, first_line: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    return "\t" if "\t" in first_line and "," not in first_line else ","


def clean_label(value: str) -> str:
    # Stray whitespace, full-width spaces and zero-width characters from spreadsheets.
    return re.sub(r"[\s\u200b\ufeff]+", " ", value).strip()


@dataclass
class Skipped:
    empty_text: int = 0
    empty_label: int = 0
    short_row: int = 0

    @property
    def total(self) -> int:
        return self.empty_text + self.empty_label + self.short_row

    def describe(self) -> str:
        return (
            f"skipped {self.total} rows: {self.empty_text} with empty text, {self.empty_label} with empty label, "
            f"{self.short_row} with too few columns"
        )


@dataclass
class LabelledCSV:
    """Rows of (text, label) from one file; `skipped`, `warnings` and `columns` fill in as it is read."""

    path: Path
    text_column: str
    label_column: str
    header_row: bool | None = None  # None: guess from the first rows
    encoding: str = ""
    has_header: bool = False
    columns: tuple[int, int] = (0, 0)
    header: list[str] = field(default_factory=list)
    skipped: Skipped = field(default_factory=Skipped)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0

    def open(self) -> "LabelledCSV":
        """Check the file and resolve the columns; raises DatasetError with a clear message."""
        if not self.path.is_file():
            raise DatasetError(f"file not found: {self.path}")
        self.encoding = detect_encoding(self.path)
        sample = list(self._raw_rows(limit=HEADER_SAMPLE_ROWS + 1))
        if not sample:
            raise DatasetError(f"the file is empty: {self.path}")
        self._resolve(sample)
        return self

    def _reader(self, f: io.TextIOBase) -> "Reader":
        first = f.readline()
        f.seek(0)
        # NUL bytes (from a binary column or a broken export) would stop the csv module dead.
        lines = (line.replace("\0", "") if "\0" in line else line for line in f)
        return csv.reader(lines, delimiter=_delimiter(self.path, first))

    def _raw_rows(self, limit: int | None = None) -> Iterator[list[str]]:
        with self.path.open(encoding=self.encoding, newline="", errors="replace") as f:
            reader = self._reader(f)
            try:
                for i, row in enumerate(reader):
                    if limit is not None and i >= limit:
                        return
                    if any(cell.strip() for cell in row):
                        yield row
            except csv.Error as exc:
                raise DatasetError(f"{self.path.name}, line {reader.line_num}: {exc}") from exc

    def _resolve(self, sample: list[list[str]]) -> None:
        first = [clean_label(c).lower() for c in sample[0]]
        wanted = (self.text_column, self.label_column)
        numbers = [int(w) if w.strip().lstrip("-").isdigit() else None for w in wanted]
        named = [first.index(w.strip().lower()) if w.strip().lower() in first else None for w in wanted]
        # A number is a column number; only a name that is not a number is looked up in the header.
        by_name = [None if n is not None else b for n, b in zip(numbers, named, strict=True)]
        if self.header_row is False and any(n is None for n in numbers):
            raise DatasetError("the file has no header row (--no-header): give the columns by number, counted from 0")
        if self.header_row:
            for given, number, at in zip(wanted, numbers, named, strict=True):
                if number is not None and at is not None and at != number:
                    raise DatasetError(
                        f"{given!r} is the header of column {at} and also column number {number}: "
                        f"give the column by another name, or by number with --no-header"
                    )
        columns: list[int] = []
        for name, by, number in zip(("text", "label"), by_name, numbers, strict=True):
            if by is not None:
                columns.append(by)
            elif number is not None:
                columns.append(number)
            else:
                given = self.text_column if name == "text" else self.label_column
                raise DatasetError(
                    f"no {name} column named {given!r}; the first row has: "
                    + ", ".join(repr(c) for c in sample[0][:30])
                    + ". Give a header name or a column number counted from 0."
                )
        width = max(len(r) for r in sample)
        if any(c < 0 for c in columns):
            raise DatasetError("column numbers count from 0 and cannot be negative")
        if any(c >= width for c in columns):
            by_one = [
                c - 1 if n is not None and b is None else c for c, n, b in zip(columns, numbers, by_name, strict=True)
            ]
            if all(n is None or n >= 1 for n in numbers) and all(c < width for c in by_one):
                self.warnings.append(
                    f"the file has {width} columns (0 to {width - 1}); column numbers taken as counted from 1"
                )
                columns = by_one
            else:
                raise DatasetError(
                    f"column {max(columns)} does not exist: the file has {width} columns, numbered 0 to {width - 1}"
                )
        if columns[0] == columns[1]:
            raise DatasetError("the text column and the label column are the same column")
        self.columns = (columns[0], columns[1])
        if self.header_row is not None:
            self.has_header = self.header_row
        else:
            self.has_header = any(b is not None for b in by_name) or self._looks_like_header(sample)
        self.header = sample[0] if self.has_header else []

    def _looks_like_header(self, sample: list[list[str]]) -> bool:
        t, lab = self.columns
        head = sample[0]
        if len(head) <= max(t, lab):
            return False
        text, label = head[t].strip(), clean_label(head[lab])
        if HEADER_WORDS.match(text) or HEADER_WORDS.match(label):
            return True
        rest = [r for r in sample[1:] if len(r) > max(t, lab)]
        if not rest:
            return False
        labels_below = {clean_label(r[lab]) for r in rest}
        lengths = sorted(len(r[t].strip()) for r in rest)
        median = lengths[len(lengths) // 2]
        return label not in labels_below and len(text) < max(8, median / 3)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if not self.encoding:
            self.open()
        t, lab = self.columns
        need = max(t, lab)
        rows = self._raw_rows()
        if self.has_header:
            next(rows, None)
        for row in rows:
            self.rows_read += 1
            if len(row) <= need:
                self.skipped.short_row += 1
                continue
            text, label = row[t].strip(), clean_label(row[lab])
            if not text:
                self.skipped.empty_text += 1
            elif not label:
                self.skipped.empty_label += 1
            else:
                yield text, label
