"""Payments from other programmes land in incomes once, with history, in scope only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.accounts.actors import SystemActor
from fupin.core.testing import make_household, make_user, village_codes
from fupin.registry.income_flows import Flow, record_flows
from fupin.registry.models import Income, IncomeFlow

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 30)


def flow(hh, ref, amount="100.00", component="property_income", year=2025):
    return Flow(household_id=hh.pk, year=year, component=component, amount=amount,
                occurred_on=DAY, source="test.payout", ref=ref)


def test_flows_add_to_the_year_once(village_cadre, django_capture_on_commit_callbacks):
    hh = make_household()
    with django_capture_on_commit_callbacks(execute=True):
        result = record_flows(actor=village_cadre, flows=[flow(hh, "a"), flow(hh, "b", "50.5"),
                                                          flow(hh, "c", "300", "wage_income")])
    assert (result.recorded, result.already) == (3, 0)
    income = Income.objects.get(household=hh, year=2025)
    assert income.property_income == Decimal("150.50")
    assert income.wage_income == Decimal("300")
    assert income.history.count() == 1
    again = record_flows(actor=village_cadre, flows=[flow(hh, "a"), flow(hh, "d", "10")])
    assert (again.recorded, again.already) == (1, 1)
    income.refresh_from_db()
    assert income.property_income == Decimal("160.50")
    assert income.history.count() == 2
    assert IncomeFlow.objects.filter(household=hh).count() == 4


@pytest.mark.parametrize("bad, message", [
    ({"amount": "-5"}, "不能为负数"), ({"amount": "abc"}, "不是数字"),
    ({"component": "business_cost"}, "收入类别"), ({"year": 1999}, "收入年度"),
])
def test_bad_flows_refused_whole(village_cadre, bad, message):
    hh = make_household()
    good = flow(hh, "ok")
    wrong = Flow(**{**flow(hh, "bad").__dict__, **bad})
    with pytest.raises(ValidationError, match=message):
        record_flows(actor=village_cadre, flows=[good, wrong])
    assert not IncomeFlow.objects.exists() and not Income.objects.exists()


def test_out_of_scope_household_refused():
    other = [c for c in village_codes(400) if not c.startswith("500236")][0]
    hh = make_household(other, household_no="FAR0001")
    cadre = make_user("village_cadre", "500236001001", username="near")
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        record_flows(actor=cadre, flows=[flow(hh, "x")])
    assert record_flows(actor=SystemActor("test"), flows=[flow(hh, "x")]).recorded == 1
