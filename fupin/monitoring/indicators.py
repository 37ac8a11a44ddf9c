"""Warnings (fupin.monitoring): counts per village as of a day, and open warnings by rule.

| key | as of day D |
|---|---|
| warn_opened 预警累计数 | warnings raised on or before D |
| warn_open 预警中 | raised by D, not closed (解除) and not dismissed (排除) by D |
| warn_closed 已解除预警 | closed on or before D |
| warn_dismissed 已排除预警 | dismissed on or before D |
| warn_by_rule | histogram {rule code: open warnings on D}, summed like a count |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {"warn_opened": "预警累计数", "warn_open": "预警中", "warn_closed": "已解除预警",
          "warn_dismissed": "已排除预警"}
BY_RULE = "warn_by_rule"



def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from fupin.monitoring.models import Warning  # type: ignore[attr-defined]

    area = Q(area_id__in=villages) if villages is not None else Q(area__code__startswith=prefix)
    base = Warning.objects.filter(area).annotate(
        code=F("area_id"), opened_day=TruncDate("opened_at"),
        dismissed_day=TruncDate("dismissed_at"))
    out: dict[dt.date, VillageFigures] = {}
    for day in days:
        per: dict[str, dict[str, Any]] = {}
        opened = Q(opened_day__lte=day)
        closed = Q(closed_on__isnull=False, closed_on__lte=day)
        dismissed = Q(dismissed_day__isnull=False, dismissed_day__lte=day)
        for key, cond in (("warn_opened", opened), ("warn_closed", closed),
                          ("warn_dismissed", dismissed & ~closed)):
            for row in base.filter(cond).values("code").annotate(n=Count("id")).order_by():
                per.setdefault(row["code"], {})[key] = int(row["n"])
        open_rows = (base.filter(opened).exclude(closed | dismissed)
                     .values("code", rule_code=F("rule__code")).annotate(n=Count("id")).order_by())
        for row in open_rows:
            figs = per.setdefault(row["code"], {})
            figs["warn_open"] = figs.get("warn_open", 0) + int(row["n"])
            hist: dict[str, int] = figs.setdefault(BY_RULE, {})
            hist[row["rule_code"]] = hist.get(row["rule_code"], 0) + int(row["n"])
        out[day] = per  # type: ignore[assignment]
    return out


def rule_names() -> dict[str, str]:
    from fupin.monitoring.models import Rule  # type: ignore[attr-defined]
    return dict(Rule.objects.values_list("code", "name"))


FAMILY = IndicatorFamily(
    key="monitoring", title="监测预警", compute=family, labels=LABELS,
    breakdowns={BY_RULE: ("预警中（按规则）", rule_names)},
    refresh_on=("monitoring.Warning",),
)
