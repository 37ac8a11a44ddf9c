"""Projects and funds (fupin.projects): figures per area code as of a day D, year Y = D's year.

| key | meaning |
|---|---|
| prj_library | projects in the library on D (entered by D, not removed by D) |
| prj_entered | projects entered into the library in Y, by D |
| prj_plan | projects of Y's annual plan (planned by D) |
| prj_started / prj_completed | of those, started / completed by D |
| prj_continuing | projects of earlier plans started by D and still running on 1 January Y |
| prj_cont_completed | of those, completed by D |
| prj_states | histogram {state on D: n} |
| funds_yuan | integrated funds of Y (all sources, yuan) — keyed by the county |
| funds_by_source | histogram {source kind: yuan} |
| funds_allocated / funds_paid | allocated to Y's plan by D / paid out (拨付) by D (yuan) |
| ben_households / ben_people | beneficiary households / people of Y's plan projects, by D |
| hh_linked | households with a benefit link in force on D |
| hh_industry | registered (脱贫/未脱贫) households with an industry benefit or link on D |
| vil_poor / vil_poor_covered | poor villages / those with an industry project or a covered household |
| sales_yuan | consumption-aid sales in Y by D (yuan); `sales_by_channel` histogram |

Figures are keyed by the row's area code: a village for household rows, and the project's
own area (village, township or county) for projects and funds, so every level sums up by
code prefix. One grouped query per figure group per day. Amounts are whole yuan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {
    "prj_library": "在库项目数", "prj_entered": "本年入库项目数", "prj_plan": "本年计划项目数",
    "prj_started": "本年开工项目数", "prj_completed": "本年完工项目数",
    "prj_continuing": "续建项目数", "prj_cont_completed": "续建项目完工数",
    "funds_yuan": "整合资金总额（元）", "funds_allocated": "本年计划项目已安排资金（元）",
    "funds_paid": "已拨付资金（元）", "ben_households": "项目受益户数",
    "ben_people": "项目受益人数", "hh_linked": "有利益联结的户数",
    "hh_industry": "产业覆盖的建档立卡户数", "vil_poor": "贫困村数",
    "vil_poor_covered": "产业覆盖的贫困村数", "sales_yuan": "消费帮扶销售额（元）",
}
RATES = {
    "prj_completion_rate": ("本年项目完工率", "%", "prj_completed", "prj_plan"),
    "prj_start_rate": ("本年项目开工率", "%", "prj_started", "prj_plan"),
    "prj_cont_rate": ("续建项目完工率", "%", "prj_cont_completed", "prj_continuing"),
    "funds_paid_share": ("资金拨付率", "%", "funds_paid", "funds_allocated"),
    "industry_coverage": ("产业覆盖率（建档立卡户）", "%", "hh_industry", "hh_registered"),
    "poor_village_coverage": ("产业覆盖率（贫困村）", "%", "vil_poor_covered", "vil_poor"),
}
STATE_KEY, SOURCE_KEY, CHANNEL_KEY = "prj_states", "funds_by_source", "sales_by_channel"
STATE_BUCKETS = {"pre_library": "入库前（申报、审核、公示）", "in_library": "在库待安排",
                 "planned": "列入年度计划", "funded": "资金已下达", "implementing": "实施中",
                 "completed": "已完工", "accepted": "已验收", "handed_over": "资产已移交",
                 "removed": "已出库"}
REGISTERED = ("lifted", "poor")


def _state_names() -> dict[str, str]:
    return STATE_BUCKETS


def _source_names() -> dict[str, str]:
    from .choices import FundKind
    return dict(FundKind.choices)


def _channel_names() -> dict[str, str]:
    from .choices import SaleChannel
    return dict(SaleChannel.choices)


def _area(prefix: str, villages: list[str] | None, field: str) -> Q:
    if villages is not None:
        return Q(**{f"{field}__in": villages})
    return Q(**{f"{field}__startswith": prefix})


def _put(per: dict[str, dict[str, Any]], code: str, key: str, value: Any) -> None:
    if value:
        figs = per.setdefault(code, {})
        figs[key] = figs.get(key, 0) + int(round(value))


def _hist(per: dict[str, dict[str, Any]], code: str, key: str, bucket: str, value: Any) -> None:
    if value:
        hist = per.setdefault(code, {}).setdefault(key, {})
        hist[bucket] = hist.get(bucket, 0) + int(round(value))


def state_on(day: dt.date) -> Any:
    """SQL: the coarse state of a project on `day`, from its milestone dates."""
    steps = [("removed", "removed_on"), ("handed_over", "handed_over_on"),
             ("accepted", "accepted_on"), ("completed", "completed_on"),
             ("implementing", "started_on"), ("funded", "funded_on"), ("planned", "planned_on"),
             ("in_library", "entered_library_on"), ("pre_library", "proposed_on")]
    return SqlCase(*[When(**{f"{f}__lte": day}, then=Value(b)) for b, f in steps], default=Value(""))


def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from fupin.areas.models import Area
    from fupin.registry.models import Household

    from .models import (
        Allocation,
        Beneficiary,
        BenefitLink,
        ConsumptionSale,
        FundSource,
        Payment,
        Project,
    )

    out: dict[dt.date, VillageFigures] = {}
    projects = Project.objects.filter(_area(prefix, villages, "area__code"))
    poor = list(Area.objects.filter(_area(prefix, villages, "code"), level="village",
                                    is_poor_village=True).values_list("code", flat=True))
    money = DecimalField(max_digits=16, decimal_places=2)
    for day in days:
        year, jan1 = day.year, dt.date(day.year, 1, 1)
        per: dict[str, dict[str, Any]] = {}
        planned = Q(plan_year=year) & (Q(planned_on__isnull=True) | Q(planned_on__lte=day))
        continuing = (Q(plan_year__lt=year, started_on__lte=day) &
                      (Q(completed_on__isnull=True) | Q(completed_on__gte=jan1)) &
                      ~Q(removed_on__lte=day))
        rows = projects.values(ac=F("area")).annotate(
            library=Count("id", filter=Q(entered_library_on__lte=day) & ~Q(removed_on__lte=day)),
            entered=Count("id", filter=Q(entered_library_on__lte=day,
                                         entered_library_on__gte=jan1)),
            plan=Count("id", filter=planned),
            started=Count("id", filter=planned & Q(started_on__lte=day)),
            completed=Count("id", filter=planned & Q(completed_on__lte=day)),
            cont=Count("id", filter=continuing),
            cont_done=Count("id", filter=continuing & Q(completed_on__lte=day)),
        ).order_by()
        for r in rows:
            for key, col in (("prj_library", "library"), ("prj_entered", "entered"),
                             ("prj_plan", "plan"), ("prj_started", "started"),
                             ("prj_completed", "completed"), ("prj_continuing", "cont"),
                             ("prj_cont_completed", "cont_done")):
                _put(per, r["ac"], key, r[col])
        for r in (projects.annotate(bucket=state_on(day)).exclude(bucket="")
                  .values("bucket", ac=F("area")).annotate(n=Count("id")).order_by()):
            _hist(per, r["ac"], STATE_KEY, r["bucket"], r["n"])
        for r in (FundSource.objects.filter(_area(prefix, villages, "area__code"), year=year)
                  .values("kind", ac=F("area")).annotate(s=Sum("amount")).order_by()):
            _put(per, r["ac"], "funds_yuan", r["s"])
            _hist(per, r["ac"], SOURCE_KEY, r["kind"], r["s"])
        for r in (Allocation.objects.filter(_area(prefix, villages, "project__area__code"),
                                            project__plan_year=year, allocated_on__lte=day)
                  .values(ac=F("project__area")).annotate(s=Sum("amount")).order_by()):
            _put(per, r["ac"], "funds_allocated", r["s"])
        for r in (Payment.objects.filter(_area(prefix, villages, "allocation__project__area__code"),
                                         allocation__project__plan_year=year, paid_on__lte=day)
                  .values(ac=F("allocation__project__area")).annotate(s=Sum("amount"))
                  .order_by()):
            _put(per, r["ac"], "funds_paid", r["s"])
        for r in (Beneficiary.objects.filter(_area(prefix, villages, "household__area__code"),
                                             project__plan_year=year, added_on__lte=day)
                  .values(ac=F("household__area"))
                  .annotate(n=Count("household", distinct=True),
                            p=Coalesce(Sum("people"), 0)).order_by()):
            _put(per, r["ac"], "ben_households", r["n"])
            _put(per, r["ac"], "ben_people", r["p"])
        in_force = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        links = BenefitLink.objects.filter(_area(prefix, villages, "area__code")).filter(in_force)
        for r in links.values(ac=F("area")).annotate(
                n=Count("household", distinct=True)).order_by():
            _put(per, r["ac"], "hh_linked", r["n"])
        industry_link = BenefitLink.objects.filter(in_force, industry=True,
                                                   household=OuterRef("pk"))
        industry_benefit = Beneficiary.objects.filter(
            household=OuterRef("pk"), added_on__lte=day, project__category="industry").exclude(
            project__removed_on__lte=day)
        covered = (Household.objects.filter(_area(prefix, villages, "area__code"),
                                            household_type__in=REGISTERED)
                   .filter(Exists(industry_link) | Exists(industry_benefit)))
        covered_villages = set()
        for r in covered.values(ac=F("area")).annotate(n=Count("id")).order_by():
            _put(per, r["ac"], "hh_industry", r["n"])
            covered_villages.add(r["ac"])
        if poor:
            with_project = set(projects.filter(area__code__in=poor, category="industry",
                                               entered_library_on__lte=day)
                               .exclude(removed_on__lte=day).values_list("area", flat=True))
            for code in poor:
                _put(per, code, "vil_poor", 1)
                if code in covered_villages or code in with_project:
                    _put(per, code, "vil_poor_covered", 1)
        for r in (ConsumptionSale.objects.filter(_area(prefix, villages, "area__code"),
                                                 sold_on__gte=jan1, sold_on__lte=day)
                  .values("channel", ac=F("area"))
                  .annotate(s=Coalesce(Sum("amount"), Value(0, output_field=money))).order_by()):
            _put(per, r["ac"], "sales_yuan", r["s"])
            _hist(per, r["ac"], CHANNEL_KEY, r["channel"], r["s"])
        out[day] = per  # type: ignore[assignment]
    return out


FAMILY = IndicatorFamily(
    key="projects", title="项目与资金", compute=family, labels=LABELS, rates=RATES,
    breakdowns={STATE_KEY: ("项目状态", _state_names), SOURCE_KEY: ("资金来源（元）", _source_names),
                CHANNEL_KEY: ("消费帮扶销售渠道（元）", _channel_names)},
    refresh_on=("projects.Project", "projects.FundSource", "projects.Allocation",
                "projects.Payment", "projects.Beneficiary", "projects.BenefitLink",
                "projects.ConsumptionSale"),
)
