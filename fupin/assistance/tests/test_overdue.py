import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fupin.assistance import services
from fupin.assistance.models import AssistanceRule, Visit
from fupin.core.testing import make_household

UTC = dt.UTC


def _visit(h, day):
    return Visit.objects.create(household=h, visited_on=day, channel="home", findings="ok")


def test_month_boundary_in_shanghai(county_admin, helper, poor_household):
    services.assign_helper(actor=county_admin, household=poor_household, helper=helper,
                           started_on=dt.date(2026, 1, 1))
    _visit(poor_household, dt.date(2026, 10, 31))
    # 2026-10-31 23:30 in Shanghai (15:30 UTC): still October, visited this month
    before = dt.datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
    assert not services.overdue_households(county_admin, now=before).exists()
    # 2026-11-01 00:30 in Shanghai (16:30 UTC, still Oct 31 in UTC): a new month -> due,
    # not overdue (October, the ended period, had its visit)
    after = dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    assert after.astimezone(ZoneInfo("Asia/Shanghai")).day == 1
    assert not services.overdue_households(county_admin, now=after).exists()
    rows: list[Any] = list(services.due_households(county_admin, now=after))
    assert [r.pk for r in rows] == [poor_household.pk]
    assert rows[0].visit_state == "due"
    # 2026-12-01 00:30 in Shanghai: November ended without a visit -> overdue
    december = dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    rows = list(services.overdue_households(county_admin, now=december))
    assert [r.pk for r in rows] == [poor_household.pk]
    assert rows[0].helper_name == helper.name and rows[0].last_visit == dt.date(2026, 10, 31)
    assert not services.due_households(county_admin, now=december).exists()
    assert services.overdue_by_helper(services.overdue_households(county_admin, now=december)) == [
        {"helper_id": helper.pk, "helper_name": helper.name, "n": 1}]


def test_kinds_and_configured_frequency(county_admin):
    lifted = make_household(household_type="lifted")
    monitored = make_household(household_type="lifted", monitoring_type="unstable")
    make_household()  # ordinary: no visit duty
    _visit(lifted, dt.date(2026, 7, 15))
    _visit(monitored, dt.date(2026, 10, 15))
    now = dt.datetime(2026, 12, 20, 4, 0, tzinfo=UTC)
    # lifted: quarterly (Q4 from Oct 1; Q3 ended with the July visit) -> due;
    # monitored: monthly, November ended without a visit -> overdue
    ids = set(services.overdue_households(county_admin, now=now).values_list("pk", flat=True))
    assert ids == {monitored.pk}
    assert set(services.due_households(county_admin, now=now).values_list("pk", flat=True)) == {lifted.pk}
    # a county makes monitored households visited every two months: Nov-Dec is running,
    # Sep-Oct (ended) had the October visit -> due, not overdue
    AssistanceRule.objects.create(area_code="500236", visit_months_monitored=2)
    ids = set(services.overdue_households(county_admin, now=now).values_list("pk", flat=True))
    assert ids == set()
    # lifted made half-yearly: the July visit is inside the running Jul-Dec -> done
    AssistanceRule.objects.filter(area_code="500236").update(visit_months_lifted=6)
    assert not services.due_households(county_admin, now=now).filter(pk=lifted.pk).exists()
    assert not services.overdue_households(county_admin, now=now).filter(pk=lifted.pk).exists()
    AssistanceRule.objects.filter(area_code="500236").update(visit_months_monitored=1)
    by_village = services.overdue_by_village(services.overdue_households(county_admin, now=now))
    assert by_village[0]["n"] == 1


def test_period_start():
    assert services.period_start(dt.date(2026, 11, 25), 3) == dt.date(2026, 10, 1)
    assert services.period_start(dt.date(2026, 2, 1), 1) == dt.date(2026, 2, 1)
    assert services.period_start(dt.date(2026, 12, 31), 12) == dt.date(2026, 1, 1)
    from fupin.assistance.services.rules import previous_period_start
    assert previous_period_start(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 1)
    assert previous_period_start(dt.date(2026, 11, 25), 3) == dt.date(2026, 7, 1)
