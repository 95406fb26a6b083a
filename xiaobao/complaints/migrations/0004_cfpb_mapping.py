"""Seed the CFPB → JR/T 0169 mapping used by the CFPB import profile.

Reversing leaves the rows in place: an administrator may have edited them, and they are harmless data.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.complaints.import_mappings import import_mappings_load

    import_mappings_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_import"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
