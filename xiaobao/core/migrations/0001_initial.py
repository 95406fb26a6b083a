# The complaints' number sequence becomes the shared one: the model moves to core and keeps its table
# (complaints_numbersequence), so this migration changes no table; 0002 widens it to every prefix.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("complaints", "0006_event_kinds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NumberSequence",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(unique=True)),
                        ("last", models.PositiveIntegerField(default=0)),
                    ],
                    options={"db_table": "complaints_numbersequence"},
                ),
            ],
            database_operations=[],
        ),
    ]
