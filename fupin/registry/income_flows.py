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

from .models import Household, Income, IncomeFlow, Member, MemberStatus
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
# From this many flows on, PostgreSQL records them in SQL through a staging table (COPY, then
# INSERT … SELECT / UPDATE … FROM and the history rows by INSERT … SELECT): a 100,000-row
# payout import spent minutes building model objects and history rows in Python.
SQL_THRESHOLD = 2000


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
    day = timezone.localdate()  # once: per row it cost seconds on a 100,000-row batch
    this_year = day.year
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
        if not isinstance(f.occurred_on, dt.date) or f.occurred_on > day:
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
    if connection.vendor == "postgresql":  # one array parameter, not thousands in an IN
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {Household._meta.get_field('area').column} FROM "
                           f"{Household._meta.db_table} WHERE id = ANY(%s)", [ids])
            areas.update(cursor.fetchall())
    else:
        for part in _chunks(ids):
            areas.update(Household.objects.filter(pk__in=part).values_list("pk", "area_id"))
    missing = [i for i in ids if i not in areas]
    if missing:
        raise ValidationError({"household": [f"农户 {', '.join(map(str, missing[:10]))} 不存在"]})
    denied = sorted({a for a in set(areas.values()) if not can_write_area(actor, a)})
    if denied:
        raise ValidationError({"household": [f"区划 {', '.join(denied[:5])} 不在您的管辖范围内"]})
    if connection.vendor == "postgresql" and len(flows) >= SQL_THRESHOLD:
        return _record_staged(flows, user=history_user(actor), reason=reason)

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


# -- PostgreSQL, large batches: staging table and set-based statements ----------------------

_STAGE = "fupin_income_flow_stage"
_TOTALS = "fupin_income_flow_totals"


def _record_staged(flows: Sequence[Flow], *, user: Any, reason: str) -> FlowResult:
    """`record_flows` for a large batch on PostgreSQL: the flows are copied into a temporary
    table, then written by a handful of statements whatever their number (same rules: a
    (source, ref) counts once, incomes gain their components, history rows are written)."""
    qn = connection.ops.quote_name
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    comps = list(COMPONENTS)
    with connection.cursor() as cursor:
        for t in (_STAGE, _TOTALS):
            cursor.execute(f"DROP TABLE IF EXISTS {t}")
        cursor.execute(
            f"CREATE TEMP TABLE {_STAGE} (idx integer, household_id bigint, year smallint, "
            "component varchar(20), amount numeric(12, 2), occurred_on date, source varchar(50), "
            "ref varchar(100), note varchar(200)) ON COMMIT DROP")
        with cursor.cursor.copy(
                f"COPY {_STAGE} (idx, household_id, year, component, amount, occurred_on, "
                "source, ref, note) FROM STDIN") as copy:
            for i, f in enumerate(flows):
                copy.write_row((i, f.household_id, f.year, f.component, Decimal(str(f.amount)),
                                f.occurred_on, f.source, f.ref, f.note[:200]))
        sums = ", ".join(f"{c} numeric(14, 2)" for c in comps)
        cursor.execute(f"CREATE TEMP TABLE {_TOTALS} (household_id bigint, year smallint, {sums}, "
                       "n integer, income_id bigint, created boolean NOT NULL DEFAULT FALSE) ON COMMIT DROP")
        # new payments only: a (source, ref) seen before, or twice in this batch, counts once
        picks = ", ".join(f"SUM(CASE WHEN component = '{c}' THEN amount ELSE 0 END)" for c in comps)
        cursor.execute(f"""
            WITH ins AS (
                INSERT INTO {qn(IncomeFlow._meta.db_table)} (household_id, year, component, amount,
                    occurred_on, source, ref, note, created_at, created_by_id)
                SELECT DISTINCT ON (source, ref) household_id, year, component, amount,
                    occurred_on, source, ref, note, %s, %s
                FROM {_STAGE} ORDER BY source, ref, idx
                ON CONFLICT (source, ref) DO NOTHING
                RETURNING household_id, year, component, amount, source)
            INSERT INTO {_TOTALS} (household_id, year, {", ".join(comps)}, n)
            SELECT household_id, year, {picks}, COUNT(*) FROM ins GROUP BY household_id, year""",
                       [now, user_id])
        cursor.execute(f"SELECT COALESCE(SUM(n), 0) FROM {_TOTALS}")
        recorded = int(cursor.fetchone()[0])
        if recorded:
            why = (reason or f"收入流水：{flows[0].source}")[:100]
            _add_staged(cursor, comps, now, user_id, why)
        cursor.execute(f"SELECT household_id FROM {_TOTALS} GROUP BY household_id ORDER BY 1")
        touched = [r[0] for r in cursor.fetchall()]
        for t in (_STAGE, _TOTALS):
            cursor.execute(f"DROP TABLE IF EXISTS {t}")
    notify_changed(touched, "income_flow")
    return FlowResult(recorded=recorded, already=len(flows) - recorded, households=touched)


def _add_staged(cursor: Any, comps: list[str], now: dt.datetime, user_id: int | None,
                reason: str) -> None:
    """Add the totals to existing incomes, create the missing ones, write their history."""
    qn = connection.ops.quote_name
    inc = qn(Income._meta.db_table)
    cursor.execute(f"UPDATE {_TOTALS} t SET income_id = i.id FROM {inc} i "
                   "WHERE i.household_id = t.household_id AND i.year = t.year")
    sets = ", ".join(f"{c} = i.{c} + t.{c}" for c in comps)
    cursor.execute(f"UPDATE {inc} i SET {sets}, updated_at = %s FROM {_TOTALS} t "
                   "WHERE t.income_id = i.id", [now])
    _history(cursor, "~", f"SELECT income_id FROM {_TOTALS} WHERE income_id IS NOT NULL",
             now, user_id, reason)
    # new incomes: members counted as in the Python path (active members, at least 1)
    values = {"household_id": "t.household_id", "year": "t.year", "business_cost": "0",
              "members_counted": "GREATEST(1, COALESCE(m.n, 0))", "window_start": "NULL",
              "window_end": "NULL", "source": "%s", "created_at": "%s", "updated_at": "%s"}
    values.update({c: f"t.{c}" for c in comps})
    cols = [f for f in Income._meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)]
    unknown = [f.name for f in cols if f.attname not in values]
    if unknown:  # a new Income column needs its value here
        raise RuntimeError(f"income_flows: no value for Income field(s) {unknown}")
    params = [reason if f.attname == "source" else now for f in cols
              if f.attname in ("source", "created_at", "updated_at")]
    member = qn(Member._meta.db_table)
    cursor.execute(f"""
        WITH ins AS (
            INSERT INTO {inc} ({", ".join(qn(str(f.column)) for f in cols)})
            SELECT {", ".join(values[f.attname] for f in cols)}
            FROM {_TOTALS} t LEFT JOIN (
                SELECT household_id, COUNT(*) AS n FROM {member}
                WHERE status = %s AND household_id IN (
                    SELECT household_id FROM {_TOTALS} WHERE income_id IS NULL)
                GROUP BY household_id) m ON m.household_id = t.household_id
            WHERE t.income_id IS NULL
            RETURNING id, household_id, year)
        UPDATE {_TOTALS} t SET income_id = ins.id, created = TRUE FROM ins
        WHERE t.household_id = ins.household_id AND t.year = ins.year AND t.income_id IS NULL""",
                   [*params, MemberStatus.ACTIVE])
    _history(cursor, "+", f"SELECT income_id FROM {_TOTALS} WHERE created", now, user_id, reason)


def _history(cursor: Any, kind: str, ids_sql: str, now: dt.datetime, user_id: int | None,
             reason: str) -> None:
    """History rows (simple_history's table) for the incomes whose ids `ids_sql` selects."""
    qn = connection.ops.quote_name
    hist = Income.history.model  # type: ignore[attr-defined]
    own = {f.attname: str(f.column) for f in Income._meta.concrete_fields}
    cols: list[str] = []
    exprs: list[str] = []
    params: list[Any] = []
    for f in hist._meta.concrete_fields:
        if f.attname == "history_id":
            continue
        cols.append(qn(f.column))
        if f.attname == "history_date":
            exprs.append("%s")
            params.append(now)
        elif f.attname == "history_type":
            exprs.append("%s")
            params.append(kind)
        elif f.attname == "history_user_id":
            exprs.append("%s")
            params.append(user_id)
        elif f.attname == "history_change_reason":
            exprs.append("%s")
            params.append(reason)
        elif f.attname in own:
            exprs.append(f"i.{qn(own[f.attname])}")
        else:
            raise RuntimeError(f"income_flows: no value for history field {f.attname}")
    cursor.execute(f"INSERT INTO {qn(hist._meta.db_table)} ({', '.join(cols)}) "
                   f"SELECT {', '.join(exprs)} FROM {qn(Income._meta.db_table)} i "
                   f"WHERE i.id IN ({ids_sql})", params)
