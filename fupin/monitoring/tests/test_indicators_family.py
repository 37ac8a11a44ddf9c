"""Indicators from fupin.monitoring: warnings raised / open / closed / dismissed as of a day
and open warnings by rule (skipped until the monitoring app's models are in this tree)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fupin.monitoring import indicators as fam
from fupin.reports import indicators
from fupin.reports.tests.conftest import small_registry  # noqa: F401  (shared fixture)

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, 0, tzinfo=SH)


@pytest.fixture
def warnings_world(small_registry):
    from fupin.monitoring.models import Rule, Warning  # type: ignore[attr-defined]

    rules = list(Rule.objects.exclude(current_version=None).order_by("code")[:2])
    assert len(rules) == 2, "the monitoring app ships default rules"
    r1, r2 = rules
    hh = small_registry["households"]

    def warn(household, rule, opened, **extra):
        return Warning.objects.create(
            household=household, area_id=household.area_id, rule=rule,
            rule_version=rule.current_version, severity=rule.current_version.severity,
            values={}, as_of=opened.date(), opened_at=opened, last_seen=opened.date(), **extra)

    warn(hh["h1"], r1, at(2026, 1, 10))
    warn(hh["h3"], r1, at(2026, 2, 1), status="closed", closed_on=dt.date(2026, 3, 1))
    warn(hh["h6"], r2, at(2026, 2, 15), status="dismissed", dismissed_at=at(2026, 2, 20),
         dismissed_reason="核实无风险")
    return {**small_registry, "r1": r1.code, "r2": r2.code}


def test_as_of_mid_february(warnings_world):
    w = warnings_world
    result = indicators.area_indicators("500236", dt.date(2026, 2, 16))
    f = result["figures"]
    assert (f["warn_opened"], f["warn_open"], f["warn_closed"], f["warn_dismissed"]) == (3, 3, 0, 0)
    assert f[fam.BY_RULE] == {w["r1"]: 2, w["r2"]: 1}
    a1 = indicators.area_indicators(w["a1"], dt.date(2026, 2, 16))["figures"]
    assert a1["warn_open"] == 2


def test_as_of_end_of_march(warnings_world):
    w = warnings_world
    f = indicators.area_indicators("500236", dt.date(2026, 3, 31))["figures"]
    assert (f["warn_opened"], f["warn_open"], f["warn_closed"], f["warn_dismissed"]) == (3, 1, 1, 1)
    assert f[fam.BY_RULE] == {w["r1"]: 1}
    rows = indicators.breakdowns(f)
    assert rows and rows[0]["rows"][0][1] == 1


def test_levels_add_up(warnings_world):
    county = indicators.area_indicators("500236", dt.date(2026, 2, 16))
    for key in ("warn_opened", "warn_open"):
        assert sum(c["figures"][key] for c in county["children"]) == county["figures"][key]
