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
        ('credit', '0004_loan_overdue_note_borrowers'),
    ]

    operations = [
        to_fk("subsidy", "区划代码", False,
              before=[migrations.RemoveIndex("subsidy", "credit_subsidy_area_month")],
              after=[migrations.AddIndex("subsidy", models.Index(
                  fields=["area", "month"], name="credit_subsidy_area_month"))]),
    ]
