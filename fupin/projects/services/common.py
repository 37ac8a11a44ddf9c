"""Shared checks of the projects services: amounts, dates, roles, write scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user
from fupin.core.scope import can_write_area

MAX_AMOUNT = Decimal("999999999999.99")

# Who decides: policy actions (fupin.accounts.policy.RIGHTS).
COUNTY_RIGHT = "projects.decide_county"
TOWNSHIP_RIGHT = "projects.decide_township"


def today() -> dt.date:
    return timezone.localdate()


def money(value: Any, field: str, *, label: str = "金额", allow_zero: bool = False) -> Decimal:
    """A non-negative amount of yuan with at most two decimals, or a field error in Chinese."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: [f"请填写{label}"]})
    if isinstance(value, bool):
        raise ValidationError({field: [f"{label}“{value}”不是数字"]})
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: [f"{label}“{value}”不是数字"]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [f"{label}“{value}”不是数字"]})
    if amount < 0:
        raise ValidationError({field: [f"{label}不能为负数（{amount} 元）"]})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: [f"{label}必须大于 0"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [f"{label} {amount} 最多两位小数（分）"]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [f"{label} {amount} 超出上限"]})
    return amount.quantize(Decimal("0.01"))


def a_date(value: Any, field: str, label: str = "日期") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}“{value}”不是有效日期（格式 2020-06-30）"]}) from None


def not_future(day: dt.date, field: str, label: str, now: dt.date | None = None) -> None:
    if day > (now or today()):
        raise ValidationError({field: [f"{label} {day} 在今天之后"]})


def require_write(actor: Actor, area_code: str) -> None:
    if not can_write_area(actor, area_code):
        raise PermissionDenied(f"您没有修改区划 {area_code} 数据的权限")


def require_right(actor: Actor, right: str, what: str) -> None:
    """The policy's answer for `right` ("" = no role condition beyond writing in scope)."""
    if right:
        policy.require(actor, right, message=f"{what}须由{policy.role_names(policy.roles_for(right))}办理")


def actor_id(actor: Actor) -> int | None:
    user = history_user(actor)
    return user.pk if user is not None else None


def actor_name(actor: Actor) -> str:
    return str(getattr(actor, "username", "") or actor)


def set_history(obj: Any, actor: Actor) -> None:
    obj._history_user = history_user(actor)


def me(request: Any) -> Actor:
    """The signed-in user of a request as an actor (views require login)."""
    user: Actor = request.user
    return user
