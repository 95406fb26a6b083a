"""The nightly run: the clock enqueues it once a day, and the task brings the public data up to date."""

import threading
from datetime import datetime, time
from tempfile import TemporaryDirectory
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings

from xiaobao.complaints.management.commands.run_clock import clock_run, daily_due
from xiaobao.complaints.services import complaint_accept
from xiaobao.disclosure.models import PublicComplaint
from xiaobao.disclosure.services import full_data_path
from xiaobao.disclosure.tasks import publish_nightly
from xiaobao.testing import BaseTestCase

SHANGHAI = ZoneInfo("Asia/Shanghai")


class NightlyTests(BaseTestCase):
    def test_it_is_due_once_a_day_after_its_time(self) -> None:
        at = time(2, 0)
        night = datetime(2026, 11, 27, 1, 59, tzinfo=SHANGHAI)
        self.assertFalse(daily_due(at=at, last=None, now=night))
        after = night.replace(hour=2, minute=1)
        self.assertTrue(daily_due(at=at, last=None, now=after))
        self.assertFalse(daily_due(at=at, last=after.date(), now=after.replace(hour=23)))

    @mock.patch("xiaobao.complaints.management.commands.run_clock.close_old_connections")
    def test_it_enqueues_the_nightly_build_once_while_the_sweep_ticks(self, _close: mock.Mock) -> None:
        stop = threading.Event()
        sweeps, nightly = [], []

        def sweep() -> SimpleNamespace:
            sweeps.append(1)
            if len(sweeps) == 3:
                stop.set()
            return SimpleNamespace(id="s")

        clock_run(
            interval=0.01,
            stop=stop,
            task=SimpleNamespace(enqueue=sweep),
            daily=[(time(0, 0), SimpleNamespace(enqueue=lambda: nightly.append(1)))],
        )
        self.assertEqual((len(sweeps), len(nightly)), (3, 1))

    def test_it_is_scheduled_in_the_settings(self) -> None:
        self.assertIn(("02:00", "xiaobao.disclosure.tasks.publish_nightly"), settings.DAILY_TASKS)

    def test_the_task_builds_the_projection_and_the_full_data_file(self) -> None:
        complaint, _code = self.file_complaint(by=self.carla)
        complaint_accept(complaint=complaint, by=self.rita)
        with self.settings(VAR_DIR=self.enterContext(TemporaryDirectory())):
            result = publish_nightly.enqueue().return_value
            self.assertTrue(full_data_path().exists())
        self.assertEqual(result["file_rows"], 1)
        self.assertTrue(PublicComplaint.objects.filter(number=complaint.number).exists())
