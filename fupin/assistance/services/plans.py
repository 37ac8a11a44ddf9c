"""Household plans (一户一策) and their measures; suggestions from risk types (MECHANISM §5.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from fupin.accounts.actors import Actor, history_user
from fupin.registry.choices import NO_LABOUR_VALUES, PovertyCause, RiskType
from fupin.registry.models import Household

from ..choices import DEVELOPMENT_CATEGORIES, MeasureCategory, MeasureStatus
from ..models import AssistingUnit, Measure, Plan
from .permissions import as_actor, require_household

C = MeasureCategory


@dataclass(frozen=True)
class Suggestion:
    category: str
    title: str
    reason: str

    @property
    def category_label(self) -> str:
        return str(C(self.category).label)


# risk type -> typical measures (MECHANISM §5.4)
RISK_MEASURES: dict[str, list[tuple[str, str]]] = {
    RiskType.ILLNESS: [(C.HEALTH, "基本医保+大病保险+医疗救助，先诊疗后付费"), (C.HEALTH, "家庭医生慢病签约"),
                       (C.SAFETY_NET, "符合条件的纳入低保/临时救助，防贫保")],
    RiskType.DISABILITY: [(C.SAFETY_NET, "残疾人两项补贴"), (C.HEALTH, "康复救助，医保+大病保险"),
                          (C.SAFETY_NET, "符合条件的纳入低保/特困供养")],
    RiskType.SCHOOLING: [(C.EDUCATION, "雨露计划资助"), (C.EDUCATION, "两免一补、寄宿生补助"),
                         (C.EDUCATION, "生源地助学贷款；控辍保学跟踪")],
    RiskType.DISASTER: [(C.SAFETY_NET, "临时救助"), (C.HOUSING, "灾后重建/危房改造"),
                        (C.SAFETY_NET, "防贫保险理赔")],
    RiskType.ACCIDENT: [(C.SAFETY_NET, "临时救助"), (C.SAFETY_NET, "防贫保险理赔")],
    RiskType.UNSTABLE_JOB: [(C.PUBLIC_POST, "安排公益性岗位"), (C.EMPLOYMENT, "就业奖补、劳务协作转移就业"),
                            (C.TRAINING, "技能培训"), (C.EMPLOYMENT, "扶贫车间就近就业")],
    RiskType.BUSINESS_FAILURE: [(C.INDUSTRY, "产业奖补与技术指导"), (C.MICROCREDIT, "小额信贷（含展期、续贷）")],
    RiskType.NO_LABOUR: [(C.SAFETY_NET, "低保/特困兜底"), (C.OTHER, "资产收益、利益联结分红")],
    RiskType.HOUSING: [(C.HOUSING, "危房改造（C级/无房 1.4万元，D级 2.8万元）")],
    RiskType.WATER: [(C.WATER, "饮水工程，解决安全饮水")],
    RiskType.EPIDEMIC: [(C.EMPLOYMENT, "稳岗就业、转移就业"), (C.CONSUMPTION, "消费扶贫助销农产品")],
}
# poverty cause (registry code) -> the risk type with the same measures
CAUSE_TO_RISK: dict[str, str] = {
    PovertyCause.ILLNESS: RiskType.ILLNESS, PovertyCause.DISABILITY: RiskType.DISABILITY,
    PovertyCause.SCHOOLING: RiskType.SCHOOLING, PovertyCause.DISASTER: RiskType.DISASTER,
    PovertyCause.NO_LABOUR: RiskType.NO_LABOUR, PovertyCause.NO_WATER: RiskType.WATER,
    PovertyCause.NO_SKILLS: RiskType.UNSTABLE_JOB, PovertyCause.NO_CAPITAL: RiskType.BUSINESS_FAILURE,
}


def has_labour(household: Household) -> bool:
    return household.active_members().exclude(labour__in=[*NO_LABOUR_VALUES, ""]).exists()


def suggest_measures(household: Household) -> list[Suggestion]:
    """Measures suggested by the household's risk types and main cause; development
    measures only when the household has labour, safety-net measures otherwise."""
    labour = has_labour(household)
    risks: list[str] = [str(r) for r in (household.risk_types or [])]
    if household.main_cause in CAUSE_TO_RISK:
        risks.append(str(CAUSE_TO_RISK[household.main_cause]))
    if not labour and RiskType.NO_LABOUR not in risks:
        risks.append(RiskType.NO_LABOUR)
    if household.housing_grade in ("C", "D") and RiskType.HOUSING not in risks:
        risks.append(RiskType.HOUSING)
    if household.water_safe is False and RiskType.WATER not in risks:
        risks.append(RiskType.WATER)
    out: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    for risk in risks:
        for category, title in RISK_MEASURES.get(risk, []):
            if not labour and category in DEVELOPMENT_CATEGORIES:
                continue
            if (category, title) in seen:
                continue
            seen.add((category, title))
            label = RiskType(risk).label if risk in RiskType.values else risk
            out.append(Suggestion(str(category), title, f"风险：{label}"))
    if labour and not any(s.category in DEVELOPMENT_CATEGORIES for s in out):
        out.append(Suggestion(C.INDUSTRY, "产业帮扶（种养殖奖补、技术指导）", "有劳动力：开发式帮扶"))
        out.append(Suggestion(C.EMPLOYMENT, "转移就业或就近就业", "有劳动力：开发式帮扶"))
    return out


def _measure_values(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    category = data.get("category")
    if category not in C.values:
        errors.setdefault("category", []).append(f"措施类别“{category}”无效")
    values["category"] = category
    title = str(data.get("title") or "").strip()
    if not title:
        errors.setdefault("title", []).append("措施内容不能为空")
    values["title"] = title[:200]
    try:
        amount = Decimal(str(data.get("amount") if data.get("amount") not in (None, "") else 0))
        if amount < 0:
            errors.setdefault("amount", []).append("金额不能为负数")
        values["amount"] = amount
    except InvalidOperation:
        errors.setdefault("amount", []).append(f"金额“{data.get('amount')}”不是数字")
    start, end = data.get("start"), data.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors.setdefault("end", []).append("结束日期不能早于开始日期")
    values.update(start=start or None, end=end or None)
    status = data.get("status") or MeasureStatus.PLANNED
    if status not in MeasureStatus.values:
        errors.setdefault("status", []).append(f"状态“{status}”无效")
    values["status"] = status
    if status == MeasureStatus.DONE and not str(data.get("outcome") or "").strip():
        errors.setdefault("outcome", []).append("措施完成时须填写成效")
    values["outcome"] = str(data.get("outcome") or "")
    unit = data.get("responsible_unit") or None
    if unit is not None and not isinstance(unit, AssistingUnit):
        unit = AssistingUnit.objects.filter(pk=unit).first() if str(unit).isdigit() else None
        if unit is None:
            errors.setdefault("responsible_unit", []).append(
                f"责任单位“{data.get('responsible_unit')}”不存在；单位名称请填在“责任单位（文字）”")
    values["responsible_unit"] = unit
    values["responsible_text"] = str(data.get("responsible_text") or "")[:100]
    return values


@transaction.atomic
def create_plan(*, actor: Actor, household: Household, year: int, summary: str = "",
                measures: list[Mapping[str, Any]] | None = None) -> Plan:
    require_household(actor, household)
    if Plan.objects.filter(household=household, year=year).exists():
        raise ValidationError({"year": f"户 {household.household_no} 已有 {year} 年的帮扶计划，请在原计划上增改措施"})
    plan = Plan(household=household, year=year, summary=summary,
                created_by=history_user(actor))
    plan.full_clean(exclude=["household"])
    as_actor(plan, actor)
    plan.save()
    for data in measures or []:
        add_measure(actor=actor, plan=plan, data=data)
    return plan


@transaction.atomic
def add_measure(*, actor: Actor, plan: Plan, data: Mapping[str, Any]) -> Measure:
    require_household(actor, plan.household)
    errors: dict[str, list[str]] = {}
    values = _measure_values(data, errors)
    if errors:
        raise ValidationError(errors)
    measure = Measure(plan=plan, **values)
    as_actor(measure, actor)
    measure.save()
    return measure


@transaction.atomic
def update_measure(*, actor: Actor, measure: Measure, changes: Mapping[str, Any]) -> Measure:
    measure = Measure.objects.select_for_update().select_related("plan__household").get(pk=measure.pk)
    require_household(actor, measure.plan.household)
    if measure.status in (MeasureStatus.DONE, MeasureStatus.CANCELLED) and changes.get("status") not in (
            None, measure.status):
        raise ValidationError({"status": f"措施已{measure.get_status_display()}，不能再改状态"})
    merged = {f: getattr(measure, f) for f in ("category", "title", "amount", "start", "end", "status",
                                               "outcome", "responsible_unit", "responsible_text")}
    merged.update(changes)
    errors: dict[str, list[str]] = {}
    values = _measure_values(merged, errors)
    if errors:
        raise ValidationError(errors)
    for k, v in values.items():
        setattr(measure, k, v)
    as_actor(measure, actor)
    measure.save()
    return measure
