"""The visit form on a phone (390×844) in real Chromium."""

import pytest
from django.utils import timezone

from fupin.assistance import services
from fupin.assistance.models import Visit
from fupin.core.testing import make_household, member_data


@pytest.mark.browser
def test_mobile_visit_form(divisions, browser_page, artifacts_dir, county_admin, helper, helper_user):
    from conftest import browser_login

    h = make_household(household_type="poor", monitoring_type="edge",
                       members=[member_data("王大山"), member_data("王小花", relation="daughter",
                                                                  schooling="primary")])
    services.assign_helper(actor=county_admin, household=h, helper=helper)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "helper1")
    page.goto(f"{page.live_server_url}/assistance/households/{h.pk}/visit/")
    page.wait_for_load_state("networkidle")
    # fits the screen: no horizontal scrolling; big touch targets
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("button[type=submit]", "label[for=id_channel_1]", "#id_findings", "#id_visited_on"):
        box = page.locator(selector).bounding_box()
        assert box and box["height"] >= 44, selector
    page.click("label[for=id_channel_1]")  # 电话
    page.fill("#id_findings", "电话回访：家中一切正常，女儿按时上学。")
    page.fill("#id_policies_explained", "雨露计划、医保政策")
    assert page.locator("#id_channel_1").is_checked()
    page.wait_for_timeout(400)  # let the button transition finish before the screenshot
    page.screenshot(path=str(artifacts_dir / "visit_mobile.png"), full_page=True)
    page.click("text=更新户情（可选）")
    page.wait_for_timeout(600)
    page.select_option("#id_housing_grade", "B")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "visit_mobile_updates.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "走访已记录" in page.content()
    visit = Visit.objects.get()
    assert visit.channel == "phone" and visit.visited_on == timezone.localdate() and visit.helper == helper
    h.refresh_from_db()
    assert h.housing_grade == "B" and visit.updates["housing_grade"] == "B"
