"""A period with ICBC and 吉林银行 under the national scheme, opened by Rita, for the ratings tests."""

from datetime import date
from typing import Any

from xiaobao.ratings import services
from xiaobao.ratings.models import Evaluation, Indicator, IndicatorScore, Period, Scheme
from xiaobao.registry.models import Institution
from xiaobao.testing import BaseTestCase


class RatingsTestCase(BaseTestCase):
    def open_period(self, *, code: str = "cbirc-2021", **overrides: Any) -> Period:
        fields: dict[str, Any] = {
            "scheme": Scheme.objects.get(code=code, is_current=True),
            "name": "2025年度消费者权益保护评估",
            "start": date(2025, 1, 1),
            "end": date(2025, 12, 31),
            "institutions": [self.icbc, self.other_bank],
            "by": self.rita,
        }
        fields.update(overrides)
        return services.period_open(**fields)

    def evaluation(self, period: Period, institution: Institution | None = None) -> Evaluation:
        return period.evaluations.get(institution=institution or self.icbc)

    def score_all_manual(self, period: Period, score: str = "80") -> None:
        from decimal import Decimal

        for row in IndicatorScore.objects.filter(evaluation__period=period, indicator__kind=Indicator.Kind.MANUAL):
            services.indicator_score(row=row, score=Decimal(score), note="查阅了制度文件和会议记录", by=self.rita)

    def publish(self, period: Period, score: str = "80") -> Period:
        services.period_compute(period=period, by=self.rita)
        self.score_all_manual(period, score)
        services.period_submit(period=period, by=self.rita)
        return services.period_publish(period=period, by=self.rita)
