"""Income lines by year and area, as data (MECHANISM.md §2).

The poverty line and the monitoring line are adjusted every year, and provinces set their
own: a line is a `Setting` row of a key marked `every_year` (贫困线, 监测线) for one area
prefix and one year, with its source document. A year without a line of its own has *no*
line: rules that need it do not fire on last year's value, elimination criteria say the
line is missing, and `missing_lines` lists the gaps for the sweep output, the rule pages
and the dashboard. County administrators enter new lines on the settings page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

LINE_KEYS = ("poverty_line", "monitoring_line")


def every_year_keys() -> list[str]:
    """Setting keys that must be set for each year (no fallback to an earlier year)."""
    from .models import SettingKey
    return list(SettingKey.objects.filter(every_year=True).values_list("key", flat=True))


def _prefixes(area_code: str) -> list[str]:
    return [""] + [area_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(area_code)]


def line_value(key: str, area_code: str, year: int) -> Decimal | None:
    """The line `key` for a village (or any area) and a year: the row of that very year whose
    area code is the longest prefix of `area_code`; None when the year has no line."""
    from .models import Setting
    rows = list(Setting.objects.filter(key_id=key, area_code__in=_prefixes(area_code),
                                       year_from=year).values_list("area_code", "value"))
    if not rows:
        return None
    return max(rows, key=lambda r: len(r[0]))[1]


def shown(value: Decimal) -> Decimal:
    """6000, not 6000.0000."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.quantize(
        Decimal("0.01"))


def missing_lines(area: str = "", as_of: dt.date | None = None,
                  keys: tuple[str, ...] = LINE_KEYS) -> list[dict[str, Any]]:
    """Counties (6-digit codes) and years for which a line is needed but not set.

    A year is needed when a household of the area has it as its latest income year (the
    income rules compare with that year's line) or it is the year of `as_of` (risk
    elimination compares with the current year's line). Set-based: one query per key.
    """
    from django.utils import timezone

    from .models import Setting, SettingKey
    as_of = as_of or timezone.localdate()
    known = set(SettingKey.objects.filter(key__in=keys, every_year=True)
                .values_list("key", flat=True))
    out: list[dict[str, Any]] = []
    table = Setting._meta.db_table
    for key in keys:
        if key not in known:
            continue
        sql = f"""
            WITH vill AS (SELECT DISTINCT h.area_code FROM registry_household h
                          WHERE h.area_code LIKE %s),
            latest AS (SELECT i.household_id, MAX(i.year) AS year FROM registry_income i
                       JOIN registry_household h ON h.id = i.household_id
                       WHERE h.area_code LIKE %s AND i.year <= %s GROUP BY i.household_id),
            need AS (SELECT DISTINCT h.area_code, l.year FROM latest l
                     JOIN registry_household h ON h.id = l.household_id
                     UNION SELECT v.area_code, %s FROM vill v)
            SELECT DISTINCT SUBSTR(n.area_code, 1, 6), n.year FROM need n
            WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.key = %s
                              AND s.year_from = n.year AND n.area_code LIKE s.area_code || '%%')
            ORDER BY 1, 2"""
        with connection.cursor() as cur:
            cur.execute(sql, [f"{area}%", f"{area}%", as_of.year, as_of.year, key])
            out.extend({"area": code, "year": int(year), "key": key}
                       for code, year in cur.fetchall())
    return out


def describe_missing(missing: list[dict[str, Any]]) -> list[str]:
    """Plain-Chinese lines for pages: "500241 2026 年监测线未设定"."""
    from .models import SettingKey
    names = dict(SettingKey.objects.values_list("key", "name"))
    return [f"{m['area']} {m['year']} 年{names.get(m['key'], m['key'])}未设定" for m in missing]
