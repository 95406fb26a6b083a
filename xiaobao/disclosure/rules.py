"""The disclosure rules in force: shipped defaults seed an empty table; the admin edits them with history."""

from datetime import date

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.utils import timezone

from xiaobao.disclosure.models import DISCLOSURE_SETTINGS_FROM, DisclosureSettings


def rules_load(*, apps: Apps | None = None) -> int:
    """Create the first settings row when there is none; an existing row, edited or not, stays."""
    model = (apps or global_apps).get_model("disclosure", "DisclosureSettings")
    if model.objects.exists():
        return 0
    model.objects.create(valid_from=DISCLOSURE_SETTINGS_FROM)
    return 1


def disclosure_settings(on: date | None = None) -> DisclosureSettings:
    """The rules in force on that day (today by default); the defaults when none is in force."""
    on = on or timezone.localdate()
    found = DisclosureSettings.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or DisclosureSettings(valid_from=DISCLOSURE_SETTINGS_FROM)
