"""The demo loans and jobs: counts scale with the county, amounts add up exactly, rates are
computed from the records, and a re-run replaces the demo rows."""

import datetime as dt

import pytest

from fupin.credit.models import Loan, RiskFund
from fupin.credit.services import summary
from fupin.demo.build import build
from fupin.demo.credit import amounts, seed_credit_and_jobs
from fupin.jobs.models import WelfarePost, WorkSpell
from fupin.jobs.services import summary as jobs_summary

pytestmark = pytest.mark.django_db
XIUSHAN, YUBEI = "500241", "500112"


def test_amounts_sum_exactly():
    import random

    out = amounts(random.Random(1), 8_972, 318_470_000)
    assert sum(out) == 318_470_000 and min(out) >= 10_000 and max(out) <= 50_000
    with pytest.raises(ValueError):
        amounts(random.Random(1), 3, 1_000_000)


def test_scaled_xiushan_and_yubei():
    build([XIUSHAN, YUBEI], seed=7, scale=1_000, today=dt.date(2026, 6, 1))
    written = seed_credit_and_jobs([XIUSHAN, YUBEI], seed=7, today=dt.date(2026, 6, 1))
    figures = summary(XIUSHAN, dt.date(2020, 12, 31))
    registered = figures["registered_households"]
    factor = registered / 16_984
    assert figures["borrower_households"] == round(9_011 * factor)
    assert figures["loan_coverage"] == round(figures["borrower_households"] / registered, 4)
    assert figures["extended_loans"] == round(44 * factor)
    assert figures["disbursed_yuan"] == round(320_000_000 * factor / 1000) * 1000
    assert figures["risk_fund_yuan"] == round(35_000_000 * factor)
    assert figures["new_loans_year"] == round(39 * factor)
    # all demo loans were due before the run date: repaid; as of 2020 they were outstanding
    assert summary(XIUSHAN)["outstanding_yuan"] == 0
    assert figures["outstanding_yuan"] > 0
    jobs = jobs_summary(XIUSHAN, 2020)
    assert jobs["out_of_county_people"] == min(round(32_810 * factor), jobs["transferred_people"])
    assert jobs["workshops"] == max(1, round(21 * factor))
    assert jobs_summary(YUBEI, 2020)["temporary_posts"] >= 1
    assert written["loans"] == Loan.objects.count()
    # a re-run replaces the demo rows rather than adding to them
    build([XIUSHAN, YUBEI], seed=7, scale=1_000, today=dt.date(2026, 6, 1))
    seed_credit_and_jobs([XIUSHAN, YUBEI], seed=7, today=dt.date(2026, 6, 1))
    assert Loan.objects.count() == written["loans"]
    assert RiskFund.objects.count() == 1
    assert WelfarePost.objects.count() == written["welfare_posts"]
    assert WorkSpell.objects.count() == written["work_spells"]
