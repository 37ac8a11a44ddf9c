"""The registry's bulk service: many households written set-based in one go (a ledger
import, a roster upload). The single services (`fupin.registry.services`) and this service
are the only writers of registry tables, and they share the rules (`fupin.registry.rules`),
the status periods (`.statuses`) and the after-commit `household_changed` signal.

    errors = bulk.validate(households, members)            # registry rules, set-based
    result = bulk.commit_households(actor=..., households=..., members=..., reason=...)

Frames hold stored values (codes, booleans, integers; money in cents), one row per
household and one per member, linked by household_no (see `commit.apply`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fupin.accounts.actors import Actor, history_user
from fupin.core.scope import can_write_area

from ..rules import broken, household_rules, member_rules
from ..signals import notify_changed
from .commit import (
    CommitResult,
    RegistryState,
    apply,
    current_households,
    current_state,
    members_by_resident_id,
    members_of,
    pinyin_frame,
)
from .frames import (
    HistoryMark,
    append_frame,
    fetch_in,
    insert_frame,
    is_pg,
    update_frame,
    write_history,
)
from .statuses import STATUS_FIELDS, open_status_periods

__all__ = [
    "STATUS_FIELDS", "CommitResult", "HistoryMark", "RegistryState", "append_frame", "commit_households",
    "current_households", "current_state", "fetch_in",
    "insert_frame", "is_pg", "members_by_resident_id", "members_of", "open_status_periods",
    "pinyin_frame", "update_frame", "validate", "villages_of", "write_history",
]

ERRORS_SCHEMA = {"household_no": pl.Utf8, "field": pl.Utf8, "message": pl.Utf8}


def validate(households: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """(household_no, field, message) for every registry rule a household or one of its
    members breaks: the rules of `fupin.registry.rules`, as the single path checks them.
    households: household_no, household_type, exit_year, main_cause, phone;
    members: household_no, name, relation_to_head, disabled, disability_grade, months_worked."""
    counts = members.group_by("household_no").agg(
        pl.len().alias("n_members"), (pl.col("relation_to_head") == "head").sum().alias("n_heads"))
    hh = (households.join(counts, on="household_no", how="left")
          .with_columns(pl.col("n_members").fill_null(0), pl.col("n_heads").fill_null(0),
                        pl.col("exit_year").cast(pl.Utf8).fill_null("").alias("exit_year_text"),
                        pl.col("main_cause").fill_null(""), pl.col("phone").fill_null("")))
    h_err = broken(hh, household_rules(hh.columns), "household_no").drop("__rule")
    m = members.with_row_index("__m").with_columns(
        pl.col("months_worked").cast(pl.Utf8).fill_null("").alias("months_text"),
        pl.col("disability_grade").fill_null(""), pl.col("disabled").fill_null(False))
    m_err = (broken(m, member_rules(), "__m").drop("__rule")
             .join(m.select("__m", "household_no"), on="__m").select("household_no", "field", "message"))
    return pl.concat([h_err.cast(ERRORS_SCHEMA), m_err.cast(ERRORS_SCHEMA)])  # type: ignore[arg-type]


def _require_write(actor: Actor, households: pl.DataFrame) -> None:
    """Every village written (and every village a household is registered in now) must be
    inside the actor's writable scope: one check per distinct village, not per row."""
    codes = set(households.get_column("area_id").unique().to_list())
    existing = current_households(households.get_column("household_no").to_list())
    codes |= set(existing.get_column("cur_area_id").unique().to_list())
    outside = sorted(c for c in codes if c and not can_write_area(actor, c))
    if outside:
        raise PermissionDenied(f"您没有修改区划 {'、'.join(outside[:5])} 数据的权限")


def commit_households(*, actor: Actor, households: pl.DataFrame, members: pl.DataFrame,
                      reason: str, today: dt.date | None = None, now: dt.datetime | None = None,
                      dry_run: bool = False, check_scope: bool = True,
                      state: RegistryState | None = None) -> CommitResult:
    """Bring the registry in line with these accepted households (create, update, move and
    end memberships, open status periods, upsert incomes, history naming `actor` and
    `reason`). `household_changed` is sent for the touched households after the caller's
    transaction commits. Callers validate first (`validate`, or the ledger's own rules,
    which include them); `check_scope=False` only when the caller has already checked the
    scope of every household (the ledger import does, with messages per row). `state`: the
    registry as the caller fetched it (`current_state`) inside this transaction, under its
    locks, so that it is not fetched again."""
    with transaction.atomic():
        if check_scope and not dry_run:
            _require_write(actor, households)
        user = history_user(actor)
        result = apply(members, households, user_id=getattr(user, "pk", None), reason=reason,
                       today=today or timezone.localdate(), now=now or timezone.now(),
                       dry_run=dry_run, state=state)
        if not dry_run:
            if is_pg() and len(result.touched) >= ANALYZE_AFTER:
                # Before the re-check (on_commit runs in order): it plans with these figures.
                transaction.on_commit(refresh_statistics, robust=True)
            notify_changed(result.touched, reason)
    return result


def villages_of(household_ids: list[int]) -> list[str]:
    """The distinct villages of these households, in one statement however many there are
    (a `pk__in` list of 250,000 ids took two seconds on PostgreSQL, and breaks SQLite's limit
    on parameters)."""
    if not household_ids:
        return []
    found = fetch_in("SELECT DISTINCT area_code FROM registry_household WHERE id {IN}",
                     household_ids, {"area_code": pl.Utf8})
    return sorted(set(found.get_column("area_code").to_list()))


# Households touched by one commit above which the planner's figures are refreshed at once.
ANALYZE_AFTER = 10_000
# The columns the checks, the re-check and the sweep join and filter on: sampling only these
# takes well under a second at a million members (the name-search columns keep a statistics
# target of 1000, and a whole ANALYZE samples the table whole for them).
ANALYZE_COLUMNS = {
    "registry_household": ("id", "household_no", "area_code", "household_type", "welfare_status",
                           "monitoring_type"),
    "registry_member": ("id", "household_id", "status", "resident_id"),
    "registry_income": ("id", "household_id", "year"),
    "registry_householdstatus": ("id", "household_id", "valid_to"),
}


def refresh_statistics() -> None:
    """ANALYZE the registry tables a large bulk write changed, without waiting for
    autovacuum (which may be off, or a minute away): a re-check, a re-import or a page
    planned on the figures of an empty table takes several times longer."""
    from django.db import connection

    with connection.cursor() as cur:
        for table, columns in ANALYZE_COLUMNS.items():
            cur.execute(f"ANALYZE {table} ({', '.join(columns)})")
