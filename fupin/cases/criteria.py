"""Risk-elimination criteria (风险消除标准), MECHANISM.md §5.3 with §4.3, each shown on the
case with the values behind it.

All are required:

* **income** — per-capita net income of the current income records (this year's or last
  year's) above the monitoring line *of the current year*, counted only from records
  after identification, and stable for at least the county's months (default 6);
* **rigid spending** — medical and school costs of the last 12 months (risk events) no
  longer above the previous year's household net income;
* **the identifying risk removed**, per risk type (illness covered by insurance and 大病保险
  with out-of-pocket under the county's share of income; house A/B; water safe; no dropout;
  no new disaster; a stable job …);
* **两不愁三保障 and water** — 不愁吃, 不愁穿, compulsory education (school ages from the
  settings, 送教上门 counts as schooled, documented exemptions, blank = unknown), basic
  medical (insured; family-doctor contract and chronic-disease card where a member is ill),
  housing A/B, drinking water;
* and a household **without labour capacity** is never eliminated: it stays tracked.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from fupin.registry.choices import NO_LABOUR_VALUES, HousingGrade, RiskType, Schooling
from fupin.registry.models import Household, HouseholdStatus, Income, Member

DEFAULT_STABLE_MONTHS = 6
RIGID_KINDS = ("medical", "education")


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


def _setting(key: str, household: Household, year: int, default: Decimal) -> Decimal:
    from fupin.monitoring.services.rules import setting_value
    value = setting_value(key, household.area_id, year)
    return Decimal(value) if value is not None else default


def monitoring_line_for(household: Household, year: int) -> Decimal | None:
    """The monitoring line of the household's area for `year`; None when that year has no
    line of its own (a missing line is never replaced by an older one)."""
    from fupin.monitoring.lines import line_value, shown
    value = line_value("monitoring_line", household.area_id, year)
    return shown(Decimal(value)) if value is not None else None


def identified_on(household: Household) -> dt.date | None:
    """When the current monitoring began: the record's 风险识别时间, else the start of the
    earliest status period of the current monitoring spell."""
    if household.risk_identified_on:
        return household.risk_identified_on
    periods = list(HouseholdStatus.objects.filter(household=household).order_by(
        "-valid_from", "-id").values_list("valid_from", "monitoring_type"))
    start = None
    for valid_from, mtype in periods:
        if not mtype:
            break
        start = valid_from
    return start


def income_criterion(household: Household, on: dt.date, line: Decimal | None = None, *,
                     stable_months: int = DEFAULT_STABLE_MONTHS,
                     since_day: dt.date | None = None) -> Criterion:
    """Income above the current year's line, after identification, for ≥ `stable_months`."""
    label = f"收入稳定超过当年监测线（识别后不少于{stable_months}个月）"
    limit = line if line is not None else monitoring_line_for(household, on.year)
    if limit is None:
        return Criterion("income", label, False,
                         f"{on.year} 年监测线未设定，无法核验收入（请县级管理员在监测参数中录入 "
                         f"{on.year} 年监测线及依据文件）")
    start_day = since_day if since_day is not None else identified_on(household)
    current = on.year - 1
    records = [i for i in Income.objects.filter(household=household, year__gte=current)
               if income_window(i)[1] <= on]
    old = Income.objects.filter(household=household, year__lt=current).order_by("-year").first()
    if not records:
        stale = f"；最近的收入记录是 {old.year} 年，已过时" if old else ""
        return Criterion("income", label, False,
                         f"没有 {current} 年或 {on.year} 年的收入记录{stale}，须以当年收入核验")
    if start_day is not None:
        after = [i for i in records if income_window(i)[1] > start_day]
        if not after:
            return Criterion("income", label, False,
                             f"收入记录均在识别（{start_day:%Y-%m-%d}）之前，须有识别后的收入记录")
        records = after
    records.sort(key=lambda i: income_window(i)[1], reverse=True)
    since: dt.date | None = None
    latest_end = income_window(records[0])[1]
    failure = ""
    for income in records:
        begin, end = income_window(income)
        amount = annual_per_capita(income)
        if since is not None and end < since - dt.timedelta(days=1):
            break  # a gap in the records: stability cannot be shown across it
        if amount <= limit:
            failure = (f"{begin:%Y-%m-%d}至{end:%Y-%m-%d} 人均纯收入 {amount} 元，"
                       f"未超过 {on.year} 年监测线 {limit} 元")
            break
        since = begin
    if since is None:
        return Criterion("income", label, False, failure)
    if start_day is not None and since < start_day:
        since = start_day  # stability counts from identification on
    stable_until = add_months(since, stable_months) - dt.timedelta(days=1)
    if latest_end < stable_until:
        return Criterion("income", label, False,
                         f"识别后收入自 {since:%Y-%m-%d} 起超过 {on.year} 年监测线 {limit} 元，"
                         f"至 {latest_end:%Y-%m-%d} 不足 {stable_months} 个月")
    return Criterion("income", label, True,
                     f"自 {since:%Y-%m-%d} 至 {latest_end:%Y-%m-%d} 人均纯收入均超过 "
                     f"{on.year} 年监测线 {limit} 元")


def _events(household: Household, on: dt.date, kinds: tuple[str, ...], months: int = 12) -> Decimal:
    from fupin.monitoring.models import RiskEvent
    start = add_months(on, -months)
    total = RiskEvent.objects.filter(household=household, kind__in=kinds, date__gt=start,
                                     date__lte=on).aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0).quantize(Decimal("0.01"))  # the same text on every database


def previous_income(household: Household, on: dt.date) -> Income | None:
    return Income.objects.filter(household=household, year=on.year - 1).first()


def rigid_criterion(household: Household, on: dt.date) -> Criterion:
    label = "刚性支出已解决（近12个月医疗、教育支出不超过上年度家庭纯收入）"
    medical = _events(household, on, ("medical",))
    school = _events(household, on, ("education",))
    total = medical + school
    prev = previous_income(household, on)
    values = f"近12个月自付医疗 {medical} 元、教育支出 {school} 元，合计 {total} 元"
    if total == 0:
        return Criterion("rigid", label, True, f"{values}，无大额刚性支出")
    if prev is None:
        return Criterion("rigid", label, False, f"{values}；没有 {on.year - 1} 年收入记录，无法比较")
    net = Decimal(prev.net)
    if total > net:
        return Criterion("rigid", label, False,
                         f"{values}，超过 {prev.year} 年家庭纯收入 {net} 元")
    return Criterion("rigid", label, True, f"{values}，未超过 {prev.year} 年家庭纯收入 {net} 元")


def school_ages(household: Household, on: dt.date) -> tuple[int, int]:
    low = _setting("school_age_min", household, on.year, Decimal(6))
    high = _setting("school_age_max", household, on.year, Decimal(15))
    return int(low), int(high)


def education_criterion(household: Household, members: list[Member], on: dt.date) -> Criterion:
    low, high = school_ages(household, on)
    label = f"义务教育有保障（{low}–{high} 周岁）"
    in_age = [m for m in members if low <= m.age_on(on) <= high]
    unknown = [m.name for m in in_age if not m.schooling and not m.school_exempt]
    dropouts = [m.name for m in in_age if m.schooling == Schooling.NOT_IN_SCHOOL and not m.school_exempt]
    home = sum(1 for m in in_age if m.schooling == Schooling.HOME_TAUGHT)
    exempt = sum(1 for m in in_age if m.school_exempt)
    notes = [f"适龄 {len(in_age)} 人"]
    if home:
        notes.append(f"送教上门 {home} 人（计为在校）")
    if exempt:
        notes.append(f"经批准免学缓学 {exempt} 人")
    if dropouts:
        return Criterion("education", label, False,
                         f"{'，'.join(notes)}；{len(dropouts)} 人为非在校生（失学辍学）")
    if unknown:
        return Criterion("education", label, False,
                         f"{'，'.join(notes)}；{len(unknown)} 人在校生状况未登记，须核实")
    return Criterion("education", label, True, "，".join(notes) + "，无失学辍学")


def medical_criterion(members: list[Member]) -> Criterion:
    label = "基本医疗有保障（参保；患病成员家庭医生签约、慢病卡）"
    uninsured = [m for m in members if not m.medical_insurance]
    ill = [m for m in members if m.chronic_illness or m.serious_illness]
    no_doctor = [m for m in ill if m.family_doctor is not True]
    no_card = [m for m in members if m.chronic_illness and m.chronic_card is not True]
    problems = []
    if uninsured:
        problems.append(f"{len(uninsured)} 人未参加基本医疗保险")
    if no_doctor:
        problems.append(f"{len(no_doctor)} 名患病成员未签约家庭医生（或未登记）")
    if no_card:
        problems.append(f"{len(no_card)} 名慢性病成员未办慢病卡（或未登记）")
    if problems:
        return Criterion("medical", label, False, "；".join(problems))
    extra = f"，患病 {len(ill)} 人均已签约家庭医生" if ill else ""
    return Criterion("medical", label, True, f"全部 {len(members)} 人参加基本医疗保险{extra}")


def food_clothing_criterion(household: Household) -> Criterion:
    label = "不愁吃、不愁穿"
    shown = {True: "是", False: "否", None: "未核实"}
    ok = household.food_secure is True and household.clothing_secure is True
    return Criterion("food_clothing", label, ok,
                     f"不愁吃：{shown[household.food_secure]}；不愁穿：{shown[household.clothing_secure]}")


def housing_criterion(household: Household) -> Criterion:
    unsafe = household.housing_grade in (HousingGrade.C, HousingGrade.D)
    detail = {"": "未做住房安全鉴定"}.get(
        household.housing_grade,
        f"住房安全等级 {household.housing_grade}" + ("（危房未解决）" if unsafe else ""))
    return Criterion("housing", "住房安全有保障（鉴定为 A/B 级）",
                     bool(household.housing_grade) and not unsafe, detail)


def water_criterion(household: Household) -> Criterion:
    from fupin.registry.models import Assessment
    latest = Assessment.objects.filter(household=household, kind="water").order_by(
        "-assessed_on", "-id").first()
    verdict = {True: "饮水安全", False: "饮水不安全（未解决）", None: "未做饮水安全评估"}[
        household.water_safe]
    if latest is not None and latest.water_explanation:
        verdict += f"（{latest.assessed_on:%Y-%m-%d} {latest.water_explanation}）"
    return Criterion("water", "饮水安全有保障（水量、水质、取水方便程度、供水保障率四项达标）",
                     household.water_safe is True, verdict)


def has_no_labour(household: Household) -> bool:
    members = list(household.active_members())
    return bool(members) and all(m.labour in NO_LABOUR_VALUES for m in members)


NO_LABOUR_MESSAGE = ("该户家庭成员均为丧失劳动力或无劳动力，属无劳动能力户，"
                     "不得标注风险消除，应继续跟踪监测")


def risk_removed_criteria(household: Household, members: list[Member], on: dt.date,
                          risks: list[str], stable_months: int) -> list[Criterion]:
    """The risk that caused identification is removed, per risk type."""
    out: list[Criterion] = []
    prev = previous_income(household, on)
    ratio = _setting("medical_burden_ratio", household, on.year, Decimal("0.5"))
    labels = dict(RiskType.choices)
    for risk in dict.fromkeys(risks):
        label = f"识别风险已消除：{labels.get(risk, risk)}"
        if risk in (RiskType.ILLNESS, RiskType.DISABILITY):
            who = [m for m in members if (m.chronic_illness or m.serious_illness)
                   or (risk == RiskType.DISABILITY and m.disabled)]
            gaps = [m.name for m in who if not (m.medical_insurance and m.critical_illness_insurance)]
            cost = _events(household, on, ("medical",))
            limit = (Decimal(prev.net) * ratio).quantize(Decimal("0.01")) if prev else None
            if gaps:
                out.append(Criterion(f"risk_{risk}", label, False,
                                     f"{len(gaps)} 名患病/残疾成员未同时参加基本医保和大病保险"))
            elif cost and (limit is None or cost > limit):
                base = (f"上年度家庭纯收入 {prev.net} 元的 {ratio:%}（{limit} 元）" if prev
                        else "上年度收入（无记录）")
                out.append(Criterion(f"risk_{risk}", label, False,
                                     f"近12个月自付医疗 {cost} 元，超过{base}"))
            else:
                out.append(Criterion(f"risk_{risk}", label, True,
                                     f"患病/残疾 {len(who)} 人均有医保和大病保险，近12个月自付医疗 {cost} 元"))
        elif risk == RiskType.HOUSING:
            c = housing_criterion(household)
            out.append(Criterion(f"risk_{risk}", label, c.ok, c.detail))
        elif risk == RiskType.WATER:
            c = water_criterion(household)
            out.append(Criterion(f"risk_{risk}", label, c.ok, c.detail))
        elif risk == RiskType.SCHOOLING:
            c = education_criterion(household, members, on)
            cost = _events(household, on, ("education",))
            limit = (Decimal(prev.net) * ratio).quantize(Decimal("0.01")) if prev else None
            if c.ok and cost and (limit is None or cost > limit):
                out.append(Criterion(f"risk_{risk}", label, False,
                                     f"近12个月教育支出 {cost} 元，超过上年度收入的 {ratio:%}"))
            else:
                out.append(Criterion(f"risk_{risk}", label, c.ok,
                                     f"{c.detail}；近12个月教育支出 {cost} 元"))
        elif risk in (RiskType.DISASTER, RiskType.ACCIDENT):
            from fupin.monitoring.models import RiskEvent
            since = add_months(on, -stable_months)
            recent = RiskEvent.objects.filter(household=household, kind__in=["disaster", "accident"],
                                              date__gt=since, date__lte=on).count()
            house = housing_criterion(household)
            ok = recent == 0 and house.ok
            out.append(Criterion(f"risk_{risk}", label, ok,
                                 f"近 {stable_months} 个月灾害、事故 {recent} 次；{house.detail}"))
        elif risk == RiskType.UNSTABLE_JOB:
            workers = [m for m in members if m.months_worked >= 6]
            out.append(Criterion(f"risk_{risk}", label, bool(workers),
                                 f"务工 6 个月以上 {len(workers)} 人" if workers
                                 else "没有成员务工满 6 个月，就业仍不稳定"))
        elif risk == RiskType.NO_LABOUR:
            out.append(Criterion(f"risk_{risk}", label, False, NO_LABOUR_MESSAGE))
        else:  # business failure, epidemic, other: shown by stable income above the line
            out.append(Criterion(f"risk_{risk}", label, True, "以收入稳定超过监测线为准（见收入条件）"))
    if not risks:
        out.append(Criterion("risk", "识别风险已消除", False, "未记录识别时的风险类型，无法核验"))
    return out


def elimination_criteria(household: Household, on: dt.date, line: Decimal | None = None, *,
                         risks: list[str] | None = None,
                         stable_months: int = DEFAULT_STABLE_MONTHS) -> list[Criterion]:
    members = list(household.active_members())
    labour_ok = not has_no_labour(household)
    risk_list = list(risks if risks is not None else (household.risk_types or []))
    return [
        income_criterion(household, on, line, stable_months=stable_months),
        rigid_criterion(household, on),
        *risk_removed_criteria(household, members, on, risk_list, stable_months),
        food_clothing_criterion(household),
        education_criterion(household, members, on),
        medical_criterion(members),
        housing_criterion(household),
        water_criterion(household),
        Criterion("labour", "有劳动能力（无劳动能力户不得消除，继续跟踪）", labour_ok,
                  "有劳动能力成员" if labour_ok else NO_LABOUR_MESSAGE),
    ]


def unmet(criteria: list[Criterion]) -> list[str]:
    return [f"{c.label}：{c.detail}" for c in criteria if not c.ok]
