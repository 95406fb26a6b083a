"""Seed the dispute-resolution clocks and the mediation bodies of Jilin.

Reversing leaves the rows in place: an administrator may have edited them, and they are harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.disputes.rules import rules_load

    rules_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
