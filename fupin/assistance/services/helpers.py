"""Units, pairings, helpers, assignments (append-only) and flagged supervision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user
from fupin.accounts.models import User
from fupin.areas.models import Area, AreaLevel
from fupin.registry.models import Household

from ..models import Assignment, AssistingUnit, FlaggedSupervision, Helper, UnitPairing
from .permissions import as_actor, require_area_writer
from .rules import helper_limit


def _area(code: Any, field: str = "area", level: str | None = None) -> Area:
    if isinstance(code, Area):
        area = code
    else:
        area = Area.objects.filter(code=str(code or "").strip()).first()  # type: ignore[assignment]
        if area is None:
            raise ValidationError({field: f"区划代码“{code}”不存在"})
    if level and area.level != level:
        raise ValidationError({field: f"“{area.name}（{area.code}）”不是{AreaLevel(level).label}"})
    return area


def _phone_ok(phone: str, field: str = "phone") -> None:
    if phone and not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        raise ValidationError({field: f"联系电话“{phone}”应为 11 位手机号"})


@transaction.atomic
def create_unit(*, actor: Actor, name: str, level: str, area_code: str, contact: str = "",
                phone: str = "") -> AssistingUnit:
    area = _area(area_code, "area_code")
    require_area_writer(actor, area.code, "area_code")
    _phone_ok(phone)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "单位名称不能为空"})
    if AssistingUnit.objects.filter(name=name, area=area).exists():
        raise ValidationError({"name": f"{area.name} 已有帮扶单位“{name}”"})
    unit = AssistingUnit(name=name, level=level, area=area, contact=contact, phone=phone)
    unit.full_clean()
    as_actor(unit, actor)
    unit.save()
    return unit


@transaction.atomic
def pair_unit(*, actor: Actor, unit: AssistingUnit, village: Any, started_on: dt.date | None = None,
              note: str = "") -> UnitPairing:
    area = _area(village, "village", AreaLevel.VILLAGE)
    require_area_writer(actor, area.code, "village")
    if UnitPairing.objects.filter(unit=unit, village=area, ended_on__isnull=True).exists():
        raise ValidationError({"village": f"{unit.name} 已与 {area.name} 结对"})
    pairing = UnitPairing(unit=unit, village=area, started_on=started_on or timezone.localdate(), note=note)
    as_actor(pairing, actor)
    pairing.save()
    return pairing


@transaction.atomic
def create_helper(*, actor: Actor, data: Mapping[str, Any]) -> Helper:
    area = _area(data.get("area"), "area")
    require_area_writer(actor, area.code)
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "姓名不能为空"})
    phone = str(data.get("phone") or "").strip()
    _phone_ok(phone)
    user = data.get("user")
    if user is not None:
        if not isinstance(user, User):
            user = User.objects.filter(pk=user).first()
        if user is None or not policy.role_may(user.role, "assistance.helper_account"):
            raise ValidationError({"user": "只能关联角色为“帮扶责任人”的账号"})
        if Helper.objects.filter(user=user).exists():
            raise ValidationError({"user": f"账号 {user.username} 已关联其他帮扶责任人"})
    helper = Helper(name=name, phone=phone, area=area, user=user, unit=data.get("unit"),
                    position=str(data.get("position") or ""),
                    max_households=data.get("max_households") or None)
    helper.full_clean()
    as_actor(helper, actor)
    helper.save()
    return helper


@transaction.atomic
def assign_helper(*, actor: Actor, household: Household, helper: Helper, started_on: dt.date | None = None,
                  reason: str = "") -> Assignment:
    """Make `helper` the household's helper from `started_on`: the open row (if any) is
    ended that day and a new row is added. Enforces the per-helper household limit."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_area_writer(actor, household.area_id, "household")
    helper = Helper.objects.select_for_update().get(pk=helper.pk)  # serialise the limit check
    day = started_on or timezone.localdate()
    if not helper.active:
        raise ValidationError({"helper": f"帮扶责任人 {helper.name} 已不在岗，不能结对"})
    current = Assignment.objects.filter(household=household, ended_on__isnull=True).first()
    if current is not None:
        if current.helper_id == helper.pk:
            raise ValidationError({"helper": f"{helper.name} 已是户 {household.household_no} 的帮扶责任人"})
        if day < current.started_on:
            raise ValidationError({"started_on": (
                f"新结对开始日期 {day:%Y-%m-%d} 早于现结对开始日期 {current.started_on:%Y-%m-%d}")})
    limit = helper_limit(helper)
    load = Assignment.objects.filter(helper=helper, ended_on__isnull=True).count()
    if load >= limit:
        raise ValidationError({"helper": (
            f"帮扶责任人 {helper.name} 已联系 {load} 户，达到每人最多 {limit} 户的上限，"
            "请选择其他帮扶责任人或先调整其联系户")})
    if current is not None:
        current.ended_on = day
        current.reason = current.reason or reason
        as_actor(current, actor)
        current.save(update_fields=["ended_on", "reason"])
    row = Assignment(household=household, helper=helper, started_on=day, reason=reason,
                     created_by=history_user(actor))
    as_actor(row, actor)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"household": "该户正在被他人调整结对，请刷新后重试"}) from None
    return row


@transaction.atomic
def end_assignment(*, actor: Actor, household: Household, ended_on: dt.date | None = None,
                   reason: str = "") -> Assignment:
    require_area_writer(actor, household.area_id, "household")
    current = Assignment.objects.select_for_update().filter(household=household, ended_on__isnull=True).first()
    if current is None:
        raise ValidationError({"household": f"户 {household.household_no} 当前没有帮扶责任人"})
    day = ended_on or timezone.localdate()
    if day < current.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期"})
    current.ended_on = day
    current.reason = reason or current.reason
    as_actor(current, actor)
    current.save(update_fields=["ended_on", "reason"])
    return current


@transaction.atomic
def flag(*, actor: Actor, area: Any, leader_name: str, household: Household | None = None,
         leader_title: str = "", reason: str = "", started_on: dt.date | None = None) -> FlaggedSupervision:
    """挂牌督战 on a village, or on one household of it."""
    village = _area(household.area_id if household else area, "area", AreaLevel.VILLAGE)
    require_area_writer(actor, village.code)
    if not leader_name.strip():
        raise ValidationError({"leader_name": "须填写督战责任领导"})
    existing = FlaggedSupervision.objects.filter(area=village, household=household, ended_on__isnull=True)
    if existing.exists():
        raise ValidationError({"area": "该村/户已在挂牌督战中"})
    row = FlaggedSupervision(area=village, household=household, leader_name=leader_name.strip(),
                             leader_title=leader_title, reason=reason,
                             started_on=started_on or timezone.localdate())
    as_actor(row, actor)
    row.save()
    return row


@transaction.atomic
def unflag(*, actor: Actor, flagged: FlaggedSupervision, ended_on: dt.date | None = None) -> FlaggedSupervision:
    require_area_writer(actor, flagged.area_id)
    if flagged.ended_on:
        raise ValidationError({"ended_on": "已摘牌"})
    flagged.ended_on = ended_on or timezone.localdate()
    as_actor(flagged, actor)
    flagged.save(update_fields=["ended_on"])
    return flagged


@transaction.atomic
def end_pairing(*, actor: Actor, pairing: UnitPairing, ended_on: dt.date | None = None) -> UnitPairing:
    require_area_writer(actor, pairing.village_id, "village")
    if pairing.ended_on:
        raise ValidationError({"ended_on": "该结对已结束"})
    day = ended_on or timezone.localdate()
    if day < pairing.started_on:
        raise ValidationError({"ended_on": "结束日期不能早于开始日期"})
    pairing.ended_on = day
    as_actor(pairing, actor)
    pairing.save(update_fields=["ended_on"])
    return pairing


HELPER_EDITABLE = ("name", "phone", "unit", "position", "active", "max_households")


@transaction.atomic
def update_helper(*, actor: Actor, helper: Helper, changes: Mapping[str, Any]) -> Helper:
    helper = Helper.objects.select_for_update().get(pk=helper.pk)
    require_area_writer(actor, helper.area_id)
    unknown = set(changes) - set(HELPER_EDITABLE)
    if unknown:
        raise ValidationError({"__all__": f"不能修改字段：{'、'.join(sorted(unknown))}"})
    if "phone" in changes:
        _phone_ok(str(changes["phone"] or ""))
    load = Assignment.objects.filter(helper=helper, ended_on__isnull=True).count()
    if changes.get("active") is False and load:
        raise ValidationError({"active": f"{helper.name} 还联系着 {load} 户，请先为这些户更换帮扶责任人"})
    if changes.get("max_households") and int(changes["max_households"]) < load:
        raise ValidationError({"max_households": f"{helper.name} 已联系 {load} 户，上限不能低于 {load}"})
    for k, v in changes.items():
        setattr(helper, k, v)
    helper.full_clean()
    as_actor(helper, actor)
    helper.save()
    return helper
