# NumberSequence now belongs to core (core 0001 takes over the same table): only the state moves.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_event_kinds"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NumberSequence")],
            database_operations=[],
        ),
    ]
