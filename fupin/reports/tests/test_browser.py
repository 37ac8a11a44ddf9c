"""The dashboard in a real browser: county admin drills down county -> township -> village."""

from __future__ import annotations

import pytest

from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_user

from .conftest import lift_h1


@pytest.mark.browser
def test_dashboard_drill_down(browser_page, small_registry, artifacts_dir, transactional_db):
    make_user("county_admin", "500236", username="dash_admin")
    lift_h1(small_registry)  # 2026-03-15: the trend shows the village's poor people fall
    page = browser_page
    page.goto(page.live_server_url + "/accounts/login/")
    page.fill("#id_username", "dash_admin")
    page.fill("#id_password", "pass-1234-word")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(page.live_server_url + "/reports/dashboard/")
    page.wait_for_selector("body[data-charts-ready='1']")
    assert "奉节县" in page.inner_text("#dash-title")
    assert page.inner_text("[data-key='hh_poor']") == "1"
    # ECharts drew into canvases
    assert page.locator("#chart-treemap canvas").count() == 1
    assert page.locator("#chart-trend canvas").count() == 1
    # county -> township
    page.click(f"#children-table a.drill[href*='area={TOWNSHIP_A}&']")
    page.wait_for_selector("body[data-charts-ready='1']")
    assert page.inner_text("[data-key='hh_total']") == "5"
    # township -> village
    page.click(f"#children-table a.drill[href*='area={VILLAGE_A}&']")
    page.wait_for_selector("body[data-charts-ready='1']")
    assert page.inner_text("[data-key='hh_total']") == "3"
    assert page.inner_text("[data-key='pp_poor']") == "0"
    assert page.inner_text("[data-key='hh_lifted']") == "2"
    crumbs = page.inner_text(".breadcrumb")
    assert "奉节县" in crumbs
    page.wait_for_timeout(600)  # let chart animations settle before the screenshot
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    # and the county view, for the record
    # village -> its household list (registry:household_list?area=CODE)
    page.click("#household-link")
    page.wait_for_load_state("networkidle")
    assert f"area={VILLAGE_A}" in page.url
    body = page.content()
    for key in ("h1", "h2", "h3"):
        assert small_registry["households"][key].household_no in body
    assert small_registry["households"]["h4"].household_no not in body  # other village
    page.goto(page.live_server_url + "/reports/dashboard/?area=500236")
    page.wait_for_selector("body[data-charts-ready='1']")
    page.wait_for_timeout(900)
    page.screenshot(path=str(artifacts_dir / "dashboard_county.png"), full_page=True)
