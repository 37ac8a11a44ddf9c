"""Job figures per village as of a day (fupin.jobs, app label employment).

| key | meaning (on day D) |
|---|---|
| jb_transferred | people in a work spell on D (转移就业) |
| jb_out_of_county | of them, working outside the county |
| jb_post_people | people holding a public-welfare post on D |
| jb_workshop_people | registered people employed by a workshop or enterprise on D (by the workshop's village) |

Counted by the household's village (spells, posts by the post's village); one grouped query
per figure per day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {
    "jb_transferred": "转移就业人数", "jb_out_of_county": "县外务工人数",
    "jb_post_people": "公益性岗位在岗人数", "jb_workshop_people": "扶贫车间就业人数",
}


def _add(per: dict[str, dict[str, Any]], rows: Any, key: str) -> None:
    for r in rows:
        per.setdefault(r["code"], {})[key] = int(r["n"])


def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from .models import PostHire, WorkshopJob, WorkSpell

    def where(field: str) -> Q:
        return Q(**{f"{field}__in": villages}) if villages is not None else Q(
            **{f"{field}__startswith": prefix})

    out: dict[dt.date, VillageFigures] = {}
    for day in days:
        live = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        per: dict[str, dict[str, Any]] = {}
        spells = WorkSpell.objects.filter(live, where("area__code")).values(code=F("area_id")).order_by()
        _add(per, spells.annotate(n=Count("member", distinct=True)), "jb_transferred")
        _add(per, spells.filter(place__in=["province", "out"]).annotate(
            n=Count("member", distinct=True)), "jb_out_of_county")
        hires = (PostHire.objects.filter(where("post__area__code"), hired_on__lte=day)
                 .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=day))
                 .values(code=F("post__area_id")).order_by()
                 .annotate(n=Count("member", distinct=True)))
        _add(per, hires, "jb_post_people")
        shop = (WorkshopJob.objects.filter(live, where("workshop__area__code"))
                .values(code=F("workshop__area_id")).order_by()
                .annotate(n=Count("member", distinct=True)))
        _add(per, shop, "jb_workshop_people")
        out[day] = per
    return out


FAMILY = IndicatorFamily(
    key="employment", title="就业帮扶", compute=family, labels=LABELS,
    refresh_on=("employment.WorkSpell", "employment.PostHire", "employment.WorkshopJob"),
)
