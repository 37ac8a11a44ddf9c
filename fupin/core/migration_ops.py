"""Migration operations shared by the migrations that turn a row's `area_code` text column into
the foreign key `area` (db_column="area_code"): see fupin/credit/migrations/0005_subsidy_area_fk.py
for what they do on each database. Kept stable: migrations import it."""

import django.db.models.deletion
from django.db import migrations, models


def fk(verbose: str, db_index: bool, historical: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    if historical:
        return models.ForeignKey(
            blank=True, db_column="area_code", db_constraint=False, null=True,
            on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="areas.area",
            verbose_name=verbose)
    return models.ForeignKey(db_column="area_code", db_index=db_index,
                             on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="areas.area", verbose_name=verbose)


def to_fk(model: str, verbose: str, db_index: bool, before: tuple = (), after: tuple = (),  # type: ignore[type-arg]
          historical: bool = False) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.AlterField(model, "area_code",
                                                   fk(verbose, db_index, historical))],
        state_operations=[*before, migrations.RemoveField(model, "area_code"),
                          migrations.AddField(model, "area", fk(verbose, db_index, historical),
                                              preserve_default=False),
                          *after],
    )


