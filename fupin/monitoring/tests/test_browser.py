"""A village cadre records a disaster on the event form, finds the warning in the inbox,
reads why, and dismisses it with a reason, in a real browser."""

import datetime as dt

import pytest

from conftest import browser_login
from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.monitoring.models import Warning

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]


def test_event_to_warning_in_browser(browser_page, artifacts_dir):
    page = browser_page
    make_user("village_cadre", VILLAGE_A, username="cadre_m")
    household = make_household(VILLAGE_A)
    browser_login(page, "cadre_m")
    page.goto(f"{page.live_server_url}/monitoring/events/add/?household={household.pk}")
    page.select_option("#id_kind", "disaster")
    page.fill("#id_date", (dt.date.today() - dt.timedelta(days=2)).isoformat())
    page.fill("#id_amount", "12000")
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{page.live_server_url}/monitoring/warnings/")
    assert household.household_no in page.content() and "遭受灾害或意外事故" in page.content()
    page.click(f"text={household.household_no}")
    page.wait_for_load_state("networkidle")
    assert "近 12 个月发生自然灾害 1 次、意外事故 0 次，损失合计 12,000 元" in page.content()
    page.fill("#id_reason", "已获保险理赔，经核实无返贫风险")
    page.click("form[action$='/dismiss/'] button")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir / "monitoring_warning.png"), full_page=True)
    w = Warning.objects.get(household=household, rule__code="DISASTER_OR_ACCIDENT")
    assert w.status == "dismissed" and w.dismissed_reason.startswith("已获保险理赔")
