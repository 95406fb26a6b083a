"""The demo's classifier, trained once on the demo's accepted complaints, so 建议分类 shows on `make run`."""

import random

from xiaobao.classifier.selectors import classifier_latest, training_pairs
from xiaobao.classifier.services import classifier_train

# Training time grows with the texts (six settings tried, each cross-validated), accuracy hardly does past a
# couple of thousand here: the demo's complaints repeat each topic's few phrasings. About 4,700 are accepted.
TRAINING_TEXTS = 2000


def classifier_seed(*, seed: int = 2026) -> str | None:
    """Train the default model unless a version exists; None when one does."""
    row = classifier_latest(name="default")
    if row is not None:
        return None
    pairs = list(training_pairs())
    usable = len(pairs)
    if usable > TRAINING_TEXTS:
        pairs = random.Random(seed).sample(pairs, TRAINING_TEXTS)
    labels = [label for _text, label in pairs]
    if len(set(labels)) < 2:
        # Too few accepted complaints is no reason to stop the demo from starting.
        return f"classifier not trained: {len(pairs)} accepted complaints in {len(set(labels))} categories"
    row, _classifier = classifier_train(
        name="default",
        texts=[text for text, _label in pairs],
        labels=labels,
        trained_from="platform: complaints accepted by a regulator, business category",
        extra_metrics={"rows_used": len(pairs), "rows_usable": usable},
    )
    accuracy = row.metrics.get("estimate", {}).get("accuracy")
    estimate = f", estimated accuracy {accuracy:.3f}" if accuracy is not None else ""
    return f"classifier {row}: {len(pairs)} of {usable} accepted complaints, {len(row.labels)} labels{estimate}"
