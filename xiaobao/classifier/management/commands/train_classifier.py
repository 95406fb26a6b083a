"""Train a new version of a complaint classifier, from a labelled CSV or from the platform's own complaints.

  manage.py train_classifier --from-csv FILE --text-column C --label-column L [--model NAME]
  manage.py train_classifier [--model NAME]      # complaints a regulator accepted, by business category

Columns are header names or numbers counted from 0. Each run adds a version; evaluate_classifier and
the suggestions use the newest. The last line of the output names the version and its estimated accuracy.
"""

import random
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.classifier import cli
from xiaobao.classifier.datasets import DatasetError
from xiaobao.classifier.selectors import training_pairs
from xiaobao.classifier.services import classifier_train

# A sample of this many rows is drawn (the same every run) from a larger file: training time and
# memory grow with the rows, accuracy hardly does past this point. 50k Chinese complaints took
# 204 CPU seconds and 1.6 GB on the two-core development machines; --max-rows raises the cap.
DEFAULT_MAX_ROWS = 50_000


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_csv_arguments(parser, required=False)
        parser.add_argument(
            "--max-rows",
            type=int,
            default=DEFAULT_MAX_ROWS,
            help=f"train on a fixed random sample of at most this many rows (default {DEFAULT_MAX_ROWS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = cli.model_name(options)
        cli.check_database()
        if options["max_rows"] < 2:
            raise CommandError("--max-rows must be at least 2", returncode=cli.USAGE_ERROR)
        if options["from_csv"]:
            data = cli.open_csv(options)
            pairs: Iterable[tuple[str, str]] = data
            source = f"csv:{data.path.resolve()}"
        else:
            if options["text_column"] or options["label_column"]:
                raise CommandError("--text-column and --label-column go with --from-csv", returncode=cli.USAGE_ERROR)
            data = None
            pairs = training_pairs()
            source = "platform: complaints accepted by a regulator, business category"

        started = time.monotonic()
        try:
            texts, labels, seen = _sample(pairs, options["max_rows"])
        except DatasetError as exc:
            raise CommandError(str(exc), returncode=cli.USAGE_ERROR) from exc
        if data is not None:
            cli.describe_csv(self, data)
        if seen > len(texts):
            self.stderr.write(f"sampled {len(texts)} of {seen} usable rows (--max-rows {options['max_rows']})")
        if len(set(labels)) < 2:
            where = "the file" if data is not None else "the accepted complaints"
            raise CommandError(f"{where} give {len(texts)} usable texts with {len(set(labels))} label(s): "
                               "training needs at least two different labels")  # fmt: skip
        try:
            row, _classifier = classifier_train(
                name=name,
                texts=texts,
                labels=labels,
                trained_from=source,
                extra_metrics={
                    "rows_used": len(texts),
                    "rows_usable": seen,
                    "rows_skipped": data.skipped.total if data else 0,
                },
            )
        except MemoryError as exc:
            raise CommandError("out of memory: train on fewer rows with --max-rows") from exc
        except ValueError as exc:  # e.g. texts of punctuation only: scikit-learn's "empty vocabulary"
            raise CommandError(f"cannot train on these texts: {exc}") from exc
        estimate = row.metrics.get("estimate", {})
        self.stdout.write(
            f"trained {row} on {len(texts)} texts, {len(row.labels)} labels, in {time.monotonic() - started:.0f} s"
        )
        self.stdout.write(f"saved to {row.file}")
        if "accuracy" in estimate:
            self.stdout.write(
                f"estimated by {estimate['method']} on the training data: accuracy={estimate['accuracy']:.3f} "
                f"macro_f1={estimate['macro_f1']:.3f} (C={row.metrics['C']}, class_weight={row.metrics['class_weight']})"
            )
        self.stdout.write(f"model={row.name} version={row.version} labels={len(row.labels)} texts={len(texts)}")


def _sample(pairs: Any, limit: int) -> tuple[list[str], list[str], int]:
    """At most `limit` pairs, a uniform sample (reservoir, fixed seed) when there are more."""
    rng = random.Random(20161212)  # noqa: S311 (a reproducible sample, not a secret)
    texts: list[str] = []
    labels: list[str] = []
    seen = 0
    for text, label in pairs:
        seen += 1
        if len(texts) < limit:
            texts.append(text)
            labels.append(label)
        else:
            j = rng.randrange(seen)
            if j < limit:
                texts[j], labels[j] = text, label
    return texts, labels, seen
