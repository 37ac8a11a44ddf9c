"""Household features as of a date: one set-based SQL query (CTEs) over the registry.

The query is plain portable SQL (window functions, CASE, COALESCE, LIKE, ||) and runs on
SQLite and PostgreSQL alike; the only dialect-dependent pieces are the date parts and
the JSON packing of values, in `Dialect`. Sweeps run it over an area, instant re-checks
over a few household ids: the same text either way.

Settings are resolved in SQL too: for each village and year the setting row whose area
code is the longest prefix of the village code wins, then the latest `year_from`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from ..lines import every_year_keys
from ..models import EventKind, Roster, RosterKind, RosterRow, Setting, SettingKey

# name -> (Chinese label, kind) ; kind "num" may be used in conditions, "text" only shown.
FEATURES: dict[str, tuple[str, str]] = {
    "members": ("在册人口", "num"),
    "income_year": ("最近收入年度", "num"),
    "income_per_capita": ("人均纯收入(元)", "num"),
    "income_net": ("家庭纯收入(元)", "num"),
    "prev_income_year": ("上一收入年度", "num"),
    "prev_income_per_capita": ("上年人均纯收入(元)", "num"),
    "income_change": ("人均纯收入变化(元)", "num"),
    "income_drop_ratio": ("人均纯收入降幅", "num"),
    "labour_count": ("有劳动能力人数", "num"),
    "ill_count": ("患病人数(慢性病或大病)", "num"),
    "serious_ill_count": ("患大病人数", "num"),
    "disabled_count": ("残疾人数", "num"),
    "uninsured_count": ("未参加基本医保人数", "num"),
    "school_age_count": ("义务教育适龄人数(不含经批准免学)", "num"),
    "dropout_count": ("适龄非在校生人数", "num"),
    "elderly_count": ("60 岁以上人数", "num"),
    "unsafe_house": ("住房为 C/D 级危房(1/0)", "num"),
    "water_unsafe": ("饮水不安全(1/0)", "num"),
    "is_general": ("户属性为一般户(1/0)", "num"),
    "is_dibao": ("低保户(1/0)", "num"),
    "is_tekun": ("特困供养户(1/0)", "num"),
    "is_registered": ("建档立卡户(1/0)", "num"),
    "is_lifted": ("脱贫户(1/0)", "num"),
    "is_monitored": ("监测对象(含风险已消除)(1/0)", "num"),
    "is_at_risk": ("监测对象且风险未消除(1/0)", "num"),
    "food_clothing_insecure": ("不愁吃或不愁穿未保障(1/0)", "num"),
    "medical_cost_12m": ("近期自付医疗费用(元)", "num"),
    "education_cost_12m": ("近期大额教育支出(元)", "num"),
    "rigid_cost_12m": ("近期刚性支出(医疗+教育)(元)", "num"),
    "rigid_income_base": ("上年度家庭纯收入(无记录时按最近收入或监测线×人口)(元)", "num"),
    "disaster_events_12m": ("近期自然灾害次数", "num"),
    "accident_events_12m": ("近期意外事故次数", "num"),
    "disaster_loss_12m": ("近期灾害与事故损失(元)", "num"),
    "job_loss_events_12m": ("近期务工中断次数", "num"),
    "death_events_12m": ("近期劳动力死亡次数", "num"),
    "business_events_12m": ("近期产业失败次数", "num"),
    "covid_events_12m": ("近期新冠感染次数", "num"),
    "risk_events_12m": ("近期风险事件次数", "num"),
    "risk_amount_12m": ("近期风险事件金额(元)", "num"),
    "roster_school_missing": ("不在教育名册的适龄人数", "num"),
    "roster_uninsured": ("不在医保名册的人数", "num"),
    "roster_dead_listed": ("死亡登记仍在册人数", "num"),
    "roster_dibao_members": ("在低保名册的人数", "num"),
    "roster_tekun_members": ("在特困名册的人数", "num"),
    "roster_disability_unrecorded": ("持残疾证但登记非残疾人数", "num"),
    "household_no": ("户编号", "text"),
    "area_code": ("区划代码", "text"),
    "housing_grade": ("住房安全等级", "text"),
    "welfare_status": ("户属性", "text"),
    "monitoring_type": ("监测对象类型", "text"),
    "school_roster_name": ("教育名册", "text"),
    "insurance_roster_name": ("医保名册", "text"),
    "dibao_roster_name": ("低保名册", "text"),
    "tekun_roster_name": ("特困名册", "text"),
    "disability_roster_name": ("残联名册", "text"),
    "death_roster_name": ("死亡登记名册", "text"),
}

# Settings the features query itself needs (created by the data migration).
CORE_SETTINGS = ("school_age_min", "school_age_max", "event_window_months")
_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class Dialect:
    """The few things SQLite and PostgreSQL spell differently."""

    def __init__(self, vendor: str | None = None) -> None:
        self.vendor = vendor or connection.vendor

    def year(self, col: str) -> str:
        if self.vendor == "sqlite":
            return f"CAST(SUBSTR({col}, 1, 4) AS INTEGER)"
        return f"CAST(EXTRACT(YEAR FROM {col}) AS INTEGER)"

    def month(self, col: str) -> str:
        if self.vendor == "sqlite":
            return f"CAST(SUBSTR({col}, 6, 2) AS INTEGER)"
        return f"CAST(EXTRACT(MONTH FROM {col}) AS INTEGER)"

    def day(self, col: str) -> str:
        if self.vendor == "sqlite":
            return f"CAST(SUBSTR({col}, 9, 2) AS INTEGER)"
        return f"CAST(EXTRACT(DAY FROM {col}) AS INTEGER)"

    def number(self, value: Decimal) -> Any:
        """SQLite compares a number bound as text as greater than any number: bind numbers."""
        if self.vendor == "sqlite":
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        args = ", ".join(f"'{k}', {v}" for k, v in pairs)
        if self.vendor == "sqlite":
            return f"json_object({args})"
        return f"jsonb_build_object({args})"


@dataclass
class Query:
    sql: str
    params: list[Any] = field(default_factory=list)


def setting_keys() -> dict[str, bool]:
    """Setting names usable in conditions -> whether they are taken by income year."""
    return {k: by_year for k, by_year in SettingKey.objects.values_list("key", "by_income_year")
            if _IDENT.match(k) and k not in FEATURES}


def columns() -> dict[str, str]:
    """Identifier -> SQL column of the features relation `f`, for the condition compiler."""
    cols = {name: f"f.{name}" for name, (_, kind) in FEATURES.items() if kind == "num"}
    cols.update({k: f"f.{k}" for k in setting_keys()})
    return cols


def labels() -> dict[str, str]:
    out = {name: label for name, (label, _) in FEATURES.items()}
    out.update(dict(SettingKey.objects.values_list("key", "name")))
    return out


def active_roster_kinds(as_of: dt.date) -> set[str]:
    return set(Roster.objects.filter(active=True, as_of__lte=as_of)
               .values_list("kind", flat=True).distinct())


def sv_params_vill(household_ids: Sequence[int] | None) -> int:
    return 0 if household_ids is not None else 1


def _settings_ctes(as_of: dt.date, area: str, household_ids: Sequence[int] | None,
                   keys: dict[str, bool],
                   every_year: Sequence[str] | None = None) -> tuple[list[str], list[Any]]:
    """CTEs vill, yrs, cand, sv: settings resolved per village and year in SQL (the row
    whose area code is the longest prefix wins, then the latest year_from)."""
    y = as_of.year
    p: list[Any] = []
    ctes = []
    # A line adjusted every year (贫困线, 监测线) resolves only for its own year: a year with
    # no line of its own has none (fupin.monitoring.lines lists it), never last year's.
    every_year = every_year_keys() if every_year is None else every_year
    exact = sorted(k for k in every_year if _IDENT.match(k))
    year_match = "s.year_from <= yrs.year" if not exact else (
        "(s.year_from = yrs.year OR (s.year_from <= yrs.year AND s.key NOT IN ("
        + ", ".join(f"'{k}'" for k in exact) + ")))")
    if household_ids is not None:
        ctes.append("vill AS (SELECT DISTINCT area_code FROM hh)")
        ctes.append("""yrs AS (
  SELECT DISTINCT i.year FROM registry_income i JOIN hh ON hh.id = i.household_id
  WHERE i.year <= %s UNION SELECT %s)""")
    else:
        ctes.append("vill AS (SELECT a.code AS area_code FROM areas_area a "
                    "WHERE a.level = 'village' AND a.code LIKE %s)")
        p.append(f"{area}%")
        ctes.append("yrs AS (SELECT DISTINCT year FROM registry_income WHERE year <= %s "
                    "UNION SELECT %s)")
    p.extend([y, y])
    ctes.append(f"""cand AS (
  SELECT v.area_code, yrs.year, s.key, s.value,
         ROW_NUMBER() OVER (PARTITION BY v.area_code, yrs.year, s.key
                            ORDER BY LENGTH(s.area_code) DESC, s.year_from DESC) AS rn
  FROM vill v CROSS JOIN yrs
  JOIN {Setting._meta.db_table} s ON v.area_code LIKE s.area_code || '%%'
   AND {year_match})""")
    pivot = ",\n         ".join(
        f"MAX(CASE WHEN key = '{k}' THEN value END) AS {k}" for k in keys) or "NULL AS none_"
    ctes.append(f"""sv AS (
  SELECT area_code, year,
         {pivot}
  FROM cand WHERE rn = 1 GROUP BY area_code, year)""")
    return ctes, p


def settings_table_sql(as_of: dt.date, area: str, table: str, *,
                       keys: dict[str, bool] | None = None,
                       every_year: Sequence[str] | None = None) -> Query:
    """`CREATE TEMP TABLE <table> AS …` with the resolved settings of every village of the
    area (sweeps materialise them so that the planner knows their size)."""
    ctes, params = _settings_ctes(as_of, area, None,
                                  setting_keys() if keys is None else keys, every_year)
    return Query(f"CREATE TEMP TABLE {table} AS WITH " + ",\n".join(ctes)
                 + "\nSELECT * FROM sv", params)


def features_cte(as_of: dt.date, *, area: str = "", household_ids: Sequence[int] | None = None,
                 dialect: Dialect | None = None, settings_table: str = "",
                 ids_table: str = "", keys: dict[str, bool] | None = None,
                 rosters: set[str] | None = None,
                 every_year: Sequence[str] | None = None,
                 school_band: tuple[Decimal, Decimal] | None = None) -> Query:
    """`WITH … , f AS (…)`: one row per household of the area (or of the ids, or of the
    ids in the table `ids_table` — a bulk re-check) with every feature and every resolved
    setting as columns. Append a SELECT over `f`.

    `school_band` (min, max): every row of the settings for the as-of year has this school
    age band (the caller checked). The members are then aggregated without looking up their
    village's band; a household whose village has no settings row still gets no member
    features, as with the join."""
    if ids_table:
        household_ids = ()  # restricted; the ids come from the table
    d = dialect or Dialect()
    # (the caller may pass these from its cache: each is a query otherwise)
    keys = setting_keys() if keys is None else keys
    rosters = active_roster_kinds(as_of) if rosters is None else rosters
    p: list[Any] = []
    y, mmdd = as_of.year, as_of.month * 100 + as_of.day
    t_h = "registry_household"
    t_m = "registry_member"
    t_i = "registry_income"
    t_s = "registry_householdstatus"
    t_ev = "monitoring_riskevent"
    t_r = Roster._meta.db_table
    t_rr = RosterRow._meta.db_table

    ctes: list[str] = []
    # Sub-queries join `hh` only when the sweep is restricted; over the whole registry
    # they read the base tables directly (each join to 1M households costs seconds).
    whole = not area and household_ids is None
    only = "" if whole else "JOIN hh ON hh.id = {}"
    # households in scope
    where = "h.area_code LIKE %s"
    p.append(f"{area}%")
    if ids_table:
        where += f" AND h.id IN (SELECT id FROM {ids_table})"
    elif household_ids is not None:
        ids = [int(i) for i in household_ids] or [-1]
        where += " AND h.id IN (" + ", ".join(["%s"] * len(ids)) + ")"
        p.extend(ids)
    ctes.append(f"""hh AS (
  SELECT h.id, h.household_no, h.area_code, h.household_type, h.welfare_status,
         h.monitoring_type, h.risk_eliminated, h.housing_grade, h.water_safe, h.food_secure,
         h.clothing_secure
  FROM {t_h} h WHERE {where})""")
    sv_ctes, sv_params = _settings_ctes(as_of, area, household_ids, keys, every_year)
    if settings_table:
        sv = settings_table
        if rosters:
            ctes.append(sv_ctes[0])  # vill, for roster coverage
            p.extend(sv_params[:sv_params_vill(household_ids)])
    else:
        sv = "sv"
        ctes.extend(sv_ctes)
        p.extend(sv_params)
    # status as of the date (falls back to the household row when no period covers it)
    ctes.append(f"""st AS (
  SELECT s.household_id, s.household_type, s.welfare_status, s.monitoring_type,
         s.risk_eliminated
  FROM {t_s} s {only.format("s.household_id")}
  WHERE s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to > %s))""")
    p.extend([as_of, as_of])
    ctes.append(f"""inc AS (
  SELECT i.household_id, i.year, i.net, i.per_capita,
         ROW_NUMBER() OVER (PARTITION BY i.household_id ORDER BY i.year DESC) AS rn
  FROM {t_i} i {only.format("i.household_id")} WHERE i.year <= %s)""")
    p.append(y)
    # latest, previous (only if the year before it) and last year's income in one row per
    # household: one streaming aggregate instead of three joins of the window's rows
    ctes.append("""ic AS (
  SELECT household_id,
         MAX(CASE WHEN rn = 1 THEN year END) AS li_year,
         MAX(CASE WHEN rn = 1 THEN per_capita END) AS li_pc,
         MAX(CASE WHEN rn = 1 THEN net END) AS li_net,
         CASE WHEN MAX(CASE WHEN rn = 2 THEN year END) = MAX(CASE WHEN rn = 1 THEN year END) - 1
              THEN MAX(CASE WHEN rn = 2 THEN year END) END AS pi_year,
         CASE WHEN MAX(CASE WHEN rn = 2 THEN year END) = MAX(CASE WHEN rn = 1 THEN year END) - 1
              THEN MAX(CASE WHEN rn = 2 THEN per_capita END) END AS pi_pc,
         MAX(CASE WHEN year = %s THEN net END) AS ly_net
  FROM inc WHERE rn <= 2 OR year = %s GROUP BY household_id)""")
    p.extend([y - 1, y - 1])
    # latest housing / water assessment on or before the date
    ctes.append(f"""asm AS (
  SELECT a.household_id, a.kind, a.housing_grade, a.water_safe,
         ROW_NUMBER() OVER (PARTITION BY a.household_id, a.kind
                            ORDER BY a.assessed_on DESC, a.id DESC) AS rn
  FROM registry_assessment a {only.format("a.household_id")}
  WHERE a.assessed_on <= %s)""")
    p.append(as_of)
    # roster coverage per village and kind: the newest active roster of the longest prefix
    if rosters:
        ctes.append(f"""rcov AS (
  SELECT v.area_code, r.kind, r.id AS roster_id, r.name,
         ROW_NUMBER() OVER (PARTITION BY v.area_code, r.kind
                            ORDER BY LENGTH(r.area_code) DESC, r.as_of DESC, r.id DESC) AS rn
  FROM vill v JOIN {t_r} r ON v.area_code LIKE r.area_code || '%%'
  WHERE r.active = TRUE AND r.as_of <= %s)""")
        p.append(as_of)
    # members as of the date, with age in full years from the birth-date parts
    age = (f"(%s - {d.year('m.birth_date')} - CASE WHEN {d.month('m.birth_date')} * 100 + "
           f"{d.day('m.birth_date')} > %s THEN 1 ELSE 0 END)")
    roster_cols = []
    roster_joins = []
    for kind in sorted(rosters):
        roster_cols.append(f"c_{kind}.roster_id AS cov_{kind}, r_{kind}.id AS in_{kind}")
        roster_joins.append(
            f"LEFT JOIN rcov c_{kind} ON c_{kind}.area_code = hh.area_code AND c_{kind}.kind = "
            f"'{kind}' AND c_{kind}.rn = 1\n  LEFT JOIN {t_rr} r_{kind} ON r_{kind}.roster_id = "
            f"c_{kind}.roster_id AND r_{kind}.resident_id = m.resident_id")
    # the village (for its band or roster) comes from the household: a join of every member
    ma_from = f"{t_m} m JOIN {t_h if whole else 'hh'} hh ON hh.id = m.household_id"
    ma_area = "hh.area_code, "
    if school_band is not None and not rosters and whole:
        ma_from, ma_area = t_m + " m", ""
    ctes.append(f"""ma AS (
  SELECT m.household_id, {ma_area}m.labour, m.chronic_illness, m.serious_illness,
         m.disabled, m.school_exempt, m.medical_insurance, m.schooling, {age} AS age
         {''.join(', ' + c for c in roster_cols)}
  FROM {ma_from}
  {' '.join(roster_joins)}
  WHERE (m.joined_on IS NULL OR m.joined_on <= %s) AND (m.left_on IS NULL OR m.left_on > %s)
    AND (m.status = 'active' OR m.left_on IS NOT NULL) AND m.birth_date <= %s)""")
    p.extend([y, mmdd, as_of, as_of, as_of])
    # 控辍保学 (MECHANISM §4.3/§4.4): only a child exempted for health reasons is left out;
    # a disabled child taught at home (送教上门) is schooled, a blank status is unknown.
    in_band = ("ma.age >= sa.school_age_min AND ma.age <= sa.school_age_max "
               "AND ma.school_exempt = FALSE")
    if school_band is not None:
        in_band = "ma.age >= %s AND ma.age <= %s AND ma.school_exempt = FALSE"
    ragg = {
        "roster_school_missing": (RosterKind.SCHOOL, f"SUM(CASE WHEN {in_band} AND "
                                  "ma.cov_school IS NOT NULL AND ma.in_school IS NULL "
                                  "THEN 1 ELSE 0 END)"),
        "roster_uninsured": (RosterKind.INSURANCE, "SUM(CASE WHEN ma.cov_insurance IS NOT NULL "
                             "AND ma.in_insurance IS NULL THEN 1 ELSE 0 END)"),
        "roster_dead_listed": (RosterKind.DEATH, "SUM(CASE WHEN ma.in_death IS NOT NULL "
                               "THEN 1 ELSE 0 END)"),
        "roster_dibao_members": (RosterKind.DIBAO, "SUM(CASE WHEN ma.in_dibao IS NOT NULL "
                                 "THEN 1 ELSE 0 END)"),
        "roster_tekun_members": (RosterKind.TEKUN, "SUM(CASE WHEN ma.in_tekun IS NOT NULL "
                                 "THEN 1 ELSE 0 END)"),
        "roster_disability_unrecorded": (RosterKind.DISABILITY, "SUM(CASE WHEN "
                                         "ma.in_disability IS NOT NULL AND ma.disabled = FALSE "
                                         "THEN 1 ELSE 0 END)"),
    }
    roster_aggs = ",\n         ".join(
        f"{expr} AS {name}" for name, (kind, expr) in ragg.items() if kind in rosters)
    mem_from = f"ma JOIN {sv} sa ON sa.area_code = ma.area_code AND sa.year = %s"
    if school_band is not None:
        mem_from = "ma"
    mem_sql = f"""mem AS (
  SELECT ma.household_id,
         COUNT(*) AS members,
         SUM(CASE WHEN ma.labour IN ('lost', 'none') THEN 0 ELSE 1 END) AS labour_count,
         SUM(CASE WHEN ma.chronic_illness = TRUE OR ma.serious_illness = TRUE THEN 1 ELSE 0 END)
           AS ill_count,
         SUM(CASE WHEN ma.serious_illness = TRUE THEN 1 ELSE 0 END) AS serious_ill_count,
         SUM(CASE WHEN ma.disabled = TRUE THEN 1 ELSE 0 END) AS disabled_count,
         SUM(CASE WHEN ma.medical_insurance = FALSE THEN 1 ELSE 0 END) AS uninsured_count,
         SUM(CASE WHEN {in_band} THEN 1 ELSE 0 END) AS school_age_count,
         SUM(CASE WHEN {in_band} AND ma.schooling = 'none' THEN 1 ELSE 0 END) AS dropout_count,
         SUM(CASE WHEN ma.age >= 60 THEN 1 ELSE 0 END) AS elderly_count
         {(',' + chr(10) + '         ' + roster_aggs) if roster_aggs else ''}
  FROM {mem_from}
  GROUP BY ma.household_id)"""
    ctes.append(mem_sql)
    if school_band is not None:
        p.extend(list(school_band) * mem_sql.count(in_band))
    else:
        p.append(y)
    # risk events in the window: (year*12 + month, day) after (as-of minus N months, day)
    ev_when = (f"e.date <= %s AND ({d.year('e.date')} * 12 + {d.month('e.date')}) * 100 + "
               f"{d.day('e.date')} > (%s - sa.event_window_months) * 100 + %s")
    kinds = {"disaster_events_12m": EventKind.DISASTER, "accident_events_12m": EventKind.ACCIDENT,
             "job_loss_events_12m": EventKind.JOB_LOSS, "death_events_12m": EventKind.DEATH,
             "business_events_12m": EventKind.BUSINESS, "covid_events_12m": EventKind.COVID}
    counts = ",\n         ".join(
        f"SUM(CASE WHEN e.kind = '{k.value}' THEN 1 ELSE 0 END) AS {n}" for n, k in kinds.items())
    ctes.append(f"""ev AS (
  SELECT e.household_id,
         SUM(CASE WHEN e.kind = 'medical' THEN e.amount ELSE 0 END) AS medical_cost_12m,
         SUM(CASE WHEN e.kind = 'education' THEN e.amount ELSE 0 END) AS education_cost_12m,
         SUM(CASE WHEN e.kind IN ('medical', 'education') THEN e.amount ELSE 0 END)
           AS rigid_cost_12m,
         SUM(CASE WHEN e.kind IN ('disaster', 'accident') THEN e.amount ELSE 0 END)
           AS disaster_loss_12m,
         {counts},
         COUNT(*) AS risk_events_12m,
         SUM(e.amount) AS risk_amount_12m
  FROM {t_ev} e {only.format("e.household_id")}
  JOIN {sv} sa ON sa.area_code = e.area_code AND sa.year = %s
  WHERE {ev_when}
  GROUP BY e.household_id)""")
    p.extend([y, as_of, y * 12 + as_of.month, as_of.day])

    ev_cols = ["medical_cost_12m", "education_cost_12m", "rigid_cost_12m", "disaster_loss_12m", *kinds, "risk_events_12m",
               "risk_amount_12m"]
    setting_cols = [f"{'si' if by_year else 'sa'}.{k} AS {k}" for k, by_year in keys.items()]
    roster_feature_cols = []
    roster_name_joins = []
    for name, (kind, _) in ragg.items():
        roster_feature_cols.append(
            f"mem.{name}" if kind in rosters else f"CAST(NULL AS INTEGER) AS {name}")
    for kind in RosterKind.values:
        if kind in rosters:
            roster_feature_cols.append(f"rn_{kind}.name AS {kind}_roster_name")
            roster_name_joins.append(
                f"LEFT JOIN rcov rn_{kind} ON rn_{kind}.area_code = hh.area_code AND "
                f"rn_{kind}.kind = '{kind}' AND rn_{kind}.rn = 1")
        else:
            roster_feature_cols.append(f"CAST(NULL AS VARCHAR(200)) AS {kind}_roster_name")
    welfare = "COALESCE(st.welfare_status, hh.welfare_status)"
    htype = "COALESCE(st.household_type, hh.household_type)"
    mtype = "COALESCE(st.monitoring_type, hh.monitoring_type)"
    eliminated = "COALESCE(st.risk_eliminated, hh.risk_eliminated)"
    # 刚性支出 is set against last year's household income (MECHANISM §1.1); without an income
    # record, against the latest one, else the monitoring line times the people.
    line_base = " mem.members * si.monitoring_line," if "monitoring_line" in keys else ""
    rigid_base = f"COALESCE(ic.ly_net, ic.li_net,{line_base} NULL)"
    grade = "COALESCE(ah.housing_grade, hh.housing_grade)"
    water = "COALESCE(aw.water_safe, hh.water_safe)"
    sep = ",\n         "
    # (the join with the village's settings dropped these members from `mem`)
    mem_on = " AND sa.area_code IS NOT NULL" if school_band is not None else ""
    ctes.append(f"""f AS (
  SELECT hh.id AS household_id, hh.household_no, hh.area_code,
         COALESCE(mem.members, 0) AS members,
         ic.li_year AS income_year, ic.li_pc AS income_per_capita, ic.li_net AS income_net,
         ic.pi_year AS prev_income_year, ic.pi_pc AS prev_income_per_capita,
         ic.li_pc - ic.pi_pc AS income_change,
         CASE WHEN ic.pi_pc > 0 THEN (ic.pi_pc - ic.li_pc) * 1.0 / ic.pi_pc END
           AS income_drop_ratio,
         COALESCE(mem.labour_count, 0) AS labour_count,
         COALESCE(mem.ill_count, 0) AS ill_count,
         COALESCE(mem.serious_ill_count, 0) AS serious_ill_count,
         COALESCE(mem.disabled_count, 0) AS disabled_count,
         COALESCE(mem.uninsured_count, 0) AS uninsured_count,
         COALESCE(mem.school_age_count, 0) AS school_age_count,
         COALESCE(mem.dropout_count, 0) AS dropout_count,
         COALESCE(mem.elderly_count, 0) AS elderly_count,
         {grade} AS housing_grade,
         CASE WHEN {grade} IN ('C', 'D') THEN 1 ELSE 0 END AS unsafe_house,
         CASE WHEN {water} = FALSE THEN 1 ELSE 0 END AS water_unsafe,
         {welfare} AS welfare_status,
         {mtype} AS monitoring_type,
         CASE WHEN {welfare} = 'general' THEN 1 ELSE 0 END AS is_general,
         CASE WHEN {welfare} = 'dibao' THEN 1 ELSE 0 END AS is_dibao,
         CASE WHEN {welfare} = 'tekun' THEN 1 ELSE 0 END AS is_tekun,
         CASE WHEN {htype} IN ('lifted', 'poor') THEN 1 ELSE 0 END AS is_registered,
         CASE WHEN {htype} = 'lifted' THEN 1 ELSE 0 END AS is_lifted,
         CASE WHEN {mtype} <> '' THEN 1 ELSE 0 END AS is_monitored,
         CASE WHEN {mtype} <> '' AND {eliminated} = FALSE THEN 1 ELSE 0 END AS is_at_risk,
         CASE WHEN hh.food_secure = FALSE OR hh.clothing_secure = FALSE THEN 1 ELSE 0 END
           AS food_clothing_insecure,
         {rigid_base} AS rigid_income_base,
         {sep.join(f'COALESCE(ev.{c}, 0) AS {c}' for c in ev_cols)},
         {sep.join(roster_feature_cols)}
         {''.join(sep + c for c in setting_cols) if setting_cols else ''}
  FROM hh
  LEFT JOIN st ON st.household_id = hh.id
  LEFT JOIN ic ON ic.household_id = hh.id
  LEFT JOIN asm ah ON ah.household_id = hh.id AND ah.kind = 'housing' AND ah.rn = 1
  LEFT JOIN asm aw ON aw.household_id = hh.id AND aw.kind = 'water' AND aw.rn = 1
  LEFT JOIN {sv} sa ON sa.area_code = hh.area_code AND sa.year = %s
  LEFT JOIN mem ON mem.household_id = hh.id{mem_on}
  LEFT JOIN ev ON ev.household_id = hh.id
  LEFT JOIN {sv} si ON si.area_code = hh.area_code AND si.year = COALESCE(ic.li_year, %s)
  {' '.join(roster_name_joins)})""")
    p.extend([y, y])
    return Query("WITH " + ",\n".join(ctes), p)


def household_features(as_of: dt.date, household_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Feature rows of a few households (for pages and tests)."""
    q = features_cte(as_of, household_ids=household_ids)
    with connection.cursor() as cur:
        cur.execute(q.sql + "\nSELECT * FROM f ORDER BY household_id", q.params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
