"""The same registry gives the same warnings on SQLite and on PostgreSQL: this module
asserts an exact expected set, and CI runs the suite on both databases
(DATABASE_URL=postgres://… pytest fupin/monitoring)."""

import datetime as dt

import pytest
from django.db import connection

from fupin.accounts.actors import SYSTEM
from fupin.core.testing import make_household, member_data
from fupin.monitoring.models import Warning
from fupin.monitoring.services import add_event, evaluate
from fupin.registry import services as registry

from .helpers import child, income

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2021, 3, 31)

EXPECTED = {
    ("P1", "INCOME_BELOW_LINE"), ("P1", "DROPOUT"),
    ("P2", "INCOME_NEAR_LINE"), ("P2", "INCOME_DROP"), ("P2", "MEDICAL_BURDEN"),
    ("P3", "UNINSURED"), ("P3", "DISASTER_OR_ACCIDENT"), ("P3", "UNSAFE_HOUSE"),
    ("P4", "NO_LABOUR"), ("P4", "UNSAFE_WATER"), ("P4", "INCOME_BELOW_LINE"),
}


def build() -> None:
    p1 = make_household(household_no="P1", members=[
        member_data(), child(dt.date(2010, 4, 1), schooling="none")])
    income(p1, 2020, Decimal_("3999.99"), 2)
    p2 = make_household(household_no="P2")
    income(p2, 2019, 8000)
    income(p2, 2020, 5600)  # -30 % exactly, inside the band
    add_event(actor=SYSTEM, household=p2, kind="medical", date=dt.date(2021, 1, 10), amount="2800.01")
    p3 = make_household(household_no="P3", members=[member_data(medical_insurance=False)])
    income(p3, 2020, 9000)
    add_event(actor=SYSTEM, household=p3, kind="accident", date=dt.date(2020, 4, 1), amount="500")
    registry.record_assessment(actor=SYSTEM, household=p3, kind="housing",
                               assessed_on=dt.date(2020, 6, 1), housing_grade="D")
    p4 = make_household(household_no="P4", members=[member_data(labour="lost")])
    income(p4, 2020, 1200)
    registry.record_assessment(actor=SYSTEM, household=p4, kind="water",
                               assessed_on=dt.date(2020, 6, 1), water_safe=False)
    p5 = make_household(household_no="P5")
    income(p5, 2020, 20000)
    # later facts that the as-of date must ignore
    add_event(actor=SYSTEM, household=p5, kind="disaster", date=dt.date(2021, 4, 2), amount="100")


def Decimal_(v: str):
    from decimal import Decimal
    return Decimal(v)


def test_same_warnings_on_every_database():
    build()
    evaluate(AS_OF)
    got = set(Warning.objects.filter(status="open").values_list(
        "household__household_no", "rule__code"))
    assert got == EXPECTED, connection.vendor
    w = Warning.objects.get(household__household_no="P1", rule__code="INCOME_BELOW_LINE")
    assert w.explanation == "人均纯收入 3,999.99 元，低于 2020 年贫困线 4,000 元"
    w = Warning.objects.get(household__household_no="P2", rule__code="INCOME_DROP")
    assert "降幅 30%" in w.explanation
