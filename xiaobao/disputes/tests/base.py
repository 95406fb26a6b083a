"""Mediators and answered complaints for the dispute tests, made through the real services."""

from decimal import Decimal
from typing import Any

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept, complaint_answer
from xiaobao.disputes.models import Dispute, MediationBody, Mediator
from xiaobao.disputes.services import dispute_apply, dispute_respond
from xiaobao.registry.models import Institution
from xiaobao.testing import BaseTestCase


class DisputeTestCase(BaseTestCase):
    """Besides the personas: Mei mediates at the province's banking and insurance mediation centre;
    Max mediates at Changchun's court-linked workstation and must not see Mei's cases."""

    centre: MediationBody
    court_changchun: MediationBody
    mei_mediator: Mediator
    max: User
    max_mediator: Mediator

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.centre = MediationBody.objects.get(code="jl-bank-insurance")
        cls.court_changchun = MediationBody.objects.get(code="court-220100")
        cls.mei_mediator = Mediator.objects.create(
            user=cls.mei, body=cls.centre, qualifications="律师执业证；调解员资格证", capacity=5
        )
        cls.max = User.objects.create_user("max", password="pw-max-123", role=User.Role.MEDIATOR, display_name="Max")
        cls.max_mediator = Mediator.objects.create(user=cls.max, body=cls.court_changchun, capacity=5)

    def answered_complaint(
        self, *, institution: Institution | None = None, amount: Decimal = Decimal("600.00")
    ) -> Complaint:
        """Carla's complaint, accepted by Rita and answered by the bank: not upheld."""
        complaint, _code = self.file_complaint(by=self.carla, institution=institution, amount=amount)
        complaint_accept(complaint=complaint, by=self.rita)
        handler = self.ivan if complaint.institution.name.startswith("中国工商银行") else self.bob
        return complaint_answer(
            complaint=complaint,
            by=handler,
            outcome=Complaint.Outcome.NOT_UPHELD,
            decision="经核实，年费收取符合合同约定，不予退还。",
        )

    def mediating_dispute(self, **kwargs: Any) -> Dispute:
        complaint = self.answered_complaint(**kwargs)
        dispute = dispute_apply(
            complaint=complaint, by=self.carla, request="请求退还年费600元并赔礼道歉。", claim_amount=Decimal("600")
        )
        handler = self.ivan if complaint.institution.name.startswith("中国工商银行") else self.bob
        return dispute_respond(dispute=dispute, by=handler, agree=True)
