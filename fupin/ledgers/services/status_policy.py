"""What a ledger import may do to a household's status (MECHANISM.md §5: the monitoring
status and the household type change only through procedures).

* A county's **first** import, run by a county administrator as a *baseline*
  (`fupin ledger import FILE --baseline`, or the checkbox on the page), loads the statuses
  in the file as history ("历史数据导入"). The baseline may come in several files (township
  by township) until the county's first regular import; after that it is refused.
* Any later import refuses a household whose 户类型 or 监测对象类型 differs from the
  registry (or a new household that comes with a registered type or a monitoring status),
  says why on the row, and raises a lead for the village instead, so the difference goes
  through identification.

Two small functions the import path calls: `check_baseline` before anything is written and
`status_rules` with the registry checks; `raise_leads` after the commit.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from fupin.accounts import policy
from fupin.registry.choices import HouseholdType, MonitoringType

from .columns import BY_FIELD
from .errors import LedgerRefused
from .validate import HH, ROW, add_errors

BASELINE_REASON = "历史数据导入"
HTYPE_LABELS = {str(v): str(label) for v, label in HouseholdType.choices}
MTYPE_LABELS = {str(v): str(label) for v, label in MonitoringType.choices}


def check_baseline(user: Any, counties: set[str]) -> None:
    """A baseline import is for a county administrator (or the operator at the command line),
    and only for counties that have had no committed regular import yet."""
    from ..models import BatchStatus, ImportBatch
    if not policy.can(user, "ledgers.baseline_import"):
        raise LedgerRefused("历史数据导入（基线导入）只能由县级管理员办理")
    done = sorted(c for c in counties if c and ImportBatch.objects.filter(
        status=BatchStatus.COMMITTED, baseline=False, area_code__startswith=c).exists())
    if done:
        raise LedgerRefused(
            f"区县 {'、'.join(done)} 已导入过台账：历史数据导入只能用于一个区县的首次导入；"
            "此后户类型、监测对象类型的变化须通过识别纳入、风险消除等程序办理")


def _code(field: str, default: str) -> pl.Expr:
    return pl.col(field).replace_strict(BY_FIELD[field].choices, default=default)


def status_rules(df: pl.DataFrame, hh: pl.DataFrame, current: pl.DataFrame, *,
                 baseline: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Refuse households whose status in the file differs from the registry (not in a
    baseline import). Returns the rows with messages and the households (ids, file values)
    for which a lead is raised."""
    empty = pl.DataFrame(schema={"household_id": pl.Int64, "file_type": pl.Utf8,
                                 "file_monitoring": pl.Utf8})
    if baseline or hh.height == 0:
        return df, empty
    typed = hh.filter(pl.col("household_no") != "").select(
        HH, "household_no", "report_row", _code("household_type", "ordinary").alias("f_type"),
        _code("monitoring_type", "").alias("f_mon"))
    cur = current.select("household_no", "cur_id", "cur_household_type", "cur_monitoring_type")
    j = typed.join(cur, on="household_no", how="left").with_columns(
        pl.col("cur_monitoring_type").fill_null(""))
    known = pl.col("cur_id").is_not_null()
    type_diff = known & (pl.col("f_type") != pl.col("cur_household_type"))
    mon_diff = known & (pl.col("f_mon") != pl.col("cur_monitoring_type"))
    new_status = ~known & ((pl.col("f_type") != "ordinary") | (pl.col("f_mon") != ""))
    bad = j.filter(type_diff | mon_diff | new_status)
    if bad.height == 0:
        return df, empty

    def label(col: str, labels: dict[str, str]) -> pl.Expr:
        return pl.col(col).fill_null("").replace_strict(labels, default=pl.col(col).fill_null(""))

    rule = "户类型、监测对象类型只能通过识别纳入、风险消除等程序变更，不能由台账导入修改"
    msgs = bad.select(
        pl.col("report_row").alias(ROW),
        pl.when(~pl.col("cur_id").is_not_null())
        .then(pl.format("新户不能通过台账直接登记为“{}”“{}”：" + rule + "（首次导入请由县级管理员勾选“历史数据导入”）",
                        label("f_type", HTYPE_LABELS), label("f_mon", MTYPE_LABELS)))
        .otherwise(pl.format("台账的户类型“{}”、监测对象类型“{}”与系统（“{}”“{}”）不一致：" + rule
                             + "；已为本村登记一条风险线索，请按识别程序核实",
                             label("f_type", HTYPE_LABELS), label("f_mon", MTYPE_LABELS),
                             label("cur_household_type", HTYPE_LABELS),
                             label("cur_monitoring_type", MTYPE_LABELS)))
        .alias("message"))
    leads = bad.filter(known).select(pl.col("cur_id").alias("household_id"),
                                     label("f_type", HTYPE_LABELS).alias("file_type"),
                                     label("f_mon", MTYPE_LABELS).alias("file_monitoring"))
    return add_errors(df, msgs), leads


def raise_leads(leads: pl.DataFrame, *, batch_id: int, file_name: str) -> int:
    """One lead per refused household (a cadre's report, found today), set-based: households
    that already have a live lead of that channel keep theirs."""
    if leads.height == 0:
        return 0
    from fupin.registry.leads import raise_leads_bulk
    notes = {int(r["household_id"]): (
        f"台账导入 #{batch_id}（{file_name}）：台账登记为“{r['file_type']}”“{r['file_monitoring'] or '非监测对象'}”，"
        "与系统不一致，请按识别程序核实") for r in leads.iter_rows(named=True)}
    return raise_leads_bulk(notes, channel="cadre", source=f"台账导入 #{batch_id}")
