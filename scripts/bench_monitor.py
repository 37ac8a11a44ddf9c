"""Benchmark of monitoring on PostgreSQL (`make bench-monitor`). Not a test.

1. Uses (creating it if needed) the database FUPIN_BENCH_DB (default `fupin_monitoring`) on
   the server of DATABASE_URL, migrates it, and fills it with BENCH_HOUSEHOLDS (default
   1,000,000) synthetic households with members, two income years, status periods,
   assessments and risk events, generated server-side in bulk (INSERT … SELECT over
   generate_series: no Python row loop, no network round trips per row).
2. Sweeps the whole registry twice (first run opens warnings, second refreshes them).
3. Times the instant re-check of one household (p50 / p95 over BENCH_RECHECKS samples).
4. Runs the same default rules as a plain per-household Python loop (ORM queries per
   household) over a BENCH_SAMPLE (default 20,000) sample and prints the speed ratio.

Targets: sweep ≤ 60 s on 2 cores; one household's re-check p95 ≤ 50 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_HOUSEHOLDS", "1000000"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "20000"))
RECHECKS = int(os.environ.get("BENCH_RECHECKS", "200"))
DB_NAME = os.environ.get("FUPIN_BENCH_DB", "fupin_monitoring")
AS_OF = dt.date(2021, 3, 31)


def use_bench_database() -> None:
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + DB_NAME))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("FUPIN_VAR_DIR", str(ROOT / "var"))


def generate(n: int) -> None:
    """Synthetic registry, built inside PostgreSQL."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM registry_household")
        have = cur.fetchone()[0]
        cur.execute("SELECT EXISTS (SELECT 1 FROM monitoring_riskevent)")
        if have >= n and cur.fetchone()[0]:
            print(f"registry already has {have:,} households")
            return
        print(f"generating {n:,} households …", flush=True)
        if have != n:
            cur.execute("TRUNCATE registry_household, registry_member, registry_income, "
                        "registry_householdstatus, registry_assessment, monitoring_riskevent, "
                        "monitoring_warning, monitoring_hit, monitoring_sweep CASCADE")
        cur.execute("SELECT setseed(0.42)")
        cur.execute("CREATE TEMP TABLE vills AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, "
                    "code FROM areas_area WHERE level = 'village'")
        cur.execute("SELECT COUNT(*) FROM vills")
        nv = cur.fetchone()[0]
        steps = [
            ("households", "registry_household", f"""
            INSERT INTO registry_household (id, household_no, area_code, "group", address,
              head_name, head_initials, phone, bank_account, household_type, exit_year,
              welfare_status, monitoring_type, main_cause, other_causes, risk_types,
              housing_grade, water_safe, identified_on, relocated, covid_confirmed,
              created_at, updated_at)
            SELECT i, 'B' || lpad(i::text, 10, '0'), v.code, '', '', '户主' || i, 'hz', '', '',
              CASE WHEN r < 0.25 THEN 'lifted' WHEN r < 0.27 THEN 'poor' ELSE 'ordinary' END,
              CASE WHEN r < 0.25 THEN 2015 + (i % 6) END,
              CASE WHEN r2 < 0.08 THEN 'dibao' WHEN r2 < 0.10 THEN 'tekun' ELSE 'general' END,
              CASE WHEN r < 0.02 THEN 'unstable' WHEN r > 0.97 THEN 'edge' ELSE '' END,
              CASE WHEN r < 0.27 THEN '01' ELSE '' END, '[]', '[]',
              CASE WHEN r3 < 0.01 THEN 'C' WHEN r3 < 0.015 THEN 'D' WHEN r3 < 0.5 THEN 'B'
                   ELSE 'A' END,
              CASE WHEN r3 > 0.99 THEN FALSE ELSE TRUE END,
              DATE '2016-01-01', FALSE, FALSE, now(), now()
            FROM (SELECT i, random() AS r, random() AS r2, random() AS r3
                  FROM generate_series(1, {n}) i) g
            JOIN vills v ON v.k = g.i % {nv}"""),
            ("members", "registry_member", f"""
            INSERT INTO registry_member (household_id, name, name_pinyin, name_initials,
              resident_id, sex, birth_date, relation_to_head, ethnicity, education, schooling,
              chronic_illness, serious_illness, disabled, disability_grade, labour, employment,
              months_worked, medical_insurance, critical_illness_insurance, pension_insurance,
              phone, status, joined_on, left_on, created_at, updated_at)
            SELECT i, '成员' || j, '', '', '5' || lpad((i * 8 + j)::text, 17, '0'),
              CASE WHEN j % 2 = 0 THEN 'F' ELSE 'M' END, b,
              CASE WHEN j = 1 THEN 'head' WHEN j = 2 THEN 'spouse' ELSE 'son' END, '汉族', '',
              CASE WHEN b BETWEEN DATE '2005-04-01' AND DATE '2015-03-31'
                   THEN CASE WHEN r < 0.01 THEN 'none' ELSE 'primary' END ELSE 'none' END,
              r2 < 0.08, r2 > 0.985, r3 < 0.04,
              CASE WHEN r3 < 0.04 THEN '2' ELSE '' END,
              CASE WHEN b > DATE '2004-01-01' THEN 'none'
                   WHEN r < 0.04 THEN 'lost' WHEN r < 0.10 THEN 'none' ELSE 'ordinary' END,
              'none', 0, r2 > 0.01, FALSE, FALSE, '', 'active', NULL, NULL, now(), now()
            FROM (SELECT i, j, random() AS r, random() AS r2, random() AS r3,
                    CASE WHEN j <= 2 THEN DATE '1950-01-01' + (random() * 12000)::int
                         ELSE DATE '1985-01-01' + (random() * 13000)::int END AS b
                  FROM generate_series(1, {n}) i
                  CROSS JOIN LATERAL generate_series(1, 1 + (i::bigint * 7919) % 5) j) g"""),
            ("incomes", "registry_income", f"""
            INSERT INTO registry_income (household_id, year, wage_income, business_income,
              property_income, transfer_income, business_cost, members_counted, source,
              created_at, updated_at)
            SELECT i, y, round((base * (CASE WHEN y = 2020 THEN f ELSE 1 END))::numeric, 2),
              0, 0, 0, 0, 1 + (i::bigint * 7919) % 5, 'bench', now(), now()
            FROM (SELECT i, (2500 + random() * random() * 40000) * (1 + (i::bigint * 7919) % 5) AS base,
                    CASE WHEN random() < 0.05 THEN 0.5 + random() * 0.3
                         ELSE 0.9 + random() * 0.4 END AS f
                  FROM generate_series(1, {n}) i) g
            CROSS JOIN (VALUES (2019), (2020)) yy(y)"""),
            ("status periods", "registry_householdstatus", """
            INSERT INTO registry_householdstatus (household_id, valid_from, valid_to,
              household_type, exit_year, welfare_status, monitoring_type, reason)
            SELECT id, DATE '2016-01-01', NULL, household_type, exit_year, welfare_status,
              monitoring_type, 'bench' FROM registry_household"""),
            ("risk events", "monitoring_riskevent", f"""
            INSERT INTO monitoring_riskevent (household_id, area_code, kind, date, amount,
              source, source_detail, note, created_at)
            SELECT h.id, h.area_code,
              (ARRAY['medical','medical','disaster','accident','job_loss','business','covid',
                     'other'])[1 + (h.id % 8)],
              DATE '2020-01-01' + (random() * 450)::int, round((random() * 30000)::numeric, 2),
              'upload', 'bench', '', now()
            FROM registry_household h WHERE h.id % 20 = 0 AND h.id <= {n}"""),
        ]
        for label, table, sql in steps:
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cur.fetchone()[0]:
                print(f"  {label}: already there")
                continue
            t = time.perf_counter()
            cur.execute(sql)
            print(f"  {label}: {cur.rowcount:,} rows in {time.perf_counter() - t:.1f} s",
                  flush=True)
        cur.execute(f"SELECT setval(pg_get_serial_sequence('registry_household', 'id'), {n})")
        cur.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)


def python_loop(ids: list[int]) -> tuple[float, int]:
    """The same default rules, household by household in Python (the thing we avoid)."""
    from fupin.monitoring.models import RiskEvent
    from fupin.registry.models import Household, HouseholdStatus, Income

    poverty, monitoring, drop, burden = Decimal(4000), Decimal(6000), Decimal("0.3"), Decimal("0.5")
    window_start = AS_OF.replace(year=AS_OF.year - 1)
    fired = 0
    t0 = time.perf_counter()
    for hid in ids:
        h = Household.objects.get(pk=hid)
        members = list(h.members.as_of(AS_OF).filter(birth_date__lte=AS_OF))
        incomes = list(Income.objects.filter(household_id=hid, year__lte=AS_OF.year)
                       .order_by("-year")[:2])
        status = HouseholdStatus.objects.filter(household_id=hid, valid_from__lte=AS_OF).order_by(
            "-valid_from").first()
        events = list(RiskEvent.objects.filter(household_id=hid, date__gt=window_start,
                                               date__lte=AS_OF))
        welfare = status.welfare_status if status else h.welfare_status
        latest = incomes[0] if incomes else None
        prev = incomes[1] if len(incomes) > 1 and incomes[1].year == incomes[0].year - 1 else None
        rules = []
        if latest is not None:
            rules.append(latest.per_capita < poverty)
            rules.append(poverty <= latest.per_capita < monitoring)
            if prev is not None and prev.per_capita > 0:
                rules.append((prev.per_capita - latest.per_capita) / prev.per_capita >= drop)
            medical = sum((e.amount for e in events if e.kind == "medical"), Decimal(0))
            rules.append(medical > latest.net * burden)
        rules.append(any(e.kind in ("disaster", "accident") for e in events))
        rules.append(any(6 <= m.age_on(AS_OF) <= 15 and m.schooling == "none" and not m.disabled
                         for m in members))
        rules.append(any(not m.medical_insurance for m in members))
        rules.append(h.housing_grade in ("C", "D"))
        rules.append(h.water_safe is False)
        rules.append(bool(members) and all(m.labour in ("lost", "none") for m in members)
                     and welfare == "general")
        fired += sum(rules)
    return time.perf_counter() - t0, fired


def main() -> None:
    use_bench_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fupin.monitoring.models import Warning
    from fupin.monitoring.services.sweep import compiled_rules, evaluate, recheck, run_sweep

    call_command("migrate", verbosity=0)
    generate(N)
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM registry_household")
        households = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM registry_member")
        members = cur.fetchone()[0]
    print(f"registry: {households:,} households, {members:,} members; as of {AS_OF}")

    with connection.cursor() as cur:  # every run starts without warnings: the first sweep opens
        cur.execute("TRUNCATE monitoring_warning, monitoring_hit, monitoring_sweep CASCADE")
    sweeps = []
    for label in ("first sweep (opens)", "second sweep (refreshes)"):
        t = time.perf_counter()
        sweep = run_sweep(as_of=AS_OF)
        secs = time.perf_counter() - t
        sweeps.append(secs)
        print(f"{label}: {secs:.1f} s — opened {sweep.opened:,}, refreshed {sweep.refreshed:,}, "
              f"closed {sweep.closed:,}", flush=True)
    open_count = Warning.objects.filter(status="open").count()
    print(f"open warnings: {open_count:,}")

    import random
    rng = random.Random(7)
    ids = [rng.randint(1, households) for _ in range(RECHECKS)]
    recheck(ids[:5], as_of=AS_OF)  # warm up
    times = []
    for hid in ids:
        t = time.perf_counter()
        with transaction.atomic():
            recheck([hid], as_of=AS_OF)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"instant re-check of one household: p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms (n={len(times)})")

    sample = rng.sample(range(1, households + 1), min(SAMPLE, households))
    rules = [r for r in compiled_rules() if r.rule.kind == "feature"]
    t = time.perf_counter()
    evaluate(AS_OF, household_ids=sample[:2000], rules=rules)
    sql_sample = time.perf_counter() - t
    py_secs, fired = python_loop(sample)
    per_hh_py = py_secs / len(sample)
    per_hh_sql = min(sweeps) / households
    print(f"python loop over {len(sample):,} households: {py_secs:.1f} s "
          f"({per_hh_py * 1000:.2f} ms/household, {fired:,} rule hits)")
    print(f"set-based sweep: {per_hh_sql * 1000:.4f} ms/household; "
          f"speed ratio python/sql = {per_hh_py / per_hh_sql:.0f}x; "
          f"python loop extrapolated to {households:,}: {per_hh_py * households / 60:.0f} min")
    print(f"(SQL re-check restricted to 2,000 sampled ids: {sql_sample:.2f} s)")
    ok = min(sweeps) <= 60 and p95 <= 50
    print("targets met" if ok else "TARGETS MISSED (sweep ≤ 60 s, re-check p95 ≤ 50 ms)")


if __name__ == "__main__":
    main()
