"""What train_classifier and evaluate_classifier share: their CSV options, the database check, messages."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from xiaobao.classifier.datasets import DatasetError, LabelledCSV
from xiaobao.classifier.models import ClassifierModel
from xiaobao.classifier.services import model_name_validate

# Exit status for a call that cannot work as given (wrong column, unreadable file), as argparse uses.
USAGE_ERROR = 2


def add_csv_arguments(parser: CommandParser, *, required: bool) -> None:
    parser.add_argument(
        "--from-csv", metavar="FILE", required=required, help="labelled CSV (UTF-8, UTF-8 with BOM, UTF-16 or GBK)"
    )
    parser.add_argument(
        "--text-column", metavar="C", help="header name of the text column, or its number counted from 0"
    )
    parser.add_argument(
        "--label-column", metavar="L", help="header name of the label column, or its number counted from 0"
    )
    header = parser.add_mutually_exclusive_group()
    header.add_argument(
        "--header", dest="header_row", action="store_true", default=None, help="the first row is a header"
    )
    header.add_argument(
        "--no-header", dest="header_row", action="store_false", help="the first row is data (no header row)"
    )
    parser.add_argument("--model", default="default", metavar="NAME", help='model name (default "default")')


def check_database() -> None:
    try:
        ClassifierModel.objects.exists()
    except DatabaseError as exc:
        raise CommandError(
            f"the database is not ready ({str(exc).strip().splitlines()[0]}); run `manage.py migrate` first"
        ) from exc


def model_name(options: dict) -> str:
    try:
        return model_name_validate(options["model"])
    except ValueError as exc:
        raise CommandError(str(exc), returncode=USAGE_ERROR) from exc


def open_csv(options: dict) -> LabelledCSV:
    if options["text_column"] is None or options["label_column"] is None:
        raise CommandError("--from-csv needs --text-column and --label-column", returncode=USAGE_ERROR)
    data = LabelledCSV(
        Path(options["from_csv"]),
        options["text_column"],
        options["label_column"],
        header_row=options.get("header_row"),
    )
    try:
        return data.open()
    except (DatasetError, OSError) as exc:
        raise CommandError(str(exc), returncode=USAGE_ERROR) from exc


def describe_csv(command: BaseCommand, data: LabelledCSV) -> None:
    """What was read and what was left out, on stderr so that stdout's last line stays the result."""
    header = "a header row" if data.has_header else "no header row"
    t, lab = data.columns
    command.stderr.write(f"{data.path.name}: {data.encoding}, {header}, text column {t}, label column {lab}")
    for warning in data.warnings:
        command.stderr.write(f"warning: {warning}")
    if data.skipped.total:
        command.stderr.write(data.skipped.describe())
