"""The MOBILE look-up indexes hold only the phones there are: most members have none (a
ledger carries the household's phone, not each member's), and a million empty strings in
an index cost a ledger import seconds to write and nothing to read. The DCI query asks
`phone <> ''` beside the number, so the planner proves the index applies."""

from django.db import migrations

SQL = [
    ("DROP INDEX IF EXISTS dci_member_phone",
     "CREATE INDEX IF NOT EXISTS dci_member_phone ON registry_member (phone)"),
    ("CREATE INDEX IF NOT EXISTS dci_member_phone_given ON registry_member (phone) WHERE phone <> ''",
     "DROP INDEX IF EXISTS dci_member_phone_given"),
    ("DROP INDEX IF EXISTS dci_household_phone",
     "CREATE INDEX IF NOT EXISTS dci_household_phone ON registry_household (phone)"),
    ("CREATE INDEX IF NOT EXISTS dci_household_phone_given ON registry_household (phone) WHERE phone <> ''",
     "DROP INDEX IF EXISTS dci_household_phone_given"),
]


class Migration(migrations.Migration):
    dependencies = [("dci", "0002_dci_phone_indexes")]
    operations = [migrations.RunSQL(sql, reverse) for sql, reverse in SQL]
