"""The demo's classifier, trained once on the demo's accepted complaints, so 建议分类 shows on `make run`."""

from xiaobao.classifier.selectors import classifier_latest, training_pairs
from xiaobao.classifier.services import classifier_train


def classifier_seed() -> str | None:
    """Train the default model unless a version exists; None when one does."""
    row = classifier_latest(name="default")
    if row is not None:
        return None
    pairs = list(training_pairs())
    labels = [label for _text, label in pairs]
    if len(set(labels)) < 2:
        # Too few accepted complaints is no reason to stop the demo from starting.
        return f"classifier not trained: {len(pairs)} accepted complaints in {len(set(labels))} categories"
    row, _classifier = classifier_train(
        name="default",
        texts=[text for text, _label in pairs],
        labels=labels,
        trained_from="platform: complaints accepted by a regulator, business category",
    )
    return f"classifier {row}: {len(pairs)} texts, {len(row.labels)} labels"
