"""Train the demo's classifier on the demo's accepted complaints, once, so 建议分类 shows on `make run`."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xiaobao.classifier.selectors import classifier_latest


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args: Any, **options: Any) -> None:
        row = classifier_latest(name="default")
        if row is not None:
            self.stdout.write(f"classifier {row} already trained")
            return
        try:
            call_command("train_classifier", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            # Too few accepted complaints is no reason to stop the demo from starting.
            self.stderr.write(f"demo classifier not trained: {exc}")
