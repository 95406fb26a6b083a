"""The people of illegal-fundraising work, beside the complaint personas, and reports filed through the
real services. Two bases: the service tests' (Fay, Pat, Sam) and the page tests' (Fay, Jin, Pia)."""

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiaobao.accounts.models import User
from xiaobao.registry.models import Authority, Region
from xiaobao.testing import BaseTestCase
from xiaobao.tipoffs import services
from xiaobao.tipoffs.models import Report, RewardTier

SCHEME = "在老年活动室办免费健康讲座，发宣传单说投资养老公寓保本高息、稳赚不赔，年息18%，已有几十位老人交了钱。"


def png(name: str = "flyer.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class TipoffsTestCase(BaseTestCase):
    """The complaint personas, plus the people of illegal-fundraising work:

    - Fay is an officer of Changchun's lead department (长春市处非办): Changchun's reports are hers.
    - Pat is an officer of the province's lead department: he sees every city's reports.
    - Sam is an officer of Siping's lead department: Changchun's reports are not his.
    - Rita (banking regulator) and Lou (Changchun's local financial regulator) read only the reports
      notified to them; Oscar, a consumer, sees none.
    """

    changchun: Region
    nanguan: Region
    siping: Region
    yanji: Region
    lead_changchun: Authority
    lead_siping: Authority
    lead_province: Authority
    fay: User
    pat: User
    sam: User
    tier: RewardTier

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.changchun = Region.objects.get(code="220100")
        cls.nanguan = Region.objects.get(code="220102")
        cls.siping = Region.objects.get(code="220300")
        cls.yanji = Region.objects.get(code="222401")
        cls.lead_changchun = Authority.objects.get(code="fundraising-changchun")
        cls.lead_siping = Authority.objects.get(code="fundraising-siping")
        cls.lead_province = Authority.objects.get(code="fundraising-jilin")
        cls.fay = User.objects.create_user(
            "fay", password="pw-fay-123", role=User.Role.REGULATOR, authority=cls.lead_changchun, display_name="Fay"
        )
        cls.pat = User.objects.create_user(
            "pat", password="pw-pat-123", role=User.Role.REGULATOR, authority=cls.lead_province, display_name="Pat"
        )
        cls.sam = User.objects.create_user(
            "sam", password="pw-sam-123", role=User.Role.REGULATOR, authority=cls.lead_siping, display_name="Sam"
        )
        cls.tier = RewardTier.objects.get(name="立案奖励")

    @classmethod
    def file_report(cls, **overrides: Any) -> tuple[Report, str]:
        """An anonymous report about a pension-flat scheme in Changchun, as the retired teacher files it."""
        fields: dict[str, Any] = {
            "by": None,
            "subject_kind": Report.SubjectKind.COMPANY,
            "subject_name": "长春福寿康养老服务有限公司",
            "subject_region": cls.nanguan,
            "scheme": "在社区免费健康讲座上发传单，说投资养老公寓保本高息，每年返利，介绍亲友还有奖励。",
        }
        fields.update(overrides)
        return services.report_submit(**fields)

    def named(self, **overrides: Any) -> dict[str, Any]:
        return {
            "anonymous": False,
            "contact_name": "王秀兰",
            "contact_phone": "13904310001",
            "wants_reward": True,
            **overrides,
        }

    def visible_kinds(self, report: Report) -> list[str]:
        return list(report.events.filter(visible_to_reporter=True).values_list("kind", flat=True))


class TipoffTestCase(BaseTestCase):
    """Personas of the reporting channel, beside the complaint ones:

    - Fay is an officer of Changchun's lead department (长春市处非办): Changchun's reports are hers.
    - Jin is an officer of Jilin City's lead department: he must not see Changchun's reports.
    - Pia is an officer of the province's lead department and sees every city's reports.
    - Rita (the banking regulator) reads only the reports that name a bank it supervises.
    """

    changchun_fundraising: Authority
    fay: User
    jin: User
    pia: User
    nanguan: Region
    changyi: Region
    media: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.changchun_fundraising = Authority.objects.get(code="fundraising-changchun")
        cls.fay = User.objects.create_user(
            "fay", password="pw-fay-123", role=User.Role.REGULATOR, authority=cls.changchun_fundraising,
            display_name="Fay",
        )  # fmt: skip
        cls.jin = User.objects.create_user(
            "jin", password="pw-jin-123", role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-jilinshi"), display_name="Jin",
        )  # fmt: skip
        cls.pia = User.objects.create_user(
            "pia", password="pw-pia-123", role=User.Role.REGULATOR,
            authority=Authority.objects.get(code="fundraising-jilin"), display_name="Pia",
        )  # fmt: skip
        cls.nanguan = Region.objects.get(code="220102")  # 长春市南关区
        cls.changyi = Region.objects.get(code="220202")  # 吉林市昌邑区

    def setUp(self) -> None:
        super().setUp()
        self.use_fresh_pages()

    def file_report(self, **overrides: Any) -> tuple[Report, str]:
        """An anonymous report about a Changchun company, as the web form would file it."""
        fields: dict[str, Any] = {
            "by": None,
            "subject_kind": Report.SubjectKind.COMPANY,
            "subject_name": "吉林省长青养老服务有限公司",
            "subject_region": self.nanguan,
            "scheme": SCHEME,
            "collecting_accounts": "6222 0212 3456 7890",
            "promised_return": Decimal("18"),
            "anonymous": True,
        }
        fields.update(overrides)
        return services.report_submit(**fields)

    def named_report(self, **overrides: Any) -> tuple[Report, str]:
        return self.file_report(
            anonymous=False, contact_name="王淑芬", contact_phone="13904310000", wants_reward=True, **overrides
        )

    def form_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "subject_kind": "company",
            "subject_name": "吉林省长青养老服务有限公司",
            "subject_region": self.nanguan.pk,
            "scheme": SCHEME,
            "collecting_accounts": "6222 0212 3456 7890",
            "promised_return": "18",
            "people": "40",
            "anonymous": "1",
        }
        data.update(overrides)
        return data
