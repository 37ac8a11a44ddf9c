"""Indicators from fupin.cases: identifications opened / approved / rejected, median days
from lead to approval, overdue steps; as of dates; levels add up; bulletin overdue list."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.cases.indicators import LABELS, median_days, overdue_by_owner
from fupin.core.testing import TOWNSHIP_A
from fupin.reports import aggregates, indicators
from fupin.reports.tests.conftest import small_registry  # noqa: F401  (shared fixture)


@pytest.fixture
def cases_world(small_registry, settings, tmp_path):
    from fupin.cases import services
    from fupin.cases.choices import Action
    from fupin.cases.tests.helpers import Team, advance, at, open_id

    settings.MEDIA_ROOT = tmp_path
    w = small_registry
    hh = w["households"]
    team_a1, team_a2 = Team(w["a1"]), Team(w["a2"])
    # 1. h1 (A1): opened 2026-01-05, left at village review (due 2026-01-06) -> overdue after
    stuck = open_id(team_a1, hh["h1"], now=at(2026, 1, 5))
    # 2. h5 (A2): opened 2026-03-02 and driven to the end (approved by the county)
    approved = advance(team_a2, open_id(team_a2, hh["h5"], now=at(2026, 3, 2)),
                       start=at(2026, 3, 2, 11))
    # 3. h4 (A2): opened 2026-03-10, rejected at village review on 2026-03-11
    rejected = open_id(team_a2, hh["h4"], now=at(2026, 3, 10))
    services.act(actor=team_a2.village, case=rejected, step="village_review",
                 action=Action.REJECT, version=rejected.version, comment="收入稳定，不符合条件",
                 now=at(2026, 3, 11))
    approved.refresh_from_db()
    stuck.refresh_from_db()
    return {**w, "approved": approved, "stuck": stuck}


def county(day: dt.date) -> dict:
    return indicators.area_indicators("500236", day)


def test_before_any_case(cases_world):
    f = county(dt.date(2025, 12, 31))["figures"]
    assert (f["id_opened"], f["id_open"], f["steps_overdue"]) == (0, 0, 0)


def test_open_then_overdue(cases_world):
    assert cases_world["stuck"].step_due == dt.date(2026, 1, 6)
    on_time = county(dt.date(2026, 1, 6))["figures"]
    assert (on_time["id_opened"], on_time["id_open"], on_time["steps_overdue"]) == (1, 1, 0)
    late = county(dt.date(2026, 1, 7))["figures"]
    assert late["steps_overdue"] == 1


def test_after_decisions(cases_world):
    approved = cases_world["approved"]
    assert approved.status == "approved" and approved.decided_on is not None
    lead_to_approval = (approved.decided_on - dt.date(2026, 3, 2)).days
    result = county(dt.date(2026, 3, 31))
    f = result["figures"]
    assert f["id_opened"] == 3
    assert f["id_approved"] == 1
    assert f["id_rejected"] == 1
    assert f["id_open"] == 1
    assert f["steps_overdue"] == 1  # only the case left at village review
    assert result["rates"]["id_median_days"] == lead_to_approval
    # the approval made h5 an edge household from the approval day on
    assert f["hh_mon_edge"] == 2
    # villages add up to the township and the county
    township = indicators.area_indicators(TOWNSHIP_A, dt.date(2026, 3, 31))
    for key in LABELS:  # every case figure (other families' figures differ across townships)
        assert sum(c["figures"][key] for c in township["children"]) == township["figures"][key]
        assert township["figures"][key] == f[key]
    a2 = next(c for c in township["children"] if c["area"] == cases_world["a2"])
    assert (a2["figures"]["id_approved"], a2["figures"]["id_rejected"]) == (1, 1)


def test_snapshots_carry_histograms(cases_world):
    day = dt.date(2026, 3, 31)
    stored = aggregates.stored("500236", day)
    assert indicators.total(stored, "500236")["id_approved"] == 1
    live = county(day)["rates"]["id_median_days"]
    via = indicators.area_indicators("500236", day, stored)["rates"]["id_median_days"]
    assert via == live is not None


def test_median_of_histogram():
    assert median_days({"3": 1, "10": 2}) == 10
    assert median_days({"3": 1, "5": 1}) == 4
    assert median_days({}) is None


def test_overdue_by_owner(cases_world):
    rows = overdue_by_owner("500236", dt.date(2026, 3, 31))
    assert len(rows) == 1
    owner, what, n = rows[0]
    assert n == 1 and "村级研判逾期" in what and "识别纳入" in what and "·" in owner


def test_case_changes_refresh_snapshots(small_registry, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from fupin.cases.tests.helpers import Team, open_id
    today = timezone.localdate()
    assert indicators.total(aggregates.stored("500236", today), "500236").get("id_opened", 0) == 0
    team = Team(small_registry["a1"])
    with django_capture_on_commit_callbacks(execute=True):
        open_id(team, small_registry["households"]["h1"])
    assert indicators.total(aggregates.stored("500236", today), "500236")["id_opened"] == 1
