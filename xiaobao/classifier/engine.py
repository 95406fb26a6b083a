"""The complaint classifier itself: features, training, prediction and metrics, with no database.

One pipeline serves Chinese, English and mixed text. Two TF-IDF blocks (sublinear tf, each block
normalised on its own) feed one linear SVM:

- words: jieba words for the Chinese runs of a text and lower-cased words for the Latin runs,
  stop words removed, unigrams and bigrams;
- characters: for mostly-Chinese text (share of CJK characters among letters ≥ 0.3) character
  1–3-grams over the text with punctuation removed; for other text char_wb 2–5-grams of its words.

The SVM's C and class weighting are chosen by cross-validation on the training set; above 20k texts
C is fixed and a held-out tenth only estimates accuracy. The held-out decision scores fit one softmax temperature, so
the suggestions carry probabilities that mean something without refitting the model. Nothing here
touches the network; training on 50k texts takes minutes on two cores.
"""

import itertools
import logging
import math
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jieba
import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines would land in the commands' output

# Narratives are cut here before featurising: the category shows in the first pages, and a 30k-character
# CFPB narrative would cost as much as thirty ordinary ones.
MAX_CHARS = 4000
# Above this many training texts one held-out tenth replaces k-fold cross-validation (time on two cores).
CV_FOLDS_LIMIT = 20_000
C_GRID = (0.1, 0.3, 1.0)
LARGE_DATA_C = 0.5
# The machines have two cores; training uses both and no more.
WORKERS = 2
WEIGHT_GRID: tuple[str | None, ...] = (None, "balanced")
# Vocabulary caps keep the model file and the memory of a web process bounded whatever the data size.
MAX_WORD_FEATURES = 300_000
MAX_CHAR_FEATURES = 400_000

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z][a-z0-9'’]*|[0-9]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_LETTER = re.compile(rf"[{_CJK}a-z]")
# CFPB narratives redact names, dates and amounts as XXXX, XX/XX/XXXX and {$0.00}: noise for the category.
_REDACTED = re.compile(r"\bx{2,}\b|\{\$[0-9.,]*\}")
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_NOT_CHAR = re.compile(rf"[^{_CJK}a-z0-9]+")
# Function words that carry no category in complaint text.
_ZH_STOP_WORDS = (
    "的 了 是 我 你 他 她 它 们 在 和 与 及 并 也 都 就 又 还 把 被 让 给 对 向 从 到 为 以 而 但 却 或 这 那 之 其 此 "
    "个 着 过 吗 呢 吧 啊 呀 哦 么 没 有 一 不 很 要 会 能 可 说 去 来 上 下 中 后 前 时 里 我们 他们 你们 自己 "
    "这个 那个 一个 没有 什么 因为 所以 如果 但是 而且 然后 已经 就是 还是 以及 对于 关于 进行"
)
ZH_STOP = frozenset(_ZH_STOP_WORDS.split())
EN_STOP = frozenset(ENGLISH_STOP_WORDS) | {"i'm", "i've", "don't", "didn't", "can't", "won't", "it's"}


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become ASCII), lower case, redactions and numbers folded."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    text = _REDACTED.sub(" ", text)
    return _DIGITS.sub("0", text)


def cjk_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_CJK_CHAR.findall(text)) / letters if letters else 0.0


def is_chinese(text: str) -> bool:
    return cjk_share(text) >= 0.3


def words(text: str) -> list[str]:
    """Word unigrams and bigrams: jieba for Chinese runs, plain words for Latin ones."""
    tokens: list[str] = []
    for run in _RUNS.findall(normalise(text)):
        if run[0] >= "\u3400":
            tokens.extend(w for w in jieba.lcut(run) if w not in ZH_STOP)
        elif run not in EN_STOP and len(run) > 1:
            tokens.append(run)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def chars(text: str) -> list[str]:
    """Character n-grams: 1–3 over mostly-Chinese text, 2–5 inside the words of any other."""
    text = normalise(text)
    grams: list[str] = []
    if is_chinese(text):
        s = _NOT_CHAR.sub("", text)
        for n in (1, 2, 3):
            grams.extend(s[i : i + n] for i in range(len(s) - n + 1))
        return grams
    for w in _NOT_CHAR.sub(" ", text).split():
        if w in EN_STOP:
            continue
        w = f" {w} "
        for n in (2, 3, 4, 5):
            grams.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return grams


def _vectorizer(analyzer: Callable[[str], list[str]], max_features: int, min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer, sublinear_tf=True, min_df=min_df, max_features=max_features, dtype=np.float32
    )


@dataclass
class Metrics:
    """Accuracy and macro-F1 from counts, so an evaluation can stream through a file of any size."""

    total: int = 0
    correct: int = 0
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def add(self, truth: Iterable[str], predicted: Iterable[str]) -> None:
        for t, p in zip(truth, predicted, strict=True):
            self.total += 1
            if t == p:
                self.correct += 1
                self.tp[t] += 1
            else:
                self.fp[p] += 1
                self.fn[t] += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def f1(self, label: str) -> float:
        tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    @property
    def labels(self) -> list[str]:
        # Every label seen as truth or as prediction, as scikit-learn's f1_score(average="macro") counts them.
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    @property
    def macro_f1(self) -> float:
        labels = self.labels
        return sum(self.f1(label) for label in labels) / len(labels) if labels else 0.0

    def support(self, label: str) -> int:
        return self.tp[label] + self.fn[label]

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.total, "accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4)}


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold scores."""
    best_t, best_loss = 1.0, math.inf
    rows = np.arange(len(truth))
    for t in np.logspace(-1, 2, 61):
        p = _softmax(scores, float(t))[rows, truth]
        loss = float(-np.log(np.clip(p, 1e-12, 1.0)).mean())
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def _scores(svm: LinearSVC, X: sparse.csr_matrix, n_classes: int) -> np.ndarray:
    """Decision scores in the columns of all classes (a fold may lack a rare class: it scores very low)."""
    d = svm.decision_function(X)
    if d.ndim == 1:
        d = np.column_stack([-d, d])
    out = np.full((X.shape[0], n_classes), -1e3, dtype=np.float64)
    out[:, svm.classes_] = d
    return out


@dataclass
class Selection:
    C: float = 0.3
    class_weight: str | None = None
    temperature: float = 1.0
    estimate: dict[str, Any] = field(default_factory=dict)
    tried: list[dict[str, Any]] = field(default_factory=list)


class ComplaintClassifier:
    """TF-IDF words + characters → linear SVM; predict() and suggest() with softmax probabilities."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.word_vec: TfidfVectorizer | None = None
        self.char_vec: TfidfVectorizer | None = None
        self.svm: LinearSVC | None = None
        self.temperature = 1.0
        self.selection: Selection | None = None

    # -- training

    def fit(self, texts: Sequence[str], labels: Sequence[str], *, seed: int = 0) -> "ComplaintClassifier":
        counts = Counter(labels)
        if len(counts) < 2:
            raise ValueError("at least two different labels are needed to train a classifier")
        self.labels = sorted(counts)
        index = {label: i for i, label in enumerate(self.labels)}
        y = np.array([index[label] for label in labels])
        min_df = 2 if len(texts) >= 2000 else 1
        self.word_vec = _vectorizer(words, MAX_WORD_FEATURES, min_df)
        self.char_vec = _vectorizer(chars, MAX_CHAR_FEATURES, min_df)
        X = sparse.hstack(
            [self.word_vec.fit_transform(texts), self.char_vec.fit_transform(texts)], format="csr", dtype=np.float32
        )
        if X.shape[0] > CV_FOLDS_LIMIT:
            # The setting is fixed for large data: the final fit runs beside the held-out one.
            with ThreadPoolExecutor(max_workers=1) as pool:
                final = pool.submit(_fit, LARGE_DATA_C, None, X, y)
                self.selection = _select(X, y, len(self.labels), seed=seed)
                self.svm = final.result()
        else:
            self.selection = _select(X, y, len(self.labels), seed=seed)
            self.svm = _fit(self.selection.C, self.selection.class_weight, X, y)
        self.temperature = self.selection.temperature
        # Half the memory in every web process that suggests categories; scores differ below 1e-6.
        self.svm.coef_ = self.svm.coef_.astype(np.float32)
        self.svm.intercept_ = self.svm.intercept_.astype(np.float32)
        return self

    # -- use

    def _features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        assert self.word_vec is not None and self.char_vec is not None
        return sparse.hstack(
            [self.word_vec.transform(texts), self.char_vec.transform(texts)], format="csr", dtype=np.float32
        )

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        assert self.svm is not None
        return _scores(self.svm, self._features(texts), len(self.labels))

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return [self.labels[i] for i in self.decision(texts).argmax(axis=1)]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return _softmax(self.decision(texts), self.temperature)

    def suggest(self, text: str, *, top: int = 3) -> list[tuple[str, float]]:
        """The most likely labels of one text, with probabilities, best first."""
        if not text.strip():
            return []
        p = self.predict_proba([text])[0]
        order = np.argsort(-p)[:top]
        return [(self.labels[i], float(p[i])) for i in order]


def _svm(C: float, class_weight: str | None) -> LinearSVC:
    return LinearSVC(C=C, class_weight=class_weight, max_iter=2000)


def _fit(C: float, weight: str | None, X: sparse.csr_matrix, y: np.ndarray) -> LinearSVC:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _svm(C, weight).fit(X, y)


def _parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    # liblinear releases the GIL while it fits: threads use both cores without copying the matrix.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda call: call(), calls))


def _held_out_scores(
    C: float, weight: str | None, X: sparse.csr_matrix, y: np.ndarray, splits: list, n_classes: int
) -> list[Callable[[], tuple[np.ndarray, np.ndarray]]]:
    def one(train: np.ndarray, test: np.ndarray) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
        def call() -> tuple[np.ndarray, np.ndarray]:
            if len(np.unique(y[train])) < 2:  # a tiny fold with one label: it predicts that label
                scores = np.full((len(test), n_classes), -1e3)
                scores[:, y[train][0]] = 1.0
                return test, scores
            return test, _scores(_fit(C, weight, X[train], y[train]), X[test], n_classes)

        return call

    return [one(train, test) for train, test in splits]


def _select(X: sparse.csr_matrix, y: np.ndarray, n_classes: int, *, seed: int) -> Selection:
    """C and class weighting by accuracy (macro-F1 breaks ties) on out-of-fold predictions."""
    n = X.shape[0]
    counts = np.bincount(y, minlength=n_classes)
    if n < 20 or (counts >= 2).sum() < 2:
        return Selection(C=0.3, estimate={"method": "none: too few texts to hold any out"})
    if n > CV_FOLDS_LIMIT:
        # Enough data that C hardly matters and one held-out tenth estimates well: one setting, one fit.
        stratify = y if counts.min() >= 2 else None
        train, test = train_test_split(np.arange(n), test_size=0.1, random_state=seed, stratify=stratify)
        splits = [(train, test)]
        grid: list[tuple[float, str | None]] = [(LARGE_DATA_C, None)]
        method = "held-out 10%"
    else:
        k = 5 if n <= 5000 else 3
        k = int(min(k, max(2, np.sort(counts)[-2])))  # the second-largest class must reach every fold
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # classes with fewer members than folds are expected
            splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(n), y))
        grid = [(C, weight) for C in C_GRID for weight in WEIGHT_GRID]
        method = f"{k}-fold cross-validation"
    calls = [call for C, weight in grid for call in _held_out_scores(C, weight, X, y, splits, n_classes)]
    results = _parallel(calls)
    held = np.concatenate([test for _train, test in splits])
    best: tuple[float, float] | None = None
    selection = Selection()
    for g, (C, weight) in enumerate(grid):
        scores = np.zeros((n, n_classes))
        for test, fold_scores in results[g * len(splits) : (g + 1) * len(splits)]:
            scores[test] = fold_scores
        m = Metrics()
        m.add(y[held].tolist(), scores[held].argmax(axis=1).tolist())
        key = (round(m.accuracy, 4), round(m.macro_f1, 4))
        selection.tried.append({"C": C, "class_weight": weight, **m.as_dict()})
        if best is None or key > best:
            best = key
            selection.C, selection.class_weight = C, weight
            selection.estimate = {"method": method, **m.as_dict()}
            selection.temperature = _fit_temperature(scores[held], y[held])
    return selection
