"""An app plugs in through its plugin.py alone: a tiny app (fupin/core/tests/tinyapp) that
nothing else names appears in the menu, the URLs, the API root, the household page, the
indicators, the scope matrix, the job pages and the nightly commands once installed."""

from __future__ import annotations

import copy
import io
import sys

import pytest
from django.core.management import call_command
from django.test import modify_settings, override_settings
from django.urls import clear_url_caches

from fupin.core import plugins, scope_matrix
from fupin.core.navigation import menu_for
from fupin.core.testing import VILLAGE_A, make_household, make_user

TINY = "fupin.core.tests.tinyapp"


@pytest.fixture
def tiny_installed(db):
    from fupin.reports import bulletin, indicators
    saved = {name: copy.copy(getattr(indicators, name)) for name in (
        "FAMILIES", "FAMILY_GROUPS", "LABELS", "COUNT_KEYS", "FAMILY_KEYS", "RATES",
        "RATE_LABELS", "DERIVED", "BREAKDOWNS")}
    overdue = dict(bulletin.OVERDUE_SOURCES)
    entries = list(scope_matrix.ENTRIES)
    sys.modules.pop(f"{TINY}.root_urls", None)
    with modify_settings(INSTALLED_APPS={"append": TINY}), \
            override_settings(ROOT_URLCONF=f"{TINY}.root_urls"):
        clear_url_caches()
        yield
    for name, value in saved.items():  # reports' registries are module state: restore them
        current = getattr(indicators, name)
        current.clear()
        current.update(value) if isinstance(current, dict) else current.extend(value)
    bulletin.OVERDUE_SOURCES.clear()
    bulletin.OVERDUE_SOURCES.update(overdue)
    scope_matrix.ENTRIES[:] = entries
    sys.modules.pop(f"{TINY}.root_urls", None)
    clear_url_caches()


def test_not_installed_means_absent(db):
    assert "tinyapp" not in [p.label for p in plugins.installed_plugins()]
    assert TINY not in plugins.discover_apps()  # only fupin/<app>/plugin.py is discovered


def test_tiny_app_appears_everywhere(tiny_installed, client):
    assert "tinyapp" in [p.label for p in plugins.installed_plugins()]
    cadre = make_user("village_cadre", VILLAGE_A, username="tiny_cadre")
    household = make_household(VILLAGE_A, household_no="TINY0001")
    client.force_login(cadre)

    # menu, and the page it links to
    groups = dict(menu_for(cadre))
    assert ("小应用首页", "/tiny/") in groups["小应用"]
    assert "TINY0001" in client.get("/tiny/").content.decode()
    # API root and route
    assert "tiny" in client.get("/api/").json()
    assert client.get("/api/tiny/").json() == {"households": 1}
    # household page panel
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "小应用面板：TINY0001" in page
    # indicators
    import datetime as dt

    from fupin.reports import indicators
    figures = indicators.area_indicators(VILLAGE_A, dt.date.today())["figures"]
    assert figures["tiny_households"] == 1
    assert indicators.LABELS["tiny_households"] == "小应用户数"
    # scope matrix
    scope_matrix.load_all()
    assert "tiny index" in [e.name for e in scope_matrix.ENTRIES]
    # job result page
    from fupin.core.models import Job
    from fupin.core.views import result_url
    job = Job.objects.create(kind="tinyapp.count", title="t", status="done")
    assert result_url(job) == f"/tiny/?job={job.pk}"
    # nightly commands
    out = io.StringIO()
    call_command("nightly", "--list", stdout=out)
    assert "tinyapp: fupin check" in out.getvalue()


def test_nightly_runs_every_app_command_in_layer_order(db):
    out = io.StringIO()
    call_command("nightly", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "ledgers: fupin ledger cleanup"
    assert "monitoring: fupin monitor sweep --quiet" in lines
    assert lines[-1] == "reports: fupin report refresh --all"


def test_deny_roles_close_an_apps_pages_api_and_menu(client, db):
    """A plugin's deny_roles close every page and API route of the app to those roles (the
    projects app to helpers), and its menu entries are not shown to them."""
    from rest_framework.test import APIClient
    helper = make_user("helper", VILLAGE_A, username="gate_helper")
    cadre = make_user("village_cadre", VILLAGE_A, username="gate_cadre")
    client.force_login(helper)
    page = client.get("/projects/")
    assert page.status_code == 403 and "帮扶责任人只能查看所联系的农户" in page.content.decode()
    api = APIClient()
    api.force_authenticate(helper)
    assert api.get("/api/projects/").status_code == 403
    assert "项目资金" not in dict(menu_for(helper))
    client.force_login(cadre)
    assert client.get("/projects/").status_code in (200, 302)
    api.force_authenticate(cadre)
    assert api.get("/api/projects/").status_code == 200
    assert "项目资金" in dict(menu_for(cadre))
