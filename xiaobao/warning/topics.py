"""Emerging topics: words and phrases whose frequency rises sharply within a business category.

The summaries of the recent window are cut into words (jieba) and adjacent word pairs (phrases);
a term's count among recent complaints of a category is compared with its count in the baseline
window, scaled by the category's volume in both. Baseline counts are found by substring counting
over the category's baseline summaries joined together, so only the recent complaints are
segmented: a scan stays fast however long the history. Terms found in the same complaints are one
topic, shown with its complaints as examples.
"""

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import jieba

from xiaobao.complaints.models import Complaint
from xiaobao.warning.detection import poisson_sf
from xiaobao.warning.models import WarningSettings
from xiaobao.warning.selectors import local_midnight

# Words every complaint uses: they say nothing about what is new.
STOPWORDS = frozenset(
    [
        "投诉",
        "问题",
        "要求",
        "客户",
        "本人",
        "工作人员",
        "银行",
        "公司",
        "机构",
        "处理",
        "没有",
        "未经",
        "同意",
        "我们",
        "他们",
        "已经",
        "多次",
        "一个",
        "进行",
        "相关",
        "情况",
        "反映",
        "解决",
        "办理",
        "业务",
        "其他",
        "以及",
        "但是",
        "因为",
        "所以",
        "可以",
        "不能",
        "时候",
        "目前",
        "仍然",
        "还是",
        "这个",
        "那个",
        "什么",
    ]
)
MAX_TERMS_PER_CATEGORY = 200


@dataclass
class Topic:
    business_id: int
    terms: list[str]
    recent: int
    expected: float
    p_value: float
    complaint_ids: list[int] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(min(99.0, -math.log10(max(self.p_value, 1e-99))), 1)


def _content(word: str) -> bool:
    return len(word.strip()) >= 2 and not word.isdigit() and word not in STOPWORDS


def _terms(text: str) -> set[str]:
    """The summary's words, and its phrases: two content words that stand next to each other in the
    text, so a phrase is always found verbatim in other summaries."""
    tokens = jieba.lcut(text)
    words = {w for w in tokens if _content(w)}
    phrases = {a + b for a, b in itertools.pairwise(tokens) if _content(a) and _content(b)}
    return words | phrases


def emerging_topics(*, as_of: date, rules: WarningSettings, p_threshold: float) -> list[Topic]:
    recent_from = as_of - timedelta(days=rules.topic_recent_days - 1)
    baseline_from = recent_from - timedelta(days=rules.topic_baseline_days)
    end = local_midnight(as_of + timedelta(days=1))
    recent_rows = Complaint.objects.filter(received_at__gte=local_midnight(recent_from), received_at__lt=end)
    baseline_rows = Complaint.objects.filter(
        received_at__gte=local_midnight(baseline_from), received_at__lt=local_midnight(recent_from)
    )
    recent: dict[int, list[tuple[int, set[str]]]] = defaultdict(list)
    for pk, business_id, summary in recent_rows.values_list("pk", "business_id", "summary").iterator():
        recent[business_id].append((pk, _terms(summary)))
    baseline_text: dict[int, list[str]] = defaultdict(list)
    for business_id, summary in (
        baseline_rows.filter(business_id__in=list(recent)).values_list("business_id", "summary").iterator()
    ):
        baseline_text[business_id].append(summary)

    topics = []
    for business_id, docs in recent.items():
        topics += _category_topics(business_id, docs, baseline_text.get(business_id, []), rules, p_threshold)
    return sorted(topics, key=lambda t: t.p_value)


def _category_topics(
    business_id: int, docs: list[tuple[int, set[str]]], baseline: list[str], rules: WarningSettings, p: float
) -> list[Topic]:
    by_term: dict[str, list[int]] = defaultdict(list)
    for pk, terms in docs:
        for term in terms:
            by_term[term].append(pk)
    candidates = sorted(
        ((t, ids) for t, ids in by_term.items() if len(ids) >= rules.topic_min_count),
        key=lambda x: -len(x[1]),
    )[:MAX_TERMS_PER_CATEGORY]
    if not candidates:
        return []
    joined = "\n".join(baseline)
    # Scale by the category's volume: a category twice as busy is expected to use each word twice as often.
    scale = len(docs) / max(len(baseline), 1)
    rising = []
    for term, ids in candidates:
        expected = max(joined.count(term) * scale, 0.5)
        if len(ids) < float(rules.topic_min_ratio) * expected:
            continue
        p_value = poisson_sf(len(ids), expected)
        if p_value <= p:
            rising.append(Topic(business_id, [term], len(ids), expected, p_value, sorted(ids)))
    return _merge(sorted(rising, key=lambda t: (t.p_value, -len(t.terms[0]))))


def _merge(topics: Iterable[Topic]) -> list[Topic]:
    """Terms found in mostly the same complaints (Jaccard ≥ 0.5) are one topic, named by the strongest."""
    merged: list[Topic] = []
    for topic in topics:
        ids = set(topic.complaint_ids)
        for kept in merged:
            other = set(kept.complaint_ids)
            if len(ids & other) >= 0.5 * len(ids | other):
                kept.terms.append(topic.terms[0])
                kept.complaint_ids = sorted(other | ids)
                break
        else:
            merged.append(topic)
    return merged
