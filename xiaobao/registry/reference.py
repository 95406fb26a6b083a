"""Whether the reference data is loaded: what a command that reads it checks first.

A migrated database has every table but no rows until `manage.py load_reference` runs; a command that
routes, imports or scans would otherwise stop deep inside with an error that names nothing useful.
"""

from django.core.management.base import CommandError
from django.db import models

from xiaobao.registry.models import (
    Authority,
    CalendarDay,
    Category,
    DeadlineRuleSet,
    Institution,
    InstitutionType,
    Label,
    Region,
    SupervisionLine,
)

# What each table holds, as an operator would look for it, with the model that holds it.
REFERENCE_TABLES: tuple[tuple[str, type[models.Model]], ...] = (
    ("regions (行政区划)", Region),
    ("authorities (监管部门)", Authority),
    ("institution types (机构类型)", InstitutionType),
    ("supervision lines (监管分工)", SupervisionLine),
    ("institutions (金融机构)", Institution),
    ("complaint taxonomy (投诉分类)", Category),
    ("labels (字典)", Label),
    ("deadline rules (时限规则)", DeadlineRuleSet),
    ("working-day calendar (工作日历)", CalendarDay),
)


def reference_data_missing() -> list[str]:
    """The reference tables that have no row at all."""
    return [name for name, model in REFERENCE_TABLES if not model._default_manager.exists()]


def require_reference_data() -> None:
    """Stop a command with what is missing and how to load it, before it reads any of it."""
    missing = reference_data_missing()
    if missing:
        raise CommandError(
            "基础数据尚未载入 / the reference data is not loaded: "
            + ", ".join(missing)
            + ". 请先运行 / run first: manage.py load_reference"
        )
