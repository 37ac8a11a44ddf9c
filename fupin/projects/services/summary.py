"""The projects-and-funds summary of an area and year, from the indicator family's records
(`fupin projects summary`, the overview page and the API). Rates are ratios of records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from fupin.areas.models import Area
from fupin.registry.models import Household

from ..indicators import CHANNEL_KEY, REGISTERED, SOURCE_KEY, STATE_KEY, family
from .common import today


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def resolve_day(year: int | None, as_of: dt.date | None) -> tuple[int, dt.date]:
    now = today()
    if as_of is not None and year is not None and as_of.year != year:
        raise ValidationError({"as_of": [f"截至日期 {as_of} 不在 {year} 年内"]})
    if as_of is None:
        year = year or now.year
        as_of = min(dt.date(year, 12, 31), now) if year <= now.year else dt.date(year, 12, 31)
    return as_of.year, as_of


def summary(area_code: str, year: int | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    if not str(area_code).isdigit() or not Area.objects.filter(code=area_code).exists():
        raise ValidationError({"area": [f"区划代码“{area_code}”不存在"]})
    year, day = resolve_day(year, as_of)
    per = family(area_code, [day])[day]
    tot: dict[str, Any] = {}
    for figs in per.values():
        for k, v in figs.items():
            if isinstance(v, dict):
                h = tot.setdefault(k, {})
                for b, n in v.items():
                    h[b] = h.get(b, 0) + n
            else:
                tot[k] = tot.get(k, 0) + v
    registered = Household.objects.filter(area__code__startswith=area_code,
                                          household_type__in=REGISTERED).count()
    g = lambda k: int(tot.get(k, 0))  # noqa: E731
    return {
        "area": area_code, "year": year, "as_of": day.isoformat(),
        "library": g("prj_library"), "library_entered": g("prj_entered"),
        "projects": g("prj_plan"), "started": g("prj_started"), "completed": g("prj_completed"),
        "completion_rate": _ratio(g("prj_completed"), g("prj_plan")),
        "start_rate": _ratio(g("prj_started"), g("prj_plan")),
        "continuing": g("prj_continuing"), "continuing_completed": g("prj_cont_completed"),
        "continuing_rate": _ratio(g("prj_cont_completed"), g("prj_continuing")),
        "funds_yuan": g("funds_yuan"), "funds_by_source": tot.get(SOURCE_KEY, {}),
        "funds_allocated_yuan": g("funds_allocated"), "funds_paid_yuan": g("funds_paid"),
        "paid_share": _ratio(g("funds_paid"), g("funds_allocated")),
        "beneficiary_households": g("ben_households"), "beneficiary_people": g("ben_people"),
        "households_linked": g("hh_linked"), "registered_households": registered,
        "industry_households": g("hh_industry"),
        "industry_coverage": _ratio(g("hh_industry"), registered),
        "poor_villages": g("vil_poor"), "poor_villages_covered": g("vil_poor_covered"),
        "poor_village_coverage": _ratio(g("vil_poor_covered"), g("vil_poor")),
        "consumption_sales_yuan": g("sales_yuan"), "sales_by_channel": tot.get(CHANNEL_KEY, {}),
        "states": tot.get(STATE_KEY, {}),
    }
