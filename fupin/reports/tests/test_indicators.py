"""Each indicator on a small registry with hand-computed figures; levels add up; as-of."""

from __future__ import annotations

import datetime as dt

from fupin.accounts.actors import SYSTEM
from fupin.areas.models import AreaPopulation
from fupin.core.testing import TOWNSHIP_A
from fupin.reports import aggregates, indicators
from fupin.reports.models import AreaFigure

from .conftest import CHANGE_DAY, lift_h1

BEFORE = dt.date(2026, 2, 28)
AFTER = dt.date(2026, 3, 31)


def test_village_figures_hand_counted(small_registry):
    w = small_registry
    figs = indicators.village_figures("500236", BEFORE)
    a1 = indicators.complete(figs[w["a1"]])
    assert a1["hh_total"] == 3 and a1["pp_total"] == 9
    assert (a1["hh_poor"], a1["pp_poor"]) == (1, 3)
    assert (a1["hh_lifted"], a1["pp_lifted"]) == (1, 2)
    assert (a1["hh_ordinary"], a1["pp_ordinary"]) == (1, 4)
    assert (a1["hh_registered"], a1["pp_registered"]) == (2, 5)
    assert (a1["hh_monitored"], a1["pp_monitored"]) == (2, 6)
    assert (a1["hh_mon_unstable"], a1["pp_mon_unstable"]) == (1, 2)
    assert (a1["hh_mon_edge"], a1["pp_mon_edge"]) == (1, 4)
    assert a1["hh_mon_sudden"] == 0
    a2 = indicators.complete(figs[w["a2"]])
    assert (a2["hh_total"], a2["pp_total"], a2["hh_lifted"], a2["pp_lifted"]) == (2, 3, 1, 1)
    assert (a2["hh_poor"], a2["hh_monitored"]) == (0, 0)
    b1 = indicators.complete(figs[w["b1"]])
    assert (b1["hh_poor"], b1["pp_poor"], b1["hh_mon_sudden"], b1["pp_mon_sudden"]) == (1, 5, 1, 5)


def test_levels_add_up_and_incidence(small_registry):
    w = small_registry
    AreaPopulation.objects.create(area_id="500236", year=2026, rural_population=400)
    AreaPopulation.objects.create(area_id=w["a1"], year=2025, rural_population=60)
    county = indicators.area_indicators("500236", BEFORE)
    f = county["figures"]
    assert (f["hh_total"], f["pp_total"], f["hh_poor"], f["pp_poor"]) == (6, 17, 2, 8)
    assert (f["hh_lifted"], f["pp_lifted"], f["hh_monitored"], f["pp_monitored"]) == (2, 3, 3, 11)
    # incidence = poor people / rural registered population: 8 / 400
    assert county["rates"]["incidence"] == 2.0
    assert county["population"] == 400
    # townships sum exactly to the county, villages to their township
    for key in indicators.COUNT_KEYS:
        assert sum(c["figures"][key] for c in county["children"]) == f[key]
    township = indicators.area_indicators(TOWNSHIP_A, BEFORE)
    assert township["rates"]["incidence"] is None  # no township population recorded
    for key in indicators.COUNT_KEYS:
        assert sum(c["figures"][key] for c in township["children"]) == township["figures"][key]
    village = next(c for c in township["children"] if c["area"] == w["a1"])
    assert village["rates"]["incidence"] == 5.0  # 3 / 60 (2025 figure, latest <= 2026)
    assert township["figures"]["pp_poor"] == 3
    # once every village of the township has its figure, the township's is their sum
    from fupin.areas.models import Area
    for v in Area.objects.filter(parent_id=TOWNSHIP_A).exclude(code=w["a1"]):
        AreaPopulation.objects.create(area_id=v.code, year=2026, rural_population=40)
    township = indicators.area_indicators(TOWNSHIP_A, BEFORE)
    villages = Area.objects.filter(parent_id=TOWNSHIP_A).count()
    assert township["population"] == 60 + 40 * (villages - 1)
    assert township["rates"]["incidence"] == round(3 * 100.0 / township["population"], 4)


def test_as_of_before_and_after_status_change(small_registry):
    lift_h1(small_registry)
    before = indicators.area_indicators("500236", BEFORE, children=False)["figures"]
    on_day = indicators.area_indicators("500236", CHANGE_DAY, children=False)["figures"]
    after = indicators.area_indicators("500236", AFTER, children=False)["figures"]
    assert (before["hh_poor"], before["pp_poor"], before["hh_lifted"]) == (2, 8, 2)
    assert (on_day["hh_poor"], on_day["pp_poor"], on_day["hh_lifted"]) == (1, 5, 3)
    assert after == on_day
    assert after["hh_total"] == before["hh_total"] == 6
    early = indicators.area_indicators("500236", dt.date(2018, 12, 31), children=False)["figures"]
    assert early["hh_total"] == 0


def test_member_leaving_is_counted_by_date(small_registry):
    from fupin.registry import services
    h6 = small_registry["households"]["h6"]
    son = h6.members.exclude(relation_to_head="head").first()
    services.record_member_event(actor=SYSTEM, member=son, kind="moved_out", date=dt.date(2026, 1, 10))
    assert indicators.area_indicators("500236", dt.date(2026, 1, 9), children=False)["figures"]["pp_poor"] == 8
    assert indicators.area_indicators("500236", dt.date(2026, 1, 10), children=False)["figures"]["pp_poor"] == 7


def test_snapshots_match_live_and_follow_changes(small_registry, django_capture_on_commit_callbacks):
    stored = aggregates.stored("500236", AFTER)
    assert stored == indicators.village_figures("500236", AFTER)
    assert AreaFigure.objects.filter(day=AFTER).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        lift_h1(small_registry)
    again = aggregates.stored("500236", AFTER)
    assert again == indicators.village_figures("500236", AFTER)
    assert indicators.total(again, "500236")["hh_poor"] == 1


def test_series_sums_villages(small_registry):
    days = [BEFORE, AFTER]
    lift_h1(small_registry)
    s = aggregates.series("500236", days)
    assert s[BEFORE]["pp_poor"] == 8 and s[AFTER]["pp_poor"] == 5


def test_month_ends():
    assert aggregates.month_ends(dt.date(2026, 3, 5), 3) == [
        dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 28)]


def test_snapshot_recomputed_when_families_change(small_registry):
    from fupin.reports.models import AreaFigureRun
    aggregates.stored("500236", AFTER)
    AreaFigureRun.objects.filter(day=AFTER).update(families="registry-only-old")
    AreaFigure.objects.filter(day=AFTER).delete()  # an old snapshot missing newer figures
    again = aggregates.stored("500236", AFTER)
    assert again == indicators.village_figures("500236", AFTER)
    assert AreaFigureRun.objects.get(day=AFTER).families == aggregates.families_signature()
