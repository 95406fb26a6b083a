"""A small seeded set of labelled complaints, Chinese and English, for tests that train a real model."""

import random

# Each label: words that only its complaints use, and a few sentences people write about it.
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "信用卡": (
        ["信用卡年费", "分期手续费", "信用卡被盗刷", "额度被降低", "credit card annual fee", "card interest rate"],
        [
            "办卡时说免{w}，结果还是扣了钱",
            "{w}的问题客服一直不处理",
            "My {w} was charged without notice",
            "{w}太不合理",
        ],
    ),
    "贷款": (
        ["房贷利率", "提前还款违约金", "贷款放款", "车贷解押", "mortgage payment", "loan modification"],
        ["{w}拖了两个月没有结果", "银行对{w}收费不透明", "The servicer mishandled my {w}", "{w}被强制搭售保险"],
    ),
    "理财": (
        ["理财产品亏损", "基金赎回", "风险测评", "保本理财", "investment fund", "wealth product"],
        ["客户经理推荐的{w}说是稳赚", "{w}到期迟迟不到账", "The bank sold me a risky {w}", "{w}与宣传不一致"],
    ),
    "保险": (
        ["保险理赔", "退保损失", "重疾险拒赔", "车险定损", "insurance claim", "policy cancellation"],
        ["{w}一个月还没处理", "代理人对{w}说法前后矛盾", "My {w} was denied unfairly", "{w}手续太复杂"],
    ),
}


def labelled(n_per_label: int, *, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, (words, sentences) in TOPICS.items():
        for _ in range(n_per_label):
            parts = [rng.choice(sentences).format(w=rng.choice(words)) for _ in range(rng.randint(1, 3))]
            rows.append(("。".join(parts), label))
    rng.shuffle(rows)
    return rows
