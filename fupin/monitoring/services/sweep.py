"""Evaluate rules set-based in the database: whole areas (sweeps) or a few households
(instant re-check), with exactly the same compiled SQL.

1. `WITH <features>, fl AS (…) SELECT … FROM fl WHERE <rule 1 fired> UNION ALL …` gives one
   row per household and rule that fires, with the values that made it fire (the hits);
2. live warnings that fired are refreshed (rewritten only when their values changed);
3. hits without a live warning open new ones;
4. live warnings of the evaluated rules and households without a hit are closed.

On PostgreSQL, 2–4 are data-modifying CTEs of one statement: an instant re-check is one
round trip with the hits as a CTE; a sweep first materialises the hits in a temporary
table (analysed, so the writes are hash joins). SQLite stages the hits in
`monitoring_hit` and runs 2–4 one by one.

No Python loop over households anywhere.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
# an instant re-check of up to PREPARED_MAX households runs as a prepared statement
PREPARED_MAX = 8
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


def _hits_select(features: Query, rules: Sequence[CompiledRule], dialect: Dialect,
                 run: int | None = None) -> tuple[str, str, list[Any]]:
    """One pass over the features: a narrow relation `fl` with, per rule, the JSON of values
    when the rule fires (NULL otherwise); then one row per (household, fired rule).
    Returns (`WITH …, fl AS (…)`, the `SELECT … UNION ALL …` of the hits, params);
    with `run`, each hit row starts with it (the `monitoring_hit` staging table)."""
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
            + ",\n  ".join(cases) + "\nFROM f)")
    for k, cr in enumerate(rules):
        first = "%s, " if run is not None else ""
        selects.append(
            f"SELECT {first}fl.household_id, CAST(%s AS BIGINT) AS rule_id, "
            f"CAST(%s AS BIGINT) AS version_id, CAST(%s AS VARCHAR(10)) AS severity, "
            f"fl.area_code, fl.v{k} AS fired_values FROM fl WHERE fl.v{k} IS NOT NULL")
        params.extend(([run] if run is not None else [])
                      + [cr.rule.pk, cr.version.pk, cr.version.severity])
    return head, "\nUNION ALL\n".join(selects), params


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
    ev = _Evaluation(as_of, area, household_ids, ids_table, rules, sweep, source, ctx)
    step = _Steps(progress, 2)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            counts = ev.run_postgresql(cur, step)
        else:
            counts = ev.run_staged(cur, step)
        step("完成")
    per_rule: dict[str, dict[str, int]] = {}
    for cr in rules:
        rid, code = cr.rule.pk, cr.rule.code
        stats = {"hits": 0, "opened": counts["o"].get(rid, 0),
                 "refreshed": counts["r"].get(rid, 0), "closed": counts["c"].get(rid, 0)}
        stats["hits"] = stats["refreshed"] + stats["opened"]
        per_rule[code] = stats
    return Result(households=ev.households,
                  opened=sum(s["opened"] for s in per_rule.values()),
                  refreshed=sum(s["refreshed"] for s in per_rule.values()),
                  closed=sum(s["closed"] for s in per_rule.values()),
                  per_rule=per_rule)


class _Evaluation:
    """The statements of one evaluation (see the module docstring)."""

    def __init__(self, as_of: dt.date, area: str, household_ids: Sequence[int] | None,
                 ids_table: str, rules: list[CompiledRule], sweep: Sweep | None, source: str,
                 ctx: RuleContext) -> None:
        ops = connection.ops
        self.as_of, self.area, self.ids_table, self.rules, self.ctx = (
            as_of, area, ids_table, rules, ctx)
        self.household_ids = household_ids
        self.dialect = Dialect()
        self.run = secrets.randbits(62)
        self.now = ops.adapt_datetimefield_value(timezone.now())
        self.day = ops.adapt_datefield_value(as_of)
        self.sweep_id = sweep.pk if sweep else None
        self.source = source[:200]
        self.big = household_ids is None  # a sweep's plan: hash joins over whole tables
        self.rule_ids = [cr.rule.pk for cr in rules]
        self.households = 0
        self.hh_where = "h.area_code LIKE %s"
        self.hh_params: list[Any] = [f"{area}%"]
        if ids_table:
            self.hh_where += f" AND h.id IN (SELECT id FROM {ids_table})"
        elif household_ids is not None:
            ids = [int(i) for i in household_ids] or [-1]
            self.hh_where += " AND h.id IN (" + ", ".join(["%s"] * len(ids)) + ")"
            self.hh_params += ids

    def features(self, settings_table: str = "",
                 school_band: tuple[Decimal, Decimal] | None = None) -> Query:
        ctx = self.ctx
        return features_cte(self.as_of, area=self.area, household_ids=self.household_ids,
                            dialect=self.dialect, settings_table=settings_table,
                            ids_table=self.ids_table, keys=ctx.keys,
                            rosters=ctx.roster_kinds(self.as_of), every_year=ctx.exact,
                            school_band=school_band)

    def school_band(self, cur: Any, table: str) -> tuple[Decimal, Decimal] | None:
        """The school age band, when every village's settings for the year have the same one
        (the members are then aggregated without joining each to its household)."""
        if not {"school_age_min", "school_age_max"} <= set(self.ctx.keys):
            return None
        cur.execute("SELECT COUNT(*), COUNT(school_age_min), COUNT(school_age_max), "
                    "MIN(school_age_min), MAX(school_age_min), MIN(school_age_max), "
                    f"MAX(school_age_max) FROM {table} WHERE year = %s", [self.as_of.year])
        rows, lo_n, hi_n, lo, lo_top, hi, hi_top = cur.fetchone()
        if rows and rows == lo_n == hi_n and lo == lo_top and hi == hi_top:
            return Decimal(lo), Decimal(hi)
        return None

    def count_households(self, cur: Any) -> None:
        cur.execute(f"SELECT COUNT(*) FROM registry_household h WHERE {self.hh_where}",
                    self.hh_params)
        self.households = int(cur.fetchone()[0])

    # -- PostgreSQL: the writes are data-modifying CTEs of one statement -----------------

    def run_postgresql(self, cur: Any, step: _Steps) -> dict[str, dict[int, int]]:
        # JIT-compiling this wide query costs seconds and buys nothing; a sweep's hash joins
        # and aggregates over 1M households stay in memory with a larger work_mem
        cur.execute("SELECT set_config('jit', 'off', true)" + (
            ", set_config('work_mem', '256MB', true)" if self.big else ""))
        step("计算户特征并评估规则")
        if not self.rules:
            self.count_households(cur)
            return {"r": {}, "o": {}, "c": {}}
        if not self.big:
            # the instant path: features, hits and every write in one round trip
            head, hits, params = _hits_select(self.features(), self.rules, self.dialect)
            apply_sql, apply_params, tail = self.apply_sql("hits", "SELECT id FROM hh", [])
            sql = (f"{head},\nhits AS ({hits}),\n{apply_sql}\n{tail}\n"
                   "UNION ALL SELECT 'h', 0, COUNT(*) FROM hh")
            if len(self.household_ids or ()) <= PREPARED_MAX:
                counts = self.execute_prepared(cur, sql, [*params, *apply_params])
            else:
                cur.execute(sql, [*params, *apply_params])
                counts = self.read_counts(cur)
            self.households = counts.pop("h", {}).get(0, 0)
            return counts
        self.count_households(cur)
        # materialise the resolved settings and the hits, so that the planner knows their
        # sizes (hash joins, never nested loops over a relation it guessed wrong)
        table = f"monitoring_sv_{self.run}"
        tq = settings_table_sql(self.as_of, self.area, table, keys=self.ctx.keys,
                                every_year=self.ctx.exact)
        cur.execute(tq.sql, tq.params)
        cur.execute(f"ANALYZE {table}")
        hits_table = f"monitoring_hits_{self.run}"
        band = self.school_band(cur, table)
        head, hits, params = _hits_select(self.features(table, band), self.rules, self.dialect)
        cur.execute(f"CREATE TEMP TABLE {hits_table} AS {head}\n{hits}", params)
        cur.execute(f"ANALYZE {hits_table}")
        step("刷新、新增与解除预警")
        # hash joins: a nested loop over the warnings would re-read the pages this very
        # statement is adding (the table may have been empty when last analysed)
        cur.execute("SELECT set_config('enable_nestloop', 'off', true)")
        whole = not self.area and not self.ids_table
        apply_sql, apply_params, tail = self.apply_sql(
            hits_table, "" if whole else
            f"SELECT h.id FROM registry_household h WHERE {self.hh_where}",
            [] if whole else self.hh_params)
        cur.execute(f"WITH {apply_sql}\n{tail}", apply_params)
        counts = self.read_counts(cur)
        cur.execute(f"DROP TABLE {hits_table}, {table}")
        return counts

    def apply_sql(self, hits: str, scope_sql: str,
                  scope_params: list[Any]) -> tuple[str, list[Any], str]:
        """CTEs refreshing, opening and closing warnings from the relation `hits`, and the
        SELECT of the per-rule counts. A refresh rewrites only the warnings whose values
        changed (most do not); every live warning that fired counts as refreshed. All parts
        read the snapshot from before the statement, so they never see each other's rows."""
        rule_in = ", ".join(["%s"] * len(self.rule_ids))
        scope = f" AND w.household_id IN ({scope_sql})" if scope_sql else ""
        sql = f"""live AS (
  SELECT w.id, h.rule_id, h.version_id, h.severity, h.area_code, h.fired_values,
         (w.last_seen <> %s OR w.fired_values::text <> h.fired_values::text
          OR w.last_version_id IS DISTINCT FROM h.version_id OR w.severity <> h.severity
          OR w.area_code <> h.area_code) AS changed
  FROM {hits} h JOIN monitoring_warning w ON w.household_id = h.household_id
   AND w.rule_id = h.rule_id AND w.status IN {LIVE}),
upd AS (
  UPDATE monitoring_warning SET last_seen = %s, fired_values = l.fired_values,
         last_version_id = l.version_id, severity = l.severity, area_code = l.area_code,
         updated_at = %s
  FROM live l WHERE l.changed AND monitoring_warning.id = l.id
   AND monitoring_warning.status IN {LIVE}),
ins AS (
  INSERT INTO monitoring_warning
    (household_id, area_code, rule_id, rule_version_id, last_version_id, severity, status,
     fired_values, first_values, as_of, opened_at, last_seen, closed_on, close_note, source,
     sweep_id, dismissed_reason, updated_at)
  SELECT h.household_id, h.area_code, h.rule_id, h.version_id, h.version_id, h.severity,
         'open', h.fired_values, h.fired_values, %s, %s, %s, NULL, '', %s, %s, '', %s
  FROM {hits} h
  WHERE NOT EXISTS (SELECT 1 FROM monitoring_warning w WHERE w.household_id = h.household_id
                    AND w.rule_id = h.rule_id AND w.status IN {LIVE})
  ON CONFLICT DO NOTHING
  RETURNING rule_id),
cls AS (
  UPDATE monitoring_warning w SET status = 'closed', closed_on = %s, close_note = %s,
         updated_at = %s
  WHERE w.status IN {LIVE} AND w.rule_id IN ({rule_in}){scope}
    AND NOT EXISTS (SELECT 1 FROM {hits} x WHERE x.household_id = w.household_id
                    AND x.rule_id = w.rule_id)
  RETURNING w.rule_id)"""
        # (a concurrent re-check may have opened the same warning: keep one, fail neither)
        params = [self.day, self.day, self.now,
                  self.day, self.now, self.day, self.source, self.sweep_id, self.now,
                  self.day, "条件不再满足，自动解除", self.now, *self.rule_ids, *scope_params]
        tail = ("SELECT 'r', rule_id, COUNT(*) FROM live GROUP BY rule_id\n"
                "UNION ALL SELECT 'o', rule_id, COUNT(*) FROM ins GROUP BY rule_id\n"
                "UNION ALL SELECT 'c', rule_id, COUNT(*) FROM cls GROUP BY rule_id")
        return sql, params, tail

    def execute_prepared(self, cur: Any, sql: str, params: list[Any]) -> dict[str, dict[int, int]]:
        """Run the statement as a prepared statement with a generic plan: planning this wide
        query costs more than running it for a few households. The text depends only on
        the rules and the number of ids, so a connection that lives on (CONN_MAX_AGE, a
        worker) plans it once (psycopg keeps the prepared statements per connection)."""
        cur.execute("SELECT current_setting('plan_cache_mode'), "
                    "set_config('plan_cache_mode', 'force_generic_plan', true)")
        mode = cur.fetchone()[0]
        import psycopg
        server = psycopg.Cursor(connection.connection)  # server-side binding, same transaction
        try:
            server.execute(sql, params, prepare=True)
            counts = self.read_counts(server)
        finally:
            server.close()
        cur.execute("SELECT set_config('plan_cache_mode', %s, true)", [mode])
        return counts

    @staticmethod
    def read_counts(cur: Any) -> dict[str, dict[int, int]]:
        counts: dict[str, dict[int, int]] = {"r": {}, "o": {}, "c": {}}
        for kind, rule_id, n in cur.fetchall():
            counts.setdefault(kind, {})[int(rule_id)] = int(n)
        return counts

    # -- SQLite (no data-modifying CTEs): hits staged in monitoring_hit ------------------

    def run_staged(self, cur: Any, step: _Steps) -> dict[str, dict[int, int]]:
        run, day, now = self.run, self.day, self.now
        self.count_households(cur)
        step("计算户特征并评估规则")
        if self.rules:
            head, hits, params = _hits_select(self.features(), self.rules, self.dialect, run)
            cur.execute(f"{head}\nINSERT INTO monitoring_hit (run, household_id, rule_id, "
                        f"version_id, severity, area_code, fired_values)\n{hits}", params)
        step("刷新、新增与解除预警")
        refreshed = _rows_per_rule(
            cur, f"""UPDATE monitoring_warning SET last_seen = %s, fired_values = h.fired_values,
                  last_version_id = h.version_id, severity = h.severity,
                  area_code = h.area_code, updated_at = %s
                FROM monitoring_hit h
                WHERE h.run = %s AND h.household_id = monitoring_warning.household_id
                  AND h.rule_id = monitoring_warning.rule_id
                  AND monitoring_warning.status IN {LIVE}""", [day, now, run],
            "monitoring_warning.rule_id")
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
            [day, now, day, self.source, self.sweep_id, now, run], "rule_id")
        closed: dict[int, int] = {}
        if self.rule_ids:
            rule_in = ", ".join(["%s"] * len(self.rule_ids))
            closed = _rows_per_rule(
                cur, "UPDATE monitoring_warning SET status = 'closed', closed_on = %s, "
                "close_note = %s, updated_at = %s WHERE "
                f"monitoring_warning.status IN {LIVE} AND monitoring_warning.rule_id IN ({rule_in})"
                f" AND monitoring_warning.household_id IN (SELECT h.id FROM registry_household h"
                f" WHERE {self.hh_where}) AND NOT EXISTS (SELECT 1 FROM monitoring_hit x"
                " WHERE x.run = %s AND x.household_id = monitoring_warning.household_id"
                " AND x.rule_id = monitoring_warning.rule_id)",
                [day, "条件不再满足，自动解除", now, *self.rule_ids, *self.hh_params, run],
                "monitoring_warning.rule_id")
        cur.execute("DELETE FROM monitoring_hit WHERE run = %s", [run])
        return {"r": refreshed, "o": opened, "c": closed}


def _rows_per_rule(cur: Any, sql: str, params: list[Any], rule_col: str) -> dict[int, int]:
    """Run an UPDATE/INSERT … RETURNING and count the rows it wrote per rule."""
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
