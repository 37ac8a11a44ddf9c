"""Micro-credit figures per village as of a day (fupin.credit).

| key | meaning (as of day D) |
|---|---|
| cr_borrowers | households with a loan disbursed on or before D (ever borrowed) |
| cr_loans | loans disbursed on or before D |
| cr_disbursed_yuan | their amount, yuan |
| cr_overdue | loans overdue on D (fell overdue by D, not closed by D) |
| cr_extended | loans extended (展期) on or before D |

`cr_coverage` = cr_borrowers ÷ hh_registered (建档立卡户数), a ratio of records.
One grouped query per day; loans are far fewer than days × villages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, Sum

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {
    "cr_borrowers": "获贷户数（累计）", "cr_loans": "放贷笔数（累计）",
    "cr_disbursed_yuan": "放贷金额（元，累计）", "cr_overdue": "逾期贷款笔数",
    "cr_extended": "展期贷款笔数",
}


def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from .models import DISBURSED, EPIDEMIC_OVERDUE, Loan

    area = Q(area__code__in=villages) if villages is not None else Q(area__code__startswith=prefix)
    out: dict[dt.date, VillageFigures] = {}
    for day in days:
        open_on = Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        rows = (Loan.objects.filter(area, status__in=DISBURSED, disbursed_on__lte=day)
                .values(code=F("area_id")).order_by()
                .annotate(cr_borrowers=Count("household", distinct=True), cr_loans=Count("id"),
                          cr_disbursed_yuan=Sum("amount"),
                          cr_overdue=Count("id", filter=Q(overdue_since__lte=day) & open_on
                                           & Q(status__in=["overdue", "repaid_late",
                                                           "written_off"])
                                           & ~EPIDEMIC_OVERDUE),
                          cr_extended=Count("id", filter=Q(extended_on__lte=day))))
        per: dict[str, dict[str, Any]] = {}
        for r in rows:
            per[r["code"]] = {k: int(r[k] or 0) for k in LABELS}
        out[day] = per
    return out


FAMILY = IndicatorFamily(
    key="credit", title="扶贫小额信贷", compute=family, labels=LABELS,
    rates={"cr_coverage": ("获贷率（获贷户数÷建档立卡户数）", "%", "cr_borrowers", "hh_registered")},
    refresh_on=("credit.Loan",),
)
