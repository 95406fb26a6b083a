"""Evaluate the newest version of a complaint classifier on a labelled CSV.

  manage.py evaluate_classifier --from-csv FILE --text-column C --label-column L [--model NAME]

Columns are header names or numbers counted from 0. A label the model was not trained on counts as
an error. The file is read in batches, so its size does not matter. The last line is exactly
"accuracy=0.xxx macro_f1=0.xxx" (macro-F1 over every label seen as truth or as prediction).
"""

from itertools import islice
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.classifier import cli
from xiaobao.classifier.datasets import DatasetError
from xiaobao.classifier.engine import Metrics
from xiaobao.classifier.selectors import classifier_latest, classifier_load

BATCH = 1000


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_csv_arguments(parser, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        name = cli.model_name(options)
        cli.check_database()
        data = cli.open_csv(options)
        row = classifier_latest(name=name)
        if row is None:
            raise CommandError(
                f"no trained model named {name!r}: run `manage.py train_classifier --model {name}` first"
            )
        classifier = classifier_load(row)
        known = set(classifier.labels)
        metrics = Metrics()
        pairs = iter(data)
        try:
            while batch := list(islice(pairs, BATCH)):
                texts = [t for t, _label in batch]
                metrics.add([label for _t, label in batch], classifier.predict(texts))
        except DatasetError as exc:
            raise CommandError(str(exc), returncode=cli.USAGE_ERROR) from exc
        cli.describe_csv(self, data)
        if metrics.total == 0:
            raise CommandError("no usable rows (every row had an empty text or label)")
        unseen = sorted(label for label in metrics.labels if label not in known and metrics.support(label))
        if unseen:
            missed = sum(metrics.support(label) for label in unseen)
            self.stderr.write(
                f"{len(unseen)} label(s) not in the model's training data, {missed} rows counted as errors: "
                + ", ".join(unseen[:20])
            )
        self.stdout.write(f"model {row} ({len(known)} labels) on {metrics.total} texts")
        width = max(len(label) for label in metrics.labels)
        for label in metrics.labels:
            self.stdout.write(f"  {label:<{width}}  support={metrics.support(label):>6}  f1={metrics.f1(label):.3f}")
        self.stdout.write(f"accuracy={metrics.accuracy:.3f} macro_f1={metrics.macro_f1:.3f}")
