import datetime as dt

from django.db.models import Count

from fupin.core.plugins import IndicatorFamily, VillageFigures
from fupin.registry.models import Household


def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    qs = Household.objects.filter(area__code__startswith=prefix)
    if villages is not None:
        qs = qs.filter(area_id__in=villages)
    rows = qs.values("area_id").annotate(n=Count("pk"))
    per = {r["area_id"]: {"tiny_households": r["n"]} for r in rows}
    return {d: per for d in days}


FAMILY = IndicatorFamily(key="tinyapp", title="小应用", compute=family,
                         labels={"tiny_households": "小应用户数"})
