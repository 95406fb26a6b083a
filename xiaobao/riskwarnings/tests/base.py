"""Warnings written through the real services, by the complaint personas and two more regulators.

- Rita (provincial banking regulator) writes warnings; Rex, her colleague, reviews them.
- Lou (Changchun's local regulator) writes for Changchun; he may not publish the province's.
- Fay is an officer of Changchun's fundraising lead department; clues are hers.
- Ivan (a bank's complaint handler), Carla and Oscar (consumers) have no warnings desk.
"""

from datetime import date
from typing import Any

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Region
from xiaobao.riskwarnings import services
from xiaobao.riskwarnings.models import Audience, RiskWarning
from xiaobao.riskwarnings.rules import audiences_load
from xiaobao.testing import BaseTestCase
from xiaobao.warning.models import Alert

BODY = (
    "近期有不法分子以“养老服务”“以房养老”为名，承诺高额回报，诱导老年人投资。"
    "请牢记：凡是承诺“保本高息、稳赚不赔”的都要提高警惕；不向陌生账户转账；遇到可疑情况及时报警。"
)


class WarningsTestCase(BaseTestCase):
    rex: User
    fay: User
    province: Region
    changchun: Region
    elderly: Audience
    everyone: Audience
    students: Audience

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        audiences_load()
        cls.rex = User.objects.create_user(
            "rex", password="pw-rex-123", role=User.Role.REGULATOR, authority=cls.nfra, display_name="Rex"
        )
        cls.fay = User.objects.create_user(
            "fay",
            password="pw-fay-123",
            role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-changchun"),
            display_name="Fay",
        )
        cls.province = Region.objects.get(code="220000")
        cls.changchun = Region.objects.get(code="220100")
        cls.elderly = Audience.objects.get(code="elderly")
        cls.students = Audience.objects.get(code="students")
        cls.everyone = Audience.objects.get(code="all")

    def draft(self, *, by: User | None = None, **overrides: Any) -> RiskWarning:
        fields: dict[str, Any] = {
            "title": "警惕以“养老服务”为名的非法集资",
            "body": BODY,
            "scheme": "以养老公寓、养老服务为名，承诺高额返利吸收老年人资金",
            "audiences": [self.elderly],
            "regions": [self.province],
        }
        fields.update(overrides)
        return services.warning_draft(by=by or self.rita, **fields)

    def published(self, **overrides: Any) -> RiskWarning:
        warning = self.draft(**overrides)
        services.warning_submit(warning=warning, by=self.rita)
        return services.warning_publish(warning=warning, by=self.rex)

    def alert(self, number: str = "YJ-20261201-000001") -> Alert:
        return Alert.objects.create(
            number=number,
            kind=Alert.Kind.ANOMALY,
            dimension="institution",
            granularity="month",
            key=self.icbc.name,
            key_code=f"institution:{self.icbc.pk}",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            observed=40,
            expected=10,
            p_value=1e-5,
            score=5,
            level="red",
            authority=self.nfra,
            institution=self.icbc,
            region=self.changchun,
        )
