"""Benchmark of the projects app on PostgreSQL: a county with 10,000 projects, 100,000
benefit links and 1,000,000 payouts.

    make bench-projects                     # or: python scripts/bench_projects.py
    python scripts/bench_projects.py --county 500236 --projects 10000 --links 100000 \
        --payouts 1000000 --import-rows 100000

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/fupin_projects_bench), created and migrated if missing;
households come from the reports benchmark's COPY generator (one per benefit link), the
projects, allocations, payments, links, payouts and sales are written once by COPY /
bulk_create (only what is missing). Prints: the summary (`fupin projects summary`) time,
the dashboard family (one day, every area) time, the county dashboard page, and the time
to import a benefit-link payout file of --import-rows rows (an .xlsx written first; the
import reads it, validates every row, writes the payouts and adds them to the households'
incomes through the registry's income flows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fupin_projects_bench")

import bench_reports  # noqa: E402  (database helpers and the household generator)

YEAR = 2020


def fill(county: str, n_projects: int, n_links: int, n_payouts: int, seed: int = 5) -> None:
    from django.db import connection
    from django.utils import timezone

    from fupin.areas.models import Area
    from fupin.projects.models import (
        Allocation,
        BenefitLink,
        ConsumptionSale,
        FundSource,
        Payment,
        Payout,
        Project,
    )
    from fupin.registry.models import Household

    rnd = random.Random(seed)
    villages = list(Area.objects.filter(code__startswith=county, level="village")
                    .order_by("code").values_list("code", flat=True))
    now = timezone.now()
    have = Project.objects.filter(county_code=county).count()
    if have < n_projects:
        t0 = time.perf_counter()
        cats = ["industry"] * 5 + ["infrastructure", "water", "employment", "housing", "other"]
        rows = []
        for i in range(have, n_projects):
            v = villages[i % len(villages)]
            plan = YEAR if i % 10 < 7 else YEAR - 1
            started = dt.date(plan, 3, 1) + dt.timedelta(days=i % 150)
            done = dt.date(plan, 8, 1) + dt.timedelta(days=i % 140) if i % 3 == 0 else None
            rows.append(Project(code=f"B{county}-{i:06d}", name=f"项目{i}", area_id=v,
                                county_code=county, category=cats[i % len(cats)],
                                state="completed" if done else "implementing",
                                planned_funds=100000, proposed_on=dt.date(plan - 1, 6, 1),
                                entered_library_on=dt.date(plan - 1, 11, 1), library_year=plan - 1,
                                plan_year=plan, planned_on=dt.date(plan, 1, 15),
                                funded_on=dt.date(plan, 2, 1), started_on=started,
                                completed_on=done))
        Project.objects.bulk_create(rows, batch_size=5000)
        kinds = ["central", "city", "county", "integrated", "east_west", "paired", "donation", "other"]
        sources = [FundSource.objects.get_or_create(
            area_id=county, kind=k, name=f"基准{k}", year=y,
            defaults={"amount": 10**9, "allocated": 0})[0] for k in kinds for y in (YEAR - 1, YEAR)]
        projects = list(Project.objects.filter(county_code=county).values_list("pk", "plan_year"))
        allocs = [Allocation(project_id=pk, source=sources[(i % 8) * 2 + (py == YEAR)],
                             amount=100000, paid=80000, allocated_on=dt.date(py, 2, 1))
                  for i, (pk, py) in enumerate(projects)]
        Allocation.objects.bulk_create(allocs, batch_size=5000)
        Payment.objects.bulk_create([Payment(allocation=a, amount=80000,
                                             paid_on=a.allocated_on + dt.timedelta(days=30))
                                     for a in allocs], batch_size=5000)
        for s in sources:
            FundSource.objects.filter(pk=s.pk).update(
                allocated=sum(a.amount for a in allocs if a.source_id == s.pk))
        ConsumptionSale.objects.bulk_create([
            ConsumptionSale(area_id=villages[i % len(villages)], seller_kind="cooperative",
                            seller_name="合作社", channel="ecommerce", product="茶叶",
                            amount=1000 + i % 500, sold_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=i % 360))
            for i in range(10_000)], batch_size=5000)
        print(f"  projects, funds, sales written in {time.perf_counter() - t0:.0f} s", flush=True)
    have = BenefitLink.objects.filter(area__code__startswith=county).count()
    if have < n_links:
        t0 = time.perf_counter()
        hh = list(Household.objects.filter(area__code__startswith=county).order_by("pk")
                  .values_list("pk", "area_id")[have:n_links])
        industry = dict(Project.objects.filter(county_code=county, category="industry")
                        .values_list("area_id", "pk"))
        modes = ["asset_dividend", "land_rent", "equity_dividend", "wage", "consignment", "custody"]
        BenefitLink.objects.bulk_create([
            BenefitLink(household_id=pk, area_id=area, project_id=industry.get(area),
                        partner_kind="project" if area in industry else "cooperative",
                        partner_name="联结主体", mode=modes[i % len(modes)],
                        started_on=dt.date(2019, 1, 1), amount_per_year=1200, industry=True)
            for i, (pk, area) in enumerate(hh)], batch_size=5000)
        print(f"  {len(hh):,} benefit links written in {time.perf_counter() - t0:.0f} s", flush=True)
    have = Payout.objects.filter(link__area__code__startswith=county).count()
    if have < n_payouts:
        t0 = time.perf_counter()
        links = list(BenefitLink.objects.filter(area__code__startswith=county).order_by("pk")
                     .values_list("pk", flat=True))
        per = max(1, n_payouts // len(links))
        raw = connection.connection
        with raw.cursor() as cur:
            rows = ((lid, dt.date(2019, 1, 20) + dt.timedelta(days=30 * k), 100 + rnd.randrange(50),
                     "基准", now) for lid in links for k in range(per))
            n = bench_reports.copy_rows(cur, "projects_payout",
                                        ["link_id", "paid_on", "amount", "note", "created_at"], rows)
        raw.commit()
        print(f"  {n:,} payouts written by COPY in {time.perf_counter() - t0:.0f} s", flush=True)
    with connection.cursor() as c:
        for t in ("projects_project", "projects_benefitlink", "projects_payout",
                  "projects_beneficiary", "projects_allocation", "projects_payment"):
            c.execute(f"ANALYZE {t}")


def payout_file(county: str, rows: int) -> tuple[bytes, dt.date]:
    """An .xlsx of `rows` payouts on a day no link has been paid yet."""
    import xlsxwriter
    from django.db.models import Max

    from fupin.projects.choices import LinkMode
    from fupin.projects.models import BenefitLink, Payout

    last = Payout.objects.aggregate(m=Max("paid_on"))["m"] or dt.date(2021, 1, 1)
    day = last + dt.timedelta(days=1)
    if day > dt.date.today():
        raise SystemExit("no free payout day left before today: drop the bench database")
    links = list(BenefitLink.objects.filter(area__code__startswith=county).order_by("pk")
                 .values_list("household__household_no", "mode")[:rows])
    labels = dict(LinkMode.choices)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet("发放")
    ws.write_row(0, 0, ["户编号", "联结方式", "联结主体", "发放日期", "金额(元)", "备注"])
    for r, (no, mode) in enumerate(links, start=1):
        ws.write_row(r, 0, [no, labels[mode], "", day.isoformat(), "120.50", "月度分红"])
    wb.close()
    return buf.getvalue(), day


def median_ms(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county", default="500236")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--payouts", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_reports.ensure_database(bench_reports.BENCH_URL)
    bench_reports.setup()
    from django.db import connection
    from django.test import Client

    from fupin.accounts.actors import SystemActor
    from fupin.accounts.models import AreaScope, User
    from fupin.projects.indicators import FAMILY
    from fupin.projects.models import BenefitLink, Payout, Project
    from fupin.projects.services.excel import import_payouts
    from fupin.projects.services.summary import summary

    county = args.county
    print(f"bench database: {bench_reports.BENCH_URL}")
    bench_reports.generate(county, args.links)
    fill(county, args.projects, args.links, args.payouts)
    n_p = Project.objects.filter(county_code=county).count()
    n_l = BenefitLink.objects.filter(area__code__startswith=county).count()
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM projects_payout")
        n_pay = c.fetchone()[0]
    print(f"data: {n_p:,} projects, {n_l:,} benefit links, {n_pay:,} payouts in {county}")

    day = dt.date(YEAR, 12, 31)
    ms, s = median_ms(lambda: summary(county, YEAR), args.runs)
    print(f"summary (fupin projects summary --area {county} --year {YEAR}): {ms:.0f} ms "
          f"(median of {args.runs}; projects {s['projects']:,}, completed {s['completed']:,}, "
          f"linked households {s['households_linked']:,})")
    ms, _ = median_ms(lambda: FAMILY.compute(county, [day]), args.runs)
    print(f"dashboard family (projects, one day, every area of the county): {ms:.0f} ms")

    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        user = User.objects.create_user("bench_admin", password="x", role="county_admin")
        AreaScope.objects.create(user=user, area_id=county)
    client = Client()
    client.force_login(user)
    client.get(f"/projects/?area={county}&year={YEAR}")
    ms, _ = median_ms(lambda: client.get(f"/projects/?area={county}&year={YEAR}"), args.runs)
    print(f"projects overview page (server time): {ms:.0f} ms")

    from django.db import transaction

    data, pay_day = payout_file(county, args.import_rows)
    before = Payout.objects.count()
    marks: list[tuple[str, float]] = []
    t = time.perf_counter()
    with transaction.atomic():  # so that the commit (and what runs on it) is timed apart
        res = import_payouts(data, "bench.xlsx", actor=SystemActor("bench"),
                             progress=lambda n, msg: marks.append((msg, time.perf_counter())))
        written = time.perf_counter()
    done = time.perf_counter()
    steps = ", ".join(f"{m[:12]} {at - t:.1f} s" for m, at in marks)
    print(f"payout import of {res.read:,} rows ({pay_day}): {written - t:.1f} s to read, check and "
          f"write (payouts, income flows, incomes with history) [{steps}]; accepted "
          f"{res.accepted:,}, rejected {res.rejected:,}, households {res.households:,}")
    print(f"  then on commit, monitoring's instant re-check of the {res.households:,} households: "
          f"{done - written:.1f} s; total {done - t:.1f} s; payouts now {Payout.objects.count():,} "
          f"(+{Payout.objects.count() - before:,})")


if __name__ == "__main__":
    main()
