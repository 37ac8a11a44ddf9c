"""Risk-elimination criteria (MECHANISM.md §5.3), checked by the system and shown.

* net income per person above the monitoring line, stably, for at least six months;
* basic needs secure: compulsory schooling, medical insurance, safe housing (grade A/B);
* drinking water safe;
* and a household without labour capacity (every active member 丧失劳动力/无劳动力) is
  never eliminated: it stays under tracking.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from fupin.registry.choices import NO_LABOUR_VALUES, HousingGrade, Schooling
from fupin.registry.models import Household, Income

DEFAULT_MONITORING_LINE = Decimal("6000")
STABLE_MONTHS = 6


def monitoring_line_for(household: Household, year: int) -> Decimal:
    """The monitoring line (yuan per person per year) for a household's region and year,
    from the monitoring app's versioned settings (most specific area wins)."""
    from fupin.monitoring.services.rules import setting_value

    value = setting_value("monitoring_line", household.area_id, year)
    if value is None:
        return DEFAULT_MONITORING_LINE
    line = Decimal(value)
    # Settings keep 4 decimals; show 6000, not 6000.0000.
    return line.quantize(Decimal(1)) if line == line.to_integral() else line.quantize(Decimal("0.01"))


@dataclass
class Criterion:
    code: str
    label: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def income_window(income: Income) -> tuple[dt.date, dt.date]:
    """The period an income figure covers: its window, or its calendar year."""
    start = income.window_start or dt.date(income.year, 1, 1)
    end = income.window_end or dt.date(income.year, 12, 31)
    return start, end


def annual_per_capita(income: Income) -> Decimal:
    """Per-capita net income as a yearly figure (a window shorter than a year is scaled up)."""
    start, end = income_window(income)
    days = (end - start).days + 1
    per_capita = Decimal(income.per_capita)
    if days >= 365 or days <= 0:
        return per_capita
    return (per_capita * Decimal(365) / Decimal(days)).quantize(Decimal("0.01"))


def income_criterion(household: Household, on: dt.date,
                     line: Decimal | None = None) -> Criterion:
    """Income above the line for at least six months up to the latest income record.

    Walks back from the latest income record (window ending on or before `on`) while each
    record is above the line and the windows join up; the span covered must be ≥ 6 months.
    """
    incomes = sorted((i for i in Income.objects.filter(household=household)
                      if income_window(i)[1] <= on), key=lambda i: income_window(i)[1],
                     reverse=True)
    label = "收入稳定超过监测线（不少于6个月）"
    if not incomes:
        return Criterion("income", label, False, "没有收入记录，无法核验收入")
    since: dt.date | None = None
    latest_end = income_window(incomes[0])[1]
    first_failure = ""
    for income in incomes:
        start, end = income_window(income)
        amount = annual_per_capita(income)
        limit = line if line is not None else monitoring_line_for(household, income.year)
        if since is not None and end < since - dt.timedelta(days=1):
            break  # a gap in the records: stability cannot be shown across it
        if amount <= limit:
            first_failure = (f"{start:%Y-%m-%d}至{end:%Y-%m-%d} 人均纯收入 {amount} 元，"
                             f"未超过监测线 {limit} 元")
            break
        since = start
    if since is None:
        return Criterion("income", label, False, first_failure)
    stable_until = add_months(since, STABLE_MONTHS) - dt.timedelta(days=1)
    if latest_end < stable_until:
        return Criterion("income", label, False,
                         f"收入自 {since:%Y-%m-%d} 起超过监测线，至 {latest_end:%Y-%m-%d} "
                         f"不足 {STABLE_MONTHS} 个月")
    return Criterion("income", label, True,
                     f"自 {since:%Y-%m-%d} 至 {latest_end:%Y-%m-%d} 人均纯收入均超过监测线")


def has_no_labour(household: Household) -> bool:
    members = list(household.active_members())
    return bool(members) and all(m.labour in NO_LABOUR_VALUES for m in members)


NO_LABOUR_MESSAGE = ("该户家庭成员均为丧失劳动力或无劳动力，属无劳动能力户，"
                     "不得标注风险消除，应继续跟踪监测")


def basic_needs_criteria(household: Household, on: dt.date) -> list[Criterion]:
    members = list(household.active_members())
    dropouts = [m.name for m in members
                if 6 <= m.age_on(on) <= 15 and m.schooling in ("", Schooling.NOT_IN_SCHOOL)]
    uninsured = [m.name for m in members if not m.medical_insurance]
    unsafe_house = household.housing_grade in (HousingGrade.C, HousingGrade.D)
    out = [
        Criterion("education", "义务教育有保障", not dropouts,
                  "义务教育阶段无失学辍学" if not dropouts else f"{len(dropouts)} 名义务教育阶段儿童未在校"),
        Criterion("medical", "基本医疗有保障", not uninsured,
                  "全部成员参加基本医疗保险" if not uninsured else f"{len(uninsured)} 人未参加基本医疗保险"),
        Criterion("housing", "住房安全有保障（无未解决的危房问题）",
                  bool(household.housing_grade) and not unsafe_house,
                  {"": "未做住房安全鉴定"}.get(household.housing_grade,
                                          f"住房安全等级 {household.housing_grade}"
                                          + ("（危房未解决）" if unsafe_house else ""))),
        Criterion("water", "饮水安全有保障（无未解决的饮水问题）", household.water_safe is True,
                  {True: "饮水安全", False: "饮水不安全（未解决）", None: "未做饮水安全评估"}[
                      household.water_safe]),
    ]
    return out


def elimination_criteria(household: Household, on: dt.date,
                         line: Decimal | None = None) -> list[Criterion]:
    labour_ok = not has_no_labour(household)
    return [
        income_criterion(household, on, line),
        *basic_needs_criteria(household, on),
        Criterion("labour", "有劳动能力（无劳动能力户不得消除）", labour_ok,
                  "有劳动能力成员" if labour_ok else NO_LABOUR_MESSAGE),
    ]


def unmet(criteria: list[Criterion]) -> list[str]:
    return [f"{c.label}：{c.detail}" for c in criteria if not c.ok]
