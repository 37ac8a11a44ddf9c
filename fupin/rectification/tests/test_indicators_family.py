"""Indicators from fupin.rectification: problems found / unresolved / overdue / closed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fupin.core.testing import TOWNSHIP_A
from fupin.rectification import indicators as fam
from fupin.reports import aggregates, indicators
from fupin.reports.tests.conftest import small_registry  # noqa: F401  (shared fixture)

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def problems(small_registry):
    from fupin.rectification.models import Problem  # type: ignore[attr-defined]

    hh = small_registry["households"]

    def problem(area, found, **extra):
        return Problem.objects.create(source="visit", category="housing", area_id=area,
                                      description="屋顶漏雨", found_on=found, **extra)

    problem(small_registry["a1"], dt.date(2026, 1, 5), household=hh["h1"],
            deadline=dt.date(2026, 2, 1), responsible_unit="住建办", owner_name="李工")
    problem(small_registry["a1"], dt.date(2026, 1, 10), household=hh["h2"],
            deadline=dt.date(2026, 3, 1), state="closed",
            rectified_at=dt.datetime(2026, 2, 10, 9, tzinfo=SH),
            closed_at=dt.datetime(2026, 2, 20, 9, tzinfo=SH))
    problem(TOWNSHIP_A, dt.date(2026, 2, 1), deadline=dt.date(2026, 4, 1))  # on the township
    return small_registry


def test_problem_figures_as_of(problems):
    jan = indicators.area_indicators("500236", dt.date(2026, 1, 31))["figures"]
    assert (jan["prob_found"], jan["prob_unresolved"], jan["prob_overdue"], jan["prob_closed"]) == (2, 2, 0, 0)
    feb = indicators.area_indicators("500236", dt.date(2026, 2, 28))["figures"]
    assert (feb["prob_found"], feb["prob_unresolved"], feb["prob_overdue"], feb["prob_closed"]) == (3, 2, 1, 1)


def test_township_level_problem_counts_above_villages(problems):
    day = dt.date(2026, 2, 28)
    township = indicators.area_indicators(TOWNSHIP_A, day)
    assert township["figures"]["prob_found"] == 3
    assert sum(c["figures"]["prob_found"] for c in township["children"]) == 2
    assert all(len(c["area"]) == 12 for c in township["children"])
    stored = aggregates.stored("500236", day)
    assert indicators.total(stored, TOWNSHIP_A)["prob_found"] == 3


def test_overdue_by_owner(problems):
    rows = fam.overdue_by_owner("500236", dt.date(2026, 2, 28))
    assert rows == [("住建办·李工", "住房问题逾期未整改", 1)]
