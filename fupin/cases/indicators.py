"""Identification and elimination cases (fupin.cases): counts per village as of a day.

| key | meaning (as of day D) |
|---|---|
| id_opened | identifications (识别纳入) opened on or before D |
| id_approved | identifications approved (county approval, `decided_on`) on or before D |
| id_rejected | identifications rejected (closed as 不予通过) on or before D |
| id_open | identifications opened by D and neither approved nor closed by D |
| el_opened / el_approved | risk eliminations (风险消除) opened / confirmed by D |
| steps_overdue | cases whose step in progress on D was past its deadline on D |
| id_days | histogram {days: n} of days from the lead (the day it was found, else the day the
case was opened) to approval; the median is read from the summed histogram, so it is exact at
every level |
| id_within_limit | identifications approved by D within 15 days of the lead (MECHANISM §5.1) |

One grouped query per figure per day; cases are far fewer than households.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {
    "id_opened": "识别纳入立案数", "id_approved": "识别纳入通过数", "id_rejected": "识别纳入不予通过数",
    "id_open": "识别纳入办理中", "el_opened": "风险消除立案数", "el_approved": "风险消除通过数",
    "steps_overdue": "逾期环节数", "id_within_limit": "识别纳入15天内办结数",
}
DAYS_KEY = "id_days"


def _area(prefix: str, villages: list[str] | None, field: str = "household__area__code") -> Q:
    if villages is not None:
        return Q(**{f"{field}__in": villages})
    return Q(**{f"{field}__startswith": prefix})


def _add(out: dict[str, dict[str, Any]], rows: Any, key: str) -> None:
    for row in rows:
        figs = out.setdefault(row["code"], {})
        figs[key] = figs.get(key, 0) + int(row["n"])


def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from fupin.cases.choices import CaseKind, CaseStatus
    from fupin.cases.models import Case, Step

    out: dict[dt.date, VillageFigures] = {}
    base = Case.objects.filter(_area(prefix, villages)).annotate(
        code=F("household__area"), opened_day=TruncDate("opened_at"),
        closed_day=TruncDate("closed_at"),
        lead_day=Coalesce(F("found_on"), TruncDate("opened_at")))
    for day in days:
        per: dict[str, dict[str, Any]] = {}
        opened = Q(opened_day__lte=day)
        approved = Q(decided_on__isnull=False, decided_on__lte=day)
        rejected = Q(status=CaseStatus.REJECTED, closed_day__lte=day)
        closed = Q(closed_day__isnull=False, closed_day__lte=day)
        grouped = base.values("code").order_by()
        for kind, prefix_key in ((CaseKind.IDENTIFICATION, "id"), (CaseKind.ELIMINATION, "el")):
            of_kind = grouped.filter(kind=kind)
            _add(per, of_kind.filter(opened).annotate(n=Count("id")), f"{prefix_key}_opened")
            _add(per, of_kind.filter(approved).annotate(n=Count("id")), f"{prefix_key}_approved")
            if prefix_key == "id":
                _add(per, of_kind.filter(rejected).annotate(n=Count("id")), "id_rejected")
                _add(per, of_kind.filter(opened).exclude(approved | closed)
                     .annotate(n=Count("id")), "id_open")
        # steps overdue on the day: finished later than the day, or still in progress
        done_late = (Step.objects.filter(_area(prefix, villages, "case__household__area__code"),
                                         started_at__date__lte=day, acted_at__date__gt=day,
                                         due__lt=day)
                     .values(code=F("case__household__area")).annotate(n=Count("id")).order_by())
        _add(per, done_late, "steps_overdue")
        in_progress = (base.filter(status=CaseStatus.OPEN, step_started_at__date__lte=day,
                                   step_due__lt=day)
                       .values("code").annotate(n=Count("id")).order_by())
        _add(per, in_progress, "steps_overdue")
        durations = (base.filter(kind=CaseKind.IDENTIFICATION).filter(approved)
                     .values("code", "decided_on", "lead_day").annotate(n=Count("id")).order_by())
        for row in durations:
            hist: dict[str, int] = per.setdefault(row["code"], {}).setdefault(DAYS_KEY, {})
            decided: dt.date = row["decided_on"]  # type: ignore[assignment]
            days_taken = (decided - row["lead_day"]).days
            hist[str(days_taken)] = hist.get(str(days_taken), 0) + int(row["n"])
            if days_taken <= 15:
                figs = per[row["code"]]
                figs["id_within_limit"] = figs.get("id_within_limit", 0) + int(row["n"])
        out[day] = per  # type: ignore[assignment]
    return out


def median_days(hist: dict[str, int] | None) -> float | None:
    """Median of a {days: count} histogram (mean of the two middle values when even)."""
    if not hist:
        return None
    values = sorted((int(k), v) for k, v in hist.items())
    total = sum(v for _k, v in values)
    if total == 0:
        return None

    def nth(i: int) -> int:
        seen = 0
        for k, v in values:
            seen += v
            if i < seen:
                return k
        return values[-1][0]
    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def overdue_by_owner(area_code: str, day: dt.date) -> list[tuple[str, str, int]]:
    """Open cases past a deadline on `day`, by township and the role that must act."""
    from fupin.areas.models import Area
    from fupin.cases.models import Case
    from fupin.cases.workflow import ALL_STEPS

    rows = (Case.objects.overdue_on(day).filter(household__area__code__startswith=area_code)
            .values("kind", "step", township=F("household__area__parent")).annotate(n=Count("id"))
            .order_by("township", "kind", "step"))
    names = dict(Area.objects.filter(code__startswith=area_code[:6], level="township")
                 .values_list("code", "name"))
    kinds = {"identification": "识别纳入", "elimination": "风险消除"}
    out = []
    for r in rows:
        step = ALL_STEPS.get(r["step"])
        owner = f"{names.get(r['township'], r['township'])}·{step.role_label if step else ''}"
        what = f"{kinds.get(r['kind'], r['kind'])}·{step.label if step else r['step']}逾期"
        out.append((owner, what, int(r["n"])))
    return out


FAMILY = IndicatorFamily(
    key="cases", title="识别纳入与风险消除", compute=family, labels=LABELS,
    derived={"id_median_days": ("识别纳入从立案到审定天数（中位数）", "天",
                                lambda figs: median_days(figs.get(DAYS_KEY)))},
    rates={"id_timeliness": ("识别纳入15天内办结率", "%", "id_within_limit", "id_approved")},
    overdue=("识别纳入与风险消除", overdue_by_owner),
    refresh_on=("cases.Case", "cases.Step"),
)
