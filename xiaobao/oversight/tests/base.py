"""Cases with clocks that run out over the 2026 Spring Festival, and the province officers who see them.

The official 2026 calendar: off from Sunday 15 to Monday 23 February, with Saturdays 14 and 28 February
worked instead. A clock due Friday 13 February is first late on the worked Saturday 14th."""

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from xiaobao.accounts.models import User
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.services import complaint_accept, complaint_transfer, deadlines_sweep
from xiaobao.disputes.services import disputes_sweep
from xiaobao.disputes.tests.base import DisputeTestCase
from xiaobao.registry.models import Authority, Institution

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_HOLIDAY = date(2026, 2, 2)
DUE = date(2026, 2, 13)  # Friday before the Spring Festival
FIRST_LATE = date(2026, 2, 14)  # the worked Saturday
# Five working days after 14 Feb: 24, 25, 26, 27 Feb and the worked Saturday 28 Feb.
FIRST_ESCALATION_DUE = date(2026, 2, 28)
SECOND_LATE = date(2026, 3, 1)
# Five working days after Sunday 1 Mar: 2, 3, 4, 5, 6 Mar.
SECOND_ESCALATION_DUE = date(2026, 3, 6)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def head_office(institution: Institution) -> Institution:
    while institution.parent is not None:
        institution = institution.parent
    return institution


class EscalationTestCase(DisputeTestCase):
    """Besides the personas: Paul is staff at the province's local financial regulator, above Lou's
    Changchun office; he sees the province's dashboard for his own tree."""

    local_jilin: Authority
    paul: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.local_jilin = Authority.objects.get(code="local-jilin")
        cls.paul = User.objects.create_user(
            "paul", password="pw-paul-123", role=User.Role.REGULATOR, authority=cls.local_jilin, display_name="Paul"
        )

    def sweep(self, day: date) -> dict[str, int]:
        with time_machine.travel(at(day, hour=2), tick=False):
            counts = deadlines_sweep()
            for key, value in disputes_sweep().items():
                counts[key] = counts.get(key, 0) + value
        return counts

    def at_rita(self) -> Complaint:
        """Carla's complaint about ICBC in Changchun, accepted by Rita (the province's banking regulator)."""
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            complaint, _code = self.file_complaint(by=self.carla)
            return complaint_accept(complaint=complaint, by=self.rita)

    def at_lou(self) -> Complaint:
        """Carla's complaint, transferred by Rita to Lou's Changchun office, which has to accept it."""
        with time_machine.travel(at(BEFORE_HOLIDAY), tick=False):
            complaint, _code = self.file_complaint(by=self.carla)
            return complaint_transfer(
                complaint=complaint, by=self.rita, reason="属地方金融组织业务", to_authority=self.changchun_local
            )

    def only_clock(self, clocks: Any, kind: str, party: str, **fields: Any) -> Any:
        """Leave the case one running clock of this kind, due on DUE (opened if the case has none)."""
        clocks.filter(closed_at__isnull=True).exclude(kind=kind).update(closed_at=at(BEFORE_HOLIDAY))
        clock = clocks.filter(kind=kind, closed_at__isnull=True).first()
        if clock is None:
            clock = clocks.create(
                kind=kind, party=party, opened_at=at(BEFORE_HOLIDAY), start_date=BEFORE_HOLIDAY, due_date=DUE, **fields
            )
        clocks.filter(pk=clock.pk).update(start_date=BEFORE_HOLIDAY, due_date=DUE)
        clock.refresh_from_db()
        return clock
