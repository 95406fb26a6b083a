"""An index the early-warning scan reads instead of the complaints table.

The scan counts complaints per period, institution, category, cause and region. With these columns in
one index, the database answers from the index alone and never reads a complaint's text: at a million
complaints the table is about a gigabyte, the index a few dozen megabytes. It lives here, not on the
complaint model, because only the scan needs it; dropping it slows the scan and changes nothing else.
"""

from django.db import migrations

COLUMNS = "received_at, institution_id, business_id, cause_id, region_id"


class Migration(migrations.Migration):
    dependencies = [
        ("warning", "0002_default_rules"),
        ("complaints", "0002_follow_up"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS warning_scan_idx ON complaints_complaint ({COLUMNS})",
            "DROP INDEX IF EXISTS warning_scan_idx",
        ),
    ]
