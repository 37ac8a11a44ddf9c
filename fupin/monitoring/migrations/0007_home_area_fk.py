"""A row's home area becomes a foreign key `area` to areas.Area on the same column
(`area_code`), the one way a row links to its area (core.base_models).

State: the CharField `area_code` goes, the foreign key `area` (db_column="area_code") comes.
Database: Django's own AlterField of that column to the foreign key, so the column, its data
and its indexes stay and the FK constraint is added (PostgreSQL: ADD CONSTRAINT, which checks
every row; SQLite: the table is rebuilt with the rows copied). Historical tables get the
unconstrained, nullable copy simple-history keeps.
"""

from django.db import migrations, models
import django.db.models.deletion


def fk(verbose, db_index, historical=False):
    if historical:
        return models.ForeignKey(
            blank=True, db_column="area_code", db_constraint=False, null=True,
            on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="areas.area",
            verbose_name=verbose)
    return models.ForeignKey(db_column="area_code", db_index=db_index,
                             on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="areas.area", verbose_name=verbose)


def to_fk(model, verbose, db_index, before=(), after=(), historical=False):
    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.AlterField(model, "area_code",
                                                   fk(verbose, db_index, historical))],
        state_operations=[*before, migrations.RemoveField(model, "area_code"),
                          migrations.AddField(model, "area", fk(verbose, db_index, historical),
                                              preserve_default=False),
                          *after],
    )


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
