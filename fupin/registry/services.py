"""Business actions on the registry. Views, API, imports, commands and jobs call these;
nothing else writes registry state.

Every action takes the acting user, checks scope, validates with Chinese messages, writes
inside one transaction (nothing half-written) and records who did it in history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.accounts.actors import SYSTEM, Actor, check_actor, history_user, is_system
from fupin.accounts.scope import area_in_scope, can_write_area
from fupin.areas.models import Area, AreaLevel
from fupin.core.privacy import OUTSIDE_SCOPE

from . import resident_id as rid
from . import rules as household_rules
from .bulk.statuses import STATUS_SCHEMA
from .choices import (
    JOINING_EVENTS,
    LEAVING_EVENTS,
    AssessmentKind,
    HouseholdType,
    MemberEventKind,
    MemberStatus,
    Relation,
)
from .models import Assessment, Household, Income, Member, MemberEvent
from .names import SURNAME_PINYIN, pinyin_of  # noqa: F401  (re-exported)
from .signals import notify_changed

HOUSEHOLD_FIELDS = (
    "household_no", "area", "group", "address", "phone", "bank_account", "household_type",
    "exit_year", "welfare_status", "monitoring_type", "main_cause", "other_causes", "risk_types",
    "housing_grade", "water_safe", "identified_on", "relocated", "covid_confirmed",
    "food_secure", "clothing_secure",
)
STATUS_FIELDS = ("household_type", "exit_year", "welfare_status", "monitoring_type",
                 "risk_eliminated")
# The monitoring record (MECHANISM §5.3): written only by the procedures through
# `change_status`, never by a form, the API or a ledger row (see `procedure_fields_changed`).
RECORD_FIELDS = ("risk_identified_on", "risk_eliminated", "risk_eliminated_on",
                 "risk_identified_case", "risk_eliminated_case")
# Fields only a procedure changes: identification, elimination, rollback, re-flag (and, for the
# household type, the exit procedure). MECHANISM §5.1/§5.3.
PROCEDURE_FIELDS = ("household_type", "exit_year", "monitoring_type", "risk_types", *RECORD_FIELDS)
PROCEDURE_MESSAGES = {
    "household_type": "户类型只能通过程序变更（脱贫户、未脱贫户来自建档立卡历史数据导入），不能直接修改",
    "exit_year": "脱贫年度随户类型由程序确定，不能直接修改",
    "monitoring_type": "监测对象类型只能通过识别纳入、风险消除、风险消除回退或风险再标注程序变更，"
                       "不能直接修改；请在“识别/消除”中办理",
    "risk_types": "风险类型由识别纳入的县级审定确定，不能直接修改",
}
MEMBER_FIELDS = (
    "name", "resident_id", "relation_to_head", "ethnicity", "education", "schooling",
    "chronic_illness", "serious_illness", "disabled", "disability_grade", "labour", "employment",
    "months_worked", "medical_insurance", "critical_illness_insurance", "pension_insurance",
    "phone", "joined_on", "school_exempt", "family_doctor", "chronic_card",
)
INCOME_FIELDS = household_rules.INCOME_FIELDS


# ---------------------------------------------------------------- helpers

def _as_actor(obj: Any, actor: Actor) -> None:
    """Tell django-simple-history who made this change (works outside requests too)."""
    user = history_user(actor)
    if user is not None:
        obj._history_user = user


def _require_write(actor: Actor, area_code: str, what: str = "area") -> None:
    check_actor(actor)
    if is_system(actor):  # jobs, the demo, the ledger import: recorded as the system
        return
    if not can_write_area(actor, area_code):
        if area_in_scope(actor, area_code):
            raise PermissionDenied("您的角色只能查看，不能修改建档立卡数据")
        raise ValidationError({what: f"区划 {area_code} 不在您的管辖范围内"})


def _notify(household_ids: Iterable[int], reason: str) -> None:
    notify_changed(household_ids, reason)


def today() -> dt.date:
    return timezone.localdate()


def village(code: str) -> Area:
    code = str(code or "").strip()
    try:
        area = Area.objects.get(code=code)
    except Area.DoesNotExist:
        raise ValidationError({"area": f"村(社区)代码“{code}”不存在"}) from None
    if area.level != AreaLevel.VILLAGE:
        raise ValidationError({"area": f"“{area.name}（{code}）”不是村(社区)，户须落在村一级"})
    return area


def validate_household_rules(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Cross-field rules of a household (LEDGER.md), as field -> Chinese messages: the
    rules of `fupin.registry.rules`, the same the bulk path checks."""
    return household_rules.check_household(data)


def validate_member_rules(data: Mapping[str, Any], *, exclude_member: int | None = None,
                          check_unique: bool = True, actor: Actor = SYSTEM) -> dict[str, list[str]]:
    errors = household_rules.check_member(data)
    try:
        parsed = rid.parse(data.get("resident_id"))
    except ValidationError as exc:
        errors.setdefault("resident_id", []).extend(exc.messages)
        parsed = None
    if parsed and check_unique:
        clash = Member.objects.filter(resident_id=parsed.number, status=MemberStatus.ACTIVE)
        if exclude_member:
            clash = clash.exclude(pk=exclude_member)
        other = clash.select_related("household").first()
        if other and not area_in_scope(actor, other.household.area_id):
            # Outside the user's scope: that the person is registered, never where.
            errors.setdefault("resident_id", []).append(
                f"身份证号 {rid.mask(parsed.number)} {OUTSIDE_SCOPE}；一个人同一时间只能在一户")
        elif other:
            errors.setdefault("resident_id", []).append(
                f"身份证号 {rid.mask(parsed.number)} 已登记在户 {other.household.household_no}，"
                "一个人同一时间只能在一户")
    return errors


def procedure_fields_changed(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors for every procedure-only field that `changes` would change (field -> message)."""
    errors: dict[str, list[str]] = {}
    for field in PROCEDURE_FIELDS:
        if field not in changes:
            continue
        new, old = changes[field], current.get(field)
        if field == "risk_types":
            new, old = list(new or []), list(old or [])
        elif field in ("monitoring_type", "household_type"):
            new, old = new or "", old or ""
        if new != old:
            errors[field] = [PROCEDURE_MESSAGES.get(field, "监测记录只能由识别、消除程序写入")]
    return errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _member_defaults(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in MEMBER_FIELDS if k in data}
    parsed = rid.parse(values["resident_id"])
    values["resident_id"] = parsed.number
    values["sex"] = parsed.sex
    values["birth_date"] = parsed.birth_date
    values["name"] = str(values["name"]).strip()
    values["name_pinyin"], values["name_initials"] = pinyin_of(values["name"])
    return values


def _sync_head(household: Household) -> None:
    head = household.members.filter(status=MemberStatus.ACTIVE,
                                     relation_to_head=Relation.HEAD).first()
    name = head.name if head else ""
    initials = head.name_initials if head else ""
    if (household.head_name, household.head_initials) != (name, initials):
        Household.objects.filter(pk=household.pk).update(head_name=name, head_initials=initials)
        household.head_name, household.head_initials = name, initials


def check_one_head(household: Household) -> None:
    heads = household.members.filter(status=MemberStatus.ACTIVE,
                                     relation_to_head=Relation.HEAD).count()
    active = household.members.filter(status=MemberStatus.ACTIVE).count()
    if active and heads != 1:
        raise ValidationError({"relation_to_head": (
            f"户 {household.household_no} 应有且只有一位户主，现有 {heads} 位")})


# ---------------------------------------------------------------- households

def _taken_no(actor: Actor, no: str) -> str:
    area = Household.objects.filter(household_no=no).values_list("area_id", flat=True).first()
    if area is not None and not area_in_scope(actor, area):
        return f"户编号 {no} {OUTSIDE_SCOPE}"
    return f"户编号 {no} 已存在"


@transaction.atomic
def create_household(*, actor: Actor, data: Mapping[str, Any],
                     members: Sequence[Mapping[str, Any]], effective: dt.date | None = None,
                     reason: str = "新建档", history: bool = False) -> Household:
    """Create a household with its members; refused whole on any error.

    A user creates ordinary, unmonitored households; a registered type or a monitoring
    status comes only from a procedure or from loading history (`history=True`: the
    baseline ledger import, the demo, system actions)."""
    area = data["area"] if isinstance(data.get("area"), Area) else village(data.get("area", ""))
    _require_write(actor, area.code)
    errors = household_rules.check_household(data, members)
    if not (history or is_system(actor)):
        blank = {"household_type": HouseholdType.ORDINARY, "monitoring_type": "", "risk_types": []}
        errors.update(procedure_fields_changed(blank, {k: data[k] for k in blank if k in data}))
    no = str(data.get("household_no") or "").strip()
    if not no:
        errors.setdefault("household_no", []).append("户编号不能为空")
    elif Household.objects.filter(household_no=no).exists():
        errors.setdefault("household_no", []).append(_taken_no(actor, no))
    seen: set[str] = set()
    for i, m in enumerate(members, start=1):
        for field, msgs in validate_member_rules(m, actor=actor).items():
            errors.setdefault(f"members[{i}].{field}", []).extend(msgs)
        number = rid.normalize(m.get("resident_id"))
        if number in seen:
            errors.setdefault(f"members[{i}].resident_id", []).append(
                f"身份证号 {rid.mask(number)} 在本户中重复")
        seen.add(number)
    _raise(errors)
    values = {k: data[k] for k in HOUSEHOLD_FIELDS if k in data and k != "area"}
    values["household_no"] = no
    household = Household(area=area, **values)
    household.full_clean(exclude=["head_name", "head_initials"])
    rows = [_member_defaults(m) for m in members]
    head = next((r for r in rows if r.get("relation_to_head") == Relation.HEAD), None)
    household.head_name = head["name"] if head else ""
    household.head_initials = head["name_initials"] if head else ""
    _as_actor(household, actor)
    household._change_reason = reason  # type: ignore[attr-defined]
    household.save()
    for values in rows:
        member = Member(household=household, **values)
        _as_actor(member, actor)
        member._change_reason = reason  # type: ignore[attr-defined]
        member.save()
    _sync_head(household)
    _open_status(household, effective or household.identified_on or today(), reason, actor)
    _notify([household.pk], "create_household")
    return household


@transaction.atomic
def update_household(*, actor: Actor, household: Household, changes: Mapping[str, Any],
                     effective: dt.date | None = None, reason: str = "",
                     procedure: str = "") -> Household:
    """Change household fields; a change of classification opens a new status period.

    The household type, monitoring type, risk types and the monitoring record change only
    through a procedure (`change_status`, which names it in `procedure`); anything else
    that would change them is refused with the field named."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_write(actor, household.area_id)
    if not procedure:
        _raise(procedure_fields_changed(
            {f: getattr(household, f) for f in PROCEDURE_FIELDS}, changes))
    if "area" in changes:
        new_area = changes["area"] if isinstance(changes["area"], Area) else village(changes["area"])
        if not can_write_area(actor, new_area.code):
            raise ValidationError({"area": f"不能把户迁入管辖范围以外的 {new_area.name}（{new_area.code}）"})
        changes = {**changes, "area": new_area}
    merged = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS if f != "area"}
    merged.update({k: v for k, v in changes.items() if k != "area"})
    errors = validate_household_rules(merged)
    no = merged.get("household_no")
    if no != household.household_no and Household.objects.filter(household_no=no).exists():
        errors.setdefault("household_no", []).append(_taken_no(actor, str(no)))
    _raise(errors)
    old_status = {f: getattr(household, f) for f in STATUS_FIELDS}
    for k, v in changes.items():
        if k in HOUSEHOLD_FIELDS or (procedure and k in RECORD_FIELDS):
            setattr(household, k, v)
    household.full_clean(exclude=["head_name", "head_initials"])
    _as_actor(household, actor)
    if reason:
        household._change_reason = reason  # type: ignore[attr-defined]
    household.save()
    new_status = {f: getattr(household, f) for f in STATUS_FIELDS}
    if new_status != old_status:
        _open_status(household, effective or today(), reason or "信息变更", actor)
    _notify([household.pk], "update_household")
    return household


def _open_status(household: Household, day: dt.date, reason: str, actor: Actor) -> None:
    """The household's classification from `day` on: the registry's one status-period
    writer (`bulk.statuses`), with one household."""
    import polars as pl

    from .bulk import HistoryMark, open_status_periods

    user = history_user(actor)
    row = {"household_id": household.pk, **{f: getattr(household, f) for f in STATUS_FIELDS}}
    open_status_periods(pl.DataFrame([row], schema=STATUS_SCHEMA, orient="row"), day=day,
                        reason=reason, history=HistoryMark(user_id=getattr(user, "pk", None),
                                                           reason=reason, when=timezone.now()))


def change_status(*, actor: Actor, household: Household, effective: dt.date, reason: str,
                  procedure: str = "procedure", **fields: Any) -> Household:
    """Reclassify a household from `effective` on (identified, risk eliminated, rolled
    back, re-flagged, lifted): the one way procedures change the status and the monitoring
    record. `procedure` names the procedure (kept in the status reason)."""
    unknown = set(fields) - set(STATUS_FIELDS) - {"risk_types"} - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"not status fields: {unknown}")
    return update_household(actor=actor, household=household, changes=fields, effective=effective,
                            reason=reason, procedure=procedure or "procedure")


@transaction.atomic
def delete_household(*, actor: Actor, household: Household) -> None:
    _require_write(actor, household.area_id)
    pk = household.pk
    _as_actor(household, actor)
    for m in household.members.all():
        _as_actor(m, actor)
        m.delete()
    household.delete()
    _notify([pk], "delete_household")


# ---------------------------------------------------------------- members

@transaction.atomic
def add_member(*, actor: Actor, household: Household, data: Mapping[str, Any],
               event: str = MemberEventKind.MOVED_IN, date: dt.date | None = None,
               note: str = "") -> Member:
    """Add a person to a household (birth, moving in, marrying in, or a correction)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_write(actor, household.area_id)
    errors = validate_member_rules(data, actor=actor)
    if data.get("relation_to_head") == Relation.HEAD and household.active_members().filter(
            relation_to_head=Relation.HEAD).exists():
        errors.setdefault("relation_to_head", []).append("本户已有户主；如需更换户主，请先修改原户主的关系")
    _raise(errors)
    day = date or data.get("joined_on") or today()
    values = _member_defaults({**data, "joined_on": day})
    if event == MemberEventKind.BIRTH and values["birth_date"] != day:
        values["joined_on"] = values["birth_date"]
    member = Member(household=household, **values)
    member.full_clean(exclude=["household"])
    _as_actor(member, actor)
    try:
        member.save()
    except IntegrityError:
        raise ValidationError({"resident_id": "该身份证号已在另一户登记"}) from None
    if event in JOINING_EVENTS:
        ev = MemberEvent(member=member, kind=event, date=member.joined_on or day, note=note)
        _as_actor(ev, actor)
        ev.save()
    _sync_head(household)
    _notify([household.pk], "add_member")
    return member


@transaction.atomic
def update_member(*, actor: Actor, member: Member, changes: Mapping[str, Any]) -> Member:
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    household = member.household
    _require_write(actor, household.area_id)
    merged = {f: getattr(member, f) for f in MEMBER_FIELDS}
    merged.update(changes)
    errors = validate_member_rules(merged, exclude_member=member.pk, actor=actor,
                                   check_unique=member.status == MemberStatus.ACTIVE)
    _raise(errors)
    values = _member_defaults(merged)
    for k, v in values.items():
        if k in changes or k in ("sex", "birth_date", "name_pinyin", "name_initials"):
            setattr(member, k, v)
    member.full_clean(exclude=["household"])
    _as_actor(member, actor)
    member.save()
    check_one_head(household)
    _sync_head(household)
    _notify([household.pk], "update_member")
    return member


@transaction.atomic
def record_member_event(*, actor: Actor, member: Member, kind: str, date: dt.date, note: str = "",
                        to_household: Household | None = None) -> MemberEvent:
    """Death, moving out or marrying out ends membership; moving to another household in
    the registry re-adds the person there (the old row stays as history)."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    household = member.household
    _require_write(actor, household.area_id, "member")
    if kind not in LEAVING_EVENTS:
        raise ValidationError({"kind": "成员离户事件只能是死亡、迁出或婚出；出生、迁入请用“添加成员”"})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"kind": f"{member.name} 已不在册（{member.get_status_display()}）"})
    if date > today():
        raise ValidationError({"date": f"日期 {date:%Y-%m-%d} 晚于今天"})
    if member.relation_to_head == Relation.HEAD and household.active_members().count() > 1:
        raise ValidationError({"kind": "户主离户前，请先指定新的户主"})
    member.status = LEAVING_EVENTS[MemberEventKind(kind)]
    member.left_on = date
    _as_actor(member, actor)
    member.save()
    event = MemberEvent(member=member, kind=kind, date=date, note=note, related_household=to_household)
    _as_actor(event, actor)
    event.save()
    changed = [household.pk]
    if to_household is not None:
        _require_write(actor, to_household.area_id, "to_household")
        data = {f: getattr(member, f) for f in MEMBER_FIELDS}
        data["relation_to_head"] = Relation.OTHER
        add_member(actor=actor, household=to_household, data=data,
                   event=MemberEventKind.MARRIED_IN if kind == MemberEventKind.MARRIED_OUT
                   else MemberEventKind.MOVED_IN, date=date, note=f"来自户 {household.household_no}")
        changed.append(to_household.pk)
    _sync_head(household)
    _notify(changed, "member_event")
    return event


# ---------------------------------------------------------------- incomes and assessments

def _money(value: Any, label: str, errors: dict[str, list[str]], field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        errors.setdefault(field, []).append(f"{label}“{value}”不是数字")
        return Decimal(0)
    if amount < 0:
        errors.setdefault(field, []).append(f"{label}不能为负数（{amount} 元）")
    if amount != amount.quantize(Decimal("0.01")):
        errors.setdefault(field, []).append(f"{label} {amount} 最多两位小数")
    return amount


INCOME_LABELS = {"wage_income": "工资性收入", "business_income": "生产经营性收入",
                 "property_income": "财产性收入", "transfer_income": "转移性收入",
                 "business_cost": "生产经营性支出"}


@transaction.atomic
def set_income(*, actor: Actor, household: Household, year: int, components: Mapping[str, Any],
               members_counted: int | None = None, source: str = "") -> Income:
    """Create or replace a household's income for a year."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_write(actor, household.area_id)
    errors: dict[str, list[str]] = {}
    values = {f: _money(components.get(f), INCOME_LABELS[f], errors, f) for f in INCOME_FIELDS}
    try:
        year = int(year)
        if not 2000 <= year <= today().year:
            errors.setdefault("year", []).append(f"收入年度 {year} 不在 2000–{today().year} 之间")
    except (TypeError, ValueError):
        errors.setdefault("year", []).append(f"收入年度“{year}”不是四位年份")
    count = members_counted or household.active_members().count()
    if count < 1:
        errors.setdefault("members_counted", []).append("计算人均收入的人口数至少为 1")
    _raise(errors)
    income = Income.objects.filter(household=household, year=year).first() or Income(
        household=household, year=year)
    for k, v in values.items():
        setattr(income, k, v)
    income.members_counted = count
    if source:
        income.source = source
    _as_actor(income, actor)
    income.save()
    income.refresh_from_db(fields=["net", "per_capita"])
    _notify([household.pk], "set_income")
    return income


def _water_verdict(fields: dict[str, Any]) -> dict[str, Any]:
    """A water assessment with its four indicators is judged by the rule set (water.py); one
    without them must give its conclusion. A conclusion contradicting the indicators is refused."""
    from . import water
    given = [f for f in water.INDICATORS if fields.get(f) is not None]
    if not given:
        if fields.get("water_safe") is None:
            raise ValidationError({"water_safe": "饮水安全评估须给出结论（安全/不安全），或填写四项指标由系统评价"})
        return fields
    missing = [f for f in water.INDICATORS if fields.get(f) is None]
    if missing:
        labels = {"water_litres_per_day": "人均日供水量", "water_fetch_minutes": "取水时间",
                  "water_days_short": "年缺水天数", "water_quality_ok": "水质"}
        raise ValidationError({missing[0]: f"按四项指标评价须填全：缺少{'、'.join(labels[m] for m in missing)}"})
    rule_set = fields.get("water_rule_set") or water.DEFAULT_RULE_SET
    if rule_set not in water.RULE_SETS:
        raise ValidationError({"water_rule_set": f"饮水评价准则“{rule_set}”不存在"})
    safe, explanation = water.evaluate(fields, rule_set)
    if fields.get("water_safe") is not None and bool(fields["water_safe"]) != safe:
        raise ValidationError({"water_safe": f"结论与四项指标不符：{explanation}"})
    return {**fields, "water_safe": safe, "water_rule_set": rule_set,
            "water_explanation": explanation[:300]}


@transaction.atomic
def record_assessment(*, actor: Actor, household: Household, kind: str, assessed_on: dt.date,
                      **fields: Any) -> Assessment:
    """Record an appraisal; the household's current grade follows the latest one."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_write(actor, household.area_id)
    if assessed_on > today():
        raise ValidationError({"assessed_on": f"鉴定日期 {assessed_on:%Y-%m-%d} 晚于今天"})
    if kind == AssessmentKind.HOUSING and not fields.get("housing_grade"):
        raise ValidationError({"housing_grade": "住房安全鉴定须给出等级 A、B、C 或 D"})
    if kind == AssessmentKind.WATER:
        fields = _water_verdict(fields)
    assessment = Assessment(household=household, kind=kind, assessed_on=assessed_on, **fields)
    assessment.full_clean(exclude=["household"])
    _as_actor(assessment, actor)
    assessment.save()
    latest = household.assessments.filter(kind=kind).order_by("-assessed_on", "-id").first()
    if latest is not None:
        if kind == AssessmentKind.HOUSING and household.housing_grade != latest.housing_grade:
            household.housing_grade = latest.housing_grade
            _as_actor(household, actor)
            household.save(update_fields=["housing_grade", "updated_at"])
        elif kind == AssessmentKind.WATER and household.water_safe != latest.water_safe:
            household.water_safe = latest.water_safe
            _as_actor(household, actor)
            household.save(update_fields=["water_safe", "updated_at"])
    _notify([household.pk], "record_assessment")
    return assessment
