"""A row's home area becomes a foreign key `area` to areas.Area on the same column
(`area_code`), the one way a row links to its area (core.base_models).

State: the CharField `area_code` goes, the foreign key `area` (db_column="area_code") comes.
Database: Django's own AlterField of that column to the foreign key, so the column, its data
and its indexes stay and the FK constraint is added (PostgreSQL: ADD CONSTRAINT, which checks
every row; SQLite: the table is rebuilt with the rows copied). Historical tables get the
unconstrained, nullable copy simple-history keeps.
"""

from django.db import migrations, models

from fupin.core.migration_ops import to_fk


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0002_load_bundled_divisions'),
        ('assistance', '0002_field_visit_evidence'),
    ]

    operations = [
        to_fk("assistingunit", "所属区划", True,
              before=[migrations.RemoveConstraint("assistingunit", "uniq_unit_name_area")],
              after=[migrations.AddConstraint("assistingunit", models.UniqueConstraint(
                  fields=("name", "area"), name="uniq_unit_name_area"))]),
        to_fk("historicalassistingunit", "所属区划", True, historical=True),
        migrations.AlterModelOptions("assistingunit", options={
            "ordering": ["area_id", "name"], "verbose_name": "帮扶单位",
            "verbose_name_plural": "帮扶单位"}),
    ]
