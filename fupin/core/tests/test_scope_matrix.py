"""Walks every registered list, detail and API URL as a village cadre: rows of another
village are never shown (absent from lists, 404 on details). Writes: test_scope_matrix_writes.py."""


import pytest
from django.test import Client

from fupin.core import scope_matrix
from fupin.core.testing import VILLAGE_A, make_household, make_user, village_codes

scope_matrix.load_all()


@pytest.fixture
def worlds(db: None) -> tuple[dict, dict]:
    other_village = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    own: dict = {"household": make_household(VILLAGE_A, household_no="OWN0001")}
    foreign: dict = {"household": make_household(other_village, household_no="FOREIGN0001")}
    for build in scope_matrix.BUILDERS.values():
        own.update(build(own))
        foreign.update(build(foreign))
    return own, foreign


def test_matrix_is_not_empty() -> None:
    assert len(scope_matrix.ENTRIES) >= 4, "every app must register its URLs in scope.py"


@pytest.mark.parametrize("entry", scope_matrix.ENTRIES, ids=lambda e: e.name)
def test_village_cadre_sees_only_own_village(client: Client, worlds: tuple[dict, dict],
                                             entry: scope_matrix.MatrixEntry) -> None:
    own, foreign = worlds
    cadre = make_user("village_cadre", VILLAGE_A)
    client.force_login(cadre)
    if entry.kind in ("list", "api_list"):
        resp = client.get(entry.url(own))
        assert resp.status_code == 200, resp.content[:500]
        body = resp.content.decode()
        assert entry.marker is not None
        assert entry.marker(own) in body, f"{entry.name}: own row missing"
        assert entry.marker(foreign) not in body, f"{entry.name}: LEAKS another village's row"
    else:
        assert client.get(entry.url(own)).status_code == 200, f"{entry.name}: own row not shown"
        assert client.get(entry.url(foreign)).status_code == 404, f"{entry.name}: LEAKS"
