"""The time of an action, as every service records it.

Aware datetimes in the platform's zone (Asia/Shanghai, settings.TIME_ZONE): a deadline counts from the
local date an action was taken, not the UTC one, so an answer given at 07:30 in Changchun is that day's.
Everything reads django.utils.timezone, which tests move with time_machine.
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The moment of the action, aware."""
    return timezone.now()


def today() -> date:
    """The local date of the action in the platform's time zone."""
    return timezone.localdate()
