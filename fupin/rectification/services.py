"""The problem ledger's state machine: open → rectifying → rectified (by the owner) →
verified (by someone other than the rectifier) → closed; reopen with a reason; overdue
escalation (township, then county), set-based."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user, is_system
from fupin.accounts.scope import area_in_scope, can_write_area
from fupin.areas.models import Area
from fupin.core.uploads import check_upload
from fupin.registry.models import Household

from .models import (
    Escalation,
    Evidence,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemSource,
    ProblemState,
)

S = ProblemState
COUNTY_AFTER_DAYS = 7  # overdue this long at township level → county

TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (from states, to state, Chinese name)
    "start": ((S.OPEN,), S.RECTIFYING, "开始整改"),
    "rectify": ((S.OPEN, S.RECTIFYING), S.RECTIFIED, "提交整改"),
    "reject": ((S.RECTIFIED,), S.RECTIFYING, "核验不通过"),
    "verify": ((S.RECTIFIED,), S.VERIFIED, "核验通过"),
    "close": ((S.VERIFIED,), S.CLOSED, "销号"),
    "reopen": ((S.RECTIFIED, S.VERIFIED, S.CLOSED), S.OPEN, "重新打开"),
}


def _as_actor(obj: Any, actor: Actor) -> None:
    user = history_user(actor)
    if user is not None:
        obj._history_user = user


def _user(actor: Actor) -> Any:
    return history_user(actor)


def can_handle(actor: Actor, problem: Problem) -> bool:
    """Owners and writers of the area may rectify."""
    if is_system(actor):
        return True
    if problem.owner_id and problem.owner_id == getattr(actor, "pk", None):
        return True
    return can_write_area(actor, problem.area_id)


def can_check(actor: Actor, problem: Problem) -> bool:
    """Writers and inspectors of the area may verify, close and reopen."""
    return is_system(actor) or policy.can(actor, "rectification.check", area_code=problem.area_id)


def _can_report(actor: Actor, area_code: str, household: Household | None) -> bool:
    if is_system(actor) or policy.can(actor, "rectification.report", area_code=area_code):
        return True
    if household is not None and policy.can(actor, "rectification.report_assigned"):
        # The helper restriction of the household scope: only households assigned to them.
        return Household.objects.visible_to(actor).filter(pk=household.pk).exists()
    return False


def owner_fits_area(owner: Any, area_code: str) -> bool:
    """A problem's owner works inside the problem's area: one of the owner's scopes covers
    the area or lies within it (a village cadre owns a township's problem in their village)."""
    if owner is None:
        return True
    if not getattr(owner, "is_active", False):
        return False
    if getattr(owner, "is_superuser", False):
        return True
    return any(area_code.startswith(c) or c.startswith(area_code)
               for c in getattr(owner, "scope_codes", ()))


def _check_owner(owner: Any, area_code: str, errors: dict[str, list[str]]) -> None:
    if owner is not None and not owner_fits_area(owner, area_code):
        errors.setdefault("owner", []).append(
            f"责任人 {owner.get_username()} 不在问题所在区划 {area_code} 工作，请选择本区划的人员")


@transaction.atomic
def create_problem(*, actor: Actor, source: str, category: str, description: str,
                   household: Household | None = None, area: Any = None, found_on: dt.date | None = None,
                   responsible_unit: str = "", owner: Any = None, owner_name: str = "",
                   deadline: dt.date | None = None, plan: str = "", project_ref: str = "",
                   visit: Any = None) -> Problem:
    errors: dict[str, list[str]] = {}
    if household is not None:
        area_obj = household.area
    else:
        code = area.code if isinstance(area, Area) else str(area or "").strip()
        area_obj = Area.objects.filter(code=code).first()  # type: ignore[assignment]
        if area_obj is None:
            raise ValidationError({"area": f"区划代码“{code}”不存在；问题须落到户、村或乡镇"})
    if not _can_report(actor, area_obj.code, household):
        if area_in_scope(actor, area_obj.code):
            raise PermissionDenied("您的角色不能登记该区划的问题")
        raise ValidationError({"area": f"区划 {area_obj.code} 不在您的管辖范围内"})
    if source not in ProblemSource.values:
        errors.setdefault("source", []).append(f"问题来源“{source}”无效")
    if category not in ProblemCategory.values:
        errors.setdefault("category", []).append(f"问题类别“{category}”无效")
    if not description.strip():
        errors.setdefault("description", []).append("请描述问题")
    day = found_on or timezone.localdate()
    if day > timezone.localdate():
        errors.setdefault("found_on", []).append("发现日期不能晚于今天")
    if deadline and deadline < day:
        errors.setdefault("deadline", []).append(f"整改时限 {deadline:%Y-%m-%d} 早于发现日期 {day:%Y-%m-%d}")
    owner_user = owner if getattr(owner, "pk", None) else None
    _check_owner(owner_user, area_obj.code, errors)
    if errors:
        raise ValidationError(errors)
    problem = Problem(source=source, category=category, description=description.strip(), area=area_obj,
                      household=household, found_on=day, found_by=_user(actor),
                      responsible_unit=responsible_unit, owner=owner_user,
                      owner_name=owner_name or (owner_user.get_full_name() or owner_user.username if owner_user else ""),
                      deadline=deadline, plan=plan, project_ref=project_ref, visit=visit)
    _as_actor(problem, actor)
    problem.save()
    ProblemEvent.objects.create(problem=problem, action="create", to_state=S.OPEN, actor=_user(actor),
                                note=description[:500])
    return problem


@transaction.atomic
def transition(*, actor: Actor, problem: Problem, action: str, note: str = "", **fields: Any) -> Problem:
    """Move a problem along its state machine; refuses with a Chinese message otherwise."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": f"未知操作“{action}”"})
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    sources, target, label = TRANSITIONS[action]
    if problem.state not in sources:
        raise ValidationError({"state": f"问题当前为“{problem.get_state_display()}”，不能{label}"})
    checking = action in ("verify", "reject", "close", "reopen")
    allowed = can_check(actor, problem) if checking else can_handle(actor, problem)
    if not allowed:
        raise PermissionDenied(f"您不能对该问题执行“{label}”")
    now = timezone.now()
    if action in ("verify", "close", "reject") and history_user(actor) is not None \
            and problem.rectified_by_id == actor.pk:
        raise ValidationError({"state": "核验与销号须由整改人以外的人员进行，您是本问题的整改人"})
    if action == "start":
        if fields.get("plan"):
            problem.plan = fields["plan"]
        if fields.get("deadline"):
            problem.deadline = fields["deadline"]
        if not problem.plan.strip():
            raise ValidationError({"plan": "开始整改前须填写整改措施"})
    elif action == "rectify":
        effect = str(fields.get("effect") or note or "").strip()
        if not effect:
            raise ValidationError({"effect": "提交整改须说明整改成效"})
        problem.effect = effect
        problem.rectified_by, problem.rectified_at = _user(actor), now
    elif action == "verify":
        problem.verified_by, problem.verified_at, problem.verification_note = _user(actor), now, note
    elif action == "reject":
        if not note.strip():
            raise ValidationError({"note": "核验不通过须写明原因"})
        problem.verification_note = note
    elif action == "close":
        problem.closed_at = now
    elif action == "reopen":
        if not note.strip():
            raise ValidationError({"note": "重新打开须写明原因"})
        problem.reopen_count += 1
        problem.verified_by = problem.rectified_by = None
        problem.verified_at = problem.rectified_at = problem.closed_at = None
        problem.escalation, problem.escalated_at = Escalation.NONE, None
    old = problem.state
    problem.state = target
    _as_actor(problem, actor)
    problem._change_reason = f"{label}：{note}"[:100]  # type: ignore[attr-defined]
    problem.save()
    ProblemEvent.objects.create(problem=problem, action=action, from_state=old, to_state=target,
                                actor=_user(actor), note=note)
    return problem


@transaction.atomic
def update_problem(*, actor: Actor, problem: Problem, **changes: Any) -> Problem:
    """Change owner, unit, deadline or plan of an unresolved problem (writers of the area only;
    an owner does not move their own deadline)."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not can_write_area(actor, problem.area_id):  # the SystemActor writes everywhere
        raise PermissionDenied("只有本区划的县、乡、村工作人员可以调整问题的责任和时限")
    if problem.state not in (S.OPEN, S.RECTIFYING):
        raise ValidationError({"state": "问题已整改，不能再修改责任和时限；如需调整请重新打开"})
    owner_errors: dict[str, list[str]] = {}
    _check_owner(changes.get("owner"), problem.area_id, owner_errors)
    if owner_errors:
        raise ValidationError(owner_errors)
    for k in ("responsible_unit", "owner", "owner_name", "deadline", "plan", "category"):
        if k in changes:
            setattr(problem, k, changes[k])
    if problem.deadline and problem.deadline < problem.found_on:
        raise ValidationError({"deadline": "整改时限不能早于发现日期"})
    _as_actor(problem, actor)
    problem.save()
    ProblemEvent.objects.create(problem=problem, action="update", from_state=problem.state,
                                to_state=problem.state, actor=_user(actor), note="调整责任/时限")
    return problem


@transaction.atomic
def add_evidence(*, actor: Actor, problem: Problem, upload: Any, note: str = "") -> Evidence:
    if not can_handle(actor, problem) and not can_check(actor, problem):
        raise PermissionDenied("您不能为该问题上传佐证材料")
    checked = check_upload(upload, photos_only=False, field="file")
    ev = Evidence(problem=problem, file=checked.file, name=checked.name, content_type=checked.content_type,
                  size=checked.size, sha256=checked.sha256, note=note, uploaded_by=_user(actor))
    _as_actor(ev, actor)
    ev.save()
    return ev


@transaction.atomic
def escalate_overdue(*, day: dt.date | None = None, area: str = "") -> dict[str, int]:
    """Set-based: unresolved problems past their deadline go to the township; still overdue
    COUNTY_AFTER_DAYS later they go to the county. Returns counts per level."""
    day = day or timezone.localdate()
    now = timezone.now()
    base = Problem.objects.unresolved()
    if area:
        base = base.in_area(area)
    to_county = base.filter(escalation=Escalation.TOWNSHIP,
                            deadline__lt=day - dt.timedelta(days=COUNTY_AFTER_DAYS))
    county_ids = list(to_county.values_list("pk", flat=True))
    to_township = base.filter(escalation=Escalation.NONE, deadline__lt=day)
    township_ids = list(to_township.values_list("pk", flat=True))
    Problem.objects.filter(pk__in=county_ids).update(escalation=Escalation.COUNTY, escalated_at=now)
    Problem.objects.filter(pk__in=township_ids).update(escalation=Escalation.TOWNSHIP, escalated_at=now)
    ProblemEvent.objects.bulk_create(
        [ProblemEvent(problem_id=i, action="escalate", note="逾期未整改，升级至区县") for i in county_ids]
        + [ProblemEvent(problem_id=i, action="escalate", note="逾期未整改，升级至乡镇") for i in township_ids])
    return {"township": len(township_ids), "county": len(county_ids)}
