"""Seed the rules of early warning: one row of detection settings and one of the risk index.

Reversing leaves the rows in place: an administrator may have edited them, and they are harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.warning.rules import rules_load

    rules_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("warning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
