"""Seed who a warning speaks to: the elderly, students, rural residents and everyone.

Reversing leaves the rows in place: an administrator may have edited them, and they are harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.riskwarnings.rules import audiences_load

    audiences_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("riskwarnings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
