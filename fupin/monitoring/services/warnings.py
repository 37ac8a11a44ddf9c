"""Actions on warnings: assign to a person, dismiss with a reason (kept), reopen."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts.actors import Actor, history_user
from fupin.accounts.models import User
from fupin.accounts.scope import area_in_scope, can_write_area

from ..models import Warning, WarningStatus


def _require(actor: Actor, warning: Warning) -> None:
    if not can_write_area(actor, warning.area_code):
        if area_in_scope(actor, warning.area_code):
            raise PermissionDenied("您的角色只能查看预警")
        raise ValidationError({"warning": "该预警不在您的管辖范围内"})


@transaction.atomic
def assign(*, actor: Actor, warning: Warning, user: User | None) -> Warning:
    _require(actor, warning)
    if user is not None and not (user.is_superuser or area_in_scope(user, warning.area_code)):
        raise ValidationError({"assigned_to": f"{user} 的管辖范围不包括该户，不能指派"})
    warning.assigned_to = user
    warning.save(update_fields=["assigned_to", "updated_at"])
    return warning


@transaction.atomic
def dismiss(*, actor: Actor, warning: Warning, reason: str) -> Warning:
    _require(actor, warning)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请填写排除理由（至少 4 个字）"})
    if warning.status != WarningStatus.OPEN:
        raise ValidationError({"reason": f"只有预警中的预警可以排除，当前状态：{warning.get_status_display()}"})
    warning.status = WarningStatus.DISMISSED
    warning.dismissed_reason = reason[:300]
    warning.dismissed_by = history_user(actor)
    warning.dismissed_at = timezone.now()
    warning.save(update_fields=["status", "dismissed_reason", "dismissed_by", "dismissed_at",
                                "updated_at"])
    return warning


@transaction.atomic
def reopen(*, actor: Actor, warning: Warning) -> Warning:
    _require(actor, warning)
    if warning.status != WarningStatus.DISMISSED:
        raise ValidationError({"status": "只有已排除的预警可以恢复"})
    warning.status = WarningStatus.OPEN
    warning.save(update_fields=["status", "updated_at"])
    return warning
