from django.db import migrations


def unlogged(apps, schema_editor):
    # Staged rows are scratch for one import (the registry tables stay logged): on
    # PostgreSQL skipping the write-ahead log for them halves the cost of staging.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledgers_stagedrow SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledgers_stagedrow SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [migrations.RunPython(unlogged, logged)]
