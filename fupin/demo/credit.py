"""Demo loans and jobs of the seed counties, built to the seeds' published counts.

Published (seed_figures.md): Xiushan 9,011 borrower households and 320,000,000 yuan
disbursed, a 35,000,000-yuan risk fund, 44 loans extended for 1,695,000 yuan and 39 new loans
for 1,530,000 yuan in 2020, 32,810 people working outside the county, 1,683 welfare posts,
21 workshops; Wanzhou 26 loans extended, 47,139 people transferred, 18 + 9 workshops
employing 832 + 139; Fengjie 50,000 transferred, 3,000 trained, 2,000 posts, 10 workshops;
Yubei 149 temporary posts (59 for poor households), 942 people employed near home.
Everything else (amount spreads, dates, wages, Wanzhou's borrowers) is chosen and listed in
docs/demo.md. Rates are never stored: coverage is computed from these records.

Set-based: rows are generated in Python from one read of each county's members and written
with `writer.insert` (COPY on PostgreSQL); no history rows (generated data was never edited).
Built as of 2020 (loans 2015–2020, jobs of 2020); loans due before the run date are repaid.
At a smaller `--scale` the counts shrink with the county's registered households.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fupin.core.jobs import Progress
from fupin.credit.models import Loan, LoanStatus, Policy, RiskFund
from fupin.credit.services import add_months
from fupin.jobs.models import (
    Course,
    PostHire,
    Trainee,
    WelfarePost,
    Workshop,
    WorkshopJob,
    WorkSpell,
)
from fupin.registry.choices import HouseholdType, MemberStatus
from fupin.registry.models import Member

from . import writer
from .build import DEMO_PREFIX
from .figures import COUNTIES

MARK = "演示数据（合成）"
COVID_END = dt.date(2021, 3, 31)

# county -> published (P) or chosen (C) targets; None: nothing published, nothing built
CREDIT: dict[str, dict[str, Any]] = {
    "500241": {"borrowers": 9_011, "disbursed": 320_000_000, "fund": 35_000_000,
               "extended": 44, "extended_yuan": 1_695_000, "new_2020": 39,
               "new_2020_yuan": 1_530_000},
    # Wanzhou: only the 26 extensions are published; borrowers (35 % of registered
    # households) and amounts (average 35,000 yuan) are chosen.
    "500101": {"borrowers_share": 0.35, "average": 35_000, "extended": 26,
               "extended_yuan": 26 * 38_000, "new_2020": 0, "new_2020_yuan": 0},
}
JOBS: dict[str, dict[str, Any]] = {
    "500241": {"out_of_county": 32_810, "posts": 1_683, "workshops": [(21, 420, 2018)]},
    "500101": {"transferred": 47_139, "workshops": [(18, 832, 2018), (9, 139, 2020)]},
    "500236": {"transferred": 50_000, "trained": 3_000, "posts": 2_000,
               "workshops": [(10, 300, 2020)]},
    "500112": {"temporary_posts": 149, "temporary_registered": 59, "local": 942},
}
EMPLOYERS = {"out": ["宁波某电子厂", "东莞某制衣厂", "苏州某精密制造", "青岛某食品公司", "深圳某物流"],
             "province": ["重庆某汽车配件厂", "重庆某建筑公司", "涪陵某榨菜厂", "永川某电子厂"],
             "county": ["县城某建筑工地", "县工业园某企业", "本地农业合作社", "镇上某商贸公司"]}
DESTINATIONS = {"out": ["浙江宁波", "广东东莞", "江苏苏州", "山东青岛", "广东深圳"],
                "province": ["重庆渝北", "重庆涪陵", "重庆永川", "重庆江津"], "county": [""]}
POST_KINDS = ["cleaning", "forest", "road", "water", "security"]


def amounts(rng: random.Random, n: int, total: int, lo: int = 10_000, hi: int = 50_000,
            step: int = 1_000) -> list[int]:
    """n amounts in steps of `step`, between lo and hi, summing exactly to `total`."""
    if n == 0:
        return []
    if not lo * n <= total <= hi * n:
        raise ValueError(f"{n} 笔无法合计 {total}")
    base = (total // n) // step * step
    out = [base] * n
    rest = total - base * n
    i = 0
    while rest >= step:
        out[i % n] += step
        rest -= step
        i += 1
    out[-1] += rest
    for _ in range(n):  # spread: move money between pairs, keeping the total
        a, b = rng.randrange(n), rng.randrange(n)
        d = rng.randrange(0, 15) * step
        if out[a] + d <= hi and out[b] - d >= lo:
            out[a] += d
            out[b] -= d
    rng.shuffle(out)
    return out


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _members(code: str, registered: bool = True) -> list[tuple[int, int, str, dt.date, str]]:
    """(member id, household id, village, birth date, resident id) of demo households."""
    types = [HouseholdType.LIFTED, HouseholdType.POOR] if registered else [HouseholdType.ORDINARY]
    return list(Member.objects.filter(
        household__household_no__startswith=DEMO_PREFIX + code, status=MemberStatus.ACTIVE,
        household__household_type__in=types).order_by("id").values_list(
        "id", "household_id", "household__area_id", "birth_date", "resident_id"))


def purge(codes: Iterable[str]) -> None:
    """Remove the demo's area-level rows (posts, workshops, courses, funds) of the counties;
    rows hanging off demo households go with the households."""
    for code in codes:
        posts = WelfarePost.objects.filter(area__code__startswith=code, funded_by=MARK)
        writer.purge(PostHire.objects.filter(post__in=posts))
        writer.purge(posts)
        shops = Workshop.objects.filter(area__code__startswith=code, operator=MARK)
        writer.purge(WorkshopJob.objects.filter(workshop__in=shops))
        writer.purge(shops)
        courses = Course.objects.filter(area__code__startswith=code, provider=MARK)
        writer.purge(Trainee.objects.filter(course__in=courses))
        writer.purge(courses)
        writer.purge(Loan.objects.filter(area__code__startswith=code, loan_no__startswith="DX"))
        writer.purge(RiskFund.objects.filter(area__code__startswith=code, bank=MARK))


def seed_credit_and_jobs(codes: list[str], *, seed: int = 2020, today: dt.date | None = None,
                         progress: Progress | None = None) -> dict[str, int]:
    """Build the demo loans, risk funds and jobs of `codes` (after the registry build)."""
    today = today or timezone.localdate()
    progress = progress or Progress()
    progress.start(len(codes), "信贷与就业演示数据")
    written: dict[str, int] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        purge(codes)
        for code in codes:
            rng = random.Random(f"{seed}:credit:{code}")
            registered = _members(code)
            households = sorted({m[1] for m in registered})
            published = COUNTIES[code].lifted.households + COUNTIES[code].poor.households
            factor = min(1.0, len(households) / published) if published else 1.0
            if code in CREDIT:
                _credit(code, CREDIT[code], factor, registered, rng, today, now, written)
            if code in JOBS:
                _jobs(code, JOBS[code], factor, registered, rng, now, written)
            progress.advance(1, f"{COUNTIES[code].name} 信贷与就业")
    writer.reset_sequences([Loan, RiskFund, WelfarePost, PostHire, Workshop, WorkshopJob,
                            WorkSpell, Course, Trainee])
    return written


def _add(written: dict[str, int], key: str, n: int) -> None:
    written[key] = written.get(key, 0) + n


LOAN_FIELDS = ("id", "area", "household", "borrower", "borrower_id_number", "policy", "loan_no",
               "bank", "amount", "term_months", "rate", "purpose", "is_topup", "status",
               "applied_on", "disbursed_on", "due_on", "extended_on", "extended_to",
               "closed_on", "balance", "repaid_total", "overdue_days", "subsidy_eligible",
               "subsidy_lost_reason", "misused", "covid_deferral", "overdue_note", "created_at",
               "updated_at")


def _credit(code: str, target: dict[str, Any], factor: float,
            registered: list[tuple[int, int, str, dt.date, str]], rng: random.Random,
            today: dt.date, now: Any, written: dict[str, int]) -> None:
    by_household: dict[int, list[tuple[int, int, str, dt.date, str]]] = {}
    for m in registered:
        by_household.setdefault(m[1], []).append(m)
    order = sorted(by_household)
    rng.shuffle(order)
    n_total = target.get("borrowers") or round(len(order) * target["borrowers_share"] / factor)
    n_total = min(len(order), round(n_total * factor))
    n_new = round(target["new_2020"] * factor)
    n_ext = min(round(target["extended"] * factor), n_total - n_new)
    n_old = n_total - n_new - n_ext
    if "disbursed" in target:
        total = round(target["disbursed"] * factor / 1000) * 1000
    else:
        total = n_total * target["average"]
    ext_yuan = round(target["extended_yuan"] * factor / 1000) * 1000
    new_yuan = round(target["new_2020_yuan"] * factor / 1000) * 1000
    old = amounts(rng, n_old, total - ext_yuan - new_yuan)
    ext = amounts(rng, n_ext, ext_yuan, hi=50_000)
    new = amounts(rng, n_new, new_yuan)
    policies = {p.valid_from.year: p for p in Policy.objects.all()}
    p2014, p2020 = policies[2014], policies[2020]
    next_id = writer.next_id(Loan)
    rows: list[tuple[Any, ...]] = []
    plan = ([("old", a) for a in old] + [("ext", a) for a in ext] + [("new", a) for a in new])
    cursor = 0
    for kind, amount in plan:
        if kind == "ext":  # disbursed in 2017 for 3 years: due in 2020, extended ≤ 6 months
            day = dt.date(2017, rng.randint(1, 12), rng.randint(1, 28))
        elif kind == "new":
            day = dt.date(2020, rng.randint(3, 11), rng.randint(1, 28))
        else:
            day = dt.date(rng.randint(2015, 2019), rng.randint(1, 12), rng.randint(1, 28))
        borrower = None
        while borrower is None and cursor < len(order):
            members = by_household[order[cursor]]
            cursor += 1
            borrower = next((m for m in members if 18 <= _age(m[3], day) <= 65), None)
        if borrower is None:
            break
        term = 36 if kind != "old" or rng.random() < 0.8 else 12
        due = add_months(day, term)
        ext_on = ext_to = None
        closed = due
        if kind == "ext":
            ext_on = due - dt.timedelta(days=rng.randint(3, 20))
            ext_to = min(add_months(due, 6), max(add_months(due, 6), COVID_END))
            closed = ext_to
        policy = p2020 if day.year == 2020 else p2014
        repaid = closed < today
        rows.append((
            next_id, borrower[2], borrower[1], borrower[0], borrower[4], policy.pk,
            f"DX{code}{next_id:08d}", "农村商业银行", Decimal(amount), term,
            Decimal("4.75") if term > 12 else Decimal("4.35"), "发展种养殖业（演示）", False,
            LoanStatus.REPAID if repaid else (LoanStatus.EXTENDED if kind == "ext" else LoanStatus.ACTIVE),
            day - dt.timedelta(days=20), day, due, ext_on, ext_to, closed if repaid else None,
            Decimal(0) if repaid else Decimal(amount), Decimal(amount) if repaid else Decimal(0),
            0, True, "", False, kind == "ext", "", now, now))
        next_id += 1
    writer.insert(Loan, LOAN_FIELDS, rows)
    _add(written, "loans", len(rows))
    if target.get("fund"):
        from fupin.areas.models import Area

        if Area.objects.filter(code=code).exists():
            writer.insert(RiskFund, ("id", "area", "name", "capital", "established_on", "bank",
                                     "created_at", "updated_at"),
                          [(writer.next_id(RiskFund), code, f"{COUNTIES[code].name}扶贫小额信贷风险补偿金",
                            Decimal(round(target["fund"] * factor)), dt.date(2015, 6, 1), MARK,
                            now, now)])
            _add(written, "risk_funds", 1)


def _jobs(code: str, target: dict[str, Any], factor: float,
          registered: list[tuple[int, int, str, dt.date, str]], rng: random.Random, now: Any,
          written: dict[str, int]) -> None:
    mid = dt.date(2020, 6, 30)
    pool = [m for m in registered if 16 <= _age(m[3], mid) <= 60]
    rng.shuffle(pool)
    taken = 0

    def people(n: int, source: list[Any] | None = None) -> list[Any]:
        nonlocal taken
        if source is not None:
            return source[:n]
        out = pool[taken:taken + n]
        taken += len(out)
        return out

    villages = sorted({m[2] for m in registered}) or [code]
    spells: list[tuple[Any, ...]] = []
    sid = writer.next_id(WorkSpell)

    def spell(m: Any, place: str) -> None:
        nonlocal sid
        start = dt.date(2020, rng.randint(2, 5), rng.randint(1, 28))
        organised = rng.random() < 0.3
        spells.append((sid, m[2], m[0], m[1], place, rng.choice(DESTINATIONS[place]),
                       rng.choice(EMPLOYERS[place]), start, None,
                       Decimal(rng.randrange(2800, 5600, 100)), organised,
                       "山东省" if organised and place == "out" else "", "", now, now))
        sid += 1

    if "out_of_county" in target:
        for m in people(round(target["out_of_county"] * factor)):
            spell(m, "out" if rng.random() < 0.7 else "province")
    if "transferred" in target:
        for m in people(round(target["transferred"] * factor)):
            r = rng.random()
            spell(m, "out" if r < 0.45 else "province" if r < 0.7 else "county")
    if "local" in target:
        for m in people(round(target["local"] * factor)):
            spell(m, "county")
    writer.insert(WorkSpell, ("id", "area", "member", "household", "place", "destination",
                              "employer", "started_on", "ended_on", "monthly_income",
                              "organised", "partner", "end_reason", "created_at", "updated_at"),
                  spells)
    _add(written, "work_spells", len(spells))

    posts: list[tuple[Any, ...]] = []
    hires: list[tuple[Any, ...]] = []
    pid, hid = writer.next_id(WelfarePost), writer.next_id(PostHire)

    def post(m: Any | None, village: str, temporary: bool) -> None:
        nonlocal pid, hid
        kind = "epidemic" if temporary else rng.choice(POST_KINDS)
        start = dt.date(2020, 2, 10) if temporary else dt.date(2020, rng.randint(1, 4), 1)
        posts.append((pid, village, f"{'疫情防控临时岗' if temporary else '公益性岗位'}{pid}", kind,
                      Decimal(rng.choice([500, 600, 700, 800])), MARK, 1, temporary, start,
                      dt.date(2020, 6, 30) if temporary else None, now, now))
        if m is not None:
            hires.append((hid, pid, m[0], m[1], start, None, "", now, now))
            hid += 1
        pid += 1

    if "posts" in target:
        for m in people(round(target["posts"] * factor)):
            post(m, m[2], False)
    if "temporary_posts" in target:
        n = round(target["temporary_posts"] * factor)
        poor = people(round(target["temporary_registered"] * factor))
        ordinary = [m for m in _members(code, registered=False) if 18 <= _age(m[3], mid) <= 60]
        rng.shuffle(ordinary)
        others = ordinary[:max(0, n - len(poor))]
        for m in [*poor, *others]:
            post(m, m[2], True)
    writer.insert(WelfarePost, ("id", "area", "name", "kind", "monthly_pay", "funded_by",
                                "positions", "temporary", "starts_on", "ends_on", "created_at",
                                "updated_at"), posts)
    writer.insert(PostHire, ("id", "post", "member", "household", "hired_on", "exited_on",
                             "exit_reason", "created_at", "updated_at"), hires)
    _add(written, "welfare_posts", len(posts))
    _add(written, "post_hires", len(hires))

    shops: list[tuple[Any, ...]] = []
    jobs: list[tuple[Any, ...]] = []
    wid, jid = writer.next_id(Workshop), writer.next_id(WorkshopJob)
    for count, employed, year in target.get("workshops", []):
        count = max(1, round(count * factor)) if factor < 1 else count
        staff = people(round(employed * factor))
        for i in range(count):
            village = rng.choice(villages)
            start = dt.date(year, rng.randint(1, 10), 1)
            shops.append((wid, village, f"扶贫车间{wid}", "workshop", MARK, start, None, now, now))
            for m in staff[i::count]:
                jobs.append((jid, wid, m[0], m[1], max(start, dt.date(2020, 1, 1)), None,
                             Decimal(rng.randrange(1500, 3200, 100)), now, now))
                jid += 1
            wid += 1
    writer.insert(Workshop, ("id", "area", "name", "kind", "operator", "recognised_on",
                             "closed_on", "created_at", "updated_at"), shops)
    writer.insert(WorkshopJob, ("id", "workshop", "member", "household", "started_on",
                                "ended_on", "monthly_wage", "created_at", "updated_at"), jobs)
    _add(written, "workshops", len(shops))
    _add(written, "workshop_jobs", len(jobs))

    if "trained" in target:
        trainees = pool[:round(target["trained"] * factor)]  # training overlaps other work
        courses, rows = [], []
        cid, tid = writer.next_id(Course), writer.next_id(Trainee)
        for first in range(0, len(trainees), 50):
            day = dt.date(2020, rng.randint(3, 10), rng.randint(1, 20))
            courses.append((cid, code, f"就业技能培训第{cid}期", "skills", MARK, day,
                            day + dt.timedelta(days=10), 80, now, now))
            for m in trainees[first:first + 50]:
                rows.append((tid, cid, m[0], m[1], True, "", now, now))
                tid += 1
            cid += 1
        writer.insert(Course, ("id", "area", "name", "kind", "provider", "starts_on", "ends_on",
                               "hours", "created_at", "updated_at"), courses)
        writer.insert(Trainee, ("id", "course", "member", "household", "completed",
                                "certificate", "created_at", "updated_at"), rows)
        _add(written, "trainees", len(rows))
