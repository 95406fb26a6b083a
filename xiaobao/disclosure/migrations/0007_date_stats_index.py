"""One index for institution statistics over a date range: the date, then every column they count, so
the days at either end of a range are counted from the index alone. It leads with the date, so it
replaces the date's own index, dropped by name (AlterField on SQLite would rebuild the table and
drop the full-text triggers of migration 0002)."""

from django.db import migrations, models

DATE_INDEX = "disclosure_publiccomplaint_date_received_c22068ef"


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0006_fewer_projection_indexes"),
        ("registry", "0003_size_figures_penalties"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publiccomplaint",
                    name="date_received",
                    field=models.DateField(verbose_name="收到日期"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {DATE_INDEX}",
                    f"CREATE INDEX {DATE_INDEX} ON disclosure_publiccomplaint (date_received)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="publiccomplaint",
            index=models.Index(
                fields=[
                    "date_received",
                    "group",
                    "product",
                    "timely",
                    "outcome",
                    "satisfaction",
                    "review_requested",
                    "mediation",
                    "days_to_answer",
                ],
                name="public_date_stats",
            ),
        ),
    ]
