"""A village cadre opens a case from a warning's page and passes the village review in a
real browser."""

import pytest

from conftest import browser_login
from fupin.cases.models import Case
from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.monitoring.testing import make_warning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_and_act_in_browser(browser_page, artifacts_dir):
    page = browser_page
    make_user("village_cadre", VILLAGE_A, username="cadre_b")
    household = make_household(VILLAGE_A)
    warning = make_warning(household)
    browser_login(page, "cadre_b")
    page.goto(f"{page.live_server_url}/monitoring/warnings/{warning.pk}/")
    page.click("text=发起识别纳入")
    page.wait_for_load_state("networkidle")
    page.fill("#id_lead", "收入骤降预警，核实中")
    page.check("#id_help_first")
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "先行帮扶" in page.content()
    case = Case.objects.get(household=household)
    assert case.source_warning_id == warning.pk
    assert page.url.endswith(f"/cases/{case.pk}/")
    page.fill("#id_comment", "研判属实，需入户核查")
    page.click("#step-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir / "cases_detail.png"), full_page=True)
    assert "入户核查" in page.content() and "研判属实" in page.content()
    case.refresh_from_db()
    assert case.step == "home_visit"
