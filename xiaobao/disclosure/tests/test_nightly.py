"""The nightly run: the clock's schedule names it, and the task brings the public data up to date."""

from datetime import time
from tempfile import TemporaryDirectory

from xiaobao.complaints.services import complaint_accept
from xiaobao.core.management.commands.run_clock import schedule_from_settings
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.services import full_data_path
from xiaobao.disclosure.tasks import publish_nightly
from xiaobao.testing import BaseTestCase, present


class NightlyTests(BaseTestCase):
    def test_it_is_on_the_clocks_schedule_at_two_in_the_morning(self) -> None:
        nightly = {p.name: p for p in schedule_from_settings()}["xiaobao.disclosure.tasks.publish_nightly"]
        self.assertEqual(nightly.daily_at, time(2, 0))
        self.assertIs(nightly.task, publish_nightly)

    def test_it_builds_the_projection_and_the_full_data_file_at_night(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        with self.settings(VAR_DIR=self.enterContext(TemporaryDirectory())):
            result = publish_nightly.enqueue().return_value
            self.assertTrue(full_data_path().exists())
        self.assertEqual(present(result)["file_rows"], 1)
        self.assertTrue(PublicComplaint.objects.filter(number=complaint.number).exists())
