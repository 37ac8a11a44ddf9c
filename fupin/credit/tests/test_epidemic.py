"""The 2020 epidemic rule (MECHANISM §5.5): loans due from 2020-01-01 overdue because of the
epidemic are recorded with their reason but are not credit defaults while the window lasts
(to 2021-03-31); the summary keeps them out of `overdue_loans`. And the borrower count that
PostgreSQL keeps in `credit_borrower` equals the direct count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fupin.accounts.actors import SystemActor
from fupin.credit import services
from fupin.credit.models import Loan, LoanStatus, Subsidy
from fupin.monitoring.models import RiskEvent

from .helpers import approved, lifted, team, xlsx

pytestmark = pytest.mark.django_db


def _due_2020(t):  # 12 months from 2019-06-06: due 2020-06-06, in the 2020 policy period
    return approved(t, lifted(), term=12, rate="4.35", day=dt.date(2019, 6, 1))


def test_epidemic_overdue_is_no_default():
    t = team()
    loan = _due_2020(t)
    loan = services.mark_overdue(actor=t.maker, loan=loan, days=30, on=dt.date(2020, 7, 6),
                                 epidemic=True)
    assert loan.status == LoanStatus.OVERDUE and loan.covid_deferral and loan.epidemic_overdue
    assert loan.subsidy_eligible and loan.subsidy_lost_reason == ""
    assert "受疫情影响逾期 30 天（2020-06-06 起）" in loan.overdue_note
    assert "不作为信贷违约" in loan.overdue_note and "宽限至 2021-03-31" in loan.overdue_note
    assert RiskEvent.objects.filter(household=loan.household).exists()  # the household still gets a lead
    s = services.summary("500236", dt.date(2020, 12, 31))
    assert (s["overdue_loans"], s["epidemic_overdue_loans"]) == (0, 1)
    # the subsidy continues: the month's row is paid, not lost
    run = services.run_subsidies(actor=SystemActor("t"), area_code="500236", month="2020-08")
    row = Subsidy.objects.get(run=run, loan=loan)
    assert row.lost_reason == "" and row.amount > 0
    # after the window a plain marking makes it a default, with the reason
    loan = services.mark_overdue(actor=t.maker, loan=loan, days=330, on=dt.date(2021, 5, 2))
    assert not loan.subsidy_eligible and not loan.epidemic_overdue
    assert "疫情政策宽限后仍未还款" in loan.overdue_note
    s = services.summary("500236", dt.date(2021, 6, 1))
    assert (s["overdue_loans"], s["epidemic_overdue_loans"]) == (1, 0)


@pytest.mark.parametrize("disbursed, on, why", [
    (dt.date(2017, 6, 1), dt.date(2018, 7, 1), "不在2020年疫情政策期内"),
    (dt.date(2019, 6, 1), dt.date(2021, 4, 2), "宽限已于 2021-03-31 截止"),
])
def test_epidemic_rule_refused_outside_its_window(disbursed, on, why):
    t = team()
    loan = approved(t, lifted(), term=12, rate="4.35", day=disbursed)
    with pytest.raises(ValidationError) as exc:
        services.mark_overdue(actor=t.maker, loan=loan, days=20, on=on, epidemic=True)
    assert why in exc.value.message_dict["epidemic"][0]
    assert "规则：疫情延期" in exc.value.message_dict["epidemic"][0]
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.overdue_note == ""  # nothing written


def test_bank_file_keeps_deferred_loans_out_of_default():
    t = team()
    deferred = _due_2020(t)
    services.request_extension(actor=t.maker, loan=deferred, until=dt.date(2020, 12, 6),
                               reason="疫情影响销售")
    deferred = services.review_extension(actor=t.township, loan=deferred, approve=True,
                                         on=dt.date(2020, 6, 1))
    plain = _due_2020(t)
    content = xlsx([["贷款合同号", "身份证号", "贷款余额", "累计还款", "逾期天数"],
                    [deferred.loan_no, deferred.borrower_id_number, "50000", "0", "20"],
                    [plain.loan_no, plain.borrower_id_number, "50000", "0", "20"]])
    bf = services.import_bank_file(actor=t.county, area_code="500236", month="2020-12",
                                   filename="bank.xlsx", content=content)
    services.apply_bank_file(actor=t.bank, bank_file=bf, on=dt.date(2020, 12, 26))
    deferred, plain = Loan.objects.get(pk=deferred.pk), Loan.objects.get(pk=plain.pk)
    assert deferred.epidemic_overdue and deferred.subsidy_eligible
    assert "按2020年疫情政策不作为信贷违约" in deferred.overdue_note
    assert plain.status == LoanStatus.OVERDUE and not plain.subsidy_eligible
    s = services.summary("500236", dt.date(2020, 12, 31))
    assert (s["overdue_loans"], s["epidemic_overdue_loans"]) == (1, 1)


def test_borrower_count_follows_every_write():
    t = team()
    first = approved(t, lifted(), day=dt.date(2019, 3, 1))
    approved(t, first.household, day=dt.date(2021, 3, 1), topup=True, amount="10000", rate="4.65")
    approved(t, lifted(), day=dt.date(2020, 3, 1))
    approved(t, lifted(), day=dt.date(2020, 3, 1), disburse=False)  # not a borrower yet

    def both(day: dt.date) -> int:
        n = services.summary("500236", day)["borrower_households"]
        direct = (Loan.objects.filter(area__code__startswith="500236", disbursed_on__lte=day,
                                      status__in=[s for s in LoanStatus.values if s not in (
                                          "applied", "village_ok", "township_ok", "county_ok",
                                          "bank_ok", "rejected")])
                  .values("household").distinct().count())
        assert n == direct
        return n

    assert (both(dt.date(2019, 12, 31)), both(dt.date(2021, 12, 31))) == (1, 2)
    Loan.objects.filter(pk=first.pk).update(disbursed_on=dt.date(2020, 5, 1))
    assert both(dt.date(2019, 12, 31)) == 0
    Loan.objects.filter(household=first.household).delete()
    assert both(dt.date(2021, 12, 31)) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM credit_borrower")
            assert cursor.fetchone()[0] == 1
