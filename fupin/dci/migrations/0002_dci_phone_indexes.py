"""Indexes the DCI MOBILE look-up needs on registry tables (created here, in the DCI app,
so the registry's own migrations are untouched; IF NOT EXISTS keeps it idempotent)."""

from django.db import migrations

SQL = [
    ("CREATE INDEX IF NOT EXISTS dci_member_phone ON registry_member (phone)",
     "DROP INDEX IF EXISTS dci_member_phone"),
    ("CREATE INDEX IF NOT EXISTS dci_household_phone ON registry_household (phone)",
     "DROP INDEX IF EXISTS dci_household_phone"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dci", "0001_partners_transactions_subscriptions"),
        ("registry", "0001_initial"),
    ]
    operations = [migrations.RunSQL(sql, reverse) for sql, reverse in SQL]
