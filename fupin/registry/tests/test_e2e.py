"""End to end in a real browser: a village cadre logs in, finds a household by pinyin
initials, edits a member and sees the change in the household's history timeline."""

import datetime as dt

import pytest

from fupin.core.testing import (
    VILLAGE_A,
    make_household,
    make_user,
    member_data,
    next_resident_id,
)
from fupin.registry.choices import HouseholdType, Relation
from fupin.registry.models import Member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cadre_finds_household_edits_member_sees_history(browser_page, artifacts_dir):
    page = browser_page
    cadre = make_user("village_cadre", VILLAGE_A, username="cadre_e2e", first_name="小红",
                      last_name="陈")
    make_household(actor=cadre, household_no="500236001001-0007", household_type=HouseholdType.POOR,
                   main_cause="01", group="三组", phone="13800001111", members=[
                       member_data("王小明", resident_id=next_resident_id(
                           birth=dt.date(1978, 3, 12), sex="M")),
                       member_data("李芳", Relation.SPOUSE, resident_id=next_resident_id(
                           birth=dt.date(1981, 9, 2), sex="F")),
                       member_data("王乐", Relation.SON, schooling="primary",
                                   resident_id=next_resident_id(birth=dt.date(2015, 6, 1),
                                                                sex="M"))])
    make_household(actor=cadre, household_no="500236001001-0008", members=[member_data("张伟")])

    # Log in through the form.
    page.goto(page.live_server_url + "/accounts/login/")
    page.fill("#id_username", "cadre_e2e")
    page.fill("#id_password", "pass-1234-word")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")  # a village cadre lands on 我的工作
    page.goto(page.live_server_url + "/registry/households/")

    # Search by the head's pinyin initials.
    page.fill("#id_q", "wxm")
    page.click("button[type=submit]:has-text('筛选')")
    page.wait_for_url("**q=wxm**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "王小明" in rows.first.inner_text()
    page.screenshot(path=str(artifacts_dir / "registry_list.png"), full_page=True)
    page.click("text=500236001001-0007")
    page.wait_for_selector("h1:has-text('王小明 户')")

    # Edit the spouse.
    spouse = Member.objects.get(name="李芳")
    page.click(f"#member-{spouse.pk} >> text=修改")
    page.wait_for_selector("h1:has-text('修改成员')")
    page.fill("#id_name", "李芳芳")
    page.check("#id_chronic_illness")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=成员信息已保存")

    history = page.locator("#history").inner_text()
    assert "修改成员 李芳芳" in history
    assert "姓名：李芳 → 李芳芳" in history
    assert "长期慢性病：否 → 是" in history
    assert "陈小红" in history or "cadre_e2e" in history
    member_row = page.locator(f"#member-{spouse.pk}").inner_text()
    assert "李芳芳" in member_row and "长期慢性病" in member_row
    page.screenshot(path=str(artifacts_dir / "registry_e2e.png"), full_page=True)
