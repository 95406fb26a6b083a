"""The periodic clock `make run` starts next to the task worker: it only enqueues, the worker does the work."""

import logging
import signal
import threading
from collections.abc import Sequence
from datetime import date, datetime, time
from types import FrameType
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from xiaobao.complaints.tasks import sweep_deadlines

logger = logging.getLogger("xiaobao.clock")


class Enqueueable(Protocol):
    def enqueue(self, *args: Any, **kwargs: Any) -> Any: ...


def daily_due(*, at: time, last: date | None, now: datetime) -> bool:
    """A daily task is due once its time of day has passed and it has not run yet that day."""
    return now.time() >= at and last != now.date()


def clock_run(
    *,
    interval: float,
    stop: threading.Event,
    task: Enqueueable = sweep_deadlines,
    daily: Sequence[tuple[time, Enqueueable]] = (),
) -> None:
    """Enqueue the task now and then every interval seconds, and each daily task once a day after
    its local time of day (so within one interval of it), until stop is set."""
    last_daily: dict[int, date] = {}
    while not stop.is_set():
        close_old_connections()  # a long-lived process must not keep a connection the database dropped
        now = timezone.localtime()
        for i, (at, job) in enumerate(daily):
            if daily_due(at=at, last=last_daily.get(i), now=now):
                try:
                    job.enqueue()
                except Exception:
                    logger.exception("could not enqueue a daily task; next try in %s s", interval)
                else:
                    last_daily[i] = now.date()
                    logger.info("daily task enqueued: %s", getattr(job, "name", job))
        try:
            result = task.enqueue()
        except Exception:
            # A locked or unreachable database must not stop the clock: the next tick tries again.
            logger.exception("could not enqueue the deadline sweep; next try in %s s", interval)
        else:
            logger.info("deadline sweep enqueued (task %s); next in %s s", getattr(result, "id", "?"), interval)
        stop.wait(interval)


def _daily_tasks() -> list[tuple[time, Enqueueable]]:
    """settings.DAILY_TASKS: ("HH:MM", "dotted.path.to.task") pairs, run in local time."""
    return [(time.fromisoformat(at), import_string(path)) for at, path in getattr(settings, "DAILY_TASKS", [])]


class Command(BaseCommand):
    help = "定时把办理时限检查任务放入任务队列（由 db_worker 执行）；Ctrl-C 或 SIGTERM 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=300, help="间隔秒数（默认 %(default)s）")

    def handle(self, *args: Any, interval: float, **options: Any) -> None:
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds")
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("clock stopping (%s)", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        logger.info("clock started: deadline sweep every %s s", interval)
        clock_run(interval=interval, stop=stop, daily=_daily_tasks())
        logger.info("clock stopped")
