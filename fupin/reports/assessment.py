"""Annual assessment (年度一考核): per-area targets, attainment and the resulting table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fupin.areas.models import Area

from . import aggregates, catalogue, indicators
from .models import AssessmentTarget, Direction


@dataclass
class AssessmentRow:
    area: str
    name: str
    indicator: str
    label: str
    target: float
    actual: float | None
    direction: str
    met: bool
    attainment: float      # percent, capped at 100
    weight: float
    points: float
    explanation: str


def assessment_day(year: int) -> dt.date:
    """The year end, or today while the year is running."""
    today = timezone.localdate()
    end = dt.date(year, 12, 31)
    return min(end, today)


def attainment(actual: float | None, target: float, direction: str) -> tuple[bool, float]:
    if actual is None:
        return False, 0.0
    if direction == Direction.HIGHER:
        met = actual >= target
        pct = 100.0 if met else (100.0 * actual / target if target else 0.0)
    else:
        met = actual <= target
        pct = 100.0 if met else (100.0 * target / actual if actual else 100.0)
    return met, round(max(0.0, min(100.0, pct)), 2)


def assess(parent: str, year: int, user_areas: Any = None,
           build: bool = True) -> list[AssessmentRow]:
    """Rows for every target set on `parent` or an area under it for `year`."""
    day = assessment_day(year)
    targets = list(AssessmentTarget.objects.in_area(parent).filter(year=year)
                   .order_by("area_id", "indicator"))
    if not targets:
        return []
    figures = aggregates.stored(parent, day, build=build)
    codes = sorted({t.area_code for t in targets})
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    pops = indicators.populations(codes, day.year)
    rows: list[AssessmentRow] = []
    for t in targets:
        figs = indicators.complete(indicators.total(figures, t.area_code))
        pop = pops[t.area_code][0] if t.area_code in pops else None
        actual = catalogue.value(t.indicator, figs, pop)
        target = float(t.target)
        met, pct = attainment(actual, target, t.direction)
        points = round(float(t.weight) * pct / 100.0, 2)
        way = "不高于" if t.direction == Direction.LOWER else "不低于"
        name = names.get(t.area_code, t.area_code)
        lab = catalogue.label(t.indicator)
        expl = (f"{name}{lab}目标{way} {catalogue.fmt(t.indicator, target)}，"
                f"截至 {day:%Y年%m月%d日} 实际 {catalogue.fmt(t.indicator, actual)}，"
                f"{'已完成' if met else '未完成'}，完成度 {pct:.2f}%，"
                f"得 {points:.2f} 分（满分 {float(t.weight):.2f}）。")
        rows.append(AssessmentRow(t.area_code, name, t.indicator, lab, target, actual,
                                  t.direction, met, pct, float(t.weight), points, expl))
    return rows


def totals(rows: list[AssessmentRow]) -> list[dict[str, Any]]:
    """Per area: points, full marks, targets met."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        acc = out.setdefault(r.area, {"area": r.area, "name": r.name, "points": 0.0,
                                      "full": 0.0, "met": 0, "targets": 0})
        acc["points"] = round(acc["points"] + r.points, 2)
        acc["full"] = round(acc["full"] + r.weight, 2)
        acc["met"] += int(r.met)
        acc["targets"] += 1
    return sorted(out.values(), key=lambda a: (-a["points"], a["area"]))


EXPORT_HEADERS = ["区划代码", "名称", "指标", "方向", "目标值", "实际值", "是否完成", "完成度(%)",
                  "分值", "得分", "说明"]


def export_rows(rows: list[AssessmentRow]) -> list[list[Any]]:
    return [[r.area, r.name, r.label, "越低越好" if r.direction == Direction.LOWER else "越高越好",
             r.target, r.actual, "是" if r.met else "否", r.attainment, r.weight, r.points,
             r.explanation] for r in rows]
