"""The rules of early warning as shipped: one row of detection settings and one of the risk index.

Editable data (admin, with history); what is here only seeds empty tables, so an administrator's
edit is never overwritten. The data migration and a fresh test database call the same loader.
"""

from datetime import date

from django.apps import apps as global_apps
from django.apps.registry import Apps

from xiaobao.warning.detection import Params
from xiaobao.warning.models import RiskIndexSettings, WarningSettings

# The rules take effect with the platform's first complaint data (the demo reaches two years back).
RULES_FROM = date(2020, 1, 1)


def rules_load(*, apps: Apps | None = None) -> dict[str, int]:
    """Create the first settings rows when there are none; rows already there are left alone."""
    registry = apps or global_apps
    created = {"warning_settings": 0, "risk_index_settings": 0}
    for name, key in (("WarningSettings", "warning_settings"), ("RiskIndexSettings", "risk_index_settings")):
        model = registry.get_model("warning", name)
        if not model.objects.exists():
            model.objects.create(valid_from=RULES_FROM)
            created[key] += 1
    return created


def warning_settings_for(on: date) -> WarningSettings:
    """The settings in force on that day; the model's defaults when none is in force."""
    found = WarningSettings.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or WarningSettings(valid_from=RULES_FROM)


def risk_settings_for(on: date) -> RiskIndexSettings:
    found = RiskIndexSettings.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if found is None:
        found = RiskIndexSettings.objects.create(valid_from=RULES_FROM)
    return found


def detection_params(rules: WarningSettings, granularity: str) -> Params:
    return Params(
        min_volume=rules.min_volume(granularity),
        min_ratio=float(rules.min_ratio),
        p_yellow=rules.p_yellow,
        p_orange=rules.p_orange,
        p_red=rules.p_red,
        max_dispersion=float(rules.max_dispersion),
        seasonal_prior=float(rules.seasonal_prior),
    )
