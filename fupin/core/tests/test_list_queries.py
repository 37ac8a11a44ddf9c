"""No list page or list endpoint runs a query per row: the number of queries stays the same
when the village holds three times as many households (with every app's rows for each)."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.core import scope_matrix
from fupin.core.testing import VILLAGE_A, make_household, make_user

scope_matrix.load_all()

LISTS = [e for e in scope_matrix.ENTRIES if e.kind in ("list", "api_list")]


def _world(no: str) -> dict:
    w: dict = {"household": make_household(VILLAGE_A, household_no=no)}
    for build in scope_matrix.BUILDERS.values():
        w.update(build(w))
    return w


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_rows(client):
    first = _world("NPLUS0001")
    client.force_login(make_user("county_admin", "500236"))
    urls = sorted({e.url(first) for e in LISTS})
    before = {url: _queries(client, url) for url in urls}
    for i in range(2, 4):
        _world(f"NPLUS000{i}")
    after = {url: _queries(client, url) for url in urls}
    grew = {u: (before[u], after[u]) for u in urls if after[u] > before[u]}
    assert not grew, f"queries per row (before, after): {grew}"
