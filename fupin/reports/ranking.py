"""Quarterly ranking (季度一排名): a weighted scorecard over townships or villages.

Each indicator is normalised to 0-100 (higher = better after its direction), multiplied by
its weight; the score is the weighted mean. Equal scores (to 0.01) share a rank (1, 1, 3).
Every score comes with its components and a Chinese explanation holding the values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area

from . import aggregates, catalogue, indicators
from .models import Direction, Normalisation, Scorecard, ScorecardItem


@dataclass
class Item:
    indicator: str
    weight: float
    direction: str = Direction.LOWER
    normalisation: str = Normalisation.MINMAX


@dataclass
class Component:
    indicator: str
    label: str
    value: float | None
    normalised: float
    weight_share: float
    points: float
    direction: str


@dataclass
class RankRow:
    code: str
    name: str
    score: float
    rank: int = 0
    components: list[Component] = field(default_factory=list)
    explanation: str = ""


# Defaults that reward doing the work, never fewer monitored households: since 2021 no quota
# may be set on monitoring (不得设置规模限制, MECHANISM §0/§4.2), so the monitored share is not
# scored. Identification within 15 days of the lead (§5.1), visits on time (§5.8), problems
# closed (§5.7), and the poverty incidence from summed populations.
DEFAULT_ITEMS = [
    Item("id_timeliness", 30, Direction.HIGHER),
    Item("visit_compliance", 30, Direction.HIGHER),
    Item("prob_closure", 20, Direction.HIGHER),
    Item("incidence", 20, Direction.LOWER),
]


def items_of(scorecard: Scorecard | None) -> list[Item]:
    if scorecard is None:
        return list(DEFAULT_ITEMS)
    return [Item(i.indicator, float(i.weight), i.direction, i.normalisation)
            for i in ScorecardItem.objects.filter(scorecard=scorecard)]


def quarter_end(year: int, quarter: int) -> dt.date:
    return aggregates.month_end(year, quarter * 3)


def normalise(values: list[float | None], direction: str, method: str) -> list[float]:
    """0-100 per value, 100 best; a missing value scores 0."""
    present = [v for v in values if v is not None]
    if not present:
        return [0.0 for _ in values]
    lo, hi = min(present), max(present)
    higher = direction == Direction.HIGHER
    out: list[float] = []
    for v in values:
        if v is None:
            out.append(0.0)
        elif method == Normalisation.BEST_RATIO:
            if higher:
                out.append(100.0 * v / hi if hi else 100.0)
            else:
                out.append(100.0 * lo / v if v else 100.0)
        elif method == Normalisation.RANK:
            better = sum(1 for p in present if (p > v if higher else p < v))
            out.append(100.0 * (1 - better / (len(present) - 1)) if len(present) > 1 else 100.0)
        else:
            if hi == lo:
                out.append(100.0)
            else:
                out.append(100.0 * ((v - lo) if higher else (hi - v)) / (hi - lo))
    return out


def competition_ranks(scores: list[float]) -> list[int]:
    """Standard competition ranking: equal scores (to 0.01) share a rank, the next is skipped."""
    rounded = [round(s, 2) for s in scores]
    return [1 + sum(1 for o in rounded if o > r) for r in rounded]


def score_areas(units: list[tuple[str, str, dict[str, int], int | None]],
                items: list[Item]) -> list[RankRow]:
    """units: (code, name, counts, population). Returns rows sorted by rank."""
    total_w = sum(i.weight for i in items) or 1.0
    rows = [RankRow(code, name, 0.0) for code, name, _f, _p in units]
    for item in items:
        values = [catalogue.value(item.indicator, figs, pop) for _c, _n, figs, pop in units]
        norm = normalise(values, item.direction, item.normalisation)
        share = item.weight / total_w
        for row, v, nv in zip(rows, values, norm, strict=True):
            pts = nv * share
            row.score += pts
            row.components.append(Component(item.indicator, catalogue.label(item.indicator), v,
                                            round(nv, 2), share, round(pts, 2), item.direction))
    for row, rank in zip(rows, competition_ranks([r.score for r in rows]), strict=True):
        row.rank = rank
        row.score = round(row.score, 2)
    tied: dict[int, int] = {}
    for row in rows:
        tied[row.rank] = tied.get(row.rank, 0) + 1
    for row in rows:
        parts = []
        for c in row.components:
            way = "越低越好" if c.direction == Direction.LOWER else "越高越好"
            parts.append(f"{c.label} {catalogue.fmt(c.indicator, c.value)}（{way}，"
                         f"标准化 {c.normalised:.2f} 分 × 权重 {c.weight_share:.0%} = {c.points:.2f} 分）")
        tie = f"，与另外 {tied[row.rank] - 1} 个单位并列" if tied[row.rank] > 1 else ""
        row.explanation = (f"{row.name}得分 {row.score:.2f}，排第 {row.rank} 名{tie}：" + "；".join(parts) + "。")
    rows.sort(key=lambda r: (r.rank, r.code))
    return rows


def rank_children(parent: str, day: dt.date, level: str = "township",
                  scorecard: Scorecard | None = None, build: bool = True) -> list[RankRow]:
    """Rank the townships (or villages) under `parent` as of `day`."""
    length = 9 if level == "township" else 12
    if len(parent) >= length:
        return []
    figures = aggregates.stored(parent, day, build=build)
    by_unit = indicators.rollup(figures, length)
    areas = Area.objects.filter(code__startswith=parent, level=level).order_by("code")
    names = dict(areas.values_list("code", "name"))
    pops = indicators.populations(names, day.year)
    units = [(code, name, indicators.complete(by_unit.get(code, {})),
              pops[code][0] if code in pops else None) for code, name in names.items()]
    return score_areas(units, items_of(scorecard))


def rows_for_export(rows: list[RankRow]) -> tuple[list[str], list[list[Any]]]:
    comp_labels = [c.label for c in rows[0].components] if rows else []
    headers = ["名次", "区划代码", "名称", "得分"]
    for lab in comp_labels:
        headers += [f"{lab}", f"{lab}标准化分", f"{lab}得分"]
    headers.append("得分说明")
    out: list[list[Any]] = []
    for r in rows:
        line: list[Any] = [r.rank, r.code, r.name, r.score]
        for c in r.components:
            line += [catalogue.fmt(c.indicator, c.value), c.normalised, c.points]
        line.append(r.explanation)
        out.append(line)
    return headers, out


def default_weights_decimal() -> list[tuple[str, Decimal, str]]:
    return [(i.indicator, Decimal(str(i.weight)), i.direction) for i in DEFAULT_ITEMS]
