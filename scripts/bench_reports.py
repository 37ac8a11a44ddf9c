"""Benchmark of the reports app on a 1M-household PostgreSQL registry.

    make bench-reports                      # or: python scripts/bench_reports.py
    python scripts/bench_reports.py --households 1000000 --county 500236

The registry lives in its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/fupin_reports), never the shared one in DATABASE_URL:
it is created and migrated if missing, and filled with synthetic households by PostgreSQL
COPY when it holds fewer than --households in the county (with --demo, an empty county is
built by `fupin demo --scale` instead) (about 2.5 households per member
row on average: 1 to 6 members each, status periods with 5 % changed within the last year).
Synthetic resident IDs are unique 18-character strings, not checksum-valid: bench data only.

Prints: snapshot refresh time, live indicator time, the county dashboard's server time
(cold and warm, median of runs), the bulletin time and one village's signal refresh time.
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

BENCH_URL = os.environ.get("BENCH_DATABASE_URL",
                           "postgres://postgres@127.0.0.1:5432/fupin_reports")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> None:
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    os.environ.setdefault("FUPIN_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate_demo(county: str, households: int) -> bool:
    """Build the county with `fupin demo --scale` (when that command exists) if it is empty."""
    from django.core.management import call_command, get_commands

    from fupin.registry.models import Household
    if "demo" not in get_commands() or Household.objects.filter(
            area__code__startswith=county).exists():
        return False
    print(f"building {county} with `fupin demo --scale {households}` …", flush=True)
    call_command("demo", counties=county, scale=households, no_serve=True)
    return True


def generate(county: str, households: int, seed: int = 7) -> None:
    """Fill the county with synthetic households, status periods and members by COPY."""
    from django.db import connection

    from fupin.areas.models import Area

    rnd = random.Random(seed)
    villages = list(Area.objects.filter(code__startswith=county, level="village")
                    .order_by("code").values_list("code", flat=True))
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM registry_household")
        start_id = c.fetchone()[0] + 1
        c.execute("SELECT COUNT(*) FROM registry_household WHERE area_code LIKE %s", [county + "%"])
        have = c.fetchone()[0]
    need = households - have
    if need <= 0:
        return
    print(f"generating {need:,} households in {len(villages)} villages of {county} …", flush=True)
    t0 = time.perf_counter()
    hh_rows, st_rows, mem_rows = [], [], []
    types = (["lifted"] * 120 + ["poor"] * 4 + ["ordinary"] * 876)
    raw = connection.connection  # psycopg connection
    with raw.cursor() as cur:
        for i in range(need):
            hid = start_id + i
            village = villages[i % len(villages)]
            htype = rnd.choice(types)
            r = rnd.random()
            mon = "unstable" if htype == "lifted" and r < 0.02 else (
                "edge" if htype == "ordinary" and r < 0.004 else (
                    "sudden" if r < 0.0005 else ""))
            exit_year = rnd.randint(2015, 2020) if htype == "lifted" else None
            hh_rows.append((f"B{county}{hid:09d}", village, "", "", "户主", "hz", "", "", htype,
                            exit_year, "general", mon, "01" if htype != "ordinary" else "",
                            "[]", "[]", "", None, None, False, False, now, now))
            start = dt.date(2019, 1, 1)
            if rnd.random() < 0.05:  # changed within the last year: two periods
                change = today - dt.timedelta(days=rnd.randint(1, 360))
                old_type = "poor" if htype == "lifted" else htype
                old_mon = "" if mon else ("edge" if htype == "ordinary" and rnd.random() < 0.3 else "")
                st_rows.append((hid, start, change, old_type, None, "general", old_mon, "bench"))
                st_rows.append((hid, change, None, htype, exit_year, "general", mon, "bench"))
            else:
                st_rows.append((hid, start, None, htype, exit_year, "general", mon, "bench"))
            for m in range(rnd.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))):
                mem_rows.append((hid, f"成员{m}", "chengyuan", "cy", f"B{hid:012d}{m:05d}"[-18:],
                                 "M" if m % 2 else "F", dt.date(1960 + rnd.randint(0, 55), 1, 1),
                                 "head" if m == 0 else "son", "", "junior", "none", False,
                                 rnd.random() < 0.01, False, "", "ordinary", "none", 0, True,
                                 False, False, "", "active", None, None, now, now))
            if len(hh_rows) >= 50_000 or i == need - 1:
                copy_rows(cur, "registry_household", [
                    "household_no", "area_code", "\"group\"", "address", "head_name",
                    "head_initials", "phone", "bank_account", "household_type", "exit_year",
                    "welfare_status", "monitoring_type", "main_cause", "other_causes",
                    "risk_types", "housing_grade", "water_safe", "identified_on", "relocated",
                    "covid_confirmed", "created_at", "updated_at"], hh_rows)
                copy_rows(cur, "registry_householdstatus", [
                    "household_id", "valid_from", "valid_to", "household_type", "exit_year",
                    "welfare_status", "monitoring_type", "reason"], st_rows)
                copy_rows(cur, "registry_member", [
                    "household_id", "name", "name_pinyin", "name_initials", "resident_id", "sex",
                    "birth_date", "relation_to_head", "ethnicity", "education", "schooling",
                    "chronic_illness", "serious_illness", "disabled", "disability_grade", "labour",
                    "employment", "months_worked", "medical_insurance",
                    "critical_illness_insurance", "pension_insurance", "phone", "status",
                    "joined_on", "left_on", "created_at", "updated_at"], mem_rows)
                raw.commit()
                hh_rows, st_rows, mem_rows = [], [], []
                print(f"  {i + 1:,} households ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as c:
        c.execute("SELECT setval(pg_get_serial_sequence('registry_household', 'id'), "
                  "(SELECT MAX(id) FROM registry_household))")
        c.execute("ANALYZE registry_household; ANALYZE registry_householdstatus; "
                  "ANALYZE registry_member")
    print(f"generated in {time.perf_counter() - t0:.0f} s", flush=True)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--county", default="500236")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--demo", action="store_true",
                        help="build an empty county with `fupin demo --scale` instead of COPY")
    args = parser.parse_args()
    ensure_database(BENCH_URL)
    setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from fupin.accounts.models import AreaScope, User
    from fupin.reports import aggregates, bulletin, indicators
    from fupin.reports.models import AreaFigure, AreaFigureRun

    if not (args.demo and generate_demo(args.county, args.households)):
        generate(args.county, args.households)
    county = args.county
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM registry_household WHERE area_code LIKE %s", [county + "%"])
        n_hh = c.fetchone()[0]
        c.execute("SELECT COUNT(*) FROM registry_member m JOIN registry_household h "
                  "ON h.id = m.household_id WHERE h.area_code LIKE %s", [county + "%"])
        n_mem = c.fetchone()[0]
    print(f"registry: {n_hh:,} households, {n_mem:,} members in {county}")

    today = timezone.localdate()
    days = [*aggregates.month_ends(today, args.months), today]
    secs, _ = timed(indicators.village_figures, county, today)
    print(f"live indicators (one day, all villages, every family): {secs * 1000:.0f} ms")
    secs, _ = timed(indicators.village_figures_days, county, days)
    print(f"live indicators ({len(days)} days at once, every family): {secs:.1f} s")

    AreaFigure.objects.filter(village_code__startswith=county).delete()
    AreaFigureRun.objects.filter(county_code=county).delete()
    secs, _ = timed(aggregates.refresh_county, county, days)
    print(f"snapshot refresh ({len(days)} days): {secs:.1f} s "
          f"({secs / len(days) * 1000:.0f} ms per day)")

    user = User.objects.filter(username="bench_admin").first()
    if user is None:
        user = User.objects.create_user("bench_admin", password="x", role="county_admin")
        AreaScope.objects.create(user=user, area_id=county)
    client = Client()
    client.force_login(user)
    t = time.perf_counter()
    client.get(f"/reports/dashboard/?area={county}001001")  # process warm-up (templates, caches)
    print(f"warm-up (first request of the process, one village): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    url = f"/reports/dashboard/?area={county}"
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        resp = client.get(url)
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200, resp.status_code
    print(f"county dashboard server time: first {times[0] * 1000:.0f} ms, "
          f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms "
          f"over {args.runs} runs ({len(resp.content) // 1024} KiB)")
    township = county + "001"
    t = time.perf_counter()
    client.get(f"/reports/dashboard/?area={township}")
    print(f"township dashboard server time: {(time.perf_counter() - t) * 1000:.0f} ms")

    out = Path(os.environ.get("FUPIN_VAR_DIR", ROOT / "var")) / "bench_reports"
    prev = aggregates.month_ends(today, 1)[0]
    secs, files = timed(bulletin.write, county, f"{prev:%Y-%m}", out)
    print(f"county bulletin {prev:%Y-%m} (PDF + xlsx): {secs:.1f} s -> {files['pdf']}")

    from fupin.registry.models import Household
    village = Household.objects.filter(area__code__startswith=county).values_list(
        "area_id", flat=True).first()
    secs, _ = timed(aggregates.refresh_villages, [village])
    print(f"signal refresh of one village ({len(days)} stored days): {secs * 1000:.0f} ms")


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = 1 << 16
    main()
