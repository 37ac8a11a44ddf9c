"""The import path: read -> stage -> validate (vectorised) -> lock -> registry checks ->
commit in one transaction -> report. `import_ledger` is what the CLI, the upload job and
the benchmark call."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl
from django.db import OperationalError, transaction
from django.utils import timezone

from fupin.accounts.actors import SYSTEM, Actor, check_actor, history_user
from fupin.areas.models import Area, AreaLevel
from fupin.core.jobs import Progress
from fupin.core.privacy import OUTSIDE_SCOPE
from fupin.registry import bulk as registry_bulk
from fupin.registry.bulk import fetch_in, is_pg, update_frame

from ..models import BatchStatus, ImportBatch, LedgerLock, StagedRow
from . import report, status_policy
from .columns import HOUSEHOLD_FIELDS
from .errors import LedgerBusy, LedgerRefused
from .reading import ROW, read_ledger
from .staging import StagingWriter, stage_and_normalise
from .validate import (
    ERRS,
    HH,
    ID_SHAPE,
    add_errors,
    describe,
    household_rules,
    households,
    row_rules,
    scope_expr,
    typed_households,
    typed_members,
    verdict,
)

LOCK_WAIT_SECONDS = 300


def _prefixes(user: Any) -> tuple[str, ...] | None:
    """The area prefixes the user may write in; None for the system (CLI without --user,
    a SystemActor) and superusers."""
    if getattr(user, "is_superuser", False):
        return None
    return tuple(user.scope_codes)


def mark_rejected(batch: ImportBatch, rejected: pl.DataFrame) -> None:
    """Set the verdict on the staged rows of the rejected rows (ROW, reasons), found by
    (batch, row_no): one fetch of their ids and one bulk update."""
    if rejected.height == 0:
        return
    ids = fetch_in(f"SELECT id, row_no FROM {StagedRow._meta.db_table} "
                   f"WHERE batch_id = {int(batch.pk)} AND row_no {{IN}}",
                   rejected.get_column(ROW).cast(pl.Int64).to_list(), {"id": pl.Int64, ROW: pl.Int64})
    update_frame(StagedRow, rejected.with_columns(pl.col(ROW).cast(pl.Int64)).join(ids, on=ROW).select(
        "id", pl.lit(True).alias("rejected"), "reasons"))


def rejected_raw(batch: ImportBatch, headers: list[str]) -> pl.DataFrame:
    """The rejected rows as read (ROW + one column per header), from staging."""
    rows = StagedRow.objects.filter(batch=batch, rejected=True).values_list("row_no", "values")
    df = pl.DataFrame(list(rows.iterator(chunk_size=10_000)), schema={ROW: pl.UInt32, "values": pl.Utf8},
                      orient="row")
    values = df.get_column("values").str.json_decode(pl.List(pl.Utf8))
    return pl.concat([df.select(ROW), values.list.to_struct(fields=headers).struct.unnest()],
                     how="horizontal")


def village_rules(df: pl.DataFrame, user: Any) -> pl.DataFrame:
    """Village codes must be villages the system knows, inside the user's scope."""
    codes = df.filter(pl.col("village_code").str.contains(r"^\d{12}$")).get_column("village_code").unique()
    known = pl.DataFrame(list(Area.objects.filter(code__in=codes.to_list()).values_list("code", "level", "name")),
                         schema={"village_code": pl.Utf8, "level": pl.Utf8, "area_name": pl.Utf8}, orient="row")
    prefixes = _prefixes(user)
    scope_text = "、".join(prefixes or ()) or "无"
    checked = (df.filter(pl.col("village_code").str.contains(r"^\d{12}$")).select(ROW, "village_code")
               .join(known, on="village_code", how="left")
               .filter(pl.col("level").is_null() | (pl.col("level") != AreaLevel.VILLAGE.value)
                       | ~scope_expr("village_code", prefixes)))  # format messages for these only
    v = pl.col("village_code")
    msgs = checked.select(ROW, pl.when(pl.col("level").is_null())
                          .then(pl.format("村(社区)代码“{}”不存在：系统中没有这个村或社区", v))
                          .when(pl.col("level") != AreaLevel.VILLAGE.value)
                          .then(pl.format("村(社区)代码“{}”（{}）不是村(社区)一级", v, pl.col("area_name")))
                          .when(~scope_expr("village_code", prefixes))
                          .then(pl.format("村(社区)代码“{}”（{}）不在您的管辖范围内（您的范围：" + scope_text + "）",
                                          v, pl.col("area_name")))
                          .alias("message")).drop_nulls("message")
    return add_errors(df, msgs)


def _valid_ids(df: pl.DataFrame) -> pl.Series:
    return df.filter(pl.col("resident_id").str.contains(ID_SHAPE)).get_column("resident_id").unique()


def registry_state(df: pl.DataFrame, hh: pl.DataFrame) -> registry_bulk.RegistryState:
    """The registry as it stands for the file's households and resident IDs (fetched once,
    under the county locks, and read by the checks and the commit)."""
    return registry_bulk.current_state(hh.get_column("household_no").to_list(), _valid_ids(df).to_list())


def registry_rules(df: pl.DataFrame, hh: pl.DataFrame, user: Any, state: registry_bulk.RegistryState
                   ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Checks against the registry (run under the county locks): households registered
    outside the user's scope, and resident IDs active in a household the file does not
    include. Returns the rows with messages and the links of members moving between two
    households of the file."""
    prefixes = _prefixes(user)
    numbers = hh.filter(pl.col("household_no") != "").get_column("household_no").to_list()
    cur = state.households.filter(pl.col("household_no") != "")
    outside = (cur.filter(~scope_expr("cur_area_id", prefixes))
               .join(hh.select("household_no", pl.col("report_row").alias(ROW)), on="household_no")
               .select(ROW, pl.format("户编号“{}”" + OUTSIDE_SCOPE + "，不能通过导入修改",
                                      pl.col("household_no")).alias("message")))
    df = add_errors(df, outside)
    active = state.members_by_resident_id(_valid_ids(df)).select("resident_id", "cur_household_no")
    in_file = set(numbers)
    elsewhere = (df.select(ROW, HH, "household_no", "resident_id").join(active, on="resident_id")
                 .filter(pl.col("cur_household_no") != pl.col("household_no")))
    # Where the person is registered is named (or linked) only inside the user's scope.
    areas = registry_bulk.current_households(elsewhere.get_column("cur_household_no").unique().to_list()
                                      ).select(pl.col("household_no").alias("cur_household_no"),
                                               "cur_area_id")
    elsewhere = elsewhere.join(areas, on="cur_household_no", how="left")
    linked = pl.col("cur_household_no").is_in(list(in_file)) & scope_expr("cur_area_id", prefixes)
    links = elsewhere.filter(linked).select(
        pl.col(HH).alias("a"), pl.col("cur_household_no").alias("b"))
    conflicts = elsewhere.filter(~linked).select(
        ROW, pl.when(scope_expr("cur_area_id", prefixes)).then(
            pl.format("身份证号“{}”已登记在户 {}（本文件中没有该户）：一个人同一时间只能在一户。"
                      "如确已迁入本户，请先在原户办理迁出，或把原户一并导入", pl.col("resident_id"),
                      pl.col("cur_household_no")))
        .otherwise(pl.format("身份证号“{}”" + OUTSIDE_SCOPE + "：一个人同一时间只能在一户",
                             pl.col("resident_id"))).alias("message"))
    return add_errors(df, conflicts), links


def _lock(county_codes: set[str]) -> None:
    """Lock the counties' rows in a fixed order; a second import over the same counties
    waits here until the first commits, then sees its result."""
    codes = sorted(c for c in county_codes if c)
    if not codes:
        return
    if is_pg():
        from django.db import connection
        with connection.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    try:
        list(LedgerLock.objects.select_for_update().filter(county_code__in=codes).order_by("county_code"))
    except OperationalError:
        raise LedgerBusy("另一个台账导入正在处理同一区县的数据，已等待 "
                         f"{LOCK_WAIT_SECONDS // 60} 分钟仍未完成：请稍后再导入") from None


def import_ledger(path: str | Path, *, user: Actor = SYSTEM, file_name: str | None = None,
                  dry_run: bool = False, progress: Progress | None = None,
                  baseline: bool = False) -> ImportBatch:
    """Import one ledger file. Refused files raise LedgerRefused and write nothing; otherwise
    an ImportBatch is returned with the counts (accepted + rejected = read).

    `baseline`: a county's first import by its county administrator loads the statuses in
    the file as history (历史数据导入); otherwise a household whose status differs from the
    registry is refused and a lead is raised (status_policy)."""
    started = time.monotonic()
    progress = progress or Progress()
    check_actor(user)
    if not getattr(user, "is_writer", False):
        raise LedgerRefused("您的角色只能查看，不能导入台账")
    progress.start(100, "读取文件")
    timings: dict[str, float] = {}
    mark = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - mark[0], 3)
        mark[0] = now

    table = read_ledger(path, file_name)
    lap("read")
    progress.set(15, f"已读取 {table.df.height} 行，暂存")
    batch = ImportBatch.objects.create(
        file_name=file_name or Path(path).name, file_size=table.size, file_format=table.file_format,
        encoding=table.encoding, sha256=table.sha256, sheet=table.sheet, header_row=table.header_row,
        headers=table.headers, unknown_columns=table.unknown, dry_run=dry_run, baseline=baseline,
        user=history_user(user))
    staging = StagingWriter()
    try:
        normalised = stage_and_normalise(batch, table, staging)
        lap("stage")
        progress.set(30, "校验")
        today = timezone.localdate()
        df = row_rules(normalised, today)
        del normalised
        hh = households(df)
        df = household_rules(df, hh)
        df = village_rules(df, user)
        df = add_errors(df, table.bad_chars)  # NUL in any cell: the row says which column
        # The household columns are consolidated in hh; the rows need them no more.
        df = df.drop(HOUSEHOLD_FIELDS)
        lap("validate")
        batch.area_code = common_area(hh.get_column("village_code"))
        batch.save(update_fields=["area_code"])
        if baseline:
            status_policy.check_baseline(
                user, set(hh.get_column("village_code").str.slice(0, 6).to_list()))
        progress.set(45, "与建档立卡库比对")
        with transaction.atomic():
            if not dry_run:
                counties = set(hh.get_column("village_code").str.slice(0, 6).to_list())
                LedgerLock.objects.bulk_create([LedgerLock(county_code=c) for c in sorted(counties) if c],
                                               ignore_conflicts=True)
                _lock(counties)
                lap("lock")
            state = registry_state(df, hh)
            if not dry_run:
                # Households of the file registered in other counties: lock those too, then
                # read them again (they may have changed before their lock was ours).
                extra = set(state.households.get_column("cur_area_id").str.slice(0, 6).to_list()) - counties
                if extra:
                    LedgerLock.objects.bulk_create([LedgerLock(county_code=c) for c in sorted(extra)],
                                                   ignore_conflicts=True)
                    _lock(extra)
                    state = registry_state(df, hh)
            lap("registry_fetch")
            df, links = registry_rules(df, hh, user, state)
            df, leads = status_policy.status_rules(df, hh, state.households, baseline=baseline)
            df = verdict(df, links)
            lap("registry_checks")
            counts = describe(df)
            progress.set(60, "写入" if not dry_run else "试导入：计算变化")
            rejected = (df.select(ROW, ERRS, "accepted").filter(~pl.col("accepted"))
                        .select(ROW, pl.col(ERRS).list.join("；").alias("reasons")))
            # Filtering copies every column: not when every row is accepted.
            ok = df if rejected.height == 0 else df.filter("accepted")
            del df  # big frames go as soon as they are used: peak memory matters at a million rows
            members = typed_members(ok)
            members = pl.concat([members, registry_bulk.pinyin_frame(members.get_column("name"))], how="horizontal")
            hh_ok = typed_households(hh.join(ok.select(HH).unique(), on=HH, how="semi"))
            del ok, hh
            # The registry's bulk service writes; the scope of every row was checked above
            # (village_rules, registry_rules) with a message per row.
            result = registry_bulk.commit_households(
                actor=user, households=hh_ok,
                members=members, reason=batch.change_reason, today=today, now=timezone.now(),
                dry_run=dry_run, check_scope=False, state=state)
            del state
            lap("commit")
            if not dry_run:
                status_policy.raise_leads(leads, batch_id=batch.pk, file_name=batch.file_name)
            staging.finish()  # the staged rows are written (their COPY ran beside the work above)
            mark_rejected(batch, rejected)
            for k, v in counts.items():
                setattr(batch, k, v)
            batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
            batch.status = BatchStatus.DRY_RUN if dry_run else BatchStatus.COMMITTED
            batch.finished_at = timezone.now()
            lap("mark_rejected")
            batch.seconds = round(time.monotonic() - started, 3)
            batch.timings = timings
            batch.save()
        lap("transaction_commit")
        assert batch.accepted + batch.rejected == batch.read, "rows lost"
        # household_changed went out when the transaction committed (registry.signals);
        # a failing re-check is logged and retried there and never fails this import.
        if batch.rejected:
            progress.set(90, "生成拒收报告")
            table.df = rejected_raw(batch, table.headers)
            batch.report_file = str(report.write_rejected(batch, table, rejected))
            lap("report")
            batch.save(update_fields=["report_file"])
        batch.seconds = round(time.monotonic() - started, 3)
        ImportBatch.objects.filter(pk=batch.pk).update(timings=timings, seconds=batch.seconds)
        progress.set(100, "完成")
        return batch
    except Exception as exc:
        staging.abort()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:5000],
            finished_at=timezone.now())
        raise


def common_area(codes: pl.Series) -> str:
    """The area a file is about: the longest level prefix its village codes share."""
    values = [c for c in codes.unique().to_list() if c and len(c) == 12 and c.isdigit()]
    if not values:
        return ""
    for n in (12, 9, 6, 4, 2):
        if len({v[:n] for v in values}) == 1:
            return values[0][:n]
    return ""
