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
        ('monitoring', '0006_merge_20261203_1732'),
    ]

    operations = [
        to_fk("riskevent", "区划代码", True),
        to_fk("historicalriskevent", "区划代码", True, historical=True),
        to_fk("warning", "区划代码", False,
              before=[migrations.RemoveIndex("warning", "warning_area_pattern")],
              after=[migrations.AddIndex("warning", models.Index(
                  fields=["area"], name="warning_area_pattern",
                  opclasses=["varchar_pattern_ops"]))]),
        to_fk("roster", "覆盖区划", False),
    ]
