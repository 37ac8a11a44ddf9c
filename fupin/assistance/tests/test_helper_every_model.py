"""Issue 12, point 4: the helper restriction on every model that reaches a household.

Two households in the SAME village, each with everything every app's scope builder makes
for it (warnings, risk events, cases, plans, visits, problems with evidence, spot-check
items …); a helper assigned to the first walks every registered household-bound list,
detail and API URL and never sees the second. Area aggregates (reports) are refused."""

import importlib

import pytest
from django.apps import apps

from fupin.assistance.models import Helper
from fupin.core import scope_matrix
from fupin.core.testing import VILLAGE_A, make_household, make_user

for cfg in apps.get_app_configs():
    if cfg.name.startswith("fupin."):
        try:
            importlib.import_module(f"{cfg.name}.scope")
        except ModuleNotFoundError as exc:
            if exc.name != f"{cfg.name}.scope":
                raise

# Entries about the area rather than a household (same for both households, or rows without
# a household: areas, ledger batches, helpers, units, spot-check lists).
NOT_HOUSEHOLD_BOUND = {
    "area tree", "area detail", "api areas", "api areas by level", "api area",
    "ledger import list", "ledger import page (recent imports)", "ledger import result",
    "ledger rejected-rows report", "helper list", "helper detail", "unit list", "unit detail",
    "api helpers", "api helper detail", "api units", "spotcheck list", "spotcheck detail",
    "api spotchecks", "api spotcheck detail", "township overview", "assign form",
}
ENTRIES = [e for e in scope_matrix.ENTRIES
           if e.name not in NOT_HOUSEHOLD_BOUND and not e.name.startswith("reports ")]
REPORTS = [e for e in scope_matrix.ENTRIES if e.name.startswith("reports ")]


@pytest.fixture
def worlds(db):
    own: dict = {"household": make_household(VILLAGE_A, household_no="MINE0001")}
    other: dict = {"household": make_household(VILLAGE_A, household_no="THEIRS0001")}
    for build in scope_matrix.BUILDERS.values():
        own.update(build(own))
        other.update(build(other))
    user = make_user("helper", VILLAGE_A)
    Helper.objects.filter(pk=own["helper"].pk).update(user=user)
    return own, other, user


def test_entries_cover_monitoring_rectification_and_cases():
    names = {e.name for e in ENTRIES}
    for needed in ("monitoring warning detail", "monitoring api events", "problem evidence file",
                   "api spotcheck item detail", "case detail", "api member"):
        assert needed in names, needed


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_helper_never_sees_an_unassigned_household(client, worlds, entry):
    own, other, user = worlds
    client.force_login(user)
    if entry.kind in ("list", "api_list"):
        resp = client.get(entry.url(own))
        assert resp.status_code in (200, 403), resp.content[:300]
        body = resp.content.decode()
        if entry.marker(own) != entry.marker(other):
            assert entry.marker(other) not in body, f"{entry.name}: shows an unassigned household"
        assert "THEIRS0001" not in body, f"{entry.name}: names an unassigned household"
    else:
        if entry.url(own) == entry.url(other):
            pytest.skip("the same URL for both households")
        resp = client.get(entry.url(other))
        assert resp.status_code in (403, 404), f"{entry.name}: LEAKS ({resp.status_code})"


@pytest.mark.parametrize("entry", REPORTS, ids=lambda e: e.name)
def test_helper_gets_no_area_aggregates(client, worlds, entry):
    own, other, user = worlds
    client.force_login(user)
    resp = client.get(entry.url(own))
    assert resp.status_code == 403
    assert "帮扶责任人只能查看所联系的农户" in resp.content.decode()


def test_reports_menu_hidden_from_helpers(client, worlds):
    own, other, user = worlds
    client.force_login(user)
    page = client.get("/registry/households/").content.decode()
    assert "/reports/dashboard/" not in page
