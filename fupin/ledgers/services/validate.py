"""Vectorised validation of a staged ledger (LEDGER.md): every rule is a polars expression
over whole columns, cross-row rules are group-bys, and the registry is consulted with
set-based queries. Each row ends with the list of its problems in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.utils import timezone

from fupin.registry import rules as registry_rules
from fupin.registry.resident_id import CHECK_CHARS, EARLIEST_BIRTH, PROVINCES, WEIGHTS

from .columns import BY_FIELD, COLUMNS, HEALTH_LABELS, HOUSEHOLD_FIELDS, MONEY_FIELDS, Column
from .normalise import clean
from .reading import ROW, RawTable

HH = "__hh"  # household key: 户编号, or the row itself when 户编号 is blank
ERRS = "__errs"  # list[str] of the row's own problems
WITH_HOUSEHOLD = "本行无误，因同户其他行有错误随户退回（rejected with its household）"
MONEY_MAX_CENTS = 10**12 - 1  # DECIMAL(12, 2)


Rule = tuple[pl.Expr, pl.Expr]  # (condition that flags a row, its message)


def _err(cond: pl.Expr, message: pl.Expr | str) -> Rule:
    return cond, (pl.lit(message) if isinstance(message, str) else message)


def messages(df: pl.DataFrame, rules: list[Rule], key: str = ROW) -> pl.DataFrame:
    """(key, message) for every row a rule flags. Messages are only formatted for the flagged
    rows: formatting a million strings per rule and throwing them away costs gigabytes."""
    lf = df.lazy()
    parts = [lf.filter(cond.fill_null(False)).select(pl.col(key).alias(ROW), msg.alias("message"),
                                                     pl.lit(i, dtype=pl.Int32).alias("__rule"))
             for i, (cond, msg) in enumerate(rules)]
    return pl.concat(parts).collect()


def _fmt(template: str, *exprs: pl.Expr) -> pl.Expr:
    return pl.format(template, *exprs)


def normalise(table: RawTable) -> pl.DataFrame:
    """One normalised text column per ledger field (blank when the column is absent)."""
    return normalise_frame(table.df, table.fields)


# Columns of few distinct values (code lists, yes/no, health, ethnicity, group), kept as
# categoricals through validation when the caller asks (4 bytes a cell instead of a
# 16-byte string view: at a million rows the normalised frame is half the size). Rules
# that need string functions on them cast first.
CATEGORICAL_FIELDS = frozenset(c.field for c in COLUMNS if c.kind in ("code", "bool", "health")
                               or c.field in ("ethnicity", "group"))


def normalise_frame(raw: pl.DataFrame, fields: dict[str, str],
                    categorical: pl.DataType | None = None) -> pl.DataFrame:
    """`normalise` on a part of the raw rows (row by row: parts can be normalised apart).
    `categorical`: the dtype for CATEGORICAL_FIELDS (one per import, so parts concatenate)."""
    out = [raw.get_column(ROW)]
    for col in COLUMNS:
        src = fields.get(col.field)
        dtype: pl.DataType = (categorical if categorical is not None and col.field in CATEGORICAL_FIELDS
                              else pl.Utf8())
        out.append((_normalised(col, raw.get_column(src), dtype) if src
                    else pl.repeat("", raw.height, dtype=pl.Utf8, eager=True).cast(dtype)).alias(col.field))
    df = pl.DataFrame(out)
    return df.with_columns(
        pl.when(pl.col("household_no") == "")
        .then(pl.format("\u0000row{}", pl.col(ROW)))
        .otherwise(pl.col("household_no")).alias(HH))


def _normalised(col: Column, cells: pl.Series, dtype: pl.DataType) -> pl.Series:
    """A column normalised, each distinct value once when values repeat (most ledger columns
    hold a few dozen distinct values): a lookup instead of regex passes over every cell."""
    cells = cells.fill_null("")
    distinct = cells.unique()
    if distinct.len() * 2 > cells.len():
        return cells.to_frame("v").select(clean(col, pl.col("v"))).to_series().cast(dtype)
    cleaned = distinct.to_frame("v").select(clean(col, pl.col("v"))).to_series()
    return cells.replace_strict(distinct, cleaned, return_dtype=dtype)


# ---------------------------------------------------------------- resident IDs

ID_SHAPE = r"^\d{17}[\dX]$"  # 17 digits and a check character (checksum, province, date apart)


def _id_rules(today: dt.date) -> tuple[pl.Expr, list[Rule]]:
    rid = pl.col("resident_id")
    digits17 = [rid.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits17, WEIGHTS, strict=True)])
    expected = total.mod(11).replace_strict(list(range(11)), list(CHECK_CHARS), default=None)
    birth = rid.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    fix = "请把身份证号列设为“文本”格式（或使用系统导入模板）后重新录入完整的 18 位号码"
    sci = rid.str.contains(r"^\d(\.\d+)?E\+\d+$")
    dot0 = rid.str.contains(r"^\d{15,18}\.0+$")
    lost = rid.str.contains(r"^\d{15,16}0{2,3}$") & (rid.str.len_chars() == 18) & (
        rid.str.slice(17, 1) != expected)
    valid = (rid.str.contains(ID_SHAPE) & rid.str.slice(0, 2).is_in(sorted(PROVINCES))
             & birth.is_not_null() & (birth <= pl.lit(today)) & (birth >= pl.lit(EARLIEST_BIRTH))
             & (rid.str.slice(17, 1) == expected))
    msg = (
        pl.when(rid == "").then(pl.lit("身份证号不能为空"))
        .when(sci).then(_fmt("身份证号“{}”被 Excel 转成了科学计数法，后几位已丢失；" + fix, rid))
        .when(dot0).then(_fmt("身份证号“{}”被 Excel 存成了数字（末尾带 .0）；" + fix, rid))
        .when(lost).then(_fmt("身份证号“{}”末几位变成了 0，像是 Excel 把它当数字存储时丢失了后几位"
                              "（Excel 只保留 15 位有效数字）；" + fix, rid))
        .when(rid.str.len_chars() != 18).then(
            _fmt("身份证号应为 18 位，“{}”为 {} 位", rid, rid.str.len_chars()))
        .when(~rid.str.contains(ID_SHAPE)).then(
            _fmt("身份证号“{}”格式不对：前 17 位应为数字，末位为数字或 X", rid))
        .when(~rid.str.slice(0, 2).is_in(sorted(PROVINCES))).then(
            _fmt("身份证号“{}”的省份代码 {} 不存在", rid, rid.str.slice(0, 2)))
        .when(birth.is_null()).then(
            _fmt("身份证号“{}”中的出生日期 {} 不是有效日期", rid, rid.str.slice(6, 8)))
        .when(birth > pl.lit(today)).then(
            _fmt("身份证号“{}”中的出生日期 {} 晚于今天", rid, birth.dt.strftime("%Y-%m-%d")))
        .when(birth < pl.lit(EARLIEST_BIRTH)).then(
            _fmt("身份证号“{}”中的出生日期 {} 过早", rid, birth.dt.strftime("%Y-%m-%d")))
        .when(rid.str.slice(17, 1) != expected).then(
            _fmt("身份证号“{}”校验位错误：末位应为 {}，实为 {}", rid, expected, rid.str.slice(17, 1)))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    return birth, [(~valid, msg)]


# ---------------------------------------------------------------- row rules

def _code_rule(col: Column) -> Rule:
    v = pl.col(col.field)
    allowed = "、".join(col.labels if col.kind != "code" or col.field != "housing_grade"
                       else ["A", "B", "C", "D"])
    return _err((v != "") & ~v.is_in(list(col.choices)),
                _fmt(f"{col.header}“{{}}”不在可选值中（可选：{allowed}）", v))


def _len_rule(col: Column) -> Rule:
    v = pl.col(col.field).cast(pl.Utf8)
    return _err(v.str.len_chars() > col.max_len,
                _fmt(f"{col.header}“{{}}”过长（最多 {col.max_len} 个字）", v))


def _money_cents(field: str) -> pl.Expr:
    v = pl.col(field)
    whole = v.str.extract(r"^(\d+)(\.\d{1,2})?$", 1).cast(pl.Int64, strict=False)
    frac = v.str.extract(r"^\d+\.(\d{1,2})$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False)
    return whole * 100 + frac.fill_null(0)


def row_rules(df: pl.DataFrame, today: dt.date | None = None) -> pl.DataFrame:
    """The rules each row can be checked against on its own."""
    today = today or timezone.localdate()
    birth, id_errs = _id_rules(today)
    errs: list[Rule] = [
        _err(pl.col("household_no") == "", "户编号不能为空"),
        *id_errs,
        _err(pl.col("relation_to_head") == "", "与户主关系不能为空"),
    ]
    for col in COLUMNS:
        if col.max_len:
            errs.append(_len_rule(col))
        if col.kind in ("code", "bool"):
            errs.append(_code_rule(col))
    # Health: one or more of the four, and 健康 only on its own.
    health = pl.col("health").cast(pl.Utf8)
    tokens = health.str.split("、")
    errs.append(_err((health != "") & ~tokens.list.eval(pl.element().is_in(list(HEALTH_LABELS))).list.all(),
                     _fmt("健康状况“{}”不在可选值中（可选：健康、长期慢性病、患有大病、残疾，多项用“、”分隔）", health)))
    errs.append(_err(tokens.list.contains("健康") & (tokens.list.len() > 1),
                     _fmt("健康状况“{}”矛盾：“健康”不能与疾病或残疾同时填写", health)))
    # Household columns, checked on each row that fills them.
    village = pl.col("village_code")
    errs.append(_err((village != "") & ~village.str.contains(r"^\d{12}$"),
                     _fmt("村(社区)代码“{}”应为 12 位数字（统计用区划代码）", village)))
    exit_year = pl.col("exit_year")
    errs.append(_err((exit_year != "") & ~exit_year.str.contains(r"^\d{4}$"),
                     _fmt("脱贫年度“{}”应为四位年份", exit_year)))
    income_year = pl.col("income_year")
    iy = income_year.cast(pl.Int64, strict=False)
    errs.append(_err((income_year != "") & (~income_year.str.contains(r"^\d{4}$") | (iy < 2000) | (iy > today.year)),
                     _fmt(f"收入年度“{{}}”应为 2000–{today.year} 之间的四位年份", income_year)))
    for f in MONEY_FIELDS:
        v = pl.col(f)
        label = BY_FIELD[f].header
        errs.append(_err((v != "") & v.str.starts_with("-"), _fmt(f"{label}“{{}}”不能为负数", v)))
        errs.append(_err((v != "") & ~v.str.starts_with("-") & _money_cents(f).is_null(),
                         _fmt(f"{label}“{{}}”不是金额（元，最多两位小数）", v)))
        errs.append(_err(_money_cents(f) > MONEY_MAX_CENTS, _fmt(f"{label}“{{}}”超出范围", v)))
    df = df.with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias(ERRS))
    found = messages(df, errs)
    # The registry's member rules (fupin.registry.rules), on the row's stored values.
    typed = df.select(
        pl.col(ROW), pl.col("name"), tokens.list.contains("残疾").alias("disabled"),
        pl.col("disability_grade").replace_strict(BY_FIELD["disability_grade"].choices,
                                                  default=pl.col("disability_grade")),
        pl.col("months_worked").alias("months_text"))
    registry = messages(typed, [(r.condition, r.message) for r in registry_rules.member_rules()])
    found = pl.concat([found, registry.with_columns(pl.col("__rule") + len(errs))])
    df = add_errors(df, found)
    return df.with_columns(
        birth.alias("birth_date"),
        (pl.col("resident_id").str.slice(16, 1).cast(pl.Int64, strict=False).mod(2) == 1)
        .replace_strict({True: "M", False: "F"}, default="F").alias("sex"),
    )


# ---------------------------------------------------------------- household rules

def households(df: pl.DataFrame) -> pl.DataFrame:
    """One row per household: the consolidated household values, distinct-value counts and
    the head's row number, from one group-by (the differing values themselves are listed
    by household_rules, for the few households that have them)."""
    aggs: list[pl.Expr] = [pl.len().alias("n_rows"), pl.col(ROW).min().alias("first_row"),
                           pl.col("household_no").first(),
                           (pl.col("relation_to_head") == "户主").sum().alias("n_heads"),
                           pl.col(ROW).filter(pl.col("relation_to_head") == "户主").first().alias("head_row"),
                           pl.col("name").filter(pl.col("relation_to_head") == "户主").first().alias("head_name")]
    for f in HOUSEHOLD_FIELDS:
        nonblank = pl.col(f).filter(pl.col(f) != "")
        aggs.append(nonblank.first().fill_null("").alias(f))
        aggs.append(nonblank.n_unique().alias(f"n_{f}"))
    hh = df.group_by(HH, maintain_order=True).agg(aggs)
    return hh.with_columns(pl.coalesce("head_row", "first_row").alias("report_row"),
                           *[pl.col(f).cast(pl.Utf8) for f in HOUSEHOLD_FIELDS])


def household_rules(df: pl.DataFrame, hh: pl.DataFrame) -> pl.DataFrame:
    """Rules over a household's rows; messages land on the head's row (or the first row),
    inconsistencies on every row that carries a differing value."""
    any_income = pl.any_horizontal([pl.col(f) != "" for f in MONEY_FIELDS])
    htype = pl.col("household_type")
    # The registry's household rules (fupin.registry.rules) on stored values; a value the
    # code lists do not know has its own message above and is left out here (null).
    typed = hh.filter(pl.col("household_no") != "").select(
        pl.col("report_row"), pl.col("n_rows").alias("n_members"), pl.col("n_heads"),
        pl.when(htype == "").then(pl.lit("ordinary"))
        .otherwise(htype.replace_strict(BY_FIELD["household_type"].choices, default=None))
        .alias("household_type"),
        pl.col("exit_year").cast(pl.Int64, strict=False), pl.col("exit_year").alias("exit_year_text"),
        pl.col("main_cause").replace_strict(BY_FIELD["main_cause"].choices, default=pl.col("main_cause")),
        pl.col("phone"), pl.col("village_code"), pl.col("income_year"), any_income.alias("any_income"))
    errs = [(r.condition, r.message) for r in registry_rules.household_rules(typed.columns)]
    errs.insert(3, _err(pl.col("village_code") == "", "本户没有填写村(社区)代码"))
    errs.append(_err(pl.col("any_income") & (pl.col("income_year") == ""), "填写了收入，须同时填写收入年度"))
    # A row without 户编号 belongs to no household: its own error says so, nothing more.
    per_row = add_errors(df, messages(typed, errs, key="report_row"))
    # Inconsistent household fields: only the (rare) households concerned are joined back,
    # so a million-row file does not carry 32 helper columns per row.
    consistency = []
    for f in HOUSEHOLD_FIELDS:
        bad = hh.filter(pl.col(f"n_{f}") > 1).select(HH)
        if bad.height:
            rows = (per_row.select(ROW, HH, pl.col(f).cast(pl.Utf8)).join(bad, on=HH, how="semi")
                    .filter(pl.col(f) != ""))
            values = rows.group_by(HH, maintain_order=True).agg(
                pl.col(f).unique(maintain_order=True).str.join(" / ").alias("values"))
            consistency.append(
                rows.join(values, on=HH)
                .select(ROW, _fmt(f"同户各行的{BY_FIELD[f].header}不一致（{{}}）", pl.col("values"))
                        .alias("message")))
    if consistency:
        per_row = add_errors(per_row, pl.concat(consistency))
    # Duplicate resident IDs within the file.
    ids = df.select(ROW, "resident_id").filter(pl.col("resident_id") != "")
    dup = (ids.filter(pl.col("resident_id").is_duplicated()).group_by("resident_id")
           .agg(pl.len().alias("n_same_id"), pl.col(ROW).sort().cast(pl.Utf8).str.join("、").alias("same_id_rows"))
           .filter(pl.col("n_same_id") > 1))
    dup_msgs = (per_row.select(ROW, "resident_id").join(dup, on="resident_id")
                .select(ROW, _fmt("身份证号“{}”在本文件中出现 {} 次（第 {} 行）", pl.col("resident_id"),
                                  pl.col("n_same_id"), pl.col("same_id_rows")).alias("message")))
    return add_errors(per_row, dup_msgs)


def add_errors(df: pl.DataFrame, extra: pl.DataFrame, key: str = ROW) -> pl.DataFrame:
    """Append messages from a (key, message) frame to the rows they concern (key is unique
    in df). Only the key and the list column are joined: the other columns are not copied."""
    if extra.height == 0:
        return df
    if "__rule" in extra.columns:  # keep the rules' order within a row
        extra = extra.sort(key, "__rule")
    grouped = extra.group_by(key, maintain_order=True).agg(pl.col("message").alias("__extra"))
    errs = (df.select(key, ERRS).join(grouped, on=key, how="left", maintain_order="left")
            .select(pl.concat_list([pl.col(ERRS), pl.col("__extra").fill_null([])]).alias(ERRS)))
    assert errs.height == df.height, "add_errors: key not unique"
    return df.with_columns(errs.get_column(ERRS))


def verdict(df: pl.DataFrame, links: pl.DataFrame | None = None) -> pl.DataFrame:
    """A household is accepted whole or rejected whole. Households linked by a member moving
    between them (links: household keys a, b) share their fate."""
    bad = df.group_by(HH).agg((pl.col(ERRS).list.len().sum() > 0).alias("bad"))
    linked_reason = pl.DataFrame(schema={HH: pl.Utf8, "link_reason": pl.Utf8})
    if links is not None and links.height:
        pairs = pl.concat([links.select(pl.col("a").alias(HH), pl.col("b").alias("other")),
                           links.select(pl.col("b").alias(HH), pl.col("a").alias("other"))]).unique()
        reasons = []
        for _ in range(50):  # spreads one link per round; chains of moves are short
            bad_set = bad.filter("bad").select(pl.col(HH).alias("other"))
            newly = (pairs.join(bad_set, on="other").join(bad.filter(~pl.col("bad")), on=HH)
                     .select(HH, "other"))
            if newly.height == 0:
                break
            reasons.append(newly)
            bad = bad.with_columns(pl.when(pl.col(HH).is_in(newly[HH].implode())).then(True)
                                   .otherwise(pl.col("bad")).alias("bad"))
        if reasons:
            linked_reason = (pl.concat(reasons).group_by(HH).agg(pl.col("other").first())
                             .select(HH, _fmt("本户与户 {} 之间有成员迁移，该户被拒收，本户一并退回",
                                              pl.col("other")).alias("link_reason")))
    # Joined on the two columns it needs, then set on the frame: nothing else is copied.
    out = (df.select(HH, ERRS).join(bad, on=HH, how="left", maintain_order="left")
           .join(linked_reason, on=HH, how="left", maintain_order="left")
           .select(pl.when(pl.col(ERRS).list.len() > 0).then(pl.col(ERRS))
                   .when(pl.col("link_reason").is_not_null()).then(pl.concat_list([pl.col("link_reason")]))
                   .when(pl.col("bad")).then(pl.lit([WITH_HOUSEHOLD]))
                   .otherwise(pl.lit([], dtype=pl.List(pl.Utf8))).alias(ERRS),
                   (~pl.col("bad")).alias("accepted")))
    return df.with_columns(out.get_columns())


def scope_expr(col: str, prefixes: tuple[str, ...] | None) -> pl.Expr:
    """True where an area code lies inside the prefixes (None: unrestricted)."""
    if prefixes is None:
        return pl.lit(True)
    if not prefixes:
        return pl.lit(False)
    return pl.any_horizontal([pl.col(col).str.starts_with(p) for p in prefixes])


def typed_members(df: pl.DataFrame) -> pl.DataFrame:
    """Accepted rows as member field values (stored codes, booleans, integers)."""
    tokens = pl.col("health").cast(pl.Utf8).str.split("、")

    def code(field: str) -> pl.Expr:
        return pl.col(field).replace_strict(BY_FIELD[field].choices, default="")

    return df.select(
        pl.col(ROW), pl.col(HH), pl.col("household_no"), pl.col("name"), pl.col("resident_id"),
        pl.col("sex"), pl.col("birth_date"),
        code("relation_to_head"), pl.col("ethnicity").cast(pl.Utf8), code("education"), code("schooling"),
        tokens.list.contains("长期慢性病").alias("chronic_illness"),
        tokens.list.contains("患有大病").alias("serious_illness"),
        tokens.list.contains("残疾").alias("disabled"),
        code("disability_grade"), code("labour"), code("employment"),
        pl.col("months_worked").cast(pl.Int64, strict=False).fill_null(0).alias("months_worked"),
        pl.when(pl.col("medical_insurance") == "").then(None)
        .otherwise(pl.col("medical_insurance") == "是").alias("medical_insurance"),
    )


def typed_households(hh: pl.DataFrame) -> pl.DataFrame:
    """Accepted households as household field values."""

    def code(field: str, default: str = "") -> pl.Expr:
        return pl.col(field).replace_strict(BY_FIELD[field].choices, default=default)

    return hh.select(
        pl.col(HH), pl.col("household_no"), pl.col("village_code").alias("area_id"), pl.col("group"),
        code("household_type", "ordinary"), pl.col("exit_year").cast(pl.Int64, strict=False),
        code("welfare_status", "general"), code("monitoring_type"), code("main_cause"),
        code("housing_grade"),
        pl.when(pl.col("water_safe") == "").then(None).otherwise(pl.col("water_safe") == "是")
        .alias("water_safe"),
        pl.col("phone"), pl.col("head_name").fill_null(""), pl.col("n_rows").alias("members_counted"),
        pl.col("income_year").cast(pl.Int64, strict=False),
        *[_money_cents(f).fill_null(0).alias(f) for f in MONEY_FIELDS],
        pl.any_horizontal([pl.col(f) != "" for f in MONEY_FIELDS]).alias("has_income"),
    )


def describe(df: pl.DataFrame) -> dict[str, Any]:
    """Counts of rows and households by verdict."""
    rows = df.height
    accepted = int(df.get_column("accepted").sum())
    per_hh = df.group_by(HH).agg(pl.col("accepted").first())
    hh_acc = int(per_hh.get_column("accepted").sum())
    return {"read": rows, "accepted": accepted, "rejected": rows - accepted,
            "households_accepted": hh_acc, "households_rejected": per_hh.height - hh_acc}
