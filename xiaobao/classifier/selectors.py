"""Reads: the versions of a classifier, the loaded model, category suggestions and the platform's training data."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import joblib
from django.db.models import QuerySet

from xiaobao.classifier.engine import ComplaintClassifier
from xiaobao.classifier.models import ClassifierModel
from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Category

# Loaded models stay in the process: loading takes a second, a suggestion a few milliseconds.
_loaded: dict[tuple[str, str, int], ComplaintClassifier] = {}
_lock = threading.Lock()
SUGGESTIONS = 3
# A text shorter than this says too little for a suggestion worth showing.
MIN_TEXT_CHARS = 4


def classifier_latest(*, name: str = "default") -> ClassifierModel | None:
    """The newest version of `name` whose model file is there (a copied database may lack the files)."""
    for row in ClassifierModel.objects.filter(name=name).order_by("-version")[:5]:
        if row.file.is_file():
            return row
    return None


def classifier_load(row: ClassifierModel) -> ComplaintClassifier:
    # The file's time is in the key: a database rebuilt from scratch numbers its versions from 1 again.
    key = (row.name, str(row.file), row.file.stat().st_mtime_ns)
    with _lock:
        if key not in _loaded:
            # Versions replace each other: keep only the newest of each name.
            for old in [k for k in _loaded if k[0] == row.name]:
                del _loaded[old]
            _loaded[key] = joblib.load(row.file)
        return _loaded[key]


def category_suggest(text: str, *, model: str = "default") -> list[tuple[str, float]]:
    """The likeliest categories (codes or labels as trained) of a complaint text with their probabilities.

    Suggestions only: a person chooses the category. Empty when no model of that name is trained.
    """
    text = (text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return []
    row = classifier_latest(name=model)
    if row is None:
        return []
    return classifier_load(row).suggest(text, top=SUGGESTIONS)


@dataclass(frozen=True)
class Suggestion:
    label: str
    probability: float
    category: Category | None

    @property
    def name(self) -> str:
        return self.category.path() if self.category else self.label

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


def suggestions_for(text: str, *, model: str = "default") -> list[Suggestion]:
    """category_suggest with each label matched to its category (by code, else by name) for display."""
    pairs = category_suggest(text, model=model)
    labels = [label for label, _p in pairs]
    by_code = {c.code: c for c in Category.objects.filter(code__in=labels)}
    by_name = {c.name: c for c in Category.objects.filter(name__in=labels, dimension=Category.Dimension.BUSINESS)}
    return [Suggestion(label, p, by_code.get(label) or by_name.get(label)) for label, p in pairs]


def complaint_text(complaint: Complaint) -> str:
    return f"{complaint.summary}\n{complaint.narrative}"


def training_complaints() -> QuerySet[Complaint]:
    """Complaints whose business category a regulator has let stand by accepting them (受理).

    The platform has no separate "category confirmed" mark: the regulator reads the complaint, its
    category included, before accepting it, and a refused or withdrawn complaint was never accepted.
    """
    return Complaint.objects.filter(accepted_at__isnull=False).exclude(
        status__in=[Complaint.Status.NOT_ACCEPTED, Complaint.Status.WITHDRAWN]
    )


def training_pairs() -> Iterator[tuple[str, str]]:
    rows = training_complaints().order_by("pk").values_list("summary", "narrative", "business__code")
    for summary, narrative, code in rows.iterator(chunk_size=2000):
        yield f"{summary}\n{narrative}", code
