"""The periodic clock `make run` starts next to the task worker: it only enqueues, the worker does the work.

What it enqueues, and when, is `settings.PERIODIC_TASKS`: each entry names a task by dotted path and runs
either every N seconds or once a day at a Shanghai wall-clock time (a daily task whose time has already
passed when the clock starts runs at once, so a restarted server catches up on the night it missed).
"""

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import FrameType
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("xiaobao.clock")


class Enqueueable(Protocol):
    def enqueue(self, *args: Any, **kwargs: Any) -> Any: ...


@dataclass
class Periodic:
    name: str
    task: Enqueueable
    every: float | None = None  # seconds
    daily_at: time | None = None  # local time
    last: datetime | None = field(default=None, init=False)
    last_day: date | None = field(default=None, init=False)

    def due(self, now: datetime) -> bool:
        if self.every is not None:
            return self.last is None or (now - self.last).total_seconds() >= self.every
        local = timezone.localtime(now)
        return self.last_day != local.date() and local.time() >= (self.daily_at or time())

    def mark(self, now: datetime) -> None:
        self.last, self.last_day = now, timezone.localtime(now).date()


def schedule_from_settings(entries: Sequence[dict[str, Any]] | None = None) -> list[Periodic]:
    schedule = []
    configured = cast(Sequence[dict[str, Any]], settings.PERIODIC_TASKS if entries is None else entries)
    for entry in configured:
        every, daily_at = entry.get("every"), entry.get("daily_at")
        if (every is None) == (daily_at is None):
            raise CommandError(f"{entry['task']}: give exactly one of every= and daily_at=")
        schedule.append(
            Periodic(
                name=entry["task"],
                task=import_string(entry["task"]),
                every=float(every) if every is not None else None,
                daily_at=time.fromisoformat(daily_at) if daily_at is not None else None,
            )
        )
    return schedule


def clock_run(
    *, schedule: Sequence[Periodic], stop: threading.Event, tick: float, now: Callable[[], datetime] = timezone.now
) -> None:
    """Every tick, enqueue each task that is due, until stop is set."""
    while not stop.is_set():
        close_old_connections()  # a long-lived process must not keep a connection the database dropped
        for periodic in schedule:
            moment = now()
            if not periodic.due(moment):
                continue
            try:
                result = periodic.task.enqueue()
            except Exception:
                # A locked or unreachable database must not stop the clock: the next tick tries again.
                logger.exception("could not enqueue %s; next try in %s s", periodic.name, tick)
            else:
                periodic.mark(moment)
                logger.info("%s enqueued (task %s)", periodic.name, getattr(result, "id", "?"))
        stop.wait(tick)


class Command(BaseCommand):
    help = "定时把周期任务（办理时限检查等，见 settings.PERIODIC_TASKS）放入任务队列，由 db_worker 执行；Ctrl-C 或 SIGTERM 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", type=float, default=30, help="检查间隔秒数（默认 %(default)s）")

    def handle(self, *args: Any, tick: float, **options: Any) -> None:
        if tick <= 0:
            raise CommandError("--tick must be more than 0 seconds")
        schedule = schedule_from_settings()
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("clock stopping (%s)", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        logger.info("clock started: %s", ", ".join(p.name for p in schedule))
        clock_run(schedule=schedule, stop=stop, tick=tick)
        logger.info("clock stopped")
