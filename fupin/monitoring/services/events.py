"""Risk events of households: entered on the household page, by API or by department upload.
Each write re-checks the household's rules at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts.scope import area_in_scope, can_write_area
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


def _require(actor: Any, household: Household) -> None:
    if actor is None:
        return
    if not can_write_area(actor, household.area_id):
        if area_in_scope(actor, household.area_id):
            raise PermissionDenied("您的角色只能查看，不能录入风险事件")
        raise ValidationError({"household": f"户 {household.household_no} 不在您的管辖范围内"})


@transaction.atomic
def add_event(*, actor: Any, household: Household, kind: str, date: Any, amount: Any = 0,
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
    event = RiskEvent(household=household, area_code=household.area_id, kind=kind, date=day,
                      amount=value, source=source, source_detail=source_detail[:200],
                      note=note[:300], created_by=actor if getattr(actor, "pk", None) else None)
    event._history_user = event.created_by  # type: ignore[attr-defined]
    event.save()
    recheck([household.pk], source=f"风险事件：{event.get_kind_display()}")
    return event


@transaction.atomic
def delete_event(*, actor: Any, event: RiskEvent) -> None:
    _require(actor, event.household)
    hid = event.household_id
    event._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    event.delete()
    recheck([hid], source="风险事件删除")
