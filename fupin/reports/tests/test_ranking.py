"""The weighted scorecard: normalisation, ties, explanations; assessment attainment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.core.testing import TOWNSHIP_A
from fupin.reports import assessment, ranking
from fupin.reports.models import AssessmentTarget, Direction, Scorecard, ScorecardItem


def unit(code: str, poor: int, registered: int, monitored: int = 0) -> tuple:
    figs = {"pp_poor": poor, "pp_registered": registered, "pp_monitored": monitored}
    return (code, f"单位{code}", figs, None)


def test_ties_share_a_rank_and_the_next_is_skipped():
    units = [unit("a", 1, 10), unit("b", 1, 10), unit("c", 5, 10), unit("d", 0, 10)]
    rows = ranking.score_areas(units, [ranking.Item("poor_share", 1, Direction.LOWER)])
    by = {r.code: r for r in rows}
    assert by["d"].rank == 1 and by["d"].score == 100.0
    assert by["a"].rank == by["b"].rank == 2
    assert by["a"].score == by["b"].score == 80.0      # (50 - 10) / (50 - 0) * 100
    assert by["c"].rank == 4 and by["c"].score == 0.0
    assert "并列" in by["a"].explanation
    assert "未脱贫人口占建档立卡人口比例 10.00%" in by["a"].explanation
    assert "排第 2 名" in by["a"].explanation


def test_weighted_components_and_direction():
    units = [unit("a", 1, 10, 5), unit("b", 3, 10, 1)]
    items = [ranking.Item("poor_share", 3, Direction.LOWER),
             ranking.Item("monitored_share", 1, Direction.HIGHER)]
    rows = {r.code: r for r in ranking.score_areas(units, items)}
    # a: poor best (100 x 0.75) + monitored best (100 x 0.25) = 100; b: 0
    assert rows["a"].score == 100.0 and rows["b"].score == 0.0
    assert [c.points for c in rows["a"].components] == [75.0, 25.0]
    assert rows["a"].components[0].weight_share == pytest.approx(0.75)


@pytest.mark.parametrize("method,expected", [
    ("minmax", [100.0, 50.0, 0.0]),
    ("best_ratio", [100.0, 50.0, 100.0 / 3]),
    ("rank", [100.0, 50.0, 0.0]),
])
def test_normalisations(method, expected):
    assert ranking.normalise([1.0, 2.0, 3.0], Direction.LOWER, method) == pytest.approx(expected)


def test_missing_values_score_zero():
    assert ranking.normalise([None, 2.0], Direction.LOWER, "minmax") == [0.0, 100.0]


def test_rank_children_from_registry(small_registry):
    day = dt.date(2026, 2, 28)
    card = Scorecard.objects.create(area_code="500236", name="测试", level="village")
    ScorecardItem.objects.create(scorecard=card, indicator="hh_poor", weight=Decimal("1"),
                                 direction=Direction.LOWER)
    rows = ranking.rank_children(TOWNSHIP_A, day, "village", card)
    by = {r.code: r for r in rows}
    w = small_registry
    # A2 has 0 poor households, A1 has 1; every other village of the township has 0 too
    assert by[w["a2"]].rank == 1 and by[w["a1"]].score == 0.0
    assert by[w["a1"]].rank == len(rows)
    assert sum(1 for r in rows if r.rank == 1) == len(rows) - 1


def test_assessment_attainment(small_registry):
    year = 2026
    AssessmentTarget.objects.create(area_id="500236", year=year, indicator="hh_poor",
                                    target=Decimal("1"), direction=Direction.LOWER,
                                    weight=Decimal("10"))
    AssessmentTarget.objects.create(area_id="500236", year=year, indicator="pp_registered",
                                    target=Decimal("10"), direction=Direction.HIGHER,
                                    weight=Decimal("20"))
    rows = {r.indicator: r for r in assessment.assess("500236", year)}
    poor = rows["hh_poor"]
    assert poor.actual == 2 and not poor.met and poor.attainment == 50.0 and poor.points == 5.0
    assert "实际 2户" in poor.explanation and "未完成" in poor.explanation
    reg = rows["pp_registered"]
    assert reg.actual == 11 and reg.met and reg.points == 20.0
    tot = assessment.totals(list(rows.values()))
    assert tot == [{"area": "500236", "name": tot[0]["name"], "points": 25.0, "full": 30.0,
                    "met": 1, "targets": 2}]


def test_default_ranking_does_not_reward_fewer_monitored_households():
    """Issue 11: since 2021 no quota may be set on monitoring (不得设置规模限制)."""
    assert {i.indicator for i in ranking.DEFAULT_ITEMS}.isdisjoint(
        {"monitored_share", "monitored_hh_share", "pp_monitored", "hh_monitored"})
    base = {"hh_total": 10, "pp_total": 30, "hh_poor": 1, "pp_poor": 3, "pp_registered": 10,
            "id_approved": 2, "id_within_limit": 2, "visit_due": 4, "visit_ok": 4,
            "prob_found": 2, "prob_closed": 2}
    few = dict(base, hh_monitored=1, pp_monitored=3)
    many = dict(base, hh_monitored=5, pp_monitored=15)
    rows = ranking.score_areas([("A", "甲", few, 300), ("B", "乙", many, 300)],
                               ranking.items_of(None))
    assert rows[0].score == rows[1].score and rows[0].rank == rows[1].rank == 1
