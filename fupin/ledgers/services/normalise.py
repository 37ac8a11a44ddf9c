"""Cell normalisation as polars expressions (one pass over whole columns, no Python loop):
full-width to half-width, stray spaces and line breaks, numbers stored as text, dates in
year cells."""

from __future__ import annotations

import polars as pl

from .columns import Column

_SPACES = r"\s+"


def clean(col: Column, expr: pl.Expr) -> pl.Expr:
    """The normalised text of a column (still a string; empty when blank)."""
    e = expr.fill_null("").str.normalize("NFKC")
    if col.field == "group":
        # Keep single inner spaces in a group name, drop line breaks.
        e = e.str.replace_all(r"[\r\n\t]+", "").str.replace_all(" +", " ").str.strip_chars()
    else:
        e = e.str.replace_all(_SPACES, "")
    if col.kind == "id":
        e = e.str.to_uppercase()
    if col.kind in ("village", "int", "phone") or col.field == "household_no":
        e = e.str.replace(r"^(\d+)\.0+$", "${1}")  # 500236001001.0 -> 500236001001
    if col.kind == "year":
        e = _year(e)
    if col.kind == "money":
        e = e.str.replace_all(r"[,，元]", "").str.replace(r"^(\d+)\.$", "${1}")
    if col.kind == "health":
        e = e.str.replace_all(r"[、,，;；/]+", "、").str.strip_chars("、")
    if col.kind == "code" and col.field == "housing_grade":
        e = e.str.to_uppercase()
    return e


def _year(e: pl.Expr) -> pl.Expr:
    """2019, 2019.0, 2019年, 2019-12-31 (a date cell) and Excel date serials -> 2019."""
    e = e.str.replace(r"^(\d{4})(\.0+|年.*|[-/.]\d{1,2}([-/.]\d{1,2})?( .*)?)$", "${1}")
    serial = e.str.contains(r"^\d{5}$")
    as_date = (pl.date(1899, 12, 30) + pl.duration(days=e.cast(pl.Int64, strict=False)))
    return pl.when(serial).then(as_date.dt.year().cast(pl.Utf8)).otherwise(e)
