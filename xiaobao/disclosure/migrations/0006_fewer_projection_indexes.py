"""The projection's group and product columns lose their single-column indexes: the (group, date)
and (product, date) indexes lead with them, and every index costs the nightly build.

Dropped by name rather than through AlterField, which on SQLite rebuilds the table and with it
would drop the full-text triggers of migration 0002."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "group_id": "disclosure_publiccomplaint_group_id_787fd5f6",
    "product_id": "disclosure_publiccomplaint_product_id_4044c245",
}


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0005_monthly_rollup"),
        ("registry", "0003_size_figures_penalties"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publiccomplaint",
                    name="group",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.institution",
                        verbose_name="所属机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="publiccomplaint",
                    name="product",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.category",
                        verbose_name="业务大类",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX {name} ON disclosure_publiccomplaint ({column})",
                )
                for column, name in INDEXES.items()
            ],
        ),
    ]
