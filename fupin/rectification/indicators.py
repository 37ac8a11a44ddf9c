"""Problems (fupin.rectification): found / unresolved / overdue / closed as of a day.

| key | as of day D |
|---|---|
| prob_found 发现问题数 | problems found on or before D |
| prob_unresolved 未整改问题数 | found by D, neither rectified nor closed by D |
| prob_overdue 逾期未整改问题数 | unresolved on D with a deadline before D |
| prob_closed 已销号问题数 | closed (销号) on or before D |

A problem recorded on a township (not a village) counts in the township and above only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {"prob_found": "发现问题数", "prob_unresolved": "未整改问题数",
          "prob_overdue": "逾期未整改问题数", "prob_closed": "已销号问题数"}



def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from fupin.rectification.models import Problem  # type: ignore[attr-defined]

    area = Q(area__code__in=villages) if villages is not None else Q(area__code__startswith=prefix)
    base = Problem.objects.filter(area).annotate(
        code=F("area"), rectified_day=TruncDate("rectified_at"), closed_day=TruncDate("closed_at"))
    out: dict[dt.date, VillageFigures] = {}
    for day in days:
        per: dict[str, dict[str, Any]] = {}
        found = Q(found_on__lte=day)
        closed = Q(closed_day__isnull=False, closed_day__lte=day)
        rectified = Q(rectified_day__isnull=False, rectified_day__lte=day)
        unresolved = found & ~closed & ~rectified
        for key, cond in (("prob_found", found), ("prob_closed", closed),
                          ("prob_unresolved", unresolved),
                          ("prob_overdue", unresolved & Q(deadline__lt=day))):
            for row in base.filter(cond).values("code").annotate(n=Count("id")).order_by():
                per.setdefault(row["code"], {})[key] = int(row["n"])
        out[day] = per  # type: ignore[assignment]
    return out


def overdue_by_owner(area_code: str, day: dt.date) -> list[tuple[str, str, int]]:
    from fupin.rectification.models import Problem  # type: ignore[attr-defined]

    rows = (Problem.objects.in_area(area_code).overdue(day)
            .values("responsible_unit", "owner_name", "category").annotate(n=Count("id"))
            .order_by("responsible_unit", "owner_name", "category"))
    labels = dict(Problem._meta.get_field("category").choices or [])
    out = []
    for r in rows:
        owner = "·".join(x for x in (r["responsible_unit"], r["owner_name"]) if x) or "（未指定责任人）"
        out.append((owner, f"{labels.get(r['category'], r['category'])}问题逾期未整改", int(r["n"])))
    return out


FAMILY = IndicatorFamily(
    key="rectification", title="问题整改", compute=family, labels=LABELS,
    rates={"prob_closure": ("问题销号率", "%", "prob_closed", "prob_found")},
    overdue=("问题整改", overdue_by_owner),
    refresh_on=("rectification.Problem",),
)
