"""Seed the disclosure rules with their defaults (domain.md §12: FOS/FCA and CFPB figures).

Reversing leaves the row in place: an administrator may have edited it, and it is harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.disclosure.rules import rules_load

    rules_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_search_index"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
