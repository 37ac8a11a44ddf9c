"""Department screening (部门筛查预警): line departments upload rosters (school roll,
medical insurance, minimum allowance, destitute support, disability certificates, death
registrations). Rows are staged in RosterRow and matched to members by resident ID in SQL;
the ROSTER_* rules then run set-based over the roster's area, naming the roster.

Accepted + rejected = read: every refused row comes back with its reason in Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user
from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area
from fupin.registry import resident_id as rid

from ..models import Roster, RosterKind, RosterRow, SweepKind
from .sweep import ROSTER_KINDS, run_sweep

HEADERS = {
    "resident_id": ("身份证号", "身份证号码", "证件号码", "公民身份号码", "resident_id"),
    "name": ("姓名", "name"),
    "event_date": ("日期", "死亡日期", "登记日期", "date"),
    "detail": ("说明", "备注", "学校", "类别", "detail"),
}
MAX_ROWS = 500_000


def can_upload(user: Any) -> bool:
    return policy.can(user, "monitoring.roster_upload")


def _read_rows(filename: str, content: bytes) -> Iterator[list[str]]:
    name = filename.lower()
    if name.endswith((".xlsx", ".xls")):
        from python_calamine import CalamineWorkbook
        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheet = wb.get_sheet_by_index(0)
        except Exception as exc:  # a broken file must give a message, not a 500
            raise ValidationError({"file": f"无法读取 Excel 文件：{exc}"}) from None
        for row in sheet.to_python():
            yield ["" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v))
                   for v in row]
        return
    if not name.endswith((".csv", ".txt")):
        raise ValidationError({"file": "只支持 .csv 或 .xlsx 文件"})
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": "无法识别文件编码（请用 UTF-8 或 GBK）"})
    yield from csv.reader(io.StringIO(text))


def _columns(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    cleaned = [str(h).strip() for h in header]
    for field, names in HEADERS.items():
        for i, h in enumerate(cleaned):
            if h in names:
                cols[field] = i
                break
    if "resident_id" not in cols:
        raise ValidationError({"file": "第 1 行应为表头，且须有“身份证号”列"})
    return cols


def _date(value: str) -> dt.date | None:
    value = value.strip()[:10]
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


@transaction.atomic
def upload_roster(*, actor: Actor, kind: str, name: str, area_code: str, as_of: dt.date | None,
                  filename: str, content: bytes, department: str = "",
                  run: bool = True) -> Roster:
    """Stage a department roster, supersede the previous one of the same kind and area,
    and run the roster rules over the area."""
    if not can_upload(actor):
        raise PermissionDenied("您的角色不能上传部门名册")
    errors: dict[str, list[str]] = {}
    if kind not in RosterKind.values:
        errors["kind"] = ["名册类别无效"]
    area_code = (area_code or "").strip()
    if not area_code.isdigit() or len(area_code) not in (6, 9, 12):
        errors["area_code"] = ["覆盖区划应为 6 位县、9 位乡镇或 12 位村代码"]
    elif not area_in_scope(actor, area_code):
        errors["area_code"] = [f"区划 {area_code} 不在您的管辖范围内"]
    elif not Area.objects.filter(code=area_code).exists():
        errors["area_code"] = [f"区划代码“{area_code}”不存在"]
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        errors["as_of"] = ["名册日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    rows = _read_rows(filename, content)
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationError({"file": "文件是空的"}) from None
    cols = _columns(header)
    roster = Roster.objects.create(
        kind=kind, name=(name or filename)[:200], area_id=area_code, as_of=as_of,
        department=department[:100], uploaded_by=history_user(actor))
    staged: list[RosterRow] = []
    seen: set[str] = set()
    rejected: list[dict[str, Any]] = []
    read = 0
    for lineno, row in enumerate(rows, start=2):
        if not any(str(c).strip() for c in row):
            continue
        read += 1
        if read > MAX_ROWS:
            raise ValidationError({"file": f"名册超过 {MAX_ROWS} 行，请分批上传"})

        def cell(field: str, row: list[str] = row) -> str:
            i = cols.get(field)
            return str(row[i]).strip() if i is not None and i < len(row) else ""
        raw = cell("resident_id")
        try:
            number = rid.parse(raw).number
        except ValidationError as exc:
            rejected.append({"line": lineno, "resident_id": rid.mask(raw) if len(raw) == 18 else raw,
                             "reason": "；".join(exc.messages)})
            continue
        if number in seen:
            rejected.append({"line": lineno, "resident_id": rid.mask(number),
                             "reason": "与前面的行身份证号重复"})
            continue
        try:
            when = _date(cell("event_date"))
        except ValueError:
            rejected.append({"line": lineno, "resident_id": rid.mask(number),
                             "reason": f"日期“{cell('event_date')}”无法识别"})
            continue
        seen.add(number)
        staged.append(RosterRow(roster=roster, resident_id=number, name=cell("name")[:50],
                                event_date=when, detail=cell("detail")[:100]))
        if len(staged) >= 5000:
            RosterRow.objects.bulk_create(staged)
            staged = []
    RosterRow.objects.bulk_create(staged)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM monitoring_rosterrow r WHERE r.roster_id = %s AND "
                    "EXISTS (SELECT 1 FROM registry_member m WHERE m.resident_id = r.resident_id "
                    "AND m.status = 'active')", [roster.pk])
        matched = int(cur.fetchone()[0])
    Roster.objects.filter(kind=kind, area_id=area_code, active=True).exclude(
        pk=roster.pk).update(active=False)
    roster.rows_read = read
    roster.rows_rejected = len(rejected)
    roster.rows_accepted = read - len(rejected)
    roster.rejected = rejected[:5000]
    roster.matched = matched
    roster.save()
    if run:
        sweep = run_sweep(area=area_code, user=actor, kind=SweepKind.ROSTER,
                          rule_kinds=ROSTER_KINDS, source=f"部门名册：{roster.name}")
        roster.sweep = sweep
        roster.save(update_fields=["sweep"])
    return roster
