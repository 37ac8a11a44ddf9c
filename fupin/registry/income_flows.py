"""Money from other programmes into household incomes: the registry's one write path for it.

Projects (dividends, rents, wages of benefit links), jobs (post pay, workshop wages),
insurance (claims) call `record_flows`; nothing else writes `Income` for them. Each flow is
one payment, idempotent by (source, ref); the year's income row gains the amount in its
component, with history, and monitoring re-checks the households after the commit.
Set-based: a fixed number of queries per chunk of flows, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.actors import Actor, history_user
from fupin.core.scope import can_write_area

from .models import Household, Income, IncomeFlow, MemberStatus
from .signals import notify_changed

# Components a payment may add to (business_cost is a cost, never a payment).
COMPONENTS = {"wage_income": "工资性收入", "business_income": "生产经营性收入",
              "property_income": "财产性收入", "transfer_income": "转移性收入"}
CHUNK = 5000
# bulk_update writes one CASE WHEN per field with a branch per row, quadratic in the batch
# (5,000-row batches took ~20 s each on PostgreSQL) and slow to build in Python; on
# PostgreSQL the changed rows are written with one UPDATE … FROM (VALUES …) per batch.
UPDATE_BATCH = 200
VALUES_BATCH = 2000


@dataclass(frozen=True)
class Flow:
    household_id: int
    year: int
    component: str
    amount: Decimal | str | int
    occurred_on: dt.date
    source: str  # the programme, e.g. "projects.payout"
    ref: str  # unique within the source, e.g. "payout:123"
    note: str = ""


@dataclass
class FlowResult:
    recorded: int  # new payments added to incomes
    already: int  # payments recorded before (same source and ref): not counted again
    households: list[int]


def validate_flows(flows: Sequence[Flow]) -> dict[int, list[str]]:
    """Messages per flow index for flows that cannot be recorded (values only, no database)."""
    errors: dict[int, list[str]] = {}
    this_year = timezone.localdate().year
    for i, f in enumerate(flows):
        msgs = []
        if f.component not in COMPONENTS:
            msgs.append(f"收入类别“{f.component}”无效，应为：{'、'.join(COMPONENTS.values())}")
        try:
            amount = Decimal(str(f.amount))
            if amount < 0:
                msgs.append(f"金额不能为负数（{amount} 元）")
            elif amount != amount.quantize(Decimal("0.01")):
                msgs.append(f"金额 {amount} 最多两位小数")
        except InvalidOperation:
            msgs.append(f"金额“{f.amount}”不是数字")
        if not isinstance(f.year, int) or not 2000 <= f.year <= this_year:
            msgs.append(f"收入年度 {f.year} 不在 2000–{this_year} 之间")
        if not isinstance(f.occurred_on, dt.date) or f.occurred_on > timezone.localdate():
            msgs.append(f"发生日期 {f.occurred_on} 无效或在今天之后")
        if not f.source or len(f.source) > 50 or not f.ref or len(f.ref) > 100:
            msgs.append("来源和来源编号不能为空（来源≤50 字，编号≤100 字）")
        if msgs:
            errors[i] = msgs
    return errors


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@transaction.atomic
def record_flows(*, actor: Actor, flows: Sequence[Flow], reason: str = "") -> FlowResult:
    """Record payments and add them to the households' incomes of their years.

    Refuses the whole batch (ValidationError, nothing written) when a flow is invalid, names
    a household that does not exist or lies outside the actor's write scope."""
    errors = validate_flows(flows)
    if errors:
        first = sorted(errors)[:20]
        raise ValidationError({"flows": [f"第 {i + 1} 笔：{'；'.join(errors[i])}" for i in first]})
    ids = sorted({f.household_id for f in flows})
    areas: dict[int, str] = {}
    for part in _chunks(ids):
        areas.update(Household.objects.filter(pk__in=part).values_list("pk", "area_id"))
    missing = [i for i in ids if i not in areas]
    if missing:
        raise ValidationError({"household": [f"农户 {', '.join(map(str, missing[:10]))} 不存在"]})
    denied = sorted({a for a in areas.values() if not can_write_area(actor, a)})
    if denied:
        raise ValidationError({"household": [f"区划 {', '.join(denied[:5])} 不在您的管辖范围内"]})

    # New payments only: a (source, ref) seen before, or twice in this batch, counts once.
    seen: set[tuple[str, str]] = set()
    by_source: dict[str, list[str]] = defaultdict(list)
    for f in flows:
        by_source[f.source].append(f.ref)
    for source, refs in by_source.items():
        for part in _chunks(refs):
            seen.update((source, r) for r in IncomeFlow.objects.filter(
                source=source, ref__in=part).values_list("ref", flat=True))
    user = history_user(actor)
    new: list[IncomeFlow] = []
    for f in flows:
        key = (f.source, f.ref)
        if key in seen:
            continue
        seen.add(key)
        new.append(IncomeFlow(household_id=f.household_id, year=f.year, component=f.component,
                              amount=Decimal(str(f.amount)), occurred_on=f.occurred_on,
                              source=f.source, ref=f.ref, note=f.note[:200], created_by=user))
    IncomeFlow.objects.bulk_create(new, batch_size=CHUNK)

    totals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal))
    for flow in new:
        totals[(flow.household_id, flow.year)][flow.component] += flow.amount
    _add_to_incomes(totals, user, reason or f"收入流水：{new[0].source}" if new else "")
    touched = sorted({hid for hid, _year in totals})
    notify_changed(touched, "income_flow")
    return FlowResult(recorded=len(new), already=len(flows) - len(new), households=touched)


def _add_to_incomes(totals: dict[tuple[int, int], dict[str, Decimal]], user: Any,
                    reason: str) -> None:
    keys = sorted(totals)
    for part in _chunks(keys):
        hh = {hid for hid, _y in part}
        years = {y for _h, y in part}
        existing = {(i.household_id, i.year): i for i in Income.objects.select_for_update()
                    .filter(household_id__in=hh, year__in=years)}
        counts = dict(Household.objects.filter(pk__in=hh).annotate(
            n=Count("members", filter=_active_members())).values_list("pk", "n"))
        changed, created = [], []
        for key in part:
            income = existing.get(key)
            if income is None:
                income = Income(household_id=key[0], year=key[1],
                                members_counted=max(1, counts.get(key[0], 0) or 1),
                                source=reason[:100])
                created.append(income)
            else:
                changed.append(income)
            for component, amount in totals[key].items():
                setattr(income, component, getattr(income, component) + amount)
        fields = list(COMPONENTS)
        if created:
            bulk_create_with_history(created, Income, batch_size=CHUNK, default_user=user,
                                     default_change_reason=reason[:100])
        if changed:
            _update_incomes(changed, fields, user, reason[:100])


def _update_incomes(changed: list[Income], fields: list[str], user: Any, reason: str) -> None:
    """Write the changed components of existing incomes, then their history rows."""
    if connection.vendor != "postgresql":
        bulk_update_with_history(changed, Income, fields, batch_size=UPDATE_BATCH,
                                 default_user=user, default_change_reason=reason)
        return
    qn = connection.ops.quote_name
    cols = [qn(str(Income._meta.get_field(f).column)) for f in fields]  # type: ignore[union-attr]
    sets = ", ".join(f"{c} = v.{c}" for c in cols)
    row = "(%s, " + ", ".join(["CAST(%s AS numeric)"] * len(cols)) + ")"
    with connection.cursor() as cursor:
        for part in _chunks(changed, VALUES_BATCH):
            params: list[Any] = []
            for income in part:
                params.append(income.pk)
                params.extend(getattr(income, f) for f in fields)
            cursor.execute(
                f"UPDATE {qn(Income._meta.db_table)} AS i SET {sets} "
                f"FROM (VALUES {', '.join([row] * len(part))}) AS v (id, {', '.join(cols)}) "
                f"WHERE i.id = v.id", params)
    Income.history.bulk_history_create(  # type: ignore[attr-defined]
        changed, batch_size=CHUNK, update=True, default_user=user,
        default_change_reason=reason)


def _active_members() -> Any:
    from django.db.models import Q

    return Q(members__status=MemberStatus.ACTIVE)
