"""Training a classifier version: fit, write the model file, then record the version in one transaction."""

import re
import shutil
import tempfile
from collections.abc import Sequence
from typing import Any

import joblib
from django.db import IntegrityError, transaction
from django.db.models import Max

from xiaobao.accounts.models import User
from xiaobao.classifier.engine import ComplaintClassifier
from xiaobao.classifier.models import ClassifierModel, models_dir

MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")


def model_name_validate(name: str) -> str:
    """A model name becomes a folder name: letters, digits, '_', '.', '-' only."""
    if not MODEL_NAME.match(name):
        raise ValueError(
            f"invalid model name {name!r}: use 1-50 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return name


def classifier_train(
    *,
    name: str,
    texts: Sequence[str],
    labels: Sequence[str],
    trained_from: str,
    by: User | None = None,
    extra_metrics: dict[str, Any] | None = None,
) -> tuple[ClassifierModel, ComplaintClassifier]:
    """Train on (text, label) pairs and store the result as the next version of `name`.

    The model is written to a temporary folder first and moved into place inside the transaction
    that adds the row, so a failed run leaves neither a row without a file nor a file without a row.
    """
    model_name_validate(name)
    classifier = ComplaintClassifier().fit(texts, labels)
    selection = classifier.selection
    metrics: dict[str, Any] = {
        "estimate": selection.estimate if selection else {},
        "C": selection.C if selection else None,
        "class_weight": selection.class_weight if selection else None,
        "temperature": round(classifier.temperature, 4),
        "tried": selection.tried if selection else [],
        **(extra_metrics or {}),
    }
    root = models_dir() / name
    root.mkdir(parents=True, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".training-", dir=root)
    try:
        joblib.dump(classifier, f"{staging}/model.joblib", compress=3)
        for _attempt in range(5):
            try:
                row = _record(name=name, staging=staging, classifier=classifier, metrics=metrics,
                              trained_from=trained_from, n_texts=len(texts), by=by)  # fmt: skip
                return row, classifier
            except IntegrityError:
                continue  # another run took this version number at the same moment: take the next
        raise RuntimeError("could not allocate a model version")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@transaction.atomic
def _record(
    *,
    name: str,
    staging: str,
    classifier: ComplaintClassifier,
    metrics: dict[str, Any],
    trained_from: str,
    n_texts: int,
    by: User | None,
) -> ClassifierModel:
    last = ClassifierModel.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    row = ClassifierModel.objects.create(
        name=name,
        version=last + 1,
        created_by=by,
        labels=classifier.labels,
        metrics=metrics,
        trained_from=trained_from[:500],
        n_texts=n_texts,
    )
    if row.directory.exists():  # left by a run whose row was rolled back
        shutil.rmtree(row.directory)
    shutil.move(staging, row.directory)
    row.directory.chmod(0o755)  # made private by mkdtemp; the web server's user reads it
    return row
