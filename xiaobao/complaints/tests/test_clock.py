"""The clock process that keeps deadlines moving, and the one-off sweep command."""

import threading
from datetime import datetime, time
from io import StringIO
from types import SimpleNamespace
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from xiaobao.core.management.commands.run_clock import Periodic, clock_run, schedule_from_settings

# The clock drops stale connections between ticks; in a test that would close the test database's.
keep_connections = mock.patch("xiaobao.core.management.commands.run_clock.close_old_connections")


class DeadlineCommandTests(TestCase):
    def test_it_reports_what_one_sweep_did(self) -> None:
        out = StringIO()
        call_command("send_deadline_warnings", stdout=out)
        self.assertRegex(out.getvalue(), r"^warned \d+, supervised \d+, closed \d+$")

    @keep_connections
    def test_it_enqueues_the_sweep_every_interval_until_stopped(self, _close: mock.Mock) -> None:
        stop = threading.Event()
        calls = []

        def enqueue() -> SimpleNamespace:
            calls.append(timezone.now())
            if len(calls) == 3:
                stop.set()
            return SimpleNamespace(id=str(len(calls)))

        sweep = Periodic(name="sweep", task=SimpleNamespace(enqueue=enqueue), every=0.01)
        with self.assertLogs("xiaobao.clock", level="INFO") as logs:
            clock_run(schedule=[sweep], stop=stop, tick=0.01)
        self.assertEqual(len(calls), 3)
        self.assertEqual(len([line for line in logs.output if "enqueued" in line]), 3)

    @keep_connections
    def test_it_keeps_ticking_when_enqueueing_fails(self, _close: mock.Mock) -> None:
        stop = threading.Event()
        calls = []

        def enqueue() -> None:
            calls.append(1)
            if len(calls) == 2:
                stop.set()
            raise RuntimeError("database is locked")

        sweep = Periodic(name="sweep", task=SimpleNamespace(enqueue=enqueue), every=300)
        with self.assertLogs("xiaobao.clock", level="ERROR"):
            clock_run(schedule=[sweep], stop=stop, tick=0.01)
        # A failed enqueue is retried at the next tick, not after the task's whole interval.
        self.assertEqual(len(calls), 2)

    @keep_connections
    def test_it_runs_a_nightly_job_once_a_day_after_its_time(self, _close: mock.Mock) -> None:
        tz = timezone.get_current_timezone()
        moments = iter(
            [
                datetime(2026, 11, 27, 1, 0, tzinfo=tz),  # before 02:30: not yet
                datetime(2026, 11, 27, 2, 31, tzinfo=tz),  # runs
                datetime(2026, 11, 27, 23, 59, tzinfo=tz),  # already ran today
                datetime(2026, 11, 28, 2, 30, tzinfo=tz),  # the next night
            ]
        )
        ran: list[datetime] = []
        stop = threading.Event()
        clock = {"now": datetime(2026, 11, 27, 0, 0, tzinfo=tz)}  # replaced by the first call of now()

        def now() -> datetime:
            try:
                clock["now"] = next(moments)
            except StopIteration:
                stop.set()
            return clock["now"]

        def enqueue() -> None:
            ran.append(clock["now"])

        nightly = Periodic(name="nightly", task=SimpleNamespace(enqueue=enqueue), daily_at=time(2, 30))
        with self.assertLogs("xiaobao.clock", level="INFO"):
            clock_run(schedule=[nightly], stop=stop, tick=0.001, now=now)
        self.assertEqual([m.strftime("%m-%d %H:%M") for m in ran], ["11-27 02:31", "11-28 02:30"])

    def test_it_reads_the_schedule_from_settings_and_refuses_an_ambiguous_entry(self) -> None:
        schedule = schedule_from_settings()
        self.assertIn("xiaobao.complaints.tasks.sweep_deadlines", [p.name for p in schedule])
        with self.assertRaises(CommandError):
            schedule_from_settings(
                [{"task": "xiaobao.complaints.tasks.sweep_deadlines", "every": 5, "daily_at": "02:00"}]
            )
