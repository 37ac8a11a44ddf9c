"""Risk events of households: entered on the household page, by API or by department upload.
Each write re-checks the household's rules at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fupin.accounts.actors import Actor, check_actor, history_user, is_system
from fupin.accounts.scope import area_in_scope, can_write_area
from fupin.core.privacy import OUTSIDE_SCOPE
from fupin.registry.choices import label_to_value
from fupin.registry.models import Household

from ..models import EventKind, EventSource, RiskEvent
from .sweep import recheck


def _parse_date(value: Any, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault("date", []).append(f"日期“{value}”格式应为 YYYY-MM-DD")
        return None


def _require(actor: Actor, household: Household) -> None:
    check_actor(actor)
    if is_system(actor):
        return
    if not can_write_area(actor, household.area_id):
        if area_in_scope(actor, household.area_id):
            raise PermissionDenied("您的角色只能查看，不能录入风险事件")
        raise ValidationError({"household": f"户 {household.household_no} 不在您的管辖范围内"})


@transaction.atomic
def add_event(*, actor: Actor, household: Household, kind: str, date: Any, amount: Any = 0,
              source: str = EventSource.PAGE, source_detail: str = "", note: str = "") -> RiskEvent:
    _require(actor, household)
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors.setdefault("kind", []).append(f"事件类别“{kind}”无效")
    day = _parse_date(date, errors)
    if day and day > timezone.localdate():
        errors.setdefault("date", []).append(f"发生日期 {day:%Y-%m-%d} 晚于今天")
    if day and day.year < 2000:
        errors.setdefault("date", []).append(f"发生日期 {day:%Y-%m-%d} 过早")
    try:
        value = Decimal(str(amount if amount not in (None, "") else 0).replace(",", ""))
        if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
            errors.setdefault("amount", []).append("金额应为不小于 0 的数字")
        elif value != value.quantize(Decimal("0.01")):
            errors.setdefault("amount", []).append("金额最多两位小数")
    except InvalidOperation:
        errors.setdefault("amount", []).append(f"金额“{amount}”不是数字")
        value = Decimal(0)
    if kind == EventKind.MEDICAL and not errors.get("amount") and value <= 0:
        errors.setdefault("amount", []).append("大额医疗支出须填写自付金额")
    if source not in EventSource.values:
        errors.setdefault("source", []).append("来源无效")
    if errors or day is None:
        raise ValidationError(errors)
    event = RiskEvent(household=household, area_id=household.area_id, kind=kind, date=day,
                      amount=value, source=source, source_detail=source_detail[:200],
                      note=note[:300], created_by=history_user(actor))
    event._history_user = event.created_by  # type: ignore[attr-defined]
    event.save()
    recheck([household.pk], source=f"风险事件：{event.get_kind_display()}")
    return event


@transaction.atomic
def delete_event(*, actor: Actor, event: RiskEvent) -> None:
    _require(actor, event.household)
    hid = event.household_id
    event._history_user = history_user(actor)  # type: ignore[attr-defined]
    event.delete()
    recheck([hid], source="风险事件删除")


EVENT_HEADERS = {
    "resident_id": ("身份证号", "身份证号码", "证件号码", "resident_id"),
    "household_no": ("户编号", "household_no"),
    "kind": ("事件类别", "类别", "kind"),
    "date": ("日期", "发生日期", "date"),
    "amount": ("金额", "金额(元)", "自付金额", "amount"),
    "note": ("说明", "备注", "note"),
}


@transaction.atomic
def upload_events(*, actor: Actor, filename: str, content: bytes,
                  source_detail: str = "") -> dict[str, Any]:
    """Department upload of risk events (e.g. self-paid medical costs from the medical
    insurance bureau). Rows are matched to households by resident ID (an active member) or
    household number; accepted + rejected = read. The touched households are re-checked
    together (set-based, by id chunks)."""
    from fupin.registry.models import Member

    from .roster import _read_rows
    labels = label_to_value(EventKind)
    rows = _read_rows(filename, content)
    try:
        header = [str(h).strip() for h in next(rows)]
    except StopIteration:
        raise ValidationError({"file": "文件是空的"}) from None
    cols = {f: next((i for i, h in enumerate(header) if h in names), None)
            for f, names in EVENT_HEADERS.items()}
    if cols["resident_id"] is None and cols["household_no"] is None:
        raise ValidationError({"file": "须有“身份证号”或“户编号”列"})
    if cols["kind"] is None or cols["date"] is None:
        raise ValidationError({"file": "须有“事件类别”和“日期”列"})
    parsed: list[tuple[int, dict[str, str]]] = []
    for lineno, row in enumerate(rows, start=2):
        if any(str(c).strip() for c in row):
            parsed.append((lineno, {f: (str(row[i]).strip() if i is not None and i < len(row)
                                        else "") for f, i in cols.items()}))
    rids = {r["resident_id"] for _, r in parsed if r["resident_id"]}
    nos = {r["household_no"] for _, r in parsed if r["household_no"]}
    by_rid = dict(Member.objects.filter(resident_id__in=rids, status="active")
                  .values_list("resident_id", "household_id")) if rids else {}
    households = {h.household_no: h for h in Household.objects.filter(household_no__in=nos)}
    hh_by_id = {h.pk: h for h in Household.objects.filter(pk__in=set(by_rid.values()))}
    accepted: list[RiskEvent] = []
    rejected: list[dict[str, Any]] = []
    today = timezone.localdate()
    for lineno, r in parsed:
        h = households.get(r["household_no"]) or hh_by_id.get(by_rid.get(r["resident_id"], -1))
        reason = ""
        if h is None:
            reason = "找不到对应的在册户（身份证号或户编号不匹配）"
        elif not area_in_scope(actor, h.area_id):
            reason = ("该身份证号" if r["resident_id"] and not r["household_no"] else "该户") + OUTSIDE_SCOPE
        kind = labels.get(r["kind"], r["kind"])
        errors: dict[str, list[str]] = {}
        day = _parse_date(r["date"], errors)
        if not reason and kind not in EventKind.values:
            reason = f"事件类别“{r['kind']}”无效"
        elif not reason and (day is None or day > today):
            reason = f"日期“{r['date']}”无效或晚于今天"
        try:
            amount = Decimal(r["amount"].replace(",", "") or "0")
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
                raise InvalidOperation
        except InvalidOperation:
            reason = reason or f"金额“{r['amount']}”不是有效数字"
            amount = Decimal(0)
        if reason or h is None or day is None:
            rejected.append({"line": lineno, "reason": reason})
            continue
        accepted.append(RiskEvent(household=h, area_id=h.area_id, kind=kind, date=day,
                                  amount=amount.quantize(Decimal("0.01")),
                                  source=EventSource.UPLOAD,
                                  source_detail=(source_detail or filename)[:200],
                                  note=r["note"][:300],
                                  created_by=history_user(actor)))
    bulk_create_with_history(accepted, RiskEvent, batch_size=2000,
                             default_user=history_user(actor))
    result = recheck({e.household_id for e in accepted}, source=f"部门上传：{filename}")
    return {"read": len(parsed), "accepted": len(accepted), "rejected": rejected,
            "opened": result.opened, "closed": result.closed}
