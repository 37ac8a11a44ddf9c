"""Who may act on assistance data: writers (cadres) inside their area, and helpers on the
households currently assigned to them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from fupin.accounts import policy
from fupin.accounts.actors import Actor, SystemActor, check_actor, history_user, is_system
from fupin.accounts.scope import area_in_scope, can_write_area
from fupin.registry.models import Household

from ..models import Assignment, Helper


def helper_of(user: Any) -> Helper | None:
    """The Helper row linked to a login, if any."""
    if user is None or not getattr(user, "pk", None):
        return None
    return Helper.objects.filter(user_id=user.pk).first()


def is_assigned(user: Any, household: Household) -> bool:
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    return Assignment.objects.filter(household_id=household.pk, ended_on__isnull=True,
                                     helper__user_id=user_id).exists()


def can_act_on_household(user: Any, household: Household) -> bool:
    """Writers of the village, the system, and a helper on a household assigned to them."""
    if user is None:
        return False
    if is_system(user) or can_write_area(user, household.area_id):
        return True
    return policy.can(user, "assistance.act_assigned") and is_assigned(user, household)


def require_household(user: Actor, household: Household) -> None:
    check_actor(user)
    if can_act_on_household(user, household):
        return
    if area_in_scope(user, household.area_id):
        raise PermissionDenied(f"您不是户 {household.household_no} 的帮扶责任人，也没有修改该村数据的权限")
    raise ValidationError({"household": f"户 {household.household_no} 不在您的管辖范围内"})


def require_area_writer(user: Actor, area_code: str, field: str = "area") -> None:
    check_actor(user)
    if can_write_area(user, area_code):  # the SystemActor writes everywhere
        return
    if area_in_scope(user, area_code):
        raise PermissionDenied("您的角色只能查看，不能维护帮扶单位、责任人和结对关系")
    raise ValidationError({field: f"区划 {area_code} 不在您的管辖范围内"})


def as_actor(obj: Any, actor: Actor) -> None:
    user = history_user(actor)
    if user is not None:
        obj._history_user = user


def registry_actor(user: Actor, household: Household) -> Actor:
    """The actor to hand to registry services: the user when they may write the village,
    otherwise a SystemActor acting for an assigned helper (already authorised here by
    `require_household`; the request middleware still records the helper in history)."""
    if can_write_area(user, household.area_id):
        return user
    return SystemActor(f"走访更新（{getattr(user, 'username', '')}）")
