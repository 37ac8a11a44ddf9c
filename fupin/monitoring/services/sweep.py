"""Evaluate rules set-based in the database: whole areas (sweeps) or a few households
(instant re-check), with exactly the same compiled SQL.

1. `WITH <features> INSERT INTO monitoring_hit SELECT … FROM f WHERE <rule 1> UNION ALL …`
   stages one row per household and rule that fires, with the values that made it fire;
2. `UPDATE monitoring_warning … FROM monitoring_hit` refreshes live warnings;
3. `INSERT INTO monitoring_warning SELECT … FROM monitoring_hit WHERE NOT EXISTS (live)`
   opens new ones;
4. `UPDATE monitoring_warning SET status = 'closed' … WHERE NOT EXISTS (hit)` closes the
   warnings whose condition no longer holds; then the staged hits are deleted.

No Python loop over households anywhere.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..models import LIVE_STATUSES, Rule, RuleAreaSwitch, RuleKind, RuleVersion, Sweep, SweepKind
from .conditions import Compiled, compile_condition
from .explain import placeholders
from .features import (
    FEATURES,
    Dialect,
    Query,
    columns,
    features_cte,
    settings_table_sql,
)

LIVE = "(" + ", ".join(f"'{s}'" for s in LIVE_STATUSES) + ")"
# A re-check of up to INSTANT_MAX households is the instant path (ids inline, index scans);
# a larger one is one set-based pass over a temporary table of the ids (the sweep's plan);
# one that touches at least SWEEP_SHARE of the registry is the whole sweep itself.
INSTANT_MAX = 2000
SWEEP_SHARE = 0.5


@dataclass
class CompiledRule:
    rule: Rule
    version: RuleVersion
    compiled: Compiled
    value_names: list[str]
    # Where the rule applies: its own area ("" = everywhere) minus areas that switched it off.
    only_area: str = ""
    off_areas: tuple[str, ...] = ()

    def area_sql(self) -> tuple[str, list[str]]:
        """Extra SQL (on f.area_code) limiting the rule to where it applies, and params."""
        sql, params = "", []
        if self.only_area:
            sql += " AND f.area_code LIKE %s"
            params.append(self.only_area + "%")
        for code in self.off_areas:
            sql += " AND f.area_code NOT LIKE %s"
            params.append(code + "%")
        return sql, params


def value_names(compiled: Compiled, explanation: str, known: set[str]) -> list[str]:
    names = list(compiled.names)
    for n in placeholders(explanation):
        if n in known and n not in names:
            names.append(n)
    return names


@dataclass
class RuleContext:
    """What every evaluation reads besides the registry: compiled rules, setting names, the
    every-year lines and the active rosters. Cached per process and checked with one query
    per evaluation (a change of any of them, in any process, changes the signature)."""

    signature: tuple[Any, ...]
    keys: dict[str, bool]
    exact: list[str]
    roster_from: dict[str, dt.date]  # kind -> earliest as_of of an active roster
    compiled: dict[str, list[CompiledRule]]

    def roster_kinds(self, as_of: dt.date) -> set[str]:
        return {k for k, first in self.roster_from.items() if first <= as_of}

    def rules(self, codes: Iterable[str] | None = None,
              kinds: Iterable[str] | None = None) -> list[CompiledRule]:
        key = repr((tuple(sorted(codes)) if codes is not None else None,
                    tuple(sorted(kinds)) if kinds is not None else None))
        if key not in self.compiled:
            self.compiled[key] = _compile_rules(codes, kinds)
        return list(self.compiled[key])


_CACHE: dict[str, RuleContext] = {}


def _signature() -> tuple[Any, ...]:
    from ..models import Roster, SettingKey
    sk, ro = SettingKey._meta.db_table, Roster._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT MAX(updated_at) FROM monitoring_rule), "
                    "(SELECT MAX(id) FROM monitoring_ruleversion), "
                    "(SELECT COUNT(*) FROM monitoring_rule), "
                    f"(SELECT COUNT(*) FROM {sk}), "
                    f"(SELECT SUM(CASE WHEN by_income_year THEN LENGTH(key) ELSE 0 END "
                    f"+ CASE WHEN every_year THEN 1000 * LENGTH(key) ELSE 0 END) FROM {sk}), "
                    "(SELECT COUNT(*) FROM monitoring_ruleareaswitch WHERE NOT active), "
                    "(SELECT MAX(updated_at) FROM monitoring_ruleareaswitch), "
                    f"(SELECT COUNT(*) FROM {ro}), (SELECT MAX(id) FROM {ro}), "
                    f"(SELECT SUM(CASE WHEN active THEN id ELSE 0 END) FROM {ro})")
        return tuple(cur.fetchone())


def rule_context() -> RuleContext:
    """The cached context, rebuilt when its signature changed (one query when it did not)."""
    from ..lines import every_year_keys
    from ..models import Roster
    from .features import setting_keys

    key = repr((connection.alias, connection.vendor, connection.settings_dict.get("NAME")))
    sig = _signature()
    ctx = _CACHE.get(key)
    if ctx is not None and ctx.signature == sig:
        return ctx
    first: dict[str, dt.date] = {}
    for kind, as_of in Roster.objects.filter(active=True).values_list("kind", "as_of"):
        first[kind] = min(as_of, first.get(kind, as_of))
    ctx = RuleContext(sig, setting_keys(), every_year_keys(), first, {})
    _CACHE[key] = ctx
    return ctx


def compiled_rules(*, codes: Iterable[str] | None = None,
                   kinds: Iterable[str] | None = None) -> list[CompiledRule]:
    """Active rules compiled; cached per process until a rule or setting name changes."""
    return rule_context().rules(codes, kinds)


def _compile_rules(codes: Iterable[str] | None, kinds: Iterable[str] | None) -> list[CompiledRule]:
    qs = Rule.objects.filter(active=True, current_version__isnull=False).select_related(
        "current_version")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    cols = columns()
    known = set(FEATURES) | set(cols)
    off: dict[int, list[str]] = {}
    for rule_id, code in RuleAreaSwitch.objects.filter(active=False).values_list("rule_id",
                                                                                "area_code"):
        off.setdefault(rule_id, []).append(code)
    out = []
    for rule in qs.order_by("code"):
        version = rule.current_version
        assert version is not None
        comp = compile_condition(version.condition, cols)
        out.append(CompiledRule(rule, version, comp,
                                value_names(comp, version.explanation or rule.explanation, known),
                                only_area=rule.area_code,
                                off_areas=tuple(sorted(off.get(rule.pk, ())))))
    return out


def _hits_statement(features: Query, rules: Sequence[CompiledRule], run: int,
                    dialect: Dialect, selects_count_households: bool = False) -> Query:
    """One pass over the features: a narrow relation with, per rule, the JSON of values
    when the rule fires (NULL otherwise); then one row per (household, fired rule)."""
    cases: list[str] = []
    selects: list[str] = []
    params: list[Any] = list(features.params)
    for k, cr in enumerate(rules):
        pairs = [(n, f"f.{n}") for n in cr.value_names] or [("household_id", "f.household_id")]
        where_sql, where_params = cr.area_sql()
        cases.append(f"CASE WHEN ({cr.compiled.sql}){where_sql} THEN "
                     f"{dialect.json_object(pairs)} END AS v{k}")
        params.extend(dialect.number(v) for v in cr.compiled.params)
        params.extend(where_params)
    head = (features.sql + ",\nfl AS (SELECT f.household_id, f.area_code,\n  "
            + ",\n  ".join(cases) + "\nFROM f)\nINSERT INTO monitoring_hit "
            "(run, household_id, rule_id, version_id, severity, area_code, fired_values)\n")
    if dialect.vendor == "postgresql" and selects_count_households:
        # the insert as a data-modifying CTE, and the households counted in the same statement
        head = head.replace("\nINSERT INTO monitoring_hit", ",\nins AS (INSERT INTO monitoring_hit", 1)
    for k, cr in enumerate(rules):
        selects.append(f"SELECT %s, fl.household_id, %s, %s, %s, fl.area_code, fl.v{k} "
                       f"FROM fl WHERE fl.v{k} IS NOT NULL")
        params.extend([run, cr.rule.pk, cr.version.pk, cr.version.severity])
    body = head + "\nUNION ALL\n".join(selects)
    if dialect.vendor == "postgresql" and selects_count_households:
        body += ")\nSELECT COUNT(*) FROM hh"
    return Query(body, params)


@dataclass
class Result:
    households: int
    opened: int
    refreshed: int
    closed: int
    per_rule: dict[str, dict[str, int]]

    def as_dict(self) -> dict[str, Any]:
        return {"households": self.households, "opened": self.opened,
                "refreshed": self.refreshed, "closed": self.closed, "per_rule": self.per_rule}


def evaluate(as_of: dt.date, *, area: str = "", household_ids: Sequence[int] | None = None,
             rules: Sequence[CompiledRule] | None = None, sweep: Sweep | None = None,
             source: str = "", progress: Any = None, ids_table: str = "",
             context: RuleContext | None = None) -> Result:
    """Evaluate `rules` (default: every active rule) for the households of `area` (or the
    given ids, or the ids in the temporary table `ids_table`) as of `as_of`, and bring the
    warnings in line. Runs in one transaction."""
    ctx = context or rule_context()
    rules = ctx.rules() if rules is None else list(rules)
    ops = connection.ops
    dialect = Dialect()
    run = secrets.randbits(62)
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value(as_of)
    by_id = {cr.rule.pk: cr.rule.code for cr in rules}
    per_rule: dict[str, dict[str, int]] = {
        cr.rule.code: {"hits": 0, "opened": 0, "refreshed": 0, "closed": 0} for cr in rules}
    step = _Steps(progress, 4)
    big = household_ids is None  # a sweep's plan: hash joins over whole tables
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # JIT-compiling this wide query costs seconds and buys nothing
            # (work_mem: the sweep's hash joins and aggregates over 1M households stay in
            # memory; one round trip for both settings)
            cur.execute("SELECT set_config('jit', 'off', true)" + (
                ", set_config('work_mem', '128MB', true)" if big else ""))
        hh_where = "h.area_code LIKE %s"
        hh_params: list[Any] = [f"{area}%"]
        if ids_table:
            hh_where += f" AND h.id IN (SELECT id FROM {ids_table})"
        elif household_ids is not None:
            ids = [int(i) for i in household_ids] or [-1]
            hh_where += " AND h.id IN (" + ", ".join(["%s"] * len(ids)) + ")"
            hh_params += ids
        # an instant re-check counts its households in the hits statement (one round trip
        # less); a sweep keeps its own count, so that its features are not materialised
        counted = connection.vendor == "postgresql" and bool(rules) and not big
        households = 0
        if not counted:
            cur.execute(f"SELECT COUNT(*) FROM registry_household h WHERE {hh_where}", hh_params)
            households = int(cur.fetchone()[0])
        step("计算户特征并评估规则")
        table = ""
        if rules and big:
            # materialise the resolved settings so the planner knows their size
            table = f"monitoring_sv_{run}"
            tq = settings_table_sql(as_of, area, table, keys=ctx.keys, every_year=ctx.exact)
            cur.execute(tq.sql, tq.params)
            cur.execute(f"ANALYZE {table}")
        if rules:
            feats = features_cte(as_of, area=area, household_ids=household_ids, dialect=dialect,
                                 settings_table=table, ids_table=ids_table, keys=ctx.keys,
                                 rosters=ctx.roster_kinds(as_of), every_year=ctx.exact)
            stmt = _hits_statement(feats, rules, run, dialect, selects_count_households=counted)
            cur.execute(stmt.sql, stmt.params)
            if counted:  # (the features' hh relation is the households of the scope)
                households = int(cur.fetchone()[0])
        if connection.vendor == "postgresql" and big:
            # the planner must know how many hits there are (hash joins, not nested loops
            # over a table this very statement is filling)
            cur.execute("ANALYZE monitoring_hit")
            cur.execute("SET LOCAL enable_nestloop = off")
        step("刷新持续预警")
        refreshed = _rows_per_rule(
            cur, f"""UPDATE monitoring_warning SET last_seen = %s, fired_values = h.fired_values,
                  last_version_id = h.version_id, severity = h.severity,
                  area_code = h.area_code, updated_at = %s
                FROM monitoring_hit h
                WHERE h.run = %s AND h.household_id = monitoring_warning.household_id
                  AND h.rule_id = monitoring_warning.rule_id
                  AND monitoring_warning.status IN {LIVE}""", [day, now, run],
            "monitoring_warning.rule_id")
        step("新增预警")
        # a concurrent re-check may have opened the same warning: keep one, fail neither
        opened = _rows_per_rule(
            cur, f"""INSERT INTO monitoring_warning
                  (household_id, area_code, rule_id, rule_version_id, last_version_id, severity,
                   status, fired_values, first_values, as_of, opened_at, last_seen, closed_on,
                   close_note, source, sweep_id, dismissed_reason, updated_at)
                SELECT h.household_id, h.area_code, h.rule_id, h.version_id, h.version_id,
                   h.severity, 'open', h.fired_values, h.fired_values, %s, %s, %s, NULL, '',
                   %s, %s, '', %s
                FROM monitoring_hit h
                WHERE h.run = %s AND NOT EXISTS (
                  SELECT 1 FROM monitoring_warning w WHERE w.household_id = h.household_id
                  AND w.rule_id = h.rule_id AND w.status IN {LIVE})
                ON CONFLICT DO NOTHING""",
            [day, now, day, source[:200], sweep.pk if sweep else None, now, run], "rule_id")
        step("解除不再满足条件的预警")
        closed: dict[int, int] = {}
        hits_deleted = False
        if by_id:
            rule_in = ", ".join(["%s"] * len(by_id))
            closed = _rows_per_rule(
                cur, "UPDATE monitoring_warning SET status = 'closed', closed_on = %s, "
                "close_note = %s, updated_at = %s WHERE "
                f"monitoring_warning.status IN {LIVE} AND monitoring_warning.rule_id IN ({rule_in})"
                f" AND monitoring_warning.household_id IN (SELECT h.id FROM registry_household h"
                f" WHERE {hh_where}) AND NOT EXISTS (SELECT 1 FROM monitoring_hit x"
                " WHERE x.run = %s AND x.household_id = monitoring_warning.household_id"
                " AND x.rule_id = monitoring_warning.rule_id)",
                [day, "条件不再满足，自动解除", now, *by_id, *hh_params, run],
                "monitoring_warning.rule_id", then_delete_run=run)
            hits_deleted = connection.vendor == "postgresql"
        for rule_id, code in by_id.items():
            stats = per_rule[code]
            stats["refreshed"] = refreshed.get(rule_id, 0)
            stats["opened"] = opened.get(rule_id, 0)
            stats["hits"] = stats["refreshed"] + stats["opened"]
            stats["closed"] = closed.get(rule_id, 0)
        if not hits_deleted:
            cur.execute("DELETE FROM monitoring_hit WHERE run = %s", [run])
        if table:
            cur.execute(f"DROP TABLE {table}")
            if connection.vendor == "postgresql":
                cur.execute("ANALYZE monitoring_hit")  # empty again: keep re-checks on indexes
        step("完成")
    return Result(households=households,
                  opened=sum(s["opened"] for s in per_rule.values()),
                  refreshed=sum(s["refreshed"] for s in per_rule.values()),
                  closed=sum(s["closed"] for s in per_rule.values()),
                  per_rule=per_rule)


def _rows_per_rule(cur: Any, sql: str, params: list[Any], rule_col: str,
                   then_delete_run: int | None = None) -> dict[int, int]:
    """Run an UPDATE/INSERT and count the rows it wrote per rule, in the same statement
    (a separate counting query would read the same rows a second time). On PostgreSQL,
    `then_delete_run` deletes that run's staged hits in the same statement too (its parts
    all read the snapshot from before it)."""
    if connection.vendor == "postgresql":
        delete = ""
        if then_delete_run is not None:
            delete = ", d AS (DELETE FROM monitoring_hit WHERE run = %s)"
            params = [*params, then_delete_run]
        cur.execute(f"WITH x AS ({sql} RETURNING {rule_col} AS rule_id){delete} "
                    "SELECT rule_id, COUNT(*) FROM x GROUP BY rule_id", params)
        return {int(r): int(n) for r, n in cur.fetchall()}
    cur.execute(f"{sql} RETURNING {rule_col}", params)
    counts: dict[int, int] = {}
    for (r,) in cur.fetchall():
        counts[int(r)] = counts.get(int(r), 0) + 1
    return counts


class _Steps:
    def __init__(self, progress: Any, total: int) -> None:
        self.progress = progress
        if progress is not None:
            progress.start(total, "开始")
        self.n = 0

    def __call__(self, message: str) -> None:
        if self.progress is not None and self.n:
            self.progress.advance(1, message)
        elif self.progress is not None:
            self.progress.set(0, message)
        self.n += 1


def run_sweep(*, as_of: dt.date | None = None, area: str = "", user: Any = None,
              kind: str = SweepKind.SWEEP, rule_kinds: Iterable[str] | None = None,
              job: Any = None, progress: Any = None, source: str = "") -> Sweep:
    """Sweep every household of `area` as of `as_of` and record the statistics."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    t0 = time.perf_counter()
    sweep = Sweep.objects.create(area_code=area, as_of=as_of, started_at=started, kind=kind,
                                 started_by=user if getattr(user, "pk", None) else None, job=job)
    ctx = rule_context()
    result = evaluate(as_of, area=area, rules=ctx.rules(kinds=rule_kinds), sweep=sweep,
                      source=source or f"排查 {as_of:%Y-%m-%d}", progress=progress, context=ctx)
    from ..lines import missing_lines
    Sweep.objects.filter(pk=sweep.pk).update(
        finished_at=timezone.now(), households=result.households, opened=result.opened,
        refreshed=result.refreshed, closed=result.closed, per_rule=result.per_rule,
        missing_lines=missing_lines(area, as_of), seconds=round(time.perf_counter() - t0, 3))
    sweep.refresh_from_db()
    return sweep


def recheck(household_ids: Iterable[int], *, as_of: dt.date | None = None,
            source: str = "即时复核") -> Result:
    """Re-evaluate every active rule for these households now, with the sweep's SQL:
    inline ids for a few (the instant path), one set-based pass over a temporary table of
    the ids for a bulk change, the whole sweep when they are most of the registry."""
    ids = sorted({int(i) for i in household_ids})
    as_of = as_of or timezone.localdate()
    if not ids:
        return Result(0, 0, 0, 0, {})
    ctx = rule_context()
    rules = ctx.rules()
    if len(ids) <= INSTANT_MAX:
        return evaluate(as_of, household_ids=ids, rules=rules, source=source, context=ctx)
    from fupin.registry.models import Household
    if len(ids) >= SWEEP_SHARE * Household.objects.count():
        return evaluate(as_of, rules=rules, source=source, context=ctx)
    return _bulk_recheck(ids, as_of, rules, source, ctx)


def _bulk_recheck(ids: list[int], as_of: dt.date, rules: list[CompiledRule],
                  source: str, ctx: RuleContext) -> Result:
    """One pass over a temporary table of the touched ids."""
    table = f"monitoring_ids_{secrets.randbits(40)}"
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE {table} (id bigint PRIMARY KEY)")
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} (id) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    copy.write("\n".join(map(str, ids)) + "\n")
                cur.execute(f"ANALYZE {table}")
            else:
                cur.executemany(f"INSERT INTO {table} (id) VALUES (%s)", [(i,) for i in ids])
        result = evaluate(as_of, household_ids=None, ids_table=table, rules=rules, source=source,
                          context=ctx)
        with connection.cursor() as cur:  # (on an error the rollback removes it)
            cur.execute(f"DROP TABLE {table}")
    return result


ROSTER_KINDS = (RuleKind.ROSTER, RuleKind.QUALITY)
