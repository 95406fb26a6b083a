"""Seed the rules of triage: scheme words, the one-year LPR history, reward tiers and one settings row.

Reversing leaves the rows in place: an administrator may have edited them, and they are harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.tipoffs.rules import rules_load

    rules_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tipoffs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
