"""Projects and funds of the demo counties, reproducing the seeds' counts (set-based).

`build_projects(codes)` replaces the demo projects (codes "D<county>-…"), fund sources
("演示·…"), benefit links of demo households and demo consumption sales of `codes`:

- 万州 500101: the 2020 plan has 500 projects, all started, 167 completed (the system prints
  167 ÷ 500 = 33.4 %; the seed article says 34.08 %, see docs/demo.md); 68 continuing
  projects of the 2019 plan, 60 of them completed in 2020 (88.24 %); 28,090,000 yuan of
  unsold produce sold (消费扶贫).
- 秀山 500241: 1,141 projects entered the library in 2019; 1,119 of them form the 2020 plan on
  568,850,000 yuan of integrated funds (all allocated; paid out by progress); every key
  (poor) village has an industry project; industry benefit links for 97 % of registered
  households; e-commerce sales of 1.3 billion yuan in 2019 and 1,350,000 yuan bought by
  paired units in 2020.
- 奉节 70 % of registered households linked (产业覆盖率达到70%); 潼南 few links (the seed's
  problem "产业项目未能与贫困户实现利益联结"); 渝北 collective second dividends and
  consumption-aid sales just over 1,000,000 yuan.

Benefit links pay one 2020 dividend/wage each; with `payouts=True` (default) those payouts
go into the households' 2020 incomes through the registry's income flows (Xiushan only, to
keep the build quick). Milestone dates are fixed (2018–2020), so figures "as of 2020-12-31"
are the seeds' whatever the run date. No history rows are written for generated rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from fupin.accounts.actors import SystemActor
from fupin.areas.models import Area
from fupin.core.jobs import Progress
from fupin.projects.choices import Category, LinkMode, SaleChannel, State
from fupin.projects.models import (
    Allocation,
    Beneficiary,
    BenefitLink,
    ConsumptionSale,
    FundSource,
    Payment,
    Project,
    ProjectEvent,
)
from fupin.registry.models import Household

from .build import DEMO_PREFIX
from .writer import purge

CATEGORIES = [(Category.INDUSTRY, 45), (Category.INFRASTRUCTURE, 20), (Category.WATER, 8),
              (Category.EMPLOYMENT, 7), (Category.HOUSING, 6), (Category.PUBLIC_SERVICE, 5),
              (Category.EDUCATION, 4), (Category.HEALTH, 3), (Category.OTHER, 2)]
NAMES = {Category.INDUSTRY: ["特色种植基地", "生态养殖场", "茶叶基地提升", "中药材种植", "柑橘园改造"],
         Category.INFRASTRUCTURE: ["产业路硬化", "村组道路", "便民桥", "人行便道"],
         Category.WATER: ["集中供水工程", "人饮水池", "管网延伸"],
         Category.EMPLOYMENT: ["扶贫车间", "技能培训"], Category.HOUSING: ["危房改造"],
         Category.PUBLIC_SERVICE: ["便民服务中心", "村卫生室"], Category.EDUCATION: ["村小改造"],
         Category.HEALTH: ["健康扶贫工作站"], Category.OTHER: ["人居环境整治"]}
XIUSHAN_FUNDS = [("central", "中央财政专项扶贫资金", 300_000_000),
                 ("city", "市级财政专项扶贫资金", 120_000_000),
                 ("county", "区县财政专项扶贫资金", 80_000_000),
                 ("east_west", "东西部扶贫协作资金", 50_000_000),
                 ("paired", "中央定点帮扶资金", 12_850_000),
                 ("donation", "社会捐赠资金", 6_000_000)]  # 568,850,000 in all
LINK_SHARE = {"500101": 0.80, "500112": 0.60, "500152": 0.35, "500236": 0.70, "500241": 0.97}
MODES = [LinkMode.ASSET_DIVIDEND, LinkMode.LAND_RENT, LinkMode.EQUITY_DIVIDEND, LinkMode.WAGE,
         LinkMode.CONSIGNMENT, LinkMode.CUSTODY]
D = dt.date


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def purge_projects(codes: list[str]) -> None:
    """Remove the demo projects data of `codes` (user-entered rows stay)."""
    for code in codes:
        demo = Project.objects.filter(code__startswith=f"D{code}-")
        purge(BenefitLink.objects.filter(project__in=demo))
        purge(BenefitLink.objects.filter(household__household_no__startswith=DEMO_PREFIX + code))
        purge(ConsumptionSale.objects.filter(area__code__startswith=code,
                                             seller_name__startswith="演示·"))
        purge(Payment.objects.filter(allocation__project__in=demo))
        purge(Allocation.objects.filter(project__in=demo))
        from fupin.projects.models import Asset
        purge(Asset.objects.filter(project__in=demo))
        purge(demo)
        purge(FundSource.objects.filter(area_id=code, name__startswith="演示·"))


def _villages(county: str) -> tuple[list[str], list[str]]:
    rows = list(Area.objects.filter(level="village", code__startswith=county).order_by("code")
                .values_list("code", "is_poor_village"))
    return [c for c, _p in rows], [c for c, p in rows if p]


def _projects(county: str, rng: random.Random, n: int, *, seq: list[int], villages: list[str],
              poor: list[str], entered: tuple[dt.date, dt.date], plan_year: int | None,
              started: tuple[dt.date, dt.date] | None, completed: int,
              completed_in: tuple[dt.date, dt.date] | None) -> list[Project]:
    cats = [c for c, _w in CATEGORIES]
    weights = [w for _c, w in CATEGORIES]
    out = []
    done = set(rng.sample(range(n), completed)) if completed else set()
    for i in range(n):
        seq[0] += 1
        # industry projects in the poor villages first, so each poor village has one
        if i < len(poor):
            village, category = poor[i], Category.INDUSTRY
        else:
            village, category = rng.choice(villages), rng.choices(cats, weights)[0]
        entered_on = _day(rng, *entered)
        p = Project(code=f"D{county}-{seq[0]:05d}", area_id=village, county_code=county,
                    name=f"{rng.choice(NAMES[category])}（{village[-6:]}）", category=category,
                    planned_funds=Decimal(rng.randrange(50, 2000) * 1000),
                    expected_households=rng.randrange(5, 120), proposed_on=entered_on - dt.timedelta(days=60),
                    meeting_date=entered_on - dt.timedelta(days=70), meeting_attendees=35,
                    meeting_agreed=33, meeting_minutes="党支部提议、村两委商议、党员大会审议、村民代表会议决议；决议和实施结果公开。",
                    entered_library_on=entered_on, library_year=entered_on.year, state=State.IN_LIBRARY)
        p.expected_people = p.expected_households * 3
        if plan_year:
            p.plan_year, p.planned_on = plan_year, D(plan_year, 1, 15)
            p.funded_on, p.state = D(plan_year, 3, 1), State.FUNDED
        if started:
            p.started_on, p.state = _day(rng, *started), State.IMPLEMENTING
        if i in done and completed_in:
            p.completed_on = max(_day(rng, *completed_in), (p.started_on or D(2000, 1, 1)) + dt.timedelta(days=30))
            p.state = State.COMPLETED
        out.append(p)
    return out


def _save(projects: list[Project]) -> list[Project]:
    made = Project.objects.bulk_create(projects, batch_size=2000)
    if made and made[0].pk is None:
        made = list(Project.objects.filter(code__in=[p.code for p in projects]))
    ProjectEvent.objects.bulk_create([
        ProjectEvent(project=p, action="import", from_state="", to_state=p.state, actor_name="system",
                     acted_on=p.entered_library_on or D(2020, 1, 1),
                     comment="演示数据：导入项目库（已完成三级公示）") for p in made], batch_size=5000)
    return made


def _funds(county: str, projects: list[Project], rng: random.Random) -> int:
    """Xiushan's 2020 sources, all allocated over the plan's projects, paid by progress."""
    total = sum(a for _k, _n, a in XIUSHAN_FUNDS)
    weights = [rng.uniform(0.3, 3) for _ in projects]
    scale = total / sum(weights)
    amounts = [int(w * scale) for w in weights]
    amounts[-1] += total - sum(amounts)
    sources = FundSource.objects.bulk_create([
        FundSource(area_id=county, kind=k, name=f"演示·{n}", year=2020, amount=Decimal(a), allocated=Decimal(a))
        for k, n, a in XIUSHAN_FUNDS])
    if sources[0].pk is None:
        sources = list(FundSource.objects.filter(area_id=county, name__startswith="演示·").order_by("id"))
    left = [a for _k, _n, a in XIUSHAN_FUNDS]
    s = 0
    allocs: list[Allocation] = []
    for p, amount in zip(projects, amounts, strict=True):
        p.planned_funds = Decimal(amount)
        need = amount
        while need > 0:
            take = min(need, left[s])
            if take:
                allocs.append(Allocation(project=p, source=sources[s], amount=Decimal(take),
                                         allocated_on=D(2020, 3, 1)))
                left[s] -= take
                need -= take
            if left[s] == 0 and s < len(left) - 1:
                s += 1
    Project.objects.bulk_update(projects, ["planned_funds"], batch_size=2000)
    by_pk = {p.pk: p for p in projects}
    payments = []
    for a in allocs:
        p = by_pk[a.project.pk]
        share = Decimal(1) if p.completed_on else Decimal("0.6")
        a.paid = (a.amount * share).quantize(Decimal("1"))
        if a.paid:
            payments.append((a, a.paid, p.completed_on or D(2020, 9, 30)))
    made = Allocation.objects.bulk_create(allocs, batch_size=5000)
    if made and made[0].pk is None:
        made = list(Allocation.objects.filter(project__in=projects).order_by("id"))
    Payment.objects.bulk_create([Payment(allocation=a, amount=paid, paid_on=day,
                                         voucher=f"演示拨付{a.pk}") for a, paid, day in payments],
                                batch_size=5000)
    return len(allocs)


def _beneficiaries(projects: list[Project], registered: dict[str, list[tuple[int, str, int]]],
                   rng: random.Random) -> int:
    rows = []
    for p in projects:
        hh = registered.get(p.area_id, [])
        for hid, kind, people in rng.sample(hh, min(len(hh), rng.randrange(3, 9))):
            rows.append(Beneficiary(project=p, household_id=hid, kind=kind, people=people,
                                    added_on=p.planned_on or p.entered_library_on or D(2020, 1, 15)))
    Beneficiary.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def _registered(county: str) -> dict[str, list[tuple[int, str, int]]]:
    from django.db.models import Count, Q

    out: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    rows = (Household.objects.filter(household_no__startswith=DEMO_PREFIX + county,
                                     household_type__in=("lifted", "poor"))
            .annotate(n=Count("members", filter=Q(members__status="active")))
            .values_list("pk", "area_id", "monitoring_type", "n").order_by("pk"))
    for pk, area, mon, n in rows:
        out[area].append((pk, "monitored" if mon else "registered", int(n)))
    return out


def _links(county: str, registered: dict[str, list[tuple[int, str, int]]],
           industry: dict[str, Project], rng: random.Random) -> list[BenefitLink]:
    share = LINK_SHARE.get(county, 0.5)
    rows = []
    for village, hh in registered.items():
        for hid, _kind, _n in hh:
            if rng.random() >= share:
                continue
            project = industry.get(village)
            mode = LinkMode.COLLECTIVE_DIVIDEND if county == "500112" else rng.choice(MODES)
            if project is not None and mode != LinkMode.COLLECTIVE_DIVIDEND:
                kind, name = "project", project.name
            elif mode == LinkMode.COLLECTIVE_DIVIDEND:
                kind, name, project = "collective", f"{village[-6:]}村股份经济合作联合社", None
            else:
                kind, name = rng.choice([("cooperative", f"{village[-6:]}村专业合作社"),
                                         ("enterprise", "农业龙头企业")])
                project = None
            amount = Decimal(rng.randrange(3, 30) * 100) if mode != LinkMode.WAGE else Decimal(
                rng.randrange(20, 120) * 100)
            rows.append(BenefitLink(household_id=hid, area_id=village, project=project,
                                    partner_kind=kind, partner_name=name, mode=mode,
                                    started_on=_day(rng, D(2018, 3, 1), D(2020, 6, 30)),
                                    amount_per_year=amount, industry=True))
    made = BenefitLink.objects.bulk_create(rows, batch_size=5000)
    if made and made[0].pk is None:
        made = list(BenefitLink.objects.filter(household__household_no__startswith=DEMO_PREFIX + county))
    return made


def _sales(county: str, villages: list[str], rng: random.Random) -> int:
    plan = {"500101": [(2809, 10_000, D(2020, 1, 1), D(2020, 12, 20),
                        [SaleChannel.UNIT_PURCHASE, SaleChannel.COUNTER, SaleChannel.ECOMMERCE])],
            "500241": [(1300, 1_000_000, D(2019, 1, 1), D(2019, 12, 31), [SaleChannel.ECOMMERCE]),
                       (135, 10_000, D(2020, 1, 1), D(2020, 12, 20), [SaleChannel.UNIT_PURCHASE])],
            "500112": [(101, 10_000, D(2020, 1, 1), D(2020, 12, 20),
                        [SaleChannel.COUNTER, SaleChannel.LIVESTREAM])]}.get(county, [])
    products = ["土鸡蛋", "茶叶", "猕猴桃", "蜂蜜", "腊肉", "中药材", "柑橘", "土豆"]
    rows = []
    for n, amount, start, end, channels in plan:
        for _ in range(n):
            village = rng.choice(villages)
            rows.append(ConsumptionSale(area_id=village, seller_kind="cooperative",
                                        seller_name=f"演示·{village[-6:]}村专业合作社",
                                        channel=rng.choice(channels), product=rng.choice(products),
                                        amount=Decimal(amount), sold_on=_day(rng, start, end)))
    ConsumptionSale.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def build_projects(codes: list[str], *, seed: int = 2020, payouts: bool = True,
                   progress: Progress | None = None) -> dict[str, int]:
    """Replace the demo projects and funds of `codes`; counts of what was written."""
    from fupin.projects.services.benefits import PayoutRow, record_payouts

    out: dict[str, int] = defaultdict(int)
    if progress:
        progress.start(len(codes), "项目与资金")
    with transaction.atomic():
        purge_projects(codes)
        for county in codes:
            rng = random.Random(f"{seed}:projects:{county}")
            villages, poor = _villages(county)
            if not villages:
                continue
            seq = [0]
            made: list[Project] = []
            if county == "500101":
                made += _save(_projects(county, rng, 68, seq=seq, villages=villages, poor=poor,
                                        entered=(D(2018, 3, 1), D(2018, 11, 30)), plan_year=2019,
                                        started=(D(2019, 4, 1), D(2019, 9, 30)), completed=60,
                                        completed_in=(D(2020, 2, 1), D(2020, 11, 30))))
                made += _save(_projects(county, rng, 500, seq=seq, villages=villages, poor=poor,
                                        entered=(D(2019, 3, 1), D(2019, 11, 30)), plan_year=2020,
                                        started=(D(2020, 3, 15), D(2020, 8, 31)), completed=167,
                                        completed_in=(D(2020, 7, 1), D(2020, 12, 20))))
            elif county == "500241":
                plan = _save(_projects(county, rng, 1119, seq=seq, villages=villages, poor=poor,
                                       entered=(D(2019, 3, 1), D(2019, 11, 30)), plan_year=2020,
                                       started=(D(2020, 3, 15), D(2020, 9, 30)), completed=1032,
                                       completed_in=(D(2020, 7, 1), D(2020, 12, 25))))
                made += plan
                made += _save(_projects(county, rng, 22, seq=seq, villages=villages, poor=[],
                                        entered=(D(2019, 3, 1), D(2019, 11, 30)), plan_year=None,
                                        started=None, completed=0, completed_in=None))
                out["allocations"] += _funds(county, plan, rng)
            else:
                made += _save(_projects(county, rng, 60, seq=seq, villages=villages, poor=poor,
                                        entered=(D(2019, 3, 1), D(2019, 11, 30)), plan_year=2020,
                                        started=(D(2020, 3, 15), D(2020, 8, 31)), completed=45,
                                        completed_in=(D(2020, 7, 1), D(2020, 12, 20))))
            out["projects"] += len(made)
            registered = _registered(county)
            planned = [p for p in made if p.plan_year == 2020]
            out["beneficiaries"] += _beneficiaries(planned, registered, rng)
            industry: dict[str, Project] = {}
            for p in made:
                if p.category == Category.INDUSTRY:
                    industry.setdefault(p.area_id, p)
            links = _links(county, registered, industry, rng)
            out["links"] += len(links)
            out["sales"] += _sales(county, villages, rng)
            if payouts and county == "500241" and links:
                res = record_payouts(actor=SystemActor("演示数据"), rows=[
                    PayoutRow(lk.pk, lk.household_id, D(2020, 12, 20), lk.amount_per_year, lk.mode,
                              "演示：2020 年收益") for lk in links])
                out["payouts"] += res.created
            if progress:
                progress.advance(1, f"{county} 项目与资金")
    return dict(out)
