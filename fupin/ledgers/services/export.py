"""Export of the ledger of an area in the import format (Chinese labels): one row per
active member, household fields on the head's row, the household's latest income year.
An export by a role that sees personal data imports back without changing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When

from fupin.accounts.actors import SYSTEM, Actor, check_actor
from fupin.accounts.scope import area_in_scope
from fupin.core.jobs import Progress
from fupin.core.privacy import log_access, sees_personal
from fupin.registry.choices import MemberStatus, Relation
from fupin.registry.models import Household, Income, Member
from fupin.registry.resident_id import mask

from .columns import BY_FIELD, COLUMNS, MONEY_FIELDS
from .template import SHEET

CHUNK = 5000


def _labels(field: str) -> dict[str, str]:
    return {v: k for k, v in BY_FIELD[field].choices.items()}


def _money(v: Any) -> str:
    return "" if v is None else f"{v:.2f}".rstrip("0").rstrip(".")


def export_ledger(area_code: str, path: str | Path, *, user: Actor = SYSTEM,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Write the ledger of `area_code` (a prefix: county, township or village) to `path`.
    The area must be in the user's scope (the SystemActor's is everything) and resident IDs
    are masked for roles that do not see personal data."""
    progress = progress or Progress()
    check_actor(user)
    if not area_in_scope(user, area_code):
        raise PermissionDenied(f"区划 {area_code} 不在您的管辖范围内")
    full = sees_personal(user)
    households = Household.objects.in_area(area_code).visible_to(user)
    total = Member.objects.filter(household__in=households, status=MemberStatus.ACTIVE).count()
    progress.start(total, "导出台账")
    labels = {f: _labels(f) for f in ("relation_to_head", "education", "schooling", "disability_grade",
                                       "labour", "employment", "household_type", "welfare_status",
                                       "monitoring_type", "main_cause")}
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(SHEET)
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = wb.add_format({"num_format": "@"})
    for c, col in enumerate(COLUMNS):
        ws.write_string(0, c, col.header, bold)
        ws.set_column(c, c, 20 if col.kind == "id" else 12, text if col.text_format else None)
    ws.freeze_panes(1, 3)
    # The latest income year of every household, in one query.
    incomes: dict[int, dict[str, Any]] = {}
    for inc in (Income.objects.filter(household__in=households).order_by("household_id", "-year")
                .values("household_id", "year", *MONEY_FIELDS).iterator(chunk_size=CHUNK)):
        incomes.setdefault(inc["household_id"], inc)
    members = (Member.objects.filter(household__in=households, status=MemberStatus.ACTIVE)
               .select_related("household")
               .annotate(head_first=Case(When(relation_to_head=Relation.HEAD, then=Value(0)),
                                         default=Value(1), output_field=IntegerField()))
               .order_by("household__household_no", "head_first", "id"))
    r = 0
    seen: set[int] = set()
    for m in members.iterator(chunk_size=CHUNK):
        h = m.household
        r += 1
        health = [lab for flag, lab in ((m.chronic_illness, "长期慢性病"), (m.serious_illness, "患有大病"),
                                        (m.disabled, "残疾")) if flag] or ["健康"]
        row: dict[str, str] = {
            "household_no": h.household_no, "name": m.name,
            "resident_id": m.resident_id if full else mask(m.resident_id),
            "relation_to_head": labels["relation_to_head"].get(m.relation_to_head, ""),
            "ethnicity": m.ethnicity, "education": labels["education"].get(m.education, ""),
            "schooling": labels["schooling"].get(m.schooling, ""),
            # Health is personal data: "***" for roles that see masked IDs.
            "health": "、".join(health) if full else "***",
            "disability_grade": labels["disability_grade"].get(m.disability_grade, "") if full else "",
            "labour": labels["labour"].get(m.labour, ""), "employment": labels["employment"].get(m.employment, ""),
            "months_worked": str(m.months_worked), "medical_insurance": "是" if m.medical_insurance else "否",
        }
        if h.pk not in seen:  # household fields once, on the first (head's) row
            seen.add(h.pk)
            inc = incomes.get(h.pk)
            row.update({
                "village_code": h.area_id, "group": h.group,
                "household_type": labels["household_type"].get(h.household_type, ""),
                "exit_year": str(h.exit_year or ""),
                "welfare_status": labels["welfare_status"].get(h.welfare_status, ""),
                "monitoring_type": labels["monitoring_type"].get(h.monitoring_type, ""),
                "main_cause": labels["main_cause"].get(h.main_cause, ""),
                "housing_grade": h.housing_grade,
                "water_safe": "" if h.water_safe is None else ("是" if h.water_safe else "否"),
                "phone": h.phone if full else (h.phone[:3] + "****" + h.phone[-4:] if h.phone else ""),
            })
            if inc is not None:
                row["income_year"] = str(inc["year"])
                row.update({f: _money(inc[f]) for f in MONEY_FIELDS})
        for c, col in enumerate(COLUMNS):
            v = row.get(col.field, "")
            if v != "":
                ws.write_string(r, c, v)
        if r % CHUNK == 0:
            progress.set(r)
    wb.close()
    progress.set(total, "完成")
    log_access(user, "export", "ledgers.Ledger", area_code, area_code=area_code,
               detail=f"导出台账 {r} 行、{len(seen)} 户；身份证号{'完整' if full else '已脱敏'}")
    return {"rows": r, "households": len(seen), "masked": not full, "area_code": area_code,
            "file": str(path)}
