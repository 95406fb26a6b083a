from xiaobao.complaints.models import Event
from xiaobao.core.records import WrittenOnce
from xiaobao.publications.models import PublicationEvent
from xiaobao.ratings.models import EvaluationEvent
from xiaobao.testing import BaseTestCase, first_of
from xiaobao.tipoffs.models import ReportEvent
from xiaobao.warning.models import AlertEvent, RiskScore


class WrittenOnceTests(BaseTestCase):
    def test_it_refuses_to_change_or_delete_a_line_of_a_complaints_history(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        event = first_of(complaint.events)
        event.note = "rewritten"
        with self.assertRaisesMessage(ValueError, "never changed"):
            event.save()
        with self.assertRaisesMessage(ValueError, "never deleted"):
            event.delete()
        event.refresh_from_db()
        self.assertNotEqual(event.note, "rewritten")

    def test_it_guards_every_audit_trail_of_the_platform(self) -> None:
        for model in (Event, ReportEvent, PublicationEvent, EvaluationEvent, AlertEvent, RiskScore):
            with self.subTest(model=model.__name__):
                self.assertTrue(issubclass(model, WrittenOnce))
