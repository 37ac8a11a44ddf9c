"""Rules as data: creating and editing a rule makes a new version; settings per region."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user, is_system
from fupin.accounts.scope import area_in_scope

from ..models import (
    LIVE_STATUSES,
    Rule,
    RuleAreaSwitch,
    RuleKind,
    RuleVersion,
    Setting,
    SettingKey,
    Severity,
    Warning,
)
from .conditions import compile_condition
from .explain import placeholders
from .features import FEATURES, columns

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def is_rule_admin(user: Any) -> bool:
    return policy.can(user, "monitoring.rules_edit")


def require_rule_admin(user: Any) -> None:
    if not is_rule_admin(user):
        raise PermissionDenied("只有县级管理员可以修改监测规则和参数")


def is_province_admin(user: Any) -> bool:
    """May edit rules that apply everywhere: the system itself (a SystemActor), a superuser,
    or an administrator whose scope is a whole province (a 2-digit code)."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return True
    return is_rule_admin(user) and any(len(c) <= 2 for c in getattr(user, "scope_codes", ()))


def can_edit_rule(user: Any, rule: Rule) -> bool:
    if not rule.area_code:
        return is_province_admin(user)
    return policy.can(user, "monitoring.rules_edit", area_code=rule.area_code)


def require_rule_edit(user: Any, rule: Rule) -> None:
    if can_edit_rule(user, rule):
        return
    if not rule.area_code:
        raise PermissionDenied(
            f"规则 {rule.code} 适用于全部地区，只有省级管理员可以修改；"
            "如需在本县停用，请在规则页面使用“本县停用”")
    raise PermissionDenied(f"规则 {rule.code} 属于区划 {rule.area_code}，不在您的管辖范围内")


def default_rule_area(user: Any) -> str:
    """Where a new rule applies: everywhere for a province-level admin, else the user's
    county (the first 6 digits of their first scope)."""
    if is_province_admin(user):
        return ""
    codes = getattr(user, "scope_codes", ())
    return codes[0][:6] if codes else ""


def validate_condition(text: str) -> list[str]:
    """Compile to check; returns the names used. Raises ValidationError({'condition': …})."""
    try:
        return compile_condition(text, columns()).names
    except ValidationError as exc:
        raise ValidationError({"condition": exc.messages}) from None


def validate_explanation(template: str) -> None:
    known = set(columns()) | set(FEATURES)
    unknown = [n for n in placeholders(template) if n not in known]
    if unknown:
        raise ValidationError({"explanation": f"说明模板中的“{{{unknown[0]}}}”不是已知的特征或参数名"})


@transaction.atomic
def create_rule(*, actor: Actor, code: str, name: str, condition: str,
                severity: str = Severity.MEDIUM, description: str = "", explanation: str = "",
                kind: str = RuleKind.FEATURE, active: bool = True,
                area_code: str | None = None) -> Rule:
    require_rule_admin(actor)
    errors: dict[str, list[str]] = {}
    area_code = default_rule_area(actor) if area_code is None else area_code.strip()
    if area_code and (not area_code.isdigit() or len(area_code) not in (2, 4, 6, 9, 12)):
        errors.setdefault("area_code", []).append("适用区划应为 2/4/6/9/12 位数字，留空表示全部地区")
    elif not area_code and not is_province_admin(actor):
        errors.setdefault("area_code", []).append("只有省级管理员可以新增适用于全部地区的规则")
    elif area_code and not area_in_scope(actor, area_code):
        errors.setdefault("area_code", []).append(f"区划 {area_code} 不在您的管辖范围内")
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        errors.setdefault("code", []).append("规则代码应为 2–40 位大写字母、数字或下划线，且以字母开头")
    elif Rule.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(f"规则代码 {code} 已存在")
    if not (name or "").strip():
        errors.setdefault("name", []).append("规则名称不能为空")
    if severity not in Severity.values:
        errors.setdefault("severity", []).append("预警级别应为 高、中 或 低")
    for field_, fn in (("condition", lambda: validate_condition(condition)),
                       ("explanation", lambda: validate_explanation(explanation))):
        try:
            fn()
        except ValidationError as exc:
            errors.setdefault(field_, []).extend(exc.message_dict.get(field_, exc.messages))
    if errors:
        raise ValidationError(errors)
    rule = Rule(code=code, name=name.strip(), condition=condition.strip(), severity=severity,
                description=description, explanation=explanation, kind=kind, active=active,
                area_code=area_code)
    rule._history_user = history_user(actor)  # type: ignore[attr-defined]
    rule.save()
    _new_version(rule, actor, "新建")
    return rule


def _new_version(rule: Rule, actor: Actor, note: str) -> RuleVersion:
    now = timezone.now()
    last = rule.versions.order_by("-number").first()
    if last is not None and last.effective_to is None:
        last.effective_to = now
        last.save(update_fields=["effective_to"])
    version = RuleVersion.objects.create(
        rule=rule, number=(last.number + 1) if last else 1, condition=rule.condition,
        severity=rule.severity, explanation=rule.explanation, effective_from=now,
        created_by=history_user(actor), note=note[:200])
    Rule.objects.filter(pk=rule.pk).update(current_version=version)
    rule.current_version = version
    return version


@transaction.atomic
def update_rule(*, actor: Actor, rule: Rule, changes: dict[str, Any], note: str = "") -> Rule:
    """Edit a rule; a change of condition, severity or explanation makes a new version.
    Warnings keep the version that fired them."""
    require_rule_admin(actor)
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    require_rule_edit(actor, rule)
    errors: dict[str, list[str]] = {}
    if "condition" in changes:
        try:
            validate_condition(changes["condition"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "explanation" in changes:
        try:
            validate_explanation(changes["explanation"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "severity" in changes and changes["severity"] not in Severity.values:
        errors["severity"] = ["预警级别应为 高、中 或 低"]
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = ["规则名称不能为空"]
    if errors:
        raise ValidationError(errors)
    versioned = False
    for k in ("name", "description", "condition", "severity", "explanation", "active"):
        if k in changes and getattr(rule, k) != changes[k]:
            versioned |= k in ("condition", "severity", "explanation")
            setattr(rule, k, changes[k].strip() if isinstance(changes[k], str) else changes[k])
    rule._history_user = history_user(actor)  # type: ignore[attr-defined]
    rule.save()
    if versioned:
        _new_version(rule, actor, note or "修改")
    if not rule.active:
        Warning.objects.filter(rule=rule, status__in=LIVE_STATUSES).update(
            status="closed", closed_on=timezone.localdate(), close_note="规则已停用",
            updated_at=timezone.now())
    return rule


@transaction.atomic
def set_rule_active_in_area(*, actor: Actor, rule: Rule, area_code: str, active: bool,
                            note: str = "") -> RuleAreaSwitch:
    """Switch a rule that applies everywhere on or off for one county (or township,
    village) in the actor's scope. Switching off closes the rule's live warnings there,
    and only there."""
    require_rule_admin(actor)
    area_code = (area_code or "").strip()
    if not area_code.isdigit() or len(area_code) not in (6, 9, 12):
        raise ValidationError({"area_code": "区划代码应为县 6 位、乡镇 9 位或村 12 位数字"})
    if not area_in_scope(actor, area_code):
        raise ValidationError({"area_code": f"区划 {area_code} 不在您的管辖范围内，只能为本辖区启停规则"})
    if rule.area_code:
        raise ValidationError({"area_code": f"规则 {rule.code} 是区划 {rule.area_code} 自己的规则，"
                                            "请直接修改规则的“启用”"})
    switch = RuleAreaSwitch.objects.filter(rule=rule, area_code=area_code).first() \
        or RuleAreaSwitch(rule=rule, area_code=area_code)
    switch.active = bool(active)
    switch.note = (note or "")[:200]
    switch.updated_by = history_user(actor)
    switch._history_user = switch.updated_by  # type: ignore[attr-defined, union-attr]
    switch.save()
    Rule.objects.filter(pk=rule.pk).update(updated_at=timezone.now())  # recompile the sweep
    if not switch.active:
        Warning.objects.filter(rule=rule, status__in=["open", "dismissed"],
                               area__code__startswith=area_code).update(
            status="closed", closed_on=timezone.localdate(), close_note=f"规则已在 {area_code} 停用",
            updated_at=timezone.now())
    return switch


# ---------------------------------------------------------------- settings

def _decimal(value: Any, errors: dict[str, list[str]]) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors.setdefault("value", []).append(f"取值“{value}”不是数字")
        return Decimal(0)
    if not d.is_finite() or abs(d) >= Decimal("1e10"):
        errors.setdefault("value", []).append(f"取值“{value}”超出范围")
        return Decimal(0)
    return d


@transaction.atomic
def set_setting(*, actor: Actor, key: str, value: Any, area_code: str = "", year_from: Any = 0,
                source_doc: str = "", verified: bool | None = None) -> Setting:
    """Create or change the value of a setting for an area and year (history is kept)."""
    require_rule_admin(actor)
    errors: dict[str, list[str]] = {}
    area_code = (area_code or "").strip()
    if area_code and (not area_code.isdigit() or len(area_code) not in (2, 4, 6, 9, 12)):
        errors.setdefault("area_code", []).append("区划代码应为 2/4/6/9/12 位数字，留空表示全国")
    elif not getattr(actor, "is_superuser", False) and (
            not area_code or not area_in_scope(actor, area_code)):
        errors.setdefault("area_code", []).append(
            f"区划 {area_code or '全国'} 不在您的管辖范围内，只能为本辖区设置参数")
    try:
        year = int(year_from or 0)
        if year and not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("year_from", []).append(f"起始年度“{year_from}”应为 2000–2100 的年份或 0")
        year = 0
    skey = SettingKey.objects.filter(key=key).first()
    if skey is None:
        errors.setdefault("key", []).append(f"参数“{key}”不存在")
    amount = _decimal(value, errors)
    if amount < 0:
        errors.setdefault("value", []).append("取值不能为负数")
    if skey is not None and skey.every_year:
        if not year:
            errors.setdefault("year_from", []).append(
                f"{skey.name}每年调整，须填写适用的年度（不能用 0 表示不限年度）")
        if not (source_doc or "").strip():
            errors.setdefault("source_doc", []).append(f"请填写{skey.name}的依据文件（文号或网址）")
    if key in ("school_age_min", "school_age_max", "event_window_months") and (
            amount != amount.to_integral_value() or amount > 100):
        errors.setdefault("value", []).append("年龄与月数应为不超过 100 的整数")
    if errors:
        raise ValidationError(errors)
    setting = Setting.objects.filter(key_id=key, area_code=area_code, year_from=year).first() \
        or Setting(key_id=key, area_code=area_code, year_from=year)
    setting.value = amount
    setting.source_doc = source_doc or setting.source_doc
    if verified is not None:
        setting.verified = bool(verified)
    setting.updated_by = history_user(actor)
    setting._history_user = setting.updated_by  # type: ignore[attr-defined]
    setting.save()
    return setting


@transaction.atomic
def add_setting_key(*, actor: Actor, key: str, name: str, unit: str = "",
                    by_income_year: bool = False, description: str = "") -> SettingKey:
    """A new named setting (e.g. the line of a county's own rule)."""
    require_rule_admin(actor)
    key = (key or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not KEY_RE.match(key):
        errors["key"] = ["参数代码应为 2–40 位小写字母、数字或下划线，且以字母开头"]
    elif key in FEATURES or key in ("and", "or", "not"):
        errors["key"] = [f"“{key}”与特征名或关键字重名"]
    elif SettingKey.objects.filter(key=key).exists():
        errors["key"] = [f"参数 {key} 已存在"]
    if not (name or "").strip():
        errors["name"] = ["参数名称不能为空"]
    if errors:
        raise ValidationError(errors)
    return SettingKey.objects.create(key=key, name=name.strip(), unit=unit,
                                     by_income_year=by_income_year, description=description)


def setting_value(key: str, area_code: str, year: int) -> Decimal | None:
    """A setting's value for one area and year, resolved as the sweep does in SQL: the
    longest matching area prefix wins, then the latest `year_from` not after `year`."""
    from ..lines import line_value
    if SettingKey.objects.filter(key=key, every_year=True).exists():
        return line_value(key, area_code, year)
    prefixes = [""] + [area_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(area_code)]
    rows = list(Setting.objects.filter(key_id=key, area_code__in=prefixes, year_from__lte=year)
                .values_list("area_code", "year_from", "value"))
    if not rows:
        return None
    return max(rows, key=lambda r: (len(r[0]), r[1]))[2]
