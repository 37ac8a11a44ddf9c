"""A village cadre enters a loan application (refused first for its amount, naming the
rule), and a second cadre passes the village review, in a real browser."""

import datetime as dt

import pytest

from conftest import browser_login
from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data
from fupin.credit.models import Loan, LoanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_and_village_review_in_browser(browser_page, artifacts_dir):
    page = browser_page
    make_user("village_cadre", VILLAGE_A, username="maker_c")
    make_user("village_cadre", VILLAGE_A, username="checker_c")
    household = make_household(VILLAGE_A, household_type="lifted",
                               members=[member_data(birth=dt.date(1982, 3, 1))])
    browser_login(page, "maker_c")
    page.goto(f"{page.live_server_url}/credit/add/")
    page.fill("#id_household_no", household.household_no)
    page.fill("#id_borrower_id", household.members.all()[0].resident_id)
    page.fill("#id_amount", "80000")
    page.fill("#id_term_months", "36")
    page.fill("#id_rate", "4.65")
    page.fill("#id_purpose", "养殖山羊")
    with page.expect_navigation(timeout=60000):  # the POST answers with the refused form
        page.click("form button[type=submit]")
    assert "规则：单户上限" in page.content()  # the refusal names its rule
    assert not Loan.objects.exists()  # nothing half-written
    page.fill("#id_amount", "30000")
    with page.expect_navigation(timeout=60000):
        page.click("form button[type=submit]")
    loan = Loan.objects.get(household=household)
    assert page.url.endswith(f"/credit/{loan.pk}/")
    page.click("#btn-approve")  # the maker may not review their own entry
    page.wait_for_load_state("networkidle")
    assert "录入申请的人不能审核" in page.content()
    page.context.clear_cookies()
    browser_login(page, "checker_c")
    page.goto(f"{page.live_server_url}/credit/{loan.pk}/")
    page.fill("#id_comment", "已核实，生产用途")
    with page.expect_navigation(timeout=60000):
        page.click("#btn-approve")
    page.screenshot(path=str(artifacts_dir / "credit_loan_detail.png"), full_page=True)
    assert "村初审通过" in page.content() and "已核实，生产用途" in page.content()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.VILLAGE_OK
