"""The groups a warning speaks to, seeded by a data migration and editable in the admin with history."""

from typing import Any

from django.apps import apps as global_apps

# Who is at risk, as issue 20 names them: the elderly (养老诈骗), students (校园贷), rural residents
# (非法集资 in villages), and everyone. "all" is matched by every audience filter.
DEFAULT_AUDIENCES = (
    ("elderly", "老年人", "Older people", 10),
    ("students", "学生", "Students", 20),
    ("rural", "农村居民", "Rural residents", 30),
    ("all", "所有人", "Everyone", 90),
)
EVERYONE = "all"


def audiences_load(*, apps: Any = global_apps) -> int:
    """Add the default audiences that are missing; an administrator's edits stay. Returns how many were added."""
    audience = apps.get_model("riskwarnings", "Audience")
    added = 0
    for code, name, name_en, order in DEFAULT_AUDIENCES:
        _row, created = audience.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
        added += created
    return added
