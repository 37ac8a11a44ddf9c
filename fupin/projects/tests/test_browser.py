"""The main page flow in a real browser: overview → propose a project with its meeting record
→ post the village notice → register an objection → the notice PDF link is there."""

import datetime as dt

import pytest

from conftest import browser_login
from fupin.core.testing import VILLAGE_A, make_user


@pytest.mark.django_db(transaction=True)
def test_propose_and_notice_in_the_browser(browser_page, artifacts_dir):
    page = browser_page
    make_user("village_cadre", VILLAGE_A, username="cadre_b")
    browser_login(page, "cadre_b")
    page.goto(page.live_server_url + "/projects/")
    assert "项目与资金概况" in page.content()
    page.click("text=项目申报")
    page.fill("#id_name", "村级光伏电站")
    page.select_option("#id_category", "industry")
    page.fill("#id_planned_funds", "-1")
    page.fill("#id_meeting_date", str(dt.date.today()))
    page.fill("#id_meeting_attendees", "30")
    page.fill("#id_meeting_agreed", "26")
    page.fill("#id_meeting_minutes", "党支部提议、村两委商议、党员大会审议、村民代表会议决议通过。")
    page.click("button[type=submit]")
    assert "计划资金不能为负数" in page.content()  # refused with the reason, nothing saved
    page.fill("#id_planned_funds", "350000")
    page.click("button[type=submit]")
    page.wait_for_selector("#project-state")
    assert page.inner_text("#project-state") == "村级申报（四议两公开）"
    page.click("form[data-action=village_notice] button[type=submit]")
    page.wait_for_selector("text=已办理：发布村级公示")
    assert page.inner_text("#project-state") == "村级公示"
    page.fill("#notices input[name=content]", "请公开受益户名单")
    page.click("#notices button:has-text('登记')")
    page.wait_for_selector("text=已登记异议")
    assert "请公开受益户名单" in page.inner_text("#notices")
    assert page.locator("#notices a:has-text('PDF')").count() == 1
    page.screenshot(path=str(artifacts_dir / "projects_detail.png"), full_page=True)
