"""Micro-credit: eligibility by period, the review chain with four eyes, life cycle,
extensions, overdue leads, write-off by the risk fund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.testing import VILLAGE_A, make_household, make_user, village_codes
from fupin.credit import services
from fupin.credit.models import LoanStatus, Policy, RiskFundDraw
from fupin.monitoring.models import RiskEvent

from .helpers import approved, lifted, team

pytestmark = pytest.mark.django_db


def _msgs(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return "；".join(m for ms in exc.value.message_dict.values() for m in ms)


def _policy(day: dt.date) -> Policy:
    policy = Policy.on(day)
    assert policy is not None
    return policy


def test_policy_periods_are_seeded_as_data():
    assert _policy(dt.date(2018, 6, 1)).max_amount == 50000
    p2020 = _policy(dt.date(2020, 6, 1))
    assert p2020.extension_months == 6 and p2020.extension_until == dt.date(2021, 3, 31)
    assert _policy(dt.date(2022, 1, 1)).topup_max == 100000
    assert _policy(dt.date(2024, 5, 1)).subsidy_share == Decimal("0.70")
    assert Policy.on(dt.date(2013, 5, 1)) is None


def test_ordinary_household_refused_naming_rule():
    t = team()
    hh = make_household(VILLAGE_A)  # ordinary, not monitored
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="30000", term_months=36, rate="4.75", purpose="种植",
                            applied_on=dt.date(2019, 3, 1))
    assert "规则：可贷户类型" in _msgs(exc)


def test_edge_household_eligible_from_2020_only():
    t = team()
    hh = make_household(VILLAGE_A, monitoring_type="edge")
    args: dict[str, Any] = dict(actor=t.maker, household=hh, borrower=hh.members.all()[0], amount="30000",
                term_months=36, rate="4.75", purpose="种植")
    with pytest.raises(ValidationError):
        services.apply_loan(**args, applied_on=dt.date(2019, 3, 1))
    assert services.apply_loan(**args, applied_on=dt.date(2020, 8, 1)).pk


def test_borrower_age_from_resident_id():
    t = team()
    hh = lifted(birth=dt.date(1950, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="30000", term_months=36, rate="4.75", purpose="养猪",
                            applied_on=dt.date(2019, 3, 1))
    text = _msgs(exc)
    assert "规则：借款人年龄" in text and "69 岁" in text and "18–65" in text


def test_amount_term_and_rate_limits_of_the_period():
    t = team()
    hh = lifted()
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="60000", term_months=48, rate="5.00", purpose="养猪",
                            applied_on=dt.date(2019, 3, 1))
    errors = exc.value.message_dict
    assert "规则：单户上限" in errors["amount"][0]
    assert "规则：贷款期限" in errors["term_months"][0]
    assert "规则：利率上限" in errors["rate"][0]
    # the 2021 period caps rates at the LPR
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="30000", term_months=12, rate="4.35", purpose="养猪",
                            applied_on=dt.date(2022, 3, 1))
    assert "3.85" in exc.value.message_dict["rate"][0]


def test_bad_numbers_are_field_errors():
    t = team()
    hh = lifted()
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="abc", term_months="x", rate="4", purpose="",
                            applied_on=dt.date(2019, 3, 1))
    assert set(exc.value.message_dict) >= {"amount", "term_months", "purpose"}


def test_household_outside_area_refused():
    other = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    hh = make_household(other, household_type="lifted")
    cadre = make_user("village_cadre", VILLAGE_A)
    with pytest.raises(ValidationError) as exc:
        services.apply_loan(actor=cadre, household=hh, borrower=hh.members.all()[0],
                            amount="1000", term_months=12, rate="4", purpose="种植",
                            applied_on=dt.date(2019, 3, 1))
    assert "不在您的管辖范围内" in _msgs(exc)


def test_topups_by_period():
    t = team()
    hh = lifted()
    approved(t, hh, day=dt.date(2019, 3, 1))
    with pytest.raises(ValidationError) as exc:  # a second first loan
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="10000", term_months=12, rate="3.85", purpose="扩大养殖",
                            applied_on=dt.date(2021, 6, 1))
    assert "规则：一户一笔" in _msgs(exc)
    with pytest.raises(ValidationError) as exc:  # top-up beyond 100,000
        services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                            amount="60000", term_months=12, rate="3.85", purpose="扩大养殖",
                            applied_on=dt.date(2021, 6, 1), is_topup=True)
    assert "规则：追加上限" in _msgs(exc)
    assert services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                               amount="50000", term_months=12, rate="3.85", purpose="扩大养殖",
                               applied_on=dt.date(2021, 6, 1), is_topup=True).is_topup
    hh2 = lifted()
    approved(t, hh2, day=dt.date(2019, 3, 1))
    with pytest.raises(ValidationError) as exc:  # 2019: no top-ups at all
        services.apply_loan(actor=t.maker, household=hh2, borrower=hh2.members.all()[0],
                            amount="1000", term_months=12, rate="4.35", purpose="扩大养殖",
                            applied_on=dt.date(2019, 9, 1), is_topup=True)
    assert "规则：追加贷款" in _msgs(exc)


def test_review_chain_four_eyes():
    t = team()
    hh = lifted()
    loan = services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                               amount="30000", term_months=36, rate="4.75", purpose="种植",
                               applied_on=dt.date(2019, 3, 1))
    with pytest.raises(ValidationError, match="录入申请的人不能审核"):
        services.review_loan(actor=t.maker, loan=loan, approve=True)
    loan = services.review_loan(actor=t.village, loan=loan, approve=True)
    assert loan.status == LoanStatus.VILLAGE_OK
    with pytest.raises(PermissionDenied):  # a village cadre cannot do the township review
        services.review_loan(actor=t.village, loan=loan, approve=True)
    loan = services.review_loan(actor=t.township, loan=loan, approve=True)
    loan = services.review_loan(actor=t.county, loan=loan, approve=True)
    with pytest.raises(ValidationError, match="同一人不能审核"):
        services.review_loan(actor=t.county, loan=loan, approve=True, loan_no="X1")
    with pytest.raises(ValidationError) as exc:
        services.review_loan(actor=t.bank, loan=loan, approve=True)
    assert "loan_no" in exc.value.message_dict
    loan = services.review_loan(actor=t.bank, loan=loan, approve=True, loan_no="XD1", bank="农商行")
    assert loan.status == LoanStatus.BANK_APPROVED
    loan = services.disburse(actor=t.bank, loan=loan, on=dt.date(2019, 3, 10))
    assert (loan.status, loan.balance, loan.due_on) == (LoanStatus.ACTIVE, 30000, dt.date(2022, 3, 10))
    assert [r.step for r in loan.reviews.all()] == ["village", "township", "county", "bank"]


def test_reject_needs_reason_and_closes():
    t = team()
    hh = lifted()
    loan = services.apply_loan(actor=t.maker, household=hh, borrower=hh.members.all()[0],
                               amount="30000", term_months=36, rate="4.75", purpose="种植",
                               applied_on=dt.date(2019, 3, 1))
    with pytest.raises(ValidationError):
        services.review_loan(actor=t.village, loan=loan, approve=False)
    loan = services.review_loan(actor=t.village, loan=loan, approve=False, comment="用途不实")
    assert loan.status == LoanStatus.REJECTED


def test_repay_and_renew():
    t = team()
    loan = approved(t, lifted())
    with pytest.raises(ValidationError, match="超过余额"):
        services.repay(actor=t.maker, loan=loan, amount="60000")
    loan = services.repay(actor=t.maker, loan=loan, amount="10000", on=dt.date(2020, 1, 5))
    assert loan.balance == 40000
    new = services.renew(actor=t.maker, loan=loan, loan_no="XD-R1", amount="40000",
                         term_months=36, rate="4.65", on=dt.date(2021, 2, 1))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RENEWED and new.renewal_of_id == loan.pk
    assert new.status == LoanStatus.ACTIVE and new.balance == 40000
    new = services.repay(actor=t.maker, loan=new, amount="40000", on=dt.date(2022, 1, 1))
    assert new.status == LoanStatus.REPAID


def test_covid_extension_window_and_four_eyes():
    t = team()
    loan = approved(t, lifted(), term=12, rate="4.35", day=dt.date(2019, 6, 1))
    assert loan.due_on == dt.date(2020, 6, 6)
    with pytest.raises(ValidationError, match="规则：展期窗口"):
        services.request_extension(actor=t.maker, loan=loan, until=dt.date(2021, 4, 30),
                                   reason="疫情影响")
    services.request_extension(actor=t.maker, loan=loan, until=dt.date(2021, 3, 31),
                               reason="疫情影响销售")
    with pytest.raises(PermissionDenied):  # a village cadre does not approve extensions
        services.review_extension(actor=t.village, loan=loan, approve=True)
    loan = services.review_extension(actor=t.township, loan=loan, approve=True,
                                     on=dt.date(2020, 6, 1))
    assert loan.status == LoanStatus.EXTENDED and loan.covid_deferral
    assert loan.extended_to == dt.date(2021, 3, 31)


def test_no_extension_outside_window():
    t = team()
    loan = approved(t, lifted(), term=12, rate="4.35", day=dt.date(2017, 6, 1))
    with pytest.raises(ValidationError, match="不允许展期"):
        services.request_extension(actor=t.maker, loan=loan, until=dt.date(2018, 12, 1),
                                   reason="资金周转")


def test_overdue_loses_subsidy_and_raises_lead():
    t = team()
    loan = approved(t, lifted())
    loan = services.mark_overdue(actor=t.maker, loan=loan, days=45, on=dt.date(2022, 4, 20))
    assert loan.status == LoanStatus.OVERDUE and not loan.subsidy_eligible
    assert "逾期 45 天" in loan.subsidy_lost_reason
    event = RiskEvent.objects.get(household=loan.household)
    assert "小额信贷" in event.note and event.amount == loan.balance


def test_write_off_by_risk_fund():
    t = team()
    services.create_fund(actor=t.county, area_code="500236", name="奉节县风险补偿金",
                         capital="40000", established_on=dt.date(2016, 1, 1))
    loan = approved(t, lifted())
    loan = services.mark_overdue(actor=t.maker, loan=loan, days=200, on=dt.date(2022, 9, 1))
    services.request_write_off(actor=t.county, loan=loan, reason="借款人重病无力偿还")
    with pytest.raises(ValidationError, match="不能审核"):
        services.review_write_off(actor=t.county, loan=loan, approve=True)
    with pytest.raises(ValidationError, match="不足代偿"):  # 50,000 owed, 40,000 in the fund
        services.review_write_off(actor=t.bank, loan=loan, approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE  # nothing half-written
    services.repay(actor=t.maker, loan=loan, amount="20000")
    loan = services.review_write_off(actor=t.bank, loan=loan, approve=True)
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert RiskFundDraw.objects.get(loan=loan).amount == 30000


def test_risk_fund_covers_no_more_than_the_capped_principal():
    t = team()
    hh = lifted()
    first = approved(t, hh, day=dt.date(2021, 3, 1), rate="4.65")
    topup = approved(t, hh, amount="40000", day=dt.date(2021, 6, 1), rate="4.65", topup=True)
    assert first.amount + topup.amount == 90000
    assert services.compensable(topup) == 40000  # the top-up's own principal is within 50,000
    big = approved(t, lifted(), amount="50000", day=dt.date(2022, 1, 1), rate="4.65")
    big.policy.subsidised_cap = Decimal(25000)
    assert services.compensable(big) == 25000
