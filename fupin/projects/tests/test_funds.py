"""Funds: sources, allocations, payments; balances never negative; bad amounts refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fupin.core.testing import VILLAGE_A, make_user
from fupin.projects.choices import State
from fupin.projects.models import Allocation, FundSource, Payment
from fupin.projects.services import funds
from fupin.projects.testing import make_project


@pytest.fixture
def admin(db):
    return make_user("county_admin", "500236")


@pytest.fixture
def planned(db):
    return make_project(VILLAGE_A, until=State.PLANNED, start=dt.date(2020, 1, 10), year=2020)


@pytest.mark.parametrize("amount,message", [("-100", "不能为负数"), ("abc", "不是数字"),
                                            ("1.234", "两位小数"), ("", "请填写"), ("0", "大于 0"),
                                            ("nan", "不是数字")])
def test_bad_amounts_are_refused(admin, amount, message):
    with pytest.raises(ValidationError) as exc:
        funds.add_source(actor=admin, county_code="500236", kind="central", name="x", year=2020,
                         amount=amount)
    assert message in exc.value.message_dict["amount"][0]
    assert not FundSource.objects.exists()


def test_allocation_and_payment_cannot_exceed_balance(admin, planned):
    src = funds.add_source(actor=admin, county_code="500236", kind="integrated",
                           name="统筹整合涉农资金", year=2020, amount="500000")
    with pytest.raises(ValidationError, match="超过该资金来源的结余"):
        funds.allocate(actor=admin, project=planned, source=src, amount="500000.01")
    alloc = funds.allocate(actor=admin, project=planned, source=src, amount="200000",
                           on="2020-03-01")
    funds.pay(actor=admin, allocation=alloc, amount="150000", paid_on="2020-03-10")
    with pytest.raises(ValidationError) as exc:
        funds.pay(actor=admin, allocation=alloc, amount="50000.01", paid_on="2020-04-01")
    assert "超过安排结余 50000.00 元" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError, match="早于资金安排日期"):
        funds.pay(actor=admin, allocation=alloc, amount="1", paid_on="2020-02-01")
    funds.pay(actor=admin, allocation=alloc, amount="50000", paid_on="2020-04-01")
    alloc.refresh_from_db()
    src.refresh_from_db()
    assert alloc.paid == alloc.amount and alloc.balance == 0
    assert src.allocated == 200000 and src.balance == 300000
    assert Payment.objects.count() == 2
    assert funds.integrated_total("500236", 2020) == Decimal("500000")


def test_database_refuses_negative_balance(admin, planned):
    src = funds.add_source(actor=admin, county_code="500236", kind="central", name="c", year=2020,
                           amount="100")
    alloc = funds.allocate(actor=admin, project=planned, source=src, amount="100")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=alloc.pk).update(paid=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundSource.objects.filter(pk=src.pk).update(allocated=101)


def test_unplanned_project_or_other_year_cannot_be_funded(admin):
    p = make_project(VILLAGE_A, until=State.IN_LIBRARY, start=dt.date(2020, 1, 10))
    src = funds.add_source(actor=admin, county_code="500236", kind="central", name="c", year=2020,
                           amount="100")
    with pytest.raises(ValidationError, match="列入年度计划"):
        funds.allocate(actor=admin, project=p, source=src, amount="10")
    p2 = make_project(VILLAGE_A, until=State.PLANNED, start=dt.date(2020, 1, 10), year=2021)
    with pytest.raises(ValidationError, match="2021 年计划"):
        funds.allocate(actor=admin, project=p2, source=src, amount="10")


def test_only_county_registers_sources(db):
    cadre = make_user("village_cadre", VILLAGE_A)
    with pytest.raises(PermissionDenied):
        funds.add_source(actor=cadre, county_code="500236", kind="central", name="c", year=2020,
                         amount="1")
    with pytest.raises(ValidationError, match="区县代码"):
        funds.add_source(actor=make_user("county_admin", "500236"), county_code="999999",
                         kind="central", name="c", year=2020, amount="1")
