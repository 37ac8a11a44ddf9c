"""The household validity rules of the registry, written once (LEDGER.md, MECHANISM.md §3).

Each rule is a polars expression over whole columns of stored values with its Chinese
message, so that the single path (`fupin.registry.services`: one household, a one-row
frame) and the bulk path (`fupin.registry.bulk`, a ledger import: a million rows) check
exactly the same conditions and say exactly the same thing.

Household frame columns: household_type (stored code; null when the value was not
understood — the reader reports that), exit_year (Int64), exit_year_text (what was given,
"" when nothing), main_cause (code, ""), phone (text, ""), n_members, n_heads, and
optionally other_causes (list of codes; the ledger has no such column).
Member frame columns: name, disabled (bool), disability_grade (code, ""),
months_text (what was given for months worked, "" when nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from .choices import DisabilityGrade, HouseholdType, label_to_value

EXIT_YEAR_MIN = 2014
EXIT_YEAR_MAX = 2020
MONTHS_MAX = 12
OTHER_CAUSES_MAX = 2
PHONE_PATTERN = r"^1\d{10}$"
INCOME_FIELDS = (
    "wage_income", "business_income", "property_income", "transfer_income", "business_cost")

HOUSEHOLD_TYPE_LABELS = {v: k for k, v in label_to_value(HouseholdType).items()}
GRADE_LABELS = {v: k for k, v in label_to_value(DisabilityGrade).items()}

MSG_NO_MEMBERS = "一户至少要有一名成员"
MSG_NO_HEAD = "本户没有户主：每户应有且只有一位“户主”"
MSG_HEADS = "本户有 {} 位户主：每户应有且只有一位"
MSG_EXIT_MISSING = f"脱贫户须填写脱贫年度（{EXIT_YEAR_MIN}–{EXIT_YEAR_MAX}）"
MSG_EXIT_RANGE = "脱贫年度 {} 应在 " + f"{EXIT_YEAR_MIN}–{EXIT_YEAR_MAX} 之间"
MSG_EXIT_NOT_LIFTED = "只有脱贫户才填写脱贫年度（本户为“{}”，脱贫年度 {}）"
MSG_MAIN_CAUSE = "{}须填写主要致贫原因"
MSG_PHONE = "联系电话“{}”应为 11 位手机号"
MSG_OTHER_CAUSES_MAX = f"其他致贫原因最多选 {OTHER_CAUSES_MAX} 项"
MSG_OTHER_CAUSES_DUP = "其他致贫原因不应重复主要致贫原因"
MSG_NAME = "姓名不能为空"
MSG_GRADE_MISSING = "健康状况含“残疾”，须填写残疾等级（一级至四级）"
MSG_GRADE_NOT_DISABLED = "填写了残疾等级“{}”，但健康状况中没有“残疾”"
MSG_MONTHS = "务工时间(月)“{}”应为 0–" + f"{MONTHS_MAX} 之间的整数"


@dataclass(frozen=True)
class Rule:
    field: str  # the field a form or API error lands on
    condition: pl.Expr  # true where the rule is broken (null counts as not broken)
    message: pl.Expr


def _rule(field: str, condition: pl.Expr, template: str, *args: pl.Expr) -> Rule:
    return Rule(field, condition, pl.format(template, *args) if args else pl.lit(template))


def household_rules(columns: Sequence[str]) -> list[Rule]:
    """The cross-field rules of a household, in the order their messages are shown."""
    htype = pl.col("household_type")
    lifted = htype == HouseholdType.LIFTED.value
    ordinary = htype == HouseholdType.ORDINARY.value
    label = htype.replace_strict(HOUSEHOLD_TYPE_LABELS, default=htype)
    given = pl.col("exit_year_text")
    year = pl.col("exit_year")
    heads = pl.col("n_heads")
    members = pl.col("n_members")
    rules = [
        _rule("members", members == 0, MSG_NO_MEMBERS),
        _rule("members", (members > 0) & (heads == 0), MSG_NO_HEAD),
        _rule("members", heads > 1, MSG_HEADS, heads),
        _rule("exit_year", lifted & (given == ""), MSG_EXIT_MISSING),
        _rule("exit_year", lifted & ((year < EXIT_YEAR_MIN) | (year > EXIT_YEAR_MAX)), MSG_EXIT_RANGE, given),
        _rule("exit_year", ~lifted & (given != ""), MSG_EXIT_NOT_LIFTED, label, given),
        _rule("main_cause", ~ordinary & (pl.col("main_cause") == ""), MSG_MAIN_CAUSE, label),
        _rule("phone", (pl.col("phone") != "") & ~pl.col("phone").str.contains(PHONE_PATTERN),
              MSG_PHONE, pl.col("phone")),
    ]
    if "other_causes" in columns:
        others = pl.col("other_causes")
        rules += [
            _rule("other_causes", others.list.len() > OTHER_CAUSES_MAX, MSG_OTHER_CAUSES_MAX),
            _rule("other_causes", (pl.col("main_cause") != "")
                  & others.list.contains(pl.col("main_cause")), MSG_OTHER_CAUSES_DUP),
        ]
    return rules


def member_rules() -> list[Rule]:
    """The rules each member is checked against on its own (the resident ID has its own
    module, `fupin.registry.resident_id`)."""
    grade = pl.col("disability_grade")
    disabled = pl.col("disabled")
    months = pl.col("months_text")
    m_int = months.cast(pl.Int64, strict=False)
    return [
        _rule("name", pl.col("name").str.strip_chars() == "", MSG_NAME),
        _rule("disability_grade", disabled & (grade == ""), MSG_GRADE_MISSING),
        _rule("disability_grade", ~disabled & (grade != ""), MSG_GRADE_NOT_DISABLED,
              grade.replace_strict(GRADE_LABELS, default=grade)),
        _rule("months_worked", (months != "") & (m_int.is_null() | (m_int < 0) | (m_int > MONTHS_MAX)),
              MSG_MONTHS, months),
    ]


def broken(df: pl.DataFrame, rules: Sequence[Rule], key: str) -> pl.DataFrame:
    """(key, field, message, rule) for every row a rule flags; messages are formatted only
    for the flagged rows."""
    lf = df.lazy()
    parts = [lf.filter(r.condition.fill_null(False)).select(
        pl.col(key), pl.lit(r.field).alias("field"), r.message.alias("message"),
        pl.lit(i, dtype=pl.Int32).alias("__rule")) for i, r in enumerate(rules)]
    if not parts:
        return pl.DataFrame(schema={key: df.schema[key], "field": pl.Utf8, "message": pl.Utf8,
                                    "__rule": pl.Int32})
    return pl.concat(parts).collect()


# ---------------------------------------------------------------- one household (single path)

def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def household_frame(data: Mapping[str, Any], members: Sequence[Mapping[str, Any]] | None,
                    n_members: int | None = None, n_heads: int | None = None) -> pl.DataFrame:
    """One household's values (a form's or the API's) as the one-row frame the rules read."""
    htype = _text(data.get("household_type")) or HouseholdType.ORDINARY.value
    if members is not None:
        n_members = len(members)
        n_heads = sum(1 for m in members if m.get("relation_to_head") == "head")
    row = {
        "household_type": htype if htype in HOUSEHOLD_TYPE_LABELS else None,
        "exit_year": _int_or_none(data.get("exit_year")), "exit_year_text": _text(data.get("exit_year")),
        "main_cause": _text(data.get("main_cause")), "phone": _text(data.get("phone")),
        "n_members": n_members if n_members is not None else 1,
        "n_heads": n_heads if n_heads is not None else 1,
        "other_causes": [str(c) for c in (data.get("other_causes") or [])],
        "__k": 0,
    }
    return pl.DataFrame([row], schema={
        "household_type": pl.Utf8, "exit_year": pl.Int64, "exit_year_text": pl.Utf8,
        "main_cause": pl.Utf8, "phone": pl.Utf8, "n_members": pl.Int64, "n_heads": pl.Int64,
        "other_causes": pl.List(pl.Utf8), "__k": pl.Int64}, orient="row")


def member_frame(members: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    rows = [{"name": _text(m.get("name")), "disabled": bool(m.get("disabled")),
             "disability_grade": _text(m.get("disability_grade")),
             "months_text": _text(m.get("months_worked")), "__k": i} for i, m in enumerate(members)]
    return pl.DataFrame(rows, schema={"name": pl.Utf8, "disabled": pl.Boolean,
                                      "disability_grade": pl.Utf8, "months_text": pl.Utf8,
                                      "__k": pl.Int64}, orient="row")


def as_errors(found: pl.DataFrame, prefix: str = "") -> dict[str, list[str]]:
    """field -> messages, in the rules' order."""
    errors: dict[str, list[str]] = {}
    for field, message in found.sort("__rule").select("field", "message").iter_rows():
        errors.setdefault(prefix + field, []).append(message)
    return errors


def check_household(data: Mapping[str, Any], members: Sequence[Mapping[str, Any]] | None = None,
                    *, n_members: int | None = None, n_heads: int | None = None,
                    ) -> dict[str, list[str]]:
    """The household rules for one household; members (when given) count the heads."""
    df = household_frame(data, members, n_members, n_heads)
    rules = household_rules(df.columns)
    if members is None:  # an edit of household fields: the roster rules are not in question
        rules = [r for r in rules if r.field != "members"]
    return as_errors(broken(df, rules, "__k"))


def check_member(data: Mapping[str, Any]) -> dict[str, list[str]]:
    return as_errors(broken(member_frame([data]), member_rules(), "__k"))
