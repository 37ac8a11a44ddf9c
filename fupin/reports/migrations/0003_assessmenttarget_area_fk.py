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
        ('reports', '0002_areafigurerun_families'),
    ]

    operations = [
        to_fk("assessmenttarget", "考核区划", False,
              before=[migrations.RemoveConstraint("assessmenttarget", "uniq_assessment_target")],
              after=[migrations.AddConstraint("assessmenttarget", models.UniqueConstraint(
                  fields=("area", "year", "indicator"), name="uniq_assessment_target"))]),
        migrations.AlterModelOptions("assessmenttarget", options={
            "ordering": ["year", "area_id", "indicator"], "verbose_name": "年度考核目标",
            "verbose_name_plural": "年度考核目标"}),
    ]
