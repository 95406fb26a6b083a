"""Credit-list tests share a second officer at the provincial regulator and ICBC's penalty decision."""

from datetime import date
from decimal import Decimal
from typing import Any

from xiaobao.accounts.models import User
from xiaobao.credit import services
from xiaobao.credit.models import CreditEntry
from xiaobao.registry.models import Penalty
from xiaobao.testing import BaseTestCase

# A company and a person that only ever appear on the staff side; the ID number carries a valid check digit.
COMPANY = "吉林省鑫汇通投资咨询有限公司"
COMPANY_USCC = "91220101MA0Y3L8Q4P"
PERSON = "王建国"
PERSON_ID = "220102198506151232"


class CreditTestCase(BaseTestCase):
    """Rita drafts; Rhea, at the same regulator, checks; Ivan speaks for ICBC, the subject; Bob for another bank."""

    rhea: User
    penalty: Penalty

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rhea = User.objects.create_user(
            "rhea", password="pw-rhea-123", role=User.Role.REGULATOR, authority=cls.nfra, display_name="Rhea"
        )
        cls.penalty = Penalty.objects.create(
            institution=cls.icbc,
            decided_on=date(2026, 3, 2),
            decision_number="吉金罚决字〔2026〕7号",
            violation="未按规定处理消费者投诉，侵害消费者知情权",
            basis="《中华人民共和国银行业监督管理法》第四十六条",
            penalty_type=Penalty.Type.FINE,
            amount=Decimal("500000.00"),
            authority=cls.nfra,
        )

    def draft(self, **overrides: Any) -> CreditEntry:
        fields: dict[str, Any] = {
            "credit_list": "black",
            "subject": CreditEntry.Subject.INSTITUTION,
            "basis": "《中华人民共和国银行业监督管理法》第四十六条",
            "source": CreditEntry.Source.PENALTY,
            "document": "",
            "decided_on": None,
            "penalty": self.penalty,
            "by": self.rita,
        }
        fields.update(overrides)
        return services.entry_draft(**fields)

    def published(self, **overrides: Any) -> CreditEntry:
        entry = self.draft(**overrides)
        return services.entry_check(entry=entry, approve=True, note="事实清楚，依据充分", by=self.rhea)

    def company_entry(self, **overrides: Any) -> CreditEntry:
        fields: dict[str, Any] = {
            "subject": CreditEntry.Subject.COMPANY,
            "source": CreditEntry.Source.FUNDRAISING,
            "penalty": None,
            "name": COMPANY,
            "uscc": COMPANY_USCC,
            "basis": "《防范和处置非法集资条例》第三十三条",
            "document": "吉处非决〔2026〕3号",
            "decided_on": date(2026, 4, 1),
        }
        fields.update(overrides)
        return self.published(**fields)

    def person_entry(self, **overrides: Any) -> CreditEntry:
        fields: dict[str, Any] = {
            "subject": CreditEntry.Subject.PERSON,
            "source": CreditEntry.Source.FUNDRAISING,
            "penalty": None,
            "person_name": PERSON,
            "person_id_number": PERSON_ID,
            "basis": "《防范和处置非法集资条例》第三十三条",
            "document": "（2026）吉0102刑初88号",
            "decided_on": date(2026, 4, 1),
        }
        fields.update(overrides)
        return self.published(**fields)
