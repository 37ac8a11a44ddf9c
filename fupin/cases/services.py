"""Business actions on cases. Views, the API, commands and jobs call these; nothing else
writes case state.

The state machine (workflow.py) is enforced here: who may act on which step (role and
area scope), maker ≠ checker on approval steps, what each step needs (verifiers,
attachments, a notice that has run its days with every objection answered), optimistic
concurrency (the caller sends the version it saw; the row is locked and the version
checked), and the household status changes, which go through the registry's
`change_status` so the household's status timeline shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user
from fupin.accounts.scope import area_in_scope
from fupin.registry.choices import HouseholdType, MonitoringType, RiskType
from fupin.registry.models import Household
from fupin.registry.services import change_status

from . import attachments as files
from . import leads as lead_service
from .choices import Action, CaseKind, CaseStatus, Channel, EliminationMode
from .criteria import (
    NO_LABOUR_MESSAGE,
    elimination_criteria,
    has_no_labour,
    unmet,
)
from .deadlines import deadline_state, local_day, procedure_due, settings_for, step_due
from .models import Case, CaseSettings, Lead, Objection, Step
from .workflow import (
    ALL_STEPS,
    StepDef,
    first_step,
    identification_days,
    next_step,
    previous_step,
)

ROLE_LABELS = policy.ROLE_LABELS
MONITORING_LABELS = dict(MonitoringType.choices)
RISK_VALUES = {v for v, _label in RiskType.choices}
DONE = "done"


# ---------------------------------------------------------------- helpers

def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _as_actor(obj: Any, actor: Actor) -> None:
    user = history_user(actor)
    if user is not None:
        obj._history_user = user


def _user(actor: Actor) -> Any:
    return history_user(actor)


def _require_scope(actor: Actor, household: Household) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not area_in_scope(actor, household.area_id):
        raise PermissionDenied(f"农户 {household.household_no} 不在您的管辖范围内")
    if not actor.is_writer:
        raise PermissionDenied("您的角色只能查看，不能办理识别和消除")


def role_names(roles: Iterable[str]) -> str:
    return policy.role_names(roles)


def check_role(actor: Actor, step: StepDef) -> None:
    role = str(getattr(actor, "role", ""))
    policy.require(actor, step.action, message=f"“{step.label}”环节须由{role_names(step.roles)}办理，"
                                               f"您的角色是{ROLE_LABELS.get(role, role)}")


def _clean_risks(main_risk: str, other_risks: Sequence[str] | None) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    others = [r for r in (other_risks or []) if r]
    if main_risk and main_risk not in RISK_VALUES:
        errors["main_risk"] = [f"主要风险类型“{main_risk}”不在风险类型代码表中"]
    bad = [r for r in others if r not in RISK_VALUES]
    if bad:
        errors["other_risks"] = [f"风险类型“{'、'.join(bad)}”不在风险类型代码表中"]
    elif main_risk and main_risk in others:
        errors["other_risks"] = ["其他风险类型不应重复主要风险类型"]
    if errors:
        raise ValidationError(errors)
    return main_risk, list(dict.fromkeys(others))


def check_monitoring_type(household: Household, monitoring_type: str) -> None:
    """The household type must fit the monitoring type (MECHANISM.md §1.2)."""
    if not monitoring_type:
        return
    if monitoring_type not in MONITORING_LABELS:
        raise ValidationError({"monitoring_type": f"监测对象类型“{monitoring_type}”无效"})
    kind = household.get_household_type_display()
    if monitoring_type == MonitoringType.UNSTABLE and household.household_type != HouseholdType.LIFTED:
        raise ValidationError({"monitoring_type": f"脱贫不稳定户须为已脱贫的建档立卡户（脱贫户），该户是{kind}"})
    if monitoring_type == MonitoringType.EDGE and household.household_type != HouseholdType.ORDINARY:
        raise ValidationError({"monitoring_type": f"边缘易致贫户须为一般农户（非建档立卡户），该户是{kind}"})


def _enter_step(case: Case, step: StepDef | None, now: dt.datetime, cfg: CaseSettings) -> None:
    case.step_started_at = now
    if step is None:
        case.step = DONE
        case.step_due = None
        return
    case.step = step.code
    case.step_due = step_due(cfg, step.code, now)


def _refresh_deadline(case: Case, now: dt.datetime, cfg: CaseSettings) -> None:
    case.overdue, case.escalation = deadline_state(case, local_day(now), cfg)
    if case.overdue and not case.overdue_since:
        case.overdue_since = local_day(now)
    if not case.overdue:
        case.overdue_since = None


def _record(case: Case, *, actor: Actor, action: str, step_code: str, comment: str,
            data: Mapping[str, Any], now: dt.datetime) -> Step:
    seq = (case.steps.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    due = case.step_due if step_code == case.step else None
    step = Step(case=case, seq=seq, step=step_code, action=action, actor=_user(actor),
                actor_role=getattr(actor, "role", "") or "", acted_at=now, comment=comment,
                data=dict(data), started_at=case.step_started_at if step_code == case.step else now,
                due=due, was_overdue=bool(due and local_day(now) > due))
    _as_actor(step, actor)
    step.save()
    return step


def _open_case(case_for: Household) -> Case | None:
    return Case.objects.filter(household=case_for, status=CaseStatus.OPEN).first()


def _json_safe(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dt.date):
            out[k] = v.isoformat()
        elif isinstance(v, Decimal):
            out[k] = str(v)
        elif isinstance(v, (list, tuple)):
            out[k] = [str(x) for x in v]
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------- opening

@transaction.atomic
def open_identification(*, actor: Actor, household: Household, channel: str, lead: str,
                        warning_id: int | None = None, help_first: bool = False,
                        monitoring_type: str = "", main_risk: str = "",
                        other_risks: Sequence[str] | None = None,
                        lead_id: int | None = None, found_on: dt.date | None = None,
                        now: dt.datetime | None = None) -> Case:
    """Open an identification (识别纳入) case from a lead; the village reviews it first.

    The 15-day clock runs from the day the lead was found (the lead's `found_on`, the
    warning's date, or `found_on`), not from today (MECHANISM §5.1)."""
    now = _now(now)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_scope(actor, household)
    policy.require(actor, "cases.open_lead", message="只有村、乡镇、县级工作人员可以登记识别线索")
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [f"线索来源“{channel}”无效"]
    if not str(lead or "").strip():
        errors["lead"] = ["请填写线索说明（发现了什么风险）"]
    if channel == Channel.WARNING and not warning_id:
        errors["warning"] = ["来源为监测预警时须关联预警编号"]
    if household.monitoring_type and not household.risk_eliminated:
        errors["household"] = [f"该户已是监测对象（{MONITORING_LABELS[household.monitoring_type]}，"
                               "风险未消除），无需重复识别"]
    current = _open_case(household)
    if current is not None:
        errors["household"] = [f"该户已有办理中的{current.get_kind_display()}案件 #{current.pk}"
                               f"（{current.step_label}），请勿重复立案"]
    if warning_id and "warning" not in errors:
        from fupin.monitoring.models import Warning
        if not Warning.objects.visible_to(actor).filter(pk=warning_id, household=household).exists():
            errors["warning"] = [f"预警 #{warning_id} 不存在、不属于该户或不在您的管辖范围内"]
    source_lead = None
    if lead_id:
        source_lead = Lead.objects.visible_to(actor).filter(pk=lead_id, household=household).first()
        if source_lead is None:
            errors["lead_id"] = [f"线索 #{lead_id} 不存在、不属于该户或不在您的管辖范围内"]
    warning = None
    if warning_id and "warning" not in errors:
        from fupin.monitoring.models import Warning
        warning = Warning.objects.filter(pk=warning_id).first()
    day = lead_service.found_day(lead=source_lead, warning=warning, given=found_on,
                                 today=local_day(now))
    if day > local_day(now):
        errors["found_on"] = [f"线索发现日期 {day:%Y-%m-%d} 晚于今天"]
    if errors:
        raise ValidationError(errors)
    check_monitoring_type(household, monitoring_type)
    main_risk, others = _clean_risks(main_risk, other_risks)
    last = None
    if household.risk_eliminated:  # 风险再标注: a new risk after elimination
        last = Case.objects.filter(household=household, kind=CaseKind.ELIMINATION,
                                   status=CaseStatus.APPROVED).order_by("-closed_at").first()
    cfg = settings_for(household.area_id)
    case = Case(kind=CaseKind.IDENTIFICATION, household=household, channel=channel,
                lead=str(lead).strip(), source_warning_id=warning_id or None,
                source_lead=source_lead, found_on=day,
                help_first=bool(help_first), monitoring_type=monitoring_type,
                main_risk=main_risk, other_risks=others, opened_by=_user(actor), opened_at=now,
                reflag_of=last, due_date=procedure_due(cfg, CaseKind.IDENTIFICATION, now, found_on=day))
    _enter_step(case, first_step(CaseKind.IDENTIFICATION), now, cfg)
    _as_actor(case, actor)
    case.save()
    _record(case, actor=actor, action=Action.OPEN, step_code=case.step, comment=case.lead,
            data={"channel": channel, "warning_id": warning_id, "help_first": bool(help_first),
                  "reflag_of": last.pk if last else None, "lead_id": source_lead.pk if source_lead else None,
                  "found_on": day.isoformat()}, now=now)
    if source_lead is not None:
        lead_service.attach(case, source_lead)
    return case


@transaction.atomic
def open_elimination(*, actor: Actor, household: Household, mode: str, lead: str = "",
                     line: Decimal | None = None, now: dt.datetime | None = None) -> Case:
    """Propose risk elimination (风险消除) for a monitored household; criteria are checked
    and kept on the case. A household without labour capacity is refused."""
    now = _now(now)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_scope(actor, household)
    check_role(actor, ALL_STEPS["elim_visit"])
    errors: dict[str, list[str]] = {}
    if mode not in EliminationMode.values:
        errors["mode"] = ["请选择消除方式：帮扶消除或自然消除"]
    if not household.monitoring_type:
        errors["household"] = ["该户不是监测对象，无需风险消除"]
    elif household.risk_eliminated:
        errors["household"] = [f"该户风险已于 {household.risk_eliminated_on or '此前'} 消除"]
    current = _open_case(household)
    if current is not None:
        errors["household"] = [f"该户已有办理中的{current.get_kind_display()}案件 #{current.pk}"
                               f"（{current.step_label}）"]
    if errors:
        raise ValidationError(errors)
    if has_no_labour(household):
        raise ValidationError({"household": [NO_LABOUR_MESSAGE]})
    cfg = settings_for(household.area_id)
    criteria = elimination_criteria(household, local_day(now), line,
                                    stable_months=cfg.elim_stable_months)
    case = Case(kind=CaseKind.ELIMINATION, household=household, channel=Channel.CADRE,
                lead=str(lead or "").strip(), elimination_mode=mode,
                criteria=[c.as_dict() for c in criteria],
                monitoring_type=household.monitoring_type,
                main_risk=(household.risk_types or [""])[0] if household.risk_types else "",
                other_risks=list(household.risk_types[1:]) if household.risk_types else [],
                previous_monitoring_type=household.monitoring_type,
                previous_risk_types=list(household.risk_types or []),
                opened_by=_user(actor), opened_at=now)
    _enter_step(case, first_step(CaseKind.ELIMINATION), now, cfg)
    _as_actor(case, actor)
    case.save()
    _record(case, actor=actor, action=Action.OPEN, step_code=case.step, comment=case.lead,
            data={"mode": mode, "unmet": unmet(criteria)}, now=now)
    return case


# ---------------------------------------------------------------- acting on a step

def _lock(case: Case, step_code: str, version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
    moved = ValidationError(
        f"该案件已被他人办理或已变化（当前环节：{locked.step_label}，"
        f"状态：{locked.get_status_display()}），请刷新页面后再办理", code="stale")
    if locked.status != CaseStatus.OPEN or locked.step != step_code:
        raise moved
    if version is None or int(version) != locked.version:
        raise moved
    return locked


def _check_maker_checker(case: Case, step: StepDef, actor: Actor) -> None:
    if not step.approval:
        return
    prev = previous_step(case.kind, step.code)
    if prev is None:
        return
    maker = (case.steps.filter(step=prev.code, action__in=[Action.SUBMIT, Action.APPROVE])
             .order_by("-seq").values_list("actor_id", flat=True).first())
    if maker is not None and maker == actor.pk:
        raise ValidationError(
            f"您办理了上一环节“{prev.label}”，不能再审核“{step.label}”（审核人与提交人须为不同的人）",
            code="maker_checker")


def _verifiers(data: Mapping[str, Any]) -> list[str]:
    raw = data.get("verifiers") or []
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("、", ",").split(",")
    names = [str(n).strip() for n in raw if str(n).strip()]
    if len(set(names)) < 2:
        raise ValidationError({"verifiers": ["入户核查（核实）须有不少于 2 名核查人员，请填写姓名，用逗号分隔"]})
    return list(dict.fromkeys(names))


def _notice_bounds(case: Case, cfg: CaseSettings) -> tuple[int, int]:
    if case.kind == CaseKind.ELIMINATION:
        return cfg.elim_notice_min_days, cfg.elim_notice_max_days
    return cfg.notice_min_days, 30


def _start_notice(case: Case, data: Mapping[str, Any], today: dt.date, cfg: CaseSettings) -> dict[str, Any]:
    if case.notice_start:
        raise ValidationError({"start": [f"公示已于 {case.notice_start:%Y-%m-%d} 开始"]})
    start = data.get("start") or today
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            raise ValidationError({"start": [f"公示开始日期“{start}”格式应为 YYYY-MM-DD"]}) from None
    low, high = _notice_bounds(case, cfg)
    try:
        days = int(data.get("days") or low)
    except (TypeError, ValueError):
        raise ValidationError({"days": [f"公示天数“{data.get('days')}”不是整数"]}) from None
    errors: dict[str, list[str]] = {}
    opened = local_day(case.opened_at)
    if start > today:
        errors["start"] = [f"公示开始日期 {start:%Y-%m-%d} 晚于今天"]
    elif start < opened:
        errors["start"] = [f"公示开始日期 {start:%Y-%m-%d} 早于立案日期 {opened:%Y-%m-%d}，不能倒签"]
    elif start < today - dt.timedelta(days=3):
        errors["start"] = ["公示开始日期最多补登 3 天前"]
    if not low <= days <= high:
        errors["days"] = [f"公示天数应为 {low}–{high} 天"]
    if errors:
        raise ValidationError(errors)
    case.notice_start = start
    case.notice_end = start + dt.timedelta(days=days - 1)
    case.step_due = case.notice_end + dt.timedelta(days=2)
    return {"start": start.isoformat(), "end": case.notice_end.isoformat(), "days": days}


def _finish_notice(case: Case, today: dt.date) -> None:
    if not case.notice_start or not case.notice_end:
        raise ValidationError("尚未张贴公示，请先登记公示开始日期")
    if today <= case.notice_end:
        raise ValidationError(f"公示期至 {case.notice_end:%Y-%m-%d} 止（含当日），期满后才能结束公示")
    pending = case.objections.filter(step_code=case.step, answer="").count()
    if pending:
        raise ValidationError(f"还有 {pending} 条异议未答复，答复后才能结束公示")
    if case.objections.filter(step_code=case.step, upheld=True).exists():
        raise ValidationError("有异议经核实成立，不能通过公示；请选择“不予通过”并说明理由")


VILLAGE_ELIMINATION_STEPS = ("elim_visit", "elim_appraisal", "elim_notice")


def _check_criteria(case: Case, today: dt.date, line: Decimal | None,
                    cfg: CaseSettings | None = None) -> list[str]:
    """Re-check the elimination criteria (kept on the case); refuse when one fails, unless
    an approver let the case go on with a written reason. Returns the unmet ones."""
    household = case.household
    if has_no_labour(household):
        raise ValidationError(NO_LABOUR_MESSAGE)
    cfg = cfg or settings_for(household.area_id)
    criteria = elimination_criteria(household, today, line,
                                    risks=list(case.previous_risk_types or household.risk_types or []),
                                    stable_months=cfg.elim_stable_months)
    case.criteria = [c.as_dict() for c in criteria]
    missing = unmet(criteria)
    if missing and not case.override_reason:
        raise ValidationError(["风险消除条件未全部满足（未满足的不能进入村级评议和公示；"
                               "确需继续办理的，须由乡镇或县级审核人写明理由批准）：", *missing])
    return missing


@transaction.atomic
def act(*, actor: Actor, case: Case, step: str, action: str, version: int | None,
        comment: str = "", data: Mapping[str, Any] | None = None,
        attachments: Sequence[Any] = (), now: dt.datetime | None = None,
        line: Decimal | None = None) -> Case:
    """Act on the case's current step: pass it (submit/approve), reject the case, or post
    the public notice. `version` is the case version the actor saw."""
    now = _now(now)
    today = local_day(now)
    data = _clean_values(data or {})
    if step not in ALL_STEPS:
        raise ValidationError({"step": [f"环节“{step}”不存在"]})
    definition = ALL_STEPS[step]
    _require_scope(actor, case.household)
    check_role(actor, definition)
    if action not in (Action.SUBMIT, Action.APPROVE, Action.REJECT, Action.START_NOTICE):
        raise ValidationError({"action": [f"操作“{action}”无效"]})
    case = _lock(case, step, version)
    cfg = settings_for(case.household.area_id)
    comment = str(comment or "").strip()
    max_mb = cfg.max_attachment_mb
    for upload in attachments:  # refuse bad files before anything is written
        files.check_upload(upload, max_mb)
    record: dict[str, Any] = {}
    if case.kind == CaseKind.ELIMINATION and step in VILLAGE_ELIMINATION_STEPS \
            and action != Action.REJECT:
        _check_criteria(case, today, line, cfg)
    if action == Action.START_NOTICE:
        if not definition.notice:
            raise ValidationError({"action": [f"“{definition.label}”环节不是公示环节"]})
        record = _start_notice(case, data, today, cfg)
    elif action == Action.REJECT:
        if not definition.can_reject:
            raise ValidationError({"action": [f"“{definition.label}”环节不能作不予通过处理"]})
        if not comment:
            raise ValidationError({"comment": ["不予通过须写明理由"]})
        _check_maker_checker(case, definition, actor)
    else:
        if action != definition.pass_action:
            raise ValidationError({"action": [f"“{definition.label}”环节的操作应为“{definition.pass_label}”"]})
        _check_maker_checker(case, definition, actor)
        record = _pass_checks(case, definition, data, attachments, today, line)
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(version=case.version + 1)
    if not updated:  # belt and braces where the database cannot lock rows
        raise ValidationError("该案件已被他人办理，请刷新页面后再办理", code="stale")
    case.version += 1
    entry = _record(case, actor=actor, action=action, step_code=step, comment=comment,
                    data=_json_safe(record), now=now)
    for upload in attachments:
        files.store(case=case, step=entry, step_code=step, upload=upload, actor=actor, max_mb=max_mb)
    if action == Action.REJECT:
        case.status = CaseStatus.REJECTED
        case.result_reason = f"{definition.label}不予通过：{comment}"
        case.closed_at = now
        _enter_step(case, None, now, cfg)
        if case.kind == CaseKind.IDENTIFICATION:
            lead_service.decide(case, included=False, day=today)
    elif action != Action.START_NOTICE:
        _apply_pass(case, definition, actor, today, now, cfg)
    _refresh_deadline(case, now, cfg)
    _as_actor(case, actor)
    case.save()
    return case


TEXT_VALUES = ("monitoring_type", "main_risk", "start")
LIST_VALUES = ("other_risks", "verifiers")


def _clean_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Shape-check the step's recorded values (they may come straight from JSON)."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in TEXT_VALUES:
            if not isinstance(value, (str, dt.date)):
                errors[key] = ["应为文字"]
                continue
        elif key in LIST_VALUES:
            if isinstance(value, str) and key == "verifiers":
                pass
            elif not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                errors[key] = ["应为文字列表"]
                continue
        elif key == "days":
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                errors[key] = ["应为整数"]
                continue
        else:
            errors[key] = [f"本环节不记录“{key}”"]
            continue
        out[key] = value
    if errors:
        raise ValidationError(errors)
    return out


def _pass_checks(case: Case, step: StepDef, data: Mapping[str, Any], uploads: Sequence[Any],
                 today: dt.date, line: Decimal | None) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if "verifiers" in step.fields:
        record["verifiers"] = _verifiers(data)
    if step.needs_attachment and not uploads and not case.attachments.filter(
            step_code=step.code).exists():
        raise ValidationError({"attachments": [f"请上传{step.needs_attachment}"]})
    if step.notice:
        _finish_notice(case, today)
    if step.code == "county_approval":
        mtype = data.get("monitoring_type") or case.monitoring_type
        main = data.get("main_risk") or case.main_risk
        others = data.get("other_risks") if data.get("other_risks") is not None else case.other_risks
        errors: dict[str, list[str]] = {}
        if not mtype:
            errors["monitoring_type"] = ["请确定监测对象类型"]
        if not main:
            errors["main_risk"] = ["请确定主要风险类型"]
        if errors:
            raise ValidationError(errors)
        check_monitoring_type(case.household, mtype)
        main, others = _clean_risks(main, others)
        case.monitoring_type, case.main_risk, case.other_risks = mtype, main, others
        record.update(monitoring_type=mtype, main_risk=main, other_risks=others)
    if step.code in ("township_acceptance", "county_confirmation"):
        missing = _check_criteria(case, today, line)
        record["criteria_met"] = not missing
        if missing:
            record["override_reason"] = case.override_reason
    return record


def _apply_pass(case: Case, step: StepDef, actor: Actor, today: dt.date, now: dt.datetime,
                cfg: CaseSettings) -> None:
    household = case.household
    if step.code == "county_approval":
        what = "风险再标注" if case.reflag_of_id else "识别纳入监测对象"
        change_status(actor=actor, household=household, effective=today,
                      reason=f"{what}（案件 #{case.pk}）", procedure="identification",
                      monitoring_type=case.monitoring_type, risk_types=case.risk_types,
                      risk_identified_on=today, risk_identified_case=case.pk,
                      risk_eliminated=False, risk_eliminated_on=None, risk_eliminated_case=None)
        case.decided_on = today
        lead_service.decide(case, included=True, day=today)
    if step.code == "county_confirmation":
        # The record is kept (MECHANISM §5.3): the household stays a monitored household,
        # marked 风险已消除, with the date and the case.
        mode = case.get_elimination_mode_display()
        change_status(actor=actor, household=household, effective=today,
                      reason=f"风险消除（{mode}，案件 #{case.pk}）", procedure="elimination",
                      risk_eliminated=True, risk_eliminated_on=today, risk_eliminated_case=case.pk)
        case.decided_on = today
    following = next_step(case.kind, step.code)
    _enter_step(case, following, now, cfg)
    if following is None:
        case.status = CaseStatus.APPROVED
        case.closed_at = now
        case.result_reason = ("已识别纳入监测对象" if case.kind == CaseKind.IDENTIFICATION
                              else f"已标注风险消除（{case.get_elimination_mode_display()}）")


# ---------------------------------------------------------------- criteria override

@transaction.atomic
def override_criteria(*, actor: Actor, case: Case, reason: str, version: int | None,
                      now: dt.datetime | None = None) -> Case:
    """An approver (township staff or county admin, not the case's maker) lets an
    elimination case whose criteria fail go on, with a written reason that is kept on the
    case and shown with the criteria."""
    now = _now(now)
    case = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
    _require_scope(actor, case.household)
    policy.require(actor, "cases.override_criteria",
                   message="只有乡镇或县级审核人可以批准条件未满足的案件继续办理")
    if version is None or int(version) != case.version:
        raise ValidationError("该案件已被他人办理或已变化，请刷新页面后再办理", code="stale")
    if case.kind != CaseKind.ELIMINATION or not case.is_open:
        raise ValidationError("只有办理中的风险消除案件需要此批准")
    if case.opened_by_id and case.opened_by_id == actor.pk:
        raise ValidationError("提出风险消除的人不能批准自己的案件继续办理", code="maker_checker")
    reason = str(reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": ["请写明条件未满足仍须办理的理由（不少于 10 个字）"]})
    cfg = settings_for(case.household.area_id)
    criteria = elimination_criteria(case.household, local_day(now),
                                    risks=list(case.previous_risk_types or []),
                                    stable_months=cfg.elim_stable_months)
    case.criteria = [c.as_dict() for c in criteria]
    missing = unmet(criteria)
    if not missing:
        raise ValidationError("风险消除条件已全部满足，无需批准")
    case.override_reason = reason
    case.override_by = _user(actor)
    case.override_at = now
    case.version += 1
    _record(case, actor=actor, action=Action.OVERRIDE, step_code=case.step, comment=reason,
            data={"unmet": missing}, now=now)
    _as_actor(case, actor)
    case.save()
    return case


# ---------------------------------------------------------------- objections

@transaction.atomic
def record_objection(*, actor: Actor, case: Case, content: str, raised_by: str = "",
                     raised_on: dt.date | None = None) -> Objection:
    case = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
    _require_scope(actor, case.household)
    definition = ALL_STEPS.get(case.step)
    if not case.is_open or definition is None or not definition.notice or not case.notice_start:
        raise ValidationError("只有公示期间才能登记异议")
    check_role(actor, definition)
    day = raised_on or local_day()
    if not str(content or "").strip():
        raise ValidationError({"content": ["请填写异议内容"]})
    if day < case.notice_start or day > local_day():
        raise ValidationError({"raised_on": [f"异议提出日期应在公示开始（{case.notice_start:%Y-%m-%d}）至今天之间"]})
    objection = Objection(case=case, step_code=case.step, raised_on=day,
                          raised_by=str(raised_by or "").strip()[:100], content=content.strip(),
                          recorded_by=_user(actor))
    _as_actor(objection, actor)
    objection.save()
    return objection


@transaction.atomic
def answer_objection(*, actor: Actor, objection: Objection, answer: str, upheld: bool) -> Objection:
    objection = Objection.objects.select_for_update().select_related("case__household").get(
        pk=objection.pk)
    case = objection.case
    _require_scope(actor, case.household)
    check_role(actor, ALL_STEPS[objection.step_code])
    if not case.is_open or case.step != objection.step_code:
        raise ValidationError("公示环节已结束，不能再答复该异议")
    if objection.answer:
        raise ValidationError("该异议已答复")
    if not str(answer or "").strip():
        raise ValidationError({"answer": ["请填写答复（核实情况）"]})
    objection.answer = answer.strip()
    objection.upheld = bool(upheld)
    objection.answered_by = _user(actor)
    objection.answered_at = timezone.now()
    _as_actor(objection, actor)
    objection.save()
    return objection


# ---------------------------------------------------------------- after elimination

@transaction.atomic
def rollback_elimination(*, actor: Actor, case: Case, reason: str,
                         now: dt.datetime | None = None) -> Case:
    """风险消除回退: a re-assessment shows the household still needs monitoring; it returns
    to the monitoring type it had, and the whole record stays."""
    now = _now(now)
    case = Case.objects.select_for_update().select_related("household").get(pk=case.pk)
    household = case.household
    _require_scope(actor, household)
    policy.require(actor, "cases.rollback", message="风险消除回退须由县级管理员办理")
    if case.kind != CaseKind.ELIMINATION or case.status != CaseStatus.APPROVED:
        raise ValidationError("只有已办结的风险消除案件才能回退")
    if not household.risk_eliminated:
        raise ValidationError("该户当前风险未消除，无需回退")
    if _open_case(household) is not None:
        raise ValidationError("该户有办理中的案件，不能回退")
    later = Case.objects.filter(household=household, opened_at__gt=case.opened_at).exists()
    if later:
        raise ValidationError("该户在此之后已有新的识别或消除案件，不能回退此案件")
    if not str(reason or "").strip():
        raise ValidationError({"reason": ["请写明回退理由"]})
    change_status(actor=actor, household=household, effective=local_day(now),
                  reason=f"风险消除回退（案件 #{case.pk}）：{reason.strip()}"[:200],
                  procedure="rollback",
                  monitoring_type=case.previous_monitoring_type or household.monitoring_type
                  or MonitoringType.SUDDEN,
                  risk_types=case.previous_risk_types, risk_eliminated=False,
                  risk_eliminated_on=None, risk_eliminated_case=None)
    case.status = CaseStatus.ROLLED_BACK
    case.result_reason = f"风险消除回退：{reason.strip()}"
    case.version += 1
    _record(case, actor=actor, action=Action.ROLLBACK, step_code=DONE, comment=reason.strip(),
            data={}, now=now)
    _as_actor(case, actor)
    case.save()
    return case


# ---------------------------------------------------------------- settings

SETTING_FIELDS = ("identification_total_days", "notice_min_days", "elim_notice_min_days",
                  "elim_notice_max_days", "township_escalation_days", "county_escalation_days",
                  "max_attachment_mb", "elim_stable_months")


@transaction.atomic
def save_settings(*, actor: Actor, county_code: str, values: Mapping[str, Any],
                  step_days: Mapping[str, int] | None = None) -> CaseSettings:
    county_code = str(county_code)[:6]
    policy.require(actor, "cases.settings_edit", area_code=county_code,
                   message="时限设置须由本县县级管理员修改")
    cfg = CaseSettings.objects.select_for_update().filter(county_code=county_code).first() \
        or CaseSettings(county_code=county_code)
    for name in SETTING_FIELDS:
        if name in values and values[name] is not None:
            setattr(cfg, name, values[name])
    if step_days is not None:
        errors = {f"step_{code}": [f"“{ALL_STEPS[code].label}”时限应为 1–60 天"]
                  for code, days in step_days.items()
                  if code in ALL_STEPS and not 1 <= int(days) <= 60}
        if errors:
            raise ValidationError(errors)
        cfg.step_days = {code: int(days) for code, days in step_days.items() if code in ALL_STEPS}
    cfg.full_clean()
    if cfg.county_escalation_days < cfg.township_escalation_days:
        raise ValidationError({"county_escalation_days": ["上报县级的天数不能少于上报乡镇的天数"]})
    if cfg.elim_notice_max_days < cfg.elim_notice_min_days:
        raise ValidationError({"elim_notice_max_days": ["消除公示最多天数不能少于最少天数"]})
    total = identification_days(cfg.step_days)
    if total > cfg.identification_total_days:
        raise ValidationError({"identification_total_days": [
            f"识别纳入各环节时限合计 {total} 天，超过总时限 {cfg.identification_total_days} 天；"
            "各环节时限之和不得超过总时限（MECHANISM §5.1：发现线索至认定不超过 15 天）"]})
    if cfg.notice_min_days + 1 > cfg.days_for("notice"):
        raise ValidationError({"step_notice": [
            f"“村内公示”环节时限 {cfg.days_for('notice')} 天，容不下最少 {cfg.notice_min_days} 天的公示"]})
    _as_actor(cfg, actor)
    cfg.save()
    return cfg


# ---------------------------------------------------------------- what a user may do

def blockers(user: Any, case: Case) -> list[str]:
    """Why `user` cannot act on the case's current step (empty: they can)."""
    step = ALL_STEPS.get(case.step)
    if not case.is_open or step is None:
        return ["案件已办结"]
    try:
        _require_scope(user, case.household)
        check_role(user, step)
    except PermissionDenied as exc:
        return [str(exc)]
    reasons = []
    if step.approval:
        try:
            _check_maker_checker(case, step, user)
        except ValidationError as exc:
            reasons.extend(exc.messages)
    return reasons
