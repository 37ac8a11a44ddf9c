"""Indicators from fupin.assistance: visit compliance, plan and measure coverage (skipped
until the assistance app's models are in this tree)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fupin.assistance import indicators as fam
from fupin.reports import bulletin, indicators
from fupin.reports.tests.conftest import small_registry  # noqa: F401  (shared fixture)


@pytest.fixture
def assisted(small_registry):
    from fupin.assistance.models import Helper, Measure, Plan, Visit  # type: ignore[attr-defined]

    hh = small_registry["households"]
    today = timezone.localdate()
    helper = Helper.objects.create(name="王帮扶", area_id=small_registry["a1"])
    from fupin.assistance.services.rules import period_start

    last_month = period_start(today, 1) - dt.timedelta(days=1)  # in the last ended month
    last_quarter = period_start(today, 3) - dt.timedelta(days=1)  # in the last ended quarter
    two_months_ago = period_start(last_month, 1) - dt.timedelta(days=1)  # before it: missed
    for key, day in (("h1", last_month), ("h4", last_quarter), ("h2", two_months_ago),
                     ("h3", today)):
        Visit.objects.create(household=hh[key], helper=helper, visited_on=day, findings="入户了解")
    p1 = Plan.objects.create(household=hh["h1"], year=today.year)
    Measure.objects.create(plan=p1, category="employment", title="公益性岗位")
    Plan.objects.create(household=hh["h6"], year=today.year)
    return {**small_registry, "today": today}


def test_visit_compliance_and_plan_coverage(assisted):
    result = indicators.area_indicators("500236", assisted["today"])
    f = result["figures"]
    # to visit: h1 (poor), h2/h3/h6 (monitored), h4 (lifted); h5 ordinary is not visited
    # compliance counts the last ENDED period only: h1 (last month) and h4 (last quarter);
    # h3's visit today is in the running period, h2's is two months old
    assert (f["visit_due"], f["visit_ok"]) == (5, 2)
    assert result["rates"]["visit_compliance"] == 40.0
    # due now (visited last period, not yet this one): h1, h4; overdue: h2, h6 (h3 done)
    assert (f["visit_pending"], f["visit_overdue"]) == (2, 2)
    # plans: poor or monitored on the day = h1, h2, h3, h6
    assert (f["plan_target"], f["plan_covered"], f["measure_covered"]) == (4, 2, 1)
    assert result["rates"]["plan_coverage"] == 50.0
    assert result["rates"]["measure_coverage"] == 25.0
    for key in ("visit_due", "visit_ok", "plan_target", "plan_covered"):
        assert sum(c["figures"][key] for c in result["children"]) == f[key]


def test_overdue_visits_in_bulletin(assisted):
    rows = fam.overdue_visits_by_helper("500236", assisted["today"])
    assert sum(n for _o, _k, n in rows) == 2  # h2, h6: their last month ended unvisited
    assert "帮扶走访" in bulletin.OVERDUE_SOURCES
