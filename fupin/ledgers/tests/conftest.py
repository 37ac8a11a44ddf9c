from __future__ import annotations

import pytest

from fupin.accounts.actors import SYSTEM, is_system
from fupin.ledgers.models import ImportBatch


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


@pytest.fixture
def run_import(tmp_path):
    """Import a file and check the identity that must hold for every file."""
    from fupin.ledgers.services.importer import import_ledger

    def run(path, user=SYSTEM, **kw) -> ImportBatch:
        # the files of these tests come with registered types: load them as history where the
        # importer may (test_status_policy covers the regular imports)
        kw.setdefault("baseline", is_system(user) or getattr(user, "role", "") == "county_admin")
        batch = import_ledger(path, user=user, **kw)
        assert batch.accepted + batch.rejected == batch.read
        assert batch.households_accepted == batch.created + batch.updated + batch.unchanged
        assert batch.rows.count() == batch.read
        assert batch.rows.filter(rejected=True).count() == batch.rejected
        return batch
    return run


def reasons(batch: ImportBatch) -> dict[int, str]:
    return dict(batch.rows.filter(rejected=True).values_list("row_no", "reasons"))
