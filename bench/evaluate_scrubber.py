"""Personal-name recall of the scrubber, and how often a text without personal data comes back unchanged.

The texts are the hand-written Chinese complaints in bench/data/ (86 texts, none naming a person). Names are
put into them in the places real complaints carry them: a self-introduction (我叫…, 本人…, 我是…), a role
(客户经理…, 催收员…, 业务员…), a polite title (…先生, …女士) and a signature (投诉人：…). The names are drawn
from the 100 most common surnames and common given names, with a fixed seed, one of each context per text.

Run: .venv/bin/python bench/evaluate_scrubber.py
"""

import csv
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xiaobao.lib.scrub import NAME, SURNAMES, scrub_text  # noqa: E402

TEXTS = ROOT / "bench" / "data" / "complaints_zh_handwritten.csv"
GIVEN = [
    "建国",
    "海燕",
    "秀英",
    "丽华",
    "桂兰",
    "淑珍",
    "玉兰",
    "志强",
    "国庆",
    "红梅",
    "春燕",
    "晓东",
    "文博",
    "子涵",
    "雨萱",
    "浩然",
    "俊杰",
    "思远",
    "欣怡",
    "佳琪",
    "明",
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "超",
    "霞",
    "平",
    "刚",
    "鹏",
    "辉",
    "玲",
    "琳",
    "婷",
    "颖",
    "斌",
    "宇",
    "凯",
    "帆",
    "亮",
    "峰",
]
CONTEXTS = {
    "self-introduction 我叫": "我叫{name}，{text}",
    "self-introduction 本人": "本人{name}，{text}",
    "self-introduction 我是": "我是{name}，{text}",
    "role 客户经理": "{text}当时客户经理{name}向我保证没有问题。",
    "role 催收员": "{text}催收员{name}每天打电话。",
    "role 业务员": "{text}业务员{name}上门推销。",
    "title 先生": "{text}经办的{name}先生说会处理。",
    "title 女士": "{text}柜台的{name}女士拒绝办理。",
    "signature": "{text}\n投诉人：{name}",
}


def main() -> None:
    rng = random.Random(20261207)
    surnames = sorted(SURNAMES)
    with TEXTS.open(encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    unchanged = sum(scrub_text(t) == t for t in texts)
    exact = 0  # the name replaced and nothing else changed
    hits: Counter[str] = Counter()
    trials: Counter[str] = Counter()
    for text in texts:
        for context, template in CONTEXTS.items():
            name = rng.choice(surnames) + rng.choice(GIVEN)
            out = scrub_text(template.format(name=name, text=text))
            trials[context] += 1
            hits[context] += name not in out
            exact += out == template.format(name=NAME, text=scrub_text(text))
    print(f"texts: {len(texts)}; unchanged without personal data: {unchanged / len(texts):.3f}")
    for context in CONTEXTS:
        print(f"  {context:<22} recall {hits[context] / trials[context]:.3f} ({hits[context]}/{trials[context]})")
    total = sum(hits.values()) / sum(trials.values())
    print(f"name recall over every context: {total:.3f} ({sum(hits.values())}/{sum(trials.values())})")
    print(f"the name alone replaced, the rest unchanged: {exact / sum(trials.values()):.3f}")


if __name__ == "__main__":
    main()
