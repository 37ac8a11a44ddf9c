"""Funds (扶贫资金): sources per county and year, allocations to projects, payments (拨付).

Balances never go negative: an allocation locks its source row and checks what is left, a
payment locks its allocation row and checks what is left; check constraints in the
database hold the same (allocated ≤ amount, paid ≤ amount).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum

from fupin.accounts.actors import Actor
from fupin.areas.models import Area

from ..choices import STATE_ORDER, FundKind, State
from ..models import Allocation, FundSource, Payment, Project
from .common import (
    COUNTY_RIGHT,
    a_date,
    money,
    not_future,
    require_right,
    require_write,
    set_history,
    today,
)


def _year(value: Any, field: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"年度“{value}”应为四位年份"]}) from None
    if not 2010 <= year <= today().year + 2:
        raise ValidationError({field: [f"年度 {year} 不在 2010–{today().year + 2} 之间"]})
    return year


@transaction.atomic
def add_source(*, actor: Actor, county_code: str, kind: str, name: str, year: Any,
               amount: Any) -> FundSource:
    county = Area.objects.filter(code=str(county_code).strip(), level="county").first()
    if county is None:
        raise ValidationError({"area": [f"区县代码“{county_code}”不存在"]})
    require_write(actor, county.code)
    require_right(actor, COUNTY_RIGHT, "登记资金来源")
    errors: dict[str, list[str]] = {}
    if kind not in FundKind.values:
        errors["kind"] = [f"资金来源“{kind}”无效，应为：{'、'.join(FundKind.labels)}"]
    if not str(name).strip():
        errors["name"] = ["请填写资金名称或文号"]
    try:
        y = _year(year)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        value = money(amount, "amount")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if FundSource.objects.filter(area=county, kind=kind, name=str(name).strip(), year=y).exists():
        raise ValidationError({"name": [f"{y} 年“{name}”已登记"]})
    source = FundSource(area=county, kind=kind, name=str(name).strip()[:200], year=y, amount=value)
    set_history(source, actor)
    source.save()
    return source


FUNDABLE = {s for s in State if STATE_ORDER[s] >= STATE_ORDER[State.PLANNED]} - {State.REMOVED}


@transaction.atomic
def allocate(*, actor: Actor, project: Project, source: FundSource, amount: Any,
             on: Any = None) -> Allocation:
    """Allocate money of a source to a project of the same county, within what is left."""
    value = money(amount, "amount", label="安排金额")
    day = a_date(on, "allocated_on", "安排日期") if on else today()
    require_write(actor, project.area_id)
    require_right(actor, COUNTY_RIGHT, "安排资金")
    if project.state not in FUNDABLE:
        raise ValidationError({"project": [
            f"项目处于“{project.get_state_display()}”：须先列入年度计划才能安排资金"]})
    src = FundSource.objects.select_for_update().get(pk=source.pk)
    if src.area_id != project.county_code:
        raise ValidationError({"source": [f"资金来源属于区县 {src.area_id}，项目在区县 {project.county_code}"]})
    if project.plan_year and src.year != project.plan_year:
        raise ValidationError({"source": [f"资金来源是 {src.year} 年的，项目列入 {project.plan_year} 年计划"]})
    left = src.amount - src.allocated
    if value > left:
        raise ValidationError({"amount": [
            f"安排金额 {value} 元超过该资金来源的结余 {left} 元（总额 {src.amount} 元，已安排 {src.allocated} 元）"]})
    FundSource.objects.filter(pk=src.pk).update(allocated=F("allocated") + value)
    alloc = Allocation(project=project, source=src, amount=value, allocated_on=day)
    set_history(alloc, actor)
    alloc.save()
    return alloc


@transaction.atomic
def pay(*, actor: Actor, allocation: Allocation, amount: Any, paid_on: Any,
        voucher: str = "") -> Payment:
    """Pay out (拨付) part of an allocation; never more than is left of it."""
    value = money(amount, "amount", label="拨付金额")
    day = a_date(paid_on, "paid_on", "拨付日期")
    not_future(day, "paid_on", "拨付日期")
    alloc = Allocation.objects.select_for_update().select_related("project").get(pk=allocation.pk)
    require_write(actor, alloc.project.area_id)
    if day < alloc.allocated_on:
        raise ValidationError({"paid_on": [f"拨付日期 {day} 早于资金安排日期 {alloc.allocated_on}"]})
    left = alloc.amount - alloc.paid
    if value > left:
        raise ValidationError({"amount": [
            f"拨付金额 {value} 元超过安排结余 {left} 元（安排 {alloc.amount} 元，已拨付 {alloc.paid} 元）"]})
    Allocation.objects.filter(pk=alloc.pk).update(paid=F("paid") + value)
    payment = Payment(allocation=alloc, amount=value, paid_on=day, voucher=voucher.strip()[:100])
    set_history(payment, actor)
    payment.save()
    return payment


def integrated_total(county_code: str, year: int) -> Decimal:
    """The integrated funds (all sources) of a county for a year."""
    total = FundSource.objects.filter(area_id=county_code, year=year).aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0)


def by_source(county_code: str, year: int) -> list[dict[str, Any]]:
    labels = dict(FundKind.choices)
    rows = (FundSource.objects.filter(area_id__startswith=county_code, year=year)
            .values("kind").annotate(amount=Sum("amount"), allocated=Sum("allocated"))
            .order_by("kind"))
    return [{"kind": r["kind"], "label": labels.get(r["kind"], r["kind"]),
             "amount": r["amount"], "allocated": r["allocated"],
             "balance": r["amount"] - r["allocated"]} for r in rows]


