"""Multidimensional poverty: the Alkire-Foster counting method (Alkire & Foster 2011,
"Counting and multidimensional poverty measurement", J. Public Economics 95: 476-487).

`alkire_foster` is a pure function over a 0/1 deprivation matrix (rows = people or
households, columns = indicators). `registry_matrix` builds that matrix set-based from the
registry (one annotated query, one row per household, household size as sample weight) and
`decompose` splits M0 by township or village so that population-weighted parts add back up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# ---------------------------------------------------------------- the pure measure


@dataclass
class AFResult:
    n: float                      # (weighted) population
    k: float                      # poverty cut-off as a share of the total weight
    H: float                      # multidimensional headcount ratio
    A: float                      # average intensity among the poor
    M0: float                     # adjusted headcount ratio = H x A
    uncensored: list[float]       # uncensored headcount ratio per indicator
    censored: list[float]         # censored headcount ratio per indicator
    contributions: list[float]    # share of M0 due to each indicator (sums to 1 when M0 > 0)
    poor: list[bool] = field(repr=False, default_factory=list)
    scores: list[float] = field(repr=False, default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "k": self.k, "H": self.H, "A": self.A, "M0": self.M0,
                "uncensored": self.uncensored, "censored": self.censored,
                "contributions": self.contributions}


def _rows(matrix: Any) -> list[list[int]]:
    if hasattr(matrix, "tolist"):  # numpy arrays, polars frames' to_numpy()
        matrix = matrix.tolist()
    return [[int(v) for v in row] for row in matrix]


def alkire_foster(deprivations: Any, weights: Sequence[float] | Any, k: float,
                  sample_weights: Sequence[float] | Any | None = None) -> AFResult:
    """Alkire-Foster identification and aggregation (pure; numpy arrays or plain lists).

    deprivations: n x d matrix of 0/1 (rows: people or households; columns: indicators).
    weights: d indicator weights on any positive scale (AF: summing to d; OPHI: to 1).
    k: poverty cut-off on the same scale as the weights: a row is poor when its weighted
       deprivation count c_i = Σ_j w_j g_ij >= k. With unit weights k=1 is the union and
       k=d the intersection approach; with weights summing to 1, k=1/3 is the global MPI.
       Results (A, M0, contributions) are reported on the normalised scale (Σ w = 1).
    sample_weights: n weights (e.g. household size when rows are households).
    """
    g0 = _rows(deprivations)
    w = [float(x) for x in (weights.tolist() if hasattr(weights, "tolist") else weights)]
    d = len(w)
    if any(len(row) != d for row in g0):
        raise ValueError("every row must have one 0/1 entry per indicator")
    if any(v not in (0, 1) for row in g0 for v in row):
        raise ValueError("deprivations must be 0/1")
    total_w = sum(w)
    if d == 0 or any(x < 0 for x in w) or total_w <= 0:
        raise ValueError("weights must be d non-negative numbers with a positive sum")
    k_share = float(k) / total_w
    w = [x / total_w for x in w]
    if sample_weights is None:
        sw = [1.0] * len(g0)
    else:
        sw = [float(x) for x in (sample_weights.tolist() if hasattr(sample_weights, "tolist")
                                 else sample_weights)]
    if len(sw) != len(g0) or any(x < 0 for x in sw):
        raise ValueError("sample_weights must be n non-negative numbers")
    n = sum(sw)
    if n == 0:
        zeros = [0.0] * d
        return AFResult(0.0, k_share, 0.0, 0.0, 0.0, zeros, zeros, list(zeros), [], [])
    unc = [0.0] * d
    cen = [0.0] * d
    poor_n = 0.0
    m0_sum = 0.0
    poor: list[bool] = []
    scores: list[float] = []
    for row, s in zip(g0, sw, strict=True):
        c = sum(wj for wj, v in zip(w, row, strict=True) if v)
        is_poor = c >= k_share - 1e-9
        poor.append(is_poor)
        scores.append(c)
        for j, v in enumerate(row):
            if v:
                unc[j] += s
                if is_poor:
                    cen[j] += s
        if is_poor:
            poor_n += s
            m0_sum += s * c
    H = poor_n / n
    M0 = m0_sum / n
    A = M0 / H if H else 0.0
    uncensored = [x / n for x in unc]
    censored = [x / n for x in cen]
    contributions = [w[j] * censored[j] / M0 if M0 else 0.0 for j in range(d)]
    return AFResult(n, k_share, H, A, M0, uncensored, censored, contributions, poor, scores)


def decompose(deprivations: Any, weights: Any, k: float, groups: Sequence[str],
              sample_weights: Any | None = None) -> dict[str, dict[str, Any]]:
    """M0 per group, with each group's population share and contribution to the total M0.

    Σ share_g × M0_g = M0 (population-weighted subgroup decomposability)."""
    g0 = _rows(deprivations)
    sw = ([1.0] * len(g0) if sample_weights is None else
          [float(x) for x in (sample_weights.tolist() if hasattr(sample_weights, "tolist")
                              else sample_weights)])
    total = alkire_foster(g0, weights, k, sw)
    by_group: dict[str, tuple[list[list[int]], list[float]]] = {}
    for row, s, g in zip(g0, sw, groups, strict=True):
        rows, ws = by_group.setdefault(g, ([], []))
        rows.append(row)
        ws.append(s)
    out: dict[str, dict[str, Any]] = {}
    for g in sorted(by_group):
        rows, ws = by_group[g]
        r = alkire_foster(rows, weights, k, ws)
        share = r.n / total.n if total.n else 0.0
        out[g] = {**r.as_dict(), "population_share": share,
                  "contribution": share * r.M0 / total.M0 if total.M0 else 0.0}
    return out


# ---------------------------------------------------------------- indicators from the registry

YEARS = {"preschool": 0, "illiterate": 0, "primary": 6, "junior": 9, "senior": 12, "college": 15}


@dataclass(frozen=True)
class MpiIndicator:
    key: str
    dimension: str
    label: str
    weight: float
    cutoff: str  # the deprivation cut-off, in Chinese, with its parameter


def default_spec(income_line: Decimal = Decimal("4000"), min_years: int = 6) -> list[MpiIndicator]:
    """Four dimensions, equally weighted; within a dimension the indicators share its weight."""
    return [
        MpiIndicator("schooling_years", "教育", "受教育年限", 1 / 8,
                     f"家中 16 岁以上成员无人受教育满 {min_years} 年"),
        MpiIndicator("child_out_of_school", "教育", "适龄儿童失学", 1 / 8,
                     "家中有 6–15 岁儿童非在校"),
        MpiIndicator("serious_illness", "健康", "大病", 1 / 8, "家中有成员患大病"),
        MpiIndicator("uninsured", "健康", "未参加基本医保", 1 / 8,
                     "家中有成员未参加基本医疗保险"),
        MpiIndicator("unsafe_house", "生活水平", "住房不安全", 1 / 8, "住房鉴定为 C 级或 D 级"),
        MpiIndicator("unsafe_water", "生活水平", "饮水不安全", 1 / 8, "饮水安全评定为不安全"),
        MpiIndicator("low_income", "收入", "人均纯收入低于标准", 1 / 4,
                     f"最近年度人均纯收入低于 {income_line} 元"),
    ]


@dataclass
class Matrix:
    """Distinct (village, deprivation profile) rows with their people and household counts:
    at most villages × 2^d rows however many households there are."""

    rows: list[list[int]]
    people: list[float]       # sample weights: people in the households of the row
    households: list[int]
    villages: list[str]
    keys: list[str]

    @property
    def household_count(self) -> int:
        return sum(self.households)


def registry_matrix(prefix: str, as_of: dt.date, *, income_line: Decimal = Decimal("4000"),
                    min_years: int = 6, registered_only: bool = False,
                    keys: Sequence[str] | None = None) -> Matrix:
    """The deprivation matrix of the households under `prefix` as of `as_of`, built in SQL:
    one row per household (EXISTS sub-queries per indicator) grouped by village and
    deprivation profile, so only the distinct profiles travel to Python. Rows are weighted
    by household size (people), as Alkire-Foster counts people."""
    from django.db import connection
    from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

    from fupin.registry.models import Household, HouseholdStatus, Income, Member

    adult_born_by = _years_before(as_of, 16)
    child_born_after, child_born_by = _years_before(as_of, 16), _years_before(as_of, 6)
    educated = [e for e, y in YEARS.items() if y >= min_years]
    members = Member.objects.as_of(as_of).filter(household=OuterRef("pk"))
    latest_income = (Income.objects.filter(household=OuterRef("pk"), year__lte=as_of.year)
                     .order_by("-year").values("per_capita")[:1])
    in_force = HouseholdStatus.objects.filter(
        household=OuterRef("pk"), valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
    qs = (Household.objects.in_area(prefix).filter(Exists(in_force))
          .annotate(
              size=Count("members", distinct=True, filter=(
                  (Q(members__joined_on__isnull=True) | Q(members__joined_on__lte=as_of))
                  & (Q(members__left_on__isnull=True) | Q(members__left_on__gt=as_of)))),
              has_educated_adult=Exists(members.filter(birth_date__lte=adult_born_by,
                                                       education__in=educated)),
              child_out=Exists(members.filter(birth_date__gt=child_born_after,
                                              birth_date__lte=child_born_by, schooling="none")),
              ill=Exists(members.filter(serious_illness=True)),
              uninsured_m=Exists(members.filter(medical_insurance=False)),
              pc_income=Subquery(latest_income), village=F("area"))
          .order_by())
    if registered_only:
        qs = qs.filter(Exists(in_force.filter(household_type__in=["lifted", "poor"])))
    inner, params = qs.values_list(
        "village", "size", "has_educated_adult", "child_out", "ill", "uninsured_m",
        "housing_grade", "water_safe", "pc_income").query.sql_with_params()
    flags = {
        "schooling_years": "CASE WHEN t.has_educated_adult THEN 0 ELSE 1 END",
        "child_out_of_school": "CASE WHEN t.child_out THEN 1 ELSE 0 END",
        "serious_illness": "CASE WHEN t.ill THEN 1 ELSE 0 END",
        "uninsured": "CASE WHEN t.uninsured_m THEN 1 ELSE 0 END",
        "unsafe_house": "CASE WHEN t.housing_grade IN ('C', 'D') THEN 1 ELSE 0 END",
        "unsafe_water": "CASE WHEN t.water_safe IS NOT NULL AND NOT t.water_safe THEN 1 ELSE 0 END",
        "low_income": "CASE WHEN t.pc_income IS NOT NULL AND t.pc_income < %s THEN 1 ELSE 0 END",
    }
    keys = list(keys or flags)
    cols = ", ".join(flags[k] for k in keys)
    group = ", ".join(str(i) for i in range(1, len(keys) + 2))
    sql = (f"SELECT t.village, {cols}, SUM(t.size), COUNT(*) FROM ({inner}) t "
           f"GROUP BY {group} ORDER BY 1")
    line_params = [float(income_line)] if "low_income" in keys else []
    # the income line's placeholder comes after the inner query's in the SELECT list order
    with connection.cursor() as cursor:
        cursor.execute(sql, [*line_params, *params])
        fetched = cursor.fetchall()
    out = Matrix([], [], [], [], keys)
    for row in fetched:
        out.villages.append(row[0])
        out.rows.append([int(v) for v in row[1:1 + len(keys)]])
        out.people.append(float(row[-2] or 0))
        out.households.append(int(row[-1]))
    return out


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def compute(prefix: str, as_of: dt.date, *, k: float, weights: Sequence[float] | None = None,
            income_line: Decimal = Decimal("4000"), min_years: int = 6,
            registered_only: bool = False) -> dict[str, Any]:
    """MPI of an area, its indicators and its decomposition by the next level, as plain data
    (JSON-safe, so a background job can keep it). `k` is a share of the total weight."""
    spec = default_spec(income_line, min_years)
    w = [float(x) for x in (weights or [s.weight for s in spec])]
    m = registry_matrix(prefix, as_of, income_line=income_line, min_years=min_years,
                        registered_only=registered_only, keys=[s.key for s in spec])
    k_abs = k * sum(w)
    total = alkire_foster(m.rows, w, k_abs, m.people)
    group_len = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(prefix), 12)
    parts = (decompose(m.rows, w, k_abs, [v[:group_len] for v in m.villages], m.people)
             if len(prefix) < 12 else {})
    wsum = sum(w) or 1.0
    return {
        "area": prefix, "as_of": as_of.isoformat(), "k": k, "income_line": str(income_line),
        "min_years": min_years, "registered_only": registered_only,
        "households": m.household_count, "profiles": len(m.rows),
        "total": total.as_dict(),
        "indicators": [{"key": s.key, "dimension": s.dimension, "label": s.label,
                        "cutoff": s.cutoff, "weight": wi / wsum,
                        "uncensored": total.uncensored[i], "censored": total.censored[i],
                        "contribution": total.contributions[i]}
                       for i, (s, wi) in enumerate(zip(spec, w, strict=True))],
        "parts": [{"code": c, **p} for c, p in parts.items()],
        "parts_sum": sum(p["population_share"] * p["M0"] for p in parts.values()),
    }
