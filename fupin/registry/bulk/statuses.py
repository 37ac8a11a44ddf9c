"""Status periods (MECHANISM.md §3): the one place where a household's classification
period is opened. The single services call it with one household, the bulk service with
a whole import; both leave the same rows and history.

For each household: no open period -> open one from `day`; an open period that began
before `day` -> close it on `day` and open a new one; an open period that began on `day`
or later (a same-day or backdated correction) -> rewrite it in place.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..models import HouseholdStatus
from .frames import HistoryMark, fetch_in, update_frame

STATUS_FIELDS = ["household_type", "exit_year", "welfare_status", "monitoring_type"]
# A period also keeps whether the monitored risk was eliminated (MECHANISM §5.3); only the
# procedures change it, so a ledger change carries the household's current value over.
PERIOD_FIELDS = [*STATUS_FIELDS, "risk_eliminated"]
STATUS_SCHEMA = {"household_id": pl.Int64, "household_type": pl.Utf8, "exit_year": pl.Int64,
                 "welfare_status": pl.Utf8, "monitoring_type": pl.Utf8,
                 "risk_eliminated": pl.Boolean}

def open_status_periods(changes: pl.DataFrame, *, day: dt.date, reason: str,
                        history: HistoryMark) -> list[int]:
    """`changes`: household_id and the four status fields (the new classification). Returns
    the ids of the periods written (rewritten or opened)."""
    cols = ["household_id", *PERIOD_FIELDS]
    if "risk_eliminated" not in changes.columns:
        current = fetch_in(
            "SELECT id, CAST(risk_eliminated AS INTEGER) FROM registry_household WHERE id {IN}",
            changes.get_column("household_id").to_list(),
            {"household_id": pl.Int64, "risk_eliminated": pl.Int64})
        changes = changes.join(current, on="household_id", how="left").with_columns(
            pl.col("risk_eliminated").fill_null(0).cast(pl.Boolean))
    changes = changes.select(cols).cast(STATUS_SCHEMA)  # type: ignore[arg-type]
    open_rows = fetch_in(
        "SELECT id, household_id, CAST(valid_from AS TEXT) FROM registry_householdstatus "
        "WHERE valid_to IS NULL AND household_id {IN}", changes.get_column("household_id").to_list(),
        {"status_id": pl.Int64, "household_id": pl.Int64, "valid_from": pl.Utf8})
    changes = changes.join(
        open_rows.with_columns(pl.col("valid_from").str.slice(0, 10).str.to_date()),
        on="household_id", how="left")
    rewrite = changes.filter(pl.col("valid_from") >= pl.lit(day))
    close = changes.filter(pl.col("valid_from") < pl.lit(day))
    update_frame(HouseholdStatus, rewrite.select(pl.col("status_id").alias("id"), *PERIOD_FIELDS,
                                                 pl.lit(reason).alias("reason")))
    update_frame(HouseholdStatus, close.select(pl.col("status_id").alias("id"),
                                               pl.lit(day).alias("valid_to")))
    history(HouseholdStatus, close.get_column("status_id").to_list()
            + rewrite.get_column("status_id").to_list(), "~")
    opened = changes.filter(pl.col("status_id").is_null() | (pl.col("valid_from") < pl.lit(day)))
    ids = history.insert(HouseholdStatus, opened.select(cols).with_columns(
        pl.lit(day).alias("valid_from"), pl.lit(None, dtype=pl.Date).alias("valid_to"),
        pl.lit(reason).alias("reason")))
    return rewrite.get_column("status_id").to_list() + ids
