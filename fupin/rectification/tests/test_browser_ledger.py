"""Township overview and the problem ledger in real Chromium (desktop)."""

import datetime as dt

import pytest

from fupin.assistance import services as assistance
from fupin.core.testing import make_household
from fupin.rectification import services


@pytest.mark.browser
def test_township_page_and_verification(divisions, browser_page, artifacts_dir, county_admin, village_cadre,
                                        township_staff):
    from conftest import browser_login

    h = make_household(household_type="lifted", monitoring_type="edge")
    helper = assistance.create_helper(actor=county_admin, data={"name": "周帮扶", "area": h.area_id})
    assistance.assign_helper(actor=county_admin, household=h, helper=helper)
    p = services.create_problem(actor=village_cadre, source="visit", category="housing", household=h,
                                description="厨房墙体开裂", found_on=dt.date(2026, 10, 1),
                                deadline=dt.date(2026, 10, 31), owner_name="村主任", responsible_unit="村委")
    services.transition(actor=village_cadre, problem=p, action="rectify", effect="已加固并复核为 B 级")
    page = browser_page
    browser_login(page, "township_staff")
    page.goto(f"{page.live_server_url}/assistance/township/{h.area_id[:9]}/")
    assert "周帮扶" in page.content() and "厨房墙体开裂" in page.content()
    page.screenshot(path=str(artifacts_dir / "township.png"), full_page=True)
    page.click(f"text={p.number}")
    page.fill("#id_note", "现场核验通过")
    page.click("button:has-text('核验通过')")
    page.wait_for_load_state("networkidle")
    assert "已核验" in page.content() and "现场核验通过" in page.content() and "核验通过" in page.inner_text(".timeline")
    page.screenshot(path=str(artifacts_dir / "problem_detail.png"), full_page=True)
    p.refresh_from_db()
    assert p.state == "verified" and p.verified_by == township_staff
