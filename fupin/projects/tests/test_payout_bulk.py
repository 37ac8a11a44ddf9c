"""Large payout batches: on PostgreSQL they go through staging tables (COPY, INSERT … SELECT,
history by INSERT … SELECT); the result must equal the row-by-row path's, field for field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.projects.models import BenefitLink, Payout
from fupin.projects.services import benefits
from fupin.registry import income_flows
from fupin.registry.income_flows import Flow, record_flows
from fupin.registry.models import Income, IncomeFlow

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["python", "staged"])
def path(request, monkeypatch):
    if request.param == "staged":
        if connection.vendor != "postgresql":
            pytest.skip("the staged path is PostgreSQL only")
        monkeypatch.setattr(income_flows, "SQL_THRESHOLD", 1)
        monkeypatch.setattr(benefits, "COPY_THRESHOLD", 1)
    else:
        monkeypatch.setattr(income_flows, "SQL_THRESHOLD", 10**9)
        monkeypatch.setattr(benefits, "COPY_THRESHOLD", 10**9)
    return request.param


def test_payouts_land_in_incomes_with_history(path, django_capture_on_commit_callbacks):
    cadre = make_user("village_cadre", VILLAGE_A)
    with_income = make_household(VILLAGE_A, household_no="BULK001", household_type="lifted")
    without = make_household(VILLAGE_A, household_no="BULK002", household_type="lifted")
    Income.objects.filter(household=without).delete()
    base = Income.objects.filter(household=with_income, year=2020).first()
    if base is None:
        base = Income.objects.create(household=with_income, year=2020, wage_income=1000,
                                     members_counted=1)
    hist_before = base.history.count()
    links = {}
    for hh in (with_income, without):
        for mode in ("asset_dividend", "wage"):
            links[(hh.pk, mode)] = benefits.create_link(
                actor=cadre, household_no=hh.household_no, mode=mode, started_on="2020-01-01",
                partner_kind="cooperative", partner_name="合作社")
    rows = [benefits.PayoutRow(links[(hh.pk, mode)].pk, hh.pk, day, Decimal(amount), mode, "月度")
            for hh in (with_income, without)
            for mode, amount in (("asset_dividend", "100.25"), ("wage", "300"))
            for day in (dt.date(2020, 5, 1), dt.date(2020, 6, 1))]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        res = benefits.record_payouts(actor=cadre, rows=rows)
    assert (res.created, res.flows, res.households) == (8, 8, 2)
    assert callbacks, "the households' re-check is sent after the commit"
    assert sorted(res.payout_ids) == sorted(Payout.objects.values_list("pk", flat=True))
    # each payout's flow names its own id, amount and household
    for p in Payout.objects.select_related("link"):
        f = IncomeFlow.objects.get(source="projects.payout", ref=f"payout:{p.pk}")
        assert (f.amount, f.household_id, f.occurred_on) == (p.amount, p.link.household_id, p.paid_on)
        assert f.component == ("wage_income" if p.link.mode == "wage" else "property_income")
    base_after = Income.objects.get(pk=base.pk)
    assert base_after.property_income == base.property_income + Decimal("200.50")
    assert base_after.wage_income == base.wage_income + Decimal("600")
    assert base_after.history.count() == hist_before + 1
    assert base_after.history.first().history_change_reason == "利益联结收益"
    new = Income.objects.get(household=without, year=2020)
    assert (new.property_income, new.wage_income) == (Decimal("200.50"), Decimal("600"))
    assert new.members_counted == 1 and new.source == "利益联结收益"
    assert new.history.count() == 1 and new.history.first().history_type == "+"
    assert new.history.first().history_user_id == cadre.pk


def test_a_flow_counts_once(path):
    cadre = make_user("village_cadre", VILLAGE_A)
    hh = make_household(VILLAGE_A, household_no="BULK003")
    Income.objects.filter(household=hh).delete()

    def flow(ref: str, amount: str) -> Flow:
        return Flow(household_id=hh.pk, year=2021, component="transfer_income", amount=amount,
                    occurred_on=dt.date(2021, 3, 1), source="test.bulk", ref=ref)

    first = record_flows(actor=cadre, flows=[flow("a", "10"), flow("a", "99"), flow("b", "5")])
    assert (first.recorded, first.already, first.households) == (2, 1, [hh.pk])
    again = record_flows(actor=cadre, flows=[flow("b", "5"), flow("c", "1.5")])
    assert (again.recorded, again.already) == (1, 1)
    income = Income.objects.get(household=hh, year=2021)
    assert income.transfer_income == Decimal("16.50")  # a's first amount, b once, c
    assert income.history.count() == 2
    assert IncomeFlow.objects.get(source="test.bulk", ref="a").amount == Decimal("10")
    none = record_flows(actor=cadre, flows=[flow("c", "1.5")])
    assert (none.recorded, none.already, none.households) == (0, 1, [])
    assert BenefitLink.objects.count() == 0
