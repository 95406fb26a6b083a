# Every readable number (JL complaints, JB reports, XS clues, YJ alerts) takes its numbers from this table:
# a prefix column, JL for the rows already there, and one row per prefix and day.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='numbersequence',
            name='prefix',
            field=models.CharField(default='JL', max_length=8),
        ),
        migrations.AlterField(
            model_name='numbersequence',
            name='day',
            field=models.DateField(),
        ),
        migrations.AddConstraint(
            model_name='numbersequence',
            constraint=models.UniqueConstraint(fields=('prefix', 'day'), name='core_numbersequence_prefix_day'),
        ),
    ]
