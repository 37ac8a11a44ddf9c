"""Committing the accepted households: compare with the registry as whole frames, then
create, update, end memberships, open status periods and upsert incomes in bulk, with
history rows naming the import and the importing user.

Per household (the counts): *created* = its 户编号 was not in the registry; *updated* = it
was, and at least one household field, member (added, changed, moved in or out) or the
income of the file's year differs; *unchanged* = it was and nothing differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from pypinyin import lazy_pinyin

from ..choices import MemberEventKind, MemberStatus
from ..models import Household, Income, Member, MemberEvent
from ..names import SURNAME_PINYIN
from ..rules import INCOME_FIELDS
from .frames import HistoryMark, fetch_in, fetch_keyed, is_pg, update_frame
from .statuses import STATUS_FIELDS, open_status_periods

MONEY_FIELDS = list(INCOME_FIELDS)  # in cents (Int64) in the frames

HOUSEHOLD_COMPARE = ["area_id", "group", "household_type", "exit_year", "welfare_status",
                     "monitoring_type", "main_cause", "housing_grade", "water_safe", "phone",
                     "head_name"]
MEMBER_COMPARE = ["name", "relation_to_head", "ethnicity", "education", "schooling",
                  "chronic_illness", "serious_illness", "disabled", "disability_grade", "labour",
                  "employment", "months_worked", "medical_insurance"]

CUR_HOUSEHOLD_SCHEMA = {
    "cur_id": pl.Int64, "household_no": pl.Utf8, "cur_area_id": pl.Utf8, "cur_group": pl.Utf8,
    "cur_household_type": pl.Utf8, "cur_exit_year": pl.Int64, "cur_welfare_status": pl.Utf8,
    "cur_monitoring_type": pl.Utf8, "cur_main_cause": pl.Utf8, "cur_housing_grade": pl.Utf8,
    "cur_water_safe": pl.Int64, "cur_phone": pl.Utf8, "cur_head_name": pl.Utf8,
}
CUR_MEMBER_SCHEMA = {
    "cur_id": pl.Int64, "cur_household_id": pl.Int64, "cur_household_no": pl.Utf8,
    "resident_id": pl.Utf8, "cur_name": pl.Utf8, "cur_relation_to_head": pl.Utf8,
    "cur_ethnicity": pl.Utf8, "cur_education": pl.Utf8, "cur_schooling": pl.Utf8,
    "cur_chronic_illness": pl.Int64, "cur_serious_illness": pl.Int64, "cur_disabled": pl.Int64,
    "cur_disability_grade": pl.Utf8, "cur_labour": pl.Utf8, "cur_employment": pl.Utf8,
    "cur_months_worked": pl.Int64, "cur_medical_insurance": pl.Int64,
}
_B = "CASE WHEN {0} THEN 1 WHEN NOT {0} THEN 0 END"
MEMBER_SELECT = (
    "SELECT m.id, m.household_id, h.household_no, m.resident_id, m.name, m.relation_to_head, "
    "m.ethnicity, m.education, m.schooling, " + _B.format("m.chronic_illness") + ", "
    + _B.format("m.serious_illness") + ", " + _B.format("m.disabled") + ", m.disability_grade, "
    "m.labour, m.employment, m.months_worked, " + _B.format("m.medical_insurance") + " "
    "FROM registry_member m JOIN registry_household h ON h.id = m.household_id "
    "WHERE m.status = 'active' AND "
)


def current_households(household_nos: list[str]) -> pl.DataFrame:
    return fetch_in(
        "SELECT id, household_no, area_code, \"group\", household_type, exit_year, welfare_status, "
        "monitoring_type, main_cause, housing_grade, " + _B.format("water_safe") + ", phone, head_name "
        "FROM registry_household WHERE household_no {IN}", household_nos, CUR_HOUSEHOLD_SCHEMA)


def members_by_resident_id(ids: list[str]) -> pl.DataFrame:
    return fetch_in(MEMBER_SELECT + "m.resident_id {IN}", ids, CUR_MEMBER_SCHEMA)


def members_of(household_ids: list[int]) -> pl.DataFrame:
    return fetch_in(MEMBER_SELECT + "m.household_id {IN}", household_ids, CUR_MEMBER_SCHEMA)


@dataclass
class RegistryState:
    """What the registry holds for a file, fetched once (under the caller's locks) and read
    by every check and by the commit: the households of the file's numbers, and the active
    members found by the file's resident IDs or living in those households. A reimport of a
    million rows fetched these four and three times before."""

    households: pl.DataFrame  # CUR_HOUSEHOLD_SCHEMA
    members: pl.DataFrame  # CUR_MEMBER_SCHEMA, one row per member

    def members_by_resident_id(self, ids: pl.Series) -> pl.DataFrame:
        """As `members_by_resident_id` (active members holding one of `ids`)."""
        return self.members.filter(pl.col("resident_id").is_in(ids.implode()))


def current_state(household_nos: list[str], resident_ids: list[str]) -> RegistryState:
    households = current_households(household_nos)
    household_ids = households.get_column("cur_id").to_list()
    if not is_pg():
        members = pl.concat([members_by_resident_id(resident_ids),
                             members_of(household_ids)]).unique("cur_id")
        return RegistryState(households, members)
    # One statement: the members found by resident ID, then those of the households that
    # the IDs did not find (on a re-import, none: the same million rows are not sent twice).
    members = fetch_keyed(
        MEMBER_SELECT + "m.resident_id IN (SELECT k FROM _keys_rid) UNION ALL "
        + MEMBER_SELECT + "m.household_id IN (SELECT k FROM _keys_hh) "
        "AND NOT EXISTS (SELECT 1 FROM _keys_rid r WHERE r.k = m.resident_id)",
        {"rid": ("text", resident_ids), "hh": ("bigint", household_ids)}, CUR_MEMBER_SCHEMA)
    return RegistryState(households, members)


def pinyin_frame(names: pl.Series) -> pl.DataFrame:
    """Pinyin and initials of names as `names.pinyin_of` gives them (the surname read as a
    surname), character by character from a table of the distinct characters in the file
    (a few thousand pypinyin calls instead of one per person); each distinct name is
    spelled once (names repeat: the per-character lists of a million names are large)."""
    if names.null_count() == 0:
        distinct = names.unique()
        if distinct.len() < names.len():
            spelled = _pinyin(distinct)
            return pl.DataFrame({c: names.replace_strict(distinct, spelled.get_column(c), return_dtype=pl.Utf8)
                                 for c in spelled.columns})
    return _pinyin(names)


def _pinyin(names: pl.Series) -> pl.DataFrame:
    chars = names.str.split("").explode().drop_nulls().unique().to_list()
    full: dict[str, str] = {}
    initial: dict[str, str] = {}
    for ch in chars:
        syllable = "".join(lazy_pinyin(ch, errors="ignore")).lower()
        full[ch], initial[ch] = syllable, syllable[:1]
    s_full = {**full, **{ch: SURNAME_PINYIN[ch] for ch in full if ch in SURNAME_PINYIN}}
    s_initial = {ch: v[:1] for ch, v in s_full.items()}
    split = names.str.split("")

    def spell(table: dict[str, str], first: dict[str, str]) -> pl.Series:
        head = split.list.first().replace_strict(first, default="").fill_null("")
        rest = split.list.slice(1).list.eval(pl.element().replace_strict(table, default="")).list.join("")
        return head + rest

    return pl.DataFrame({
        "name_pinyin": spell(full, s_full).str.slice(0, 100),
        "name_initials": spell(initial, s_initial).str.slice(0, 20),
    })


def _ne(a: str, b: str) -> pl.Expr:
    return pl.col(a).ne_missing(pl.col(b))


def _money_text(col: str) -> pl.Expr:
    c = pl.col(col)
    return pl.format("{}.{}", c // 100, (c % 100).cast(pl.Utf8).str.zfill(2)).alias(col)


def _attach(df: pl.DataFrame, right: pl.DataFrame, on: str) -> pl.DataFrame:
    """df left-joined with `right` (one row per key): only the key column goes through the
    join and the new columns are set on df, so df's own columns are not copied (a member
    frame at a million rows is hundreds of megabytes). An empty `right` adds null columns
    without materialising them."""
    new = [c for c in right.columns if c != on]
    if right.height == 0:
        return df.with_columns(pl.lit(None, dtype=right.schema[c]).alias(c) for c in new)
    extra = df.select(on).join(right, on=on, how="left", maintain_order="left")
    if extra.height != df.height:  # several rows per key: a plain join
        return df.join(right, on=on, how="left", maintain_order="left")
    return df.hstack(extra.select(new))


def _where(df: pl.DataFrame, cond: pl.Expr) -> pl.DataFrame:
    """df.filter(cond), without the copy of every column when every row is kept."""
    keep = df.select(cond.fill_null(False)).to_series()
    return df if keep.all() else df.filter(keep)


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched: list[int] = field(default_factory=list)


def apply(members: pl.DataFrame, households: pl.DataFrame, *, user_id: int | None, reason: str,
          today: dt.date, now: dt.datetime, dry_run: bool = False,
          state: RegistryState | None = None) -> CommitResult:
    """Bring the registry in line with the accepted households (typed frames from validate).
    `state`: the registry as fetched for these households under the caller's locks (it may
    cover more of the file than was accepted); fetched here when not given."""
    now_s = now.isoformat()
    history = HistoryMark(user_id=user_id, reason=reason, when=now)
    if state is None:
        state = current_state(households.get_column("household_no").to_list(),
                              members.get_column("resident_id").to_list())
    cur_hh = state.households
    hh = _attach(households, cur_hh, "household_no").with_columns(
        pl.col("cur_water_safe").cast(pl.Boolean))
    # ---- households: which are new, which differ
    changed_fields = pl.any_horizontal([_ne(f, f"cur_{f}") for f in HOUSEHOLD_COMPARE])
    status_changed = pl.any_horizontal([_ne(f, f"cur_{f}") for f in STATUS_FIELDS])
    hh = hh.with_columns(pl.col("cur_id").is_null().alias("is_new"),
                         (pl.col("cur_id").is_not_null() & changed_fields).alias("hh_changed"),
                         (pl.col("cur_id").is_not_null() & status_changed).alias("status_changed"))
    # ---- members: match on resident ID among active members
    existing_ids = hh.filter(~pl.col("is_new")).get_column("cur_id").to_list()
    # Of the fetched members, those of the accepted rows: found by their resident IDs or
    # living in an accepted household.
    cur_m = _where(state.members, pl.col("resident_id").is_in(members.get_column("resident_id").implode())
                   | pl.col("cur_household_id").is_in(pl.Series(existing_ids, dtype=pl.Int64).implode()))
    for b in ("chronic_illness", "serious_illness", "disabled", "medical_insurance"):
        cur_m = cur_m.with_columns(pl.col(f"cur_{b}").cast(pl.Boolean))
    m = _attach(members, cur_m, "resident_id").with_columns(
        pl.coalesce("medical_insurance", "cur_medical_insurance", pl.lit(True)).alias("medical_insurance"))
    same = pl.col("cur_household_no") == pl.col("household_no")
    m = m.with_columns(
        pl.col("cur_id").is_null().alias("m_new"),
        (pl.col("cur_id").is_not_null() & ~same).alias("m_moved"),
        (pl.col("cur_id").is_not_null() & same
         & pl.any_horizontal([_ne(f, f"cur_{f}") for f in MEMBER_COMPARE])).alias("m_changed"))
    file_ids = members.select("resident_id")
    gone = (cur_m.filter(pl.col("cur_household_id").is_in(pl.Series(existing_ids, dtype=pl.Int64).implode()))
            .join(file_ids, on="resident_id", how="anti"))
    # Filters on m go through lazy frames: only the selected columns are gathered.
    moved_out = m.lazy().filter("m_moved").select(pl.col("cur_id"), pl.col("cur_household_no").alias("from_no"),
                                                  pl.col("household_no").alias("to_no")).collect()
    # ---- per-household verdict for the counts
    touched_nos = pl.concat([
        m.lazy().filter(pl.col("m_new") | pl.col("m_moved") | pl.col("m_changed")).select("household_no").collect(),
        moved_out.select(pl.col("from_no").alias("household_no")),
        gone.select(pl.col("cur_household_no").alias("household_no")),
    ]).unique()
    income_cur = fetch_in(
        "SELECT id, household_id, year, CAST(ROUND(wage_income * 100) AS BIGINT), "
        "CAST(ROUND(business_income * 100) AS BIGINT), CAST(ROUND(property_income * 100) AS BIGINT), "
        "CAST(ROUND(transfer_income * 100) AS BIGINT), CAST(ROUND(business_cost * 100) AS BIGINT), "
        "members_counted FROM registry_income WHERE household_id {IN}", existing_ids,
        {"inc_id": pl.Int64, "cur_id": pl.Int64, "income_year": pl.Int64,
         **{f"cur_{f}": pl.Int64 for f in MONEY_FIELDS}, "cur_members_counted": pl.Int64})
    inc = (hh.filter(pl.col("has_income")).select(
        "household_no", "cur_id", "is_new", "income_year", "members_counted", *MONEY_FIELDS)
        .join(income_cur, on=["cur_id", "income_year"], how="left")
        .with_columns(pl.any_horizontal([_ne(f, f"cur_{f}") for f in [*MONEY_FIELDS, "members_counted"]])
                      .alias("inc_changed")))
    inc = inc.filter(pl.col("inc_id").is_null() | pl.col("inc_changed"))
    hh = hh.with_columns(
        (pl.col("hh_changed") | pl.col("household_no").is_in(touched_nos.get_column("household_no").implode())
         | pl.col("household_no").is_in(inc.get_column("household_no").implode())).alias("any_change"))
    result = CommitResult(
        created=int(hh.get_column("is_new").sum()),
        updated=int((~hh.get_column("is_new") & hh.get_column("any_change")).sum()),
        unchanged=int((~hh.get_column("is_new") & ~hh.get_column("any_change")).sum()))
    if dry_run:
        return result

    # ---- write: new households
    head = m.lazy().filter(pl.col("relation_to_head") == "head").select("household_no", "name_initials").collect()
    new_hh = hh.filter("is_new").join(head, on="household_no", how="left")
    new_ids = history.insert(Household, new_hh.select(
        "household_no", "area_id", "group", pl.lit("").alias("address"), pl.col("head_name"),
        pl.col("name_initials").fill_null("").alias("head_initials"), "phone",
        pl.lit("").alias("bank_account"), "household_type", "exit_year", "welfare_status",
        "monitoring_type", "main_cause", pl.lit("[]").alias("other_causes"),
        pl.lit("[]").alias("risk_types"), "housing_grade", "water_safe",
        pl.lit(None, dtype=pl.Date).alias("identified_on"), pl.lit(False).alias("relocated"),
        pl.lit(False).alias("covid_confirmed"), pl.lit(now_s).alias("created_at"),
        pl.lit(now_s).alias("updated_at")))
    id_map = pl.concat([
        new_hh.select("household_no").with_columns(pl.Series("household_id", new_ids, dtype=pl.Int64)),
        hh.filter(~pl.col("is_new")).select("household_no", pl.col("cur_id").alias("household_id")),
    ])
    # ---- changed households
    upd_hh = hh.filter("hh_changed").join(head, on="household_no", how="left")
    update_frame(Household, upd_hh.select(
        pl.col("cur_id").alias("id"), "area_id", "group", "head_name",
        pl.col("name_initials").fill_null("").alias("head_initials"), "phone", "household_type",
        "exit_year", "welfare_status", "monitoring_type", "main_cause", "housing_grade", "water_safe",
        pl.lit(now_s).alias("updated_at")))
    history(Household, upd_hh.get_column("cur_id").to_list(), "~")
    # ---- statuses: a period for each new household, a new period on reclassification
    open_status_periods(pl.concat([
        new_hh.with_columns(pl.Series("household_id", new_ids, dtype=pl.Int64)).select(
            "household_id", *STATUS_FIELDS),
        hh.filter("status_changed").select(pl.col("cur_id").alias("household_id"), *STATUS_FIELDS),
    ]), day=today, reason=reason, history=history)
    # ---- memberships that end: moved to another household of the file, or no longer listed
    ended = pl.concat([
        moved_out.join(id_map.rename({"household_no": "to_no", "household_id": "related_household_id"}),
                       on="to_no", how="left")
        .select("cur_id", pl.lit(f"{reason}：迁入户 ").add(pl.col("to_no")).alias("note"),
                "related_household_id"),
        gone.select("cur_id", pl.lit(f"{reason}：本户台账中已无此人").alias("note"),
                    pl.lit(None, dtype=pl.Int64).alias("related_household_id")),
    ])
    ended_ids = ended.get_column("cur_id").to_list()
    update_frame(Member, ended.select(pl.col("cur_id").alias("id"),
                                      pl.lit(MemberStatus.MOVED_OUT.value).alias("status"),
                                      pl.lit(today).alias("left_on"), pl.lit(now_s).alias("updated_at")))
    history(Member, ended_ids, "~")
    _events(ended.select(pl.col("cur_id").alias("member_id"), "note", "related_household_id"),
            MemberEventKind.MOVED_OUT, today, now_s, history)
    # ---- new members (new households, additions, moves in)
    add = _attach(_where(m, pl.col("m_new") | pl.col("m_moved")), id_map, "household_no")
    add_ids = history.insert(Member, add.select(
        "household_id", "name", "name_pinyin", "name_initials", "resident_id", "sex", "birth_date",
        "relation_to_head", "ethnicity", "education", "schooling", "chronic_illness",
        "serious_illness", "disabled", "disability_grade", "labour", "employment", "months_worked",
        "medical_insurance", pl.lit(False).alias("critical_illness_insurance"),
        pl.lit(False).alias("pension_insurance"), pl.lit("").alias("phone"),
        pl.lit(MemberStatus.ACTIVE.value).alias("status"),
        pl.when(pl.col("m_moved")).then(pl.lit(today)).otherwise(None).alias("joined_on"),
        pl.lit(None, dtype=pl.Date).alias("left_on"),
        pl.lit(now_s).alias("created_at"), pl.lit(now_s).alias("updated_at")))
    movers = add.with_columns(pl.Series("member_id", add_ids, dtype=pl.Int64)).filter("m_moved")
    if movers.height:
        movers = movers.join(id_map.rename({"household_no": "cur_household_no",
                                            "household_id": "related_household_id"}),
                             on="cur_household_no", how="left")
        _events(movers.select("member_id", (pl.lit(f"{reason}：来自户 ") + pl.col("cur_household_no")).alias("note"),
                              "related_household_id"), MemberEventKind.MOVED_IN, today, now_s, history)
    # ---- changed members
    upd_m = m.filter("m_changed")
    update_frame(Member, upd_m.select(
        pl.col("cur_id").alias("id"), "name", "name_pinyin", "name_initials", "relation_to_head",
        "ethnicity", "education", "schooling", "chronic_illness", "serious_illness", "disabled",
        "disability_grade", "labour", "employment", "months_worked", "medical_insurance",
        pl.lit(now_s).alias("updated_at")))
    history(Member, upd_m.get_column("cur_id").to_list(), "~")
    # ---- incomes of the file's year
    inc = inc.drop("cur_id").join(id_map, on="household_no", how="left")
    money = [_money_text(f) for f in MONEY_FIELDS]
    new_inc = inc.filter(pl.col("inc_id").is_null())
    history.insert(Income, new_inc.select(
        "household_id", pl.col("income_year").alias("year"), *money, "members_counted",
        pl.lit(reason).alias("source"), pl.lit(now_s).alias("created_at"), pl.lit(now_s).alias("updated_at")))
    upd_inc = inc.filter(pl.col("inc_id").is_not_null())
    update_frame(Income, upd_inc.select(pl.col("inc_id").alias("id"), *money, "members_counted",
                                        pl.lit(reason).alias("source"), pl.lit(now_s).alias("updated_at")))
    history(Income, upd_inc.get_column("inc_id").to_list(), "~")
    # ---- head names follow the members (a household whose head changed but whose fields did not)
    result.touched = sorted(set(new_ids) | set(
        hh.filter(~pl.col("is_new") & pl.col("any_change")).get_column("cur_id").to_list()))
    return result


def _events(df: pl.DataFrame, kind: str, today: dt.date, now_s: str, history: HistoryMark) -> None:
    history.insert(MemberEvent, df.with_columns(
        pl.lit(str(kind)).alias("kind"), pl.lit(today).alias("date"),
        pl.col("note").str.slice(0, 200), pl.lit(now_s).alias("created_at")))
