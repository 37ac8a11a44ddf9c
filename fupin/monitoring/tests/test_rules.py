"""Each default rule at its boundaries, evaluated by the instant re-check (registry
services send household_changed) and by explicit as-of evaluations."""

import datetime as dt
from decimal import Decimal

import pytest

from fupin.accounts.actors import SYSTEM
from fupin.monitoring.services import add_event, evaluate
from fupin.registry import services as registry

from .helpers import child, household_with, income, live_codes, warning

pytestmark = pytest.mark.django_db


def test_income_below_poverty_line_and_at_the_line(household):
    income(household, 2020, 3999)
    assert "INCOME_BELOW_LINE" in live_codes(household)
    w = warning(household, "INCOME_BELOW_LINE")
    assert w.explanation == "人均纯收入 3,999 元，低于 2020 年贫困线 4,000 元"
    income(household, 2020, 4000)  # exactly at the line: not below, but near
    codes = live_codes(household)
    assert "INCOME_BELOW_LINE" not in codes and "INCOME_NEAR_LINE" in codes
    income(household, 2020, 5999)
    assert "INCOME_NEAR_LINE" in live_codes(household)
    income(household, 2020, 6000)  # exactly the monitoring line: out of the band
    assert not {"INCOME_BELOW_LINE", "INCOME_NEAR_LINE"} & live_codes(household)


def test_income_explanation_with_thousands():
    h = household_with()
    registry.set_income(actor=SYSTEM, household=h, year=2020,
                        components={"wage_income": "7624"}, members_counted=2)
    assert warning(h, "INCOME_BELOW_LINE").explanation == (
        "人均纯收入 3,812 元，低于 2020 年贫困线 4,000 元")


def test_income_drop_exactly_threshold(household):
    income(household, 2019, 10000)
    income(household, 2020, 7001)
    assert "INCOME_DROP" not in live_codes(household)  # 29.99 %
    income(household, 2020, 7000)  # exactly 30 %
    w = warning(household, "INCOME_DROP")
    assert "降幅 30%" in w.explanation and "2019 年的 10,000 元" in w.explanation


def test_income_drop_needs_both_years(household):
    income(household, 2018, 10000)
    income(household, 2020, 5000)  # 2019 missing: no comparison
    assert "INCOME_DROP" not in live_codes(household)


def test_medical_burden_boundary(household):
    income(household, 2020, 10000)  # net income 10,000 (one member)
    today = dt.date.today()
    add_event(actor=SYSTEM, household=household, kind="medical", date=today, amount="5000")
    assert "MEDICAL_BURDEN" not in live_codes(household)  # exactly 50 %: not above
    add_event(actor=SYSTEM, household=household, kind="medical", date=today, amount="0.01")
    w = warning(household, "MEDICAL_BURDEN")
    assert "5,000.01 元" in w.explanation and "50%" in w.explanation


def test_event_window_of_twelve_months(household):
    as_of = dt.date(2021, 6, 15)
    add_event(actor=SYSTEM, household=household, kind="disaster", date=dt.date(2020, 6, 15),
              amount=100)
    evaluate(as_of)
    assert "DISASTER_OR_ACCIDENT" not in live_codes(household)  # exactly 12 months ago
    add_event(actor=SYSTEM, household=household, kind="accident", date=dt.date(2020, 6, 16),
              amount=100)
    evaluate(as_of)
    assert "DISASTER_OR_ACCIDENT" in live_codes(household)


@pytest.mark.parametrize(("birth", "fires"), [
    (dt.date(2014, 9, 1), True),    # turns 6 on the as-of day
    (dt.date(2014, 9, 2), False),   # still 5
    (dt.date(2004, 9, 2), True),    # 15, turns 16 tomorrow
    (dt.date(2004, 9, 1), False),   # turns 16 on the as-of day
])
def test_dropout_age_band(birth, fires):
    h = household_with(child(birth, schooling="none"))
    evaluate(dt.date(2020, 9, 1))
    assert ("DROPOUT" in live_codes(h)) is fires


def test_dropout_exempts_only_documented_cases_and_counts_home_teaching():
    """MECHANISM §4.3/§4.4: only a child exempted for health reasons is left out; a disabled
    child taught at home (送教上门) is schooled; a disabled child out of school is a dropout;
    a blank status is unknown, not a dropout."""
    exempt = household_with(child(dt.date(2010, 1, 1), schooling="none", disabled=True,
                                  disability_grade="1", school_exempt=True))
    home = household_with(child(dt.date(2010, 1, 1), schooling="home_taught", disabled=True,
                                disability_grade="2"))
    disabled_out = household_with(child(dt.date(2010, 1, 1), schooling="none", disabled=True,
                                        disability_grade="3"))
    blank = household_with(child(dt.date(2010, 1, 1), schooling=""))
    in_school = household_with(child(dt.date(2010, 1, 1), schooling="primary"))
    evaluate(dt.date(2020, 9, 1))
    assert "DROPOUT" not in live_codes(exempt)
    assert "DROPOUT" not in live_codes(home)
    assert "DROPOUT" in live_codes(disabled_out)
    assert "DROPOUT" not in live_codes(blank)
    assert "DROPOUT" not in live_codes(in_school)


def test_uninsured_house_water_no_labour():
    h = household_with(child(dt.date(2010, 1, 1), medical_insurance=False))
    assert "UNINSURED" in live_codes(h)
    registry.record_assessment(actor=SYSTEM, household=h, kind="housing",
                               assessed_on=dt.date(2020, 1, 1), housing_grade="C")
    registry.record_assessment(actor=SYSTEM, household=h, kind="water",
                               assessed_on=dt.date(2020, 1, 1), water_safe=False)
    codes = live_codes(h)
    assert {"UNSAFE_HOUSE", "UNSAFE_WATER"} <= codes
    assert warning(h, "UNSAFE_HOUSE").explanation.startswith("住房安全等级为 C 级")
    registry.record_assessment(actor=SYSTEM, household=h, kind="housing",
                               assessed_on=dt.date(2021, 1, 1), housing_grade="B")
    assert "UNSAFE_HOUSE" not in live_codes(h)


def test_no_labour_only_for_general_households():
    from fupin.core.testing import make_household, member_data
    h = make_household(members=[member_data(labour="lost"),
                                member_data("李四", "spouse", labour="none")])
    assert "NO_LABOUR" in live_codes(h)
    registry.update_household(actor=SYSTEM, household=h, changes={"welfare_status": "dibao"},
                              effective=dt.date.today())
    assert "NO_LABOUR" not in live_codes(h)
    weak = make_household(members=[member_data(labour="weak")])
    assert "NO_LABOUR" not in live_codes(weak)


def test_as_of_ignores_later_incomes_and_members(household):
    from fupin.monitoring.services import set_setting
    set_setting(actor=SYSTEM, key="poverty_line", value="4000", year_from=2021, source_doc="测试")
    income(household, 2020, 3000)
    income(household, 2021, 9000)
    evaluate(dt.date(2020, 6, 30))
    w = warning(household, "INCOME_BELOW_LINE")
    assert w.values["income_year"] == 2020
    evaluate(dt.date(2022, 6, 30))
    assert "INCOME_BELOW_LINE" not in live_codes(household)


def test_values_are_stored(household):
    income(household, 2020, 3812)
    w = warning(household, "INCOME_BELOW_LINE")
    assert Decimal(str(w.values["income_per_capita"])) == Decimal("3812")
    assert Decimal(str(w.values["poverty_line"])) == Decimal("4000")
    assert w.rule_version.number == 1
