"""Benchmark of the credit app on a province-sized portfolio in PostgreSQL.

    make bench-credit                        # or: python scripts/bench_credit.py
    python scripts/bench_credit.py --households 500000 --loans 1000000 --files 12

Its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/fupin_credit),
created and migrated if missing. Households and members come from scripts/bench_reports.py's
generator (COPY); loans are inserted by one INSERT … SELECT (two per household: one repaid in
2016–2018, one live since 2022, 2 % of them overdue). Then, timed:

- 12 monthly bank files of 100,000 rows each (about 2 % with a changed balance, 0.5 % unknown
  loans, 0.2 % wrong resident IDs): written as .xlsx (not timed) and reconciled by
  `import_bank_file` (timed: read, match, compare, store every row with its result);
- the monthly interest-subsidy run over the whole portfolio (`run_subsidies`, one
  INSERT … SELECT) for two months;
- the county summary (`summary`), cold and warm.

Targets: a 100,000-row file reconciled < 30 s, a monthly subsidy run < 60 s, summary < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_reports  # noqa: E402

bench_reports.BENCH_URL = bench_reports.os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fupin_credit")


def make_loans(county: str, total: int) -> None:
    from django.db import connection

    from fupin.credit.models import Loan, Policy

    have = Loan.objects.filter(area__code__startswith=county).count()
    if have >= total:
        return
    p2014 = Policy.objects.get(valid_from=dt.date(2014, 1, 1)).pk
    p2021 = Policy.objects.get(valid_from=dt.date(2021, 1, 1)).pk
    t0 = time.perf_counter()
    print(f"inserting {total - have:,} loans …", flush=True)
    with connection.cursor() as c:
        c.execute("""
            INSERT INTO credit_loan (area_id, household_id, borrower_id, borrower_id_number,
                policy_id, loan_no, bank, amount, term_months, rate, purpose, is_topup, status,
                applied_on, disbursed_on, due_on, balance, repaid_total, overdue_days,
                overdue_since, subsidy_eligible, subsidy_lost_reason, misused, covid_deferral,
                created_at, updated_at)
            SELECT h.area_code, h.id, m.id, m.resident_id,
                   CASE WHEN g = 1 THEN %s ELSE %s END,
                   'BX' || h.id || '-' || g, '农商行', 10000 + (h.id %% 41) * 1000, 36,
                   CASE WHEN g = 1 THEN 4.75 ELSE 4.65 END, '种养殖', FALSE,
                   CASE WHEN g = 1 THEN 'repaid' WHEN h.id %% 50 = 0 THEN 'overdue' ELSE 'active' END,
                   CASE WHEN g = 1 THEN DATE '2016-03-01' ELSE DATE '2022-03-01' END,
                   CASE WHEN g = 1 THEN DATE '2016-03-10' ELSE DATE '2022-03-10' END,
                   CASE WHEN g = 1 THEN DATE '2019-03-10' ELSE DATE '2027-03-10' END,
                   CASE WHEN g = 1 THEN 0 ELSE 10000 + (h.id %% 41) * 1000 END,
                   CASE WHEN g = 1 THEN 10000 + (h.id %% 41) * 1000 ELSE 0 END,
                   CASE WHEN g = 2 AND h.id %% 50 = 0 THEN 40 ELSE 0 END,
                   CASE WHEN g = 2 AND h.id %% 50 = 0 THEN DATE '2026-01-01' END,
                   NOT (g = 2 AND h.id %% 50 = 0), '', FALSE, FALSE, now(), now()
            FROM registry_household h
            JOIN LATERAL (SELECT id, resident_id FROM registry_member
                          WHERE household_id = h.id ORDER BY id LIMIT 1) m ON TRUE
            CROSS JOIN generate_series(1, 2) g
            WHERE h.area_code LIKE %s
            ORDER BY h.id, g
            LIMIT %s""", [p2014, p2021, county + "%", total - have])
        c.execute("ANALYZE credit_loan")
    print(f"  loans inserted in {time.perf_counter() - t0:.0f} s", flush=True)


def bank_file(county: str, month: int, rows: int, seed: int) -> bytes:
    import xlsxwriter

    from fupin.credit.models import Loan

    rnd = random.Random(seed)
    live = list(Loan.objects.filter(area__code__startswith=county,
                                    status__in=["active", "overdue"])
                .order_by("id").values_list("loan_no", "borrower_id_number", "balance",
                                            "repaid_total", "overdue_days")
                [month * rows:(month + 1) * rows])
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet()
    for c, h in enumerate(["贷款合同号", "身份证号", "贷款余额", "累计还款", "逾期天数"]):
        ws.write_string(0, c, h)
    for r, (no, rid, balance, repaid, days) in enumerate(live, start=1):
        x = rnd.random()
        if x < 0.005:
            no = f"UNKNOWN-{r}"
        elif x < 0.007:
            rid = "500236199001010000"
        elif x < 0.027:
            balance, repaid = balance - 1000, repaid + 1000
        ws.write_string(r, 0, no)
        ws.write_string(r, 1, rid)
        ws.write_number(r, 2, float(balance))
        ws.write_number(r, 3, float(repaid))
        ws.write_number(r, 4, days)
    wb.close()
    return buf.getvalue()


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county", default="500236")
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    bench_reports.ensure_database(bench_reports.BENCH_URL)
    bench_reports.setup()
    from fupin.accounts.actors import SystemActor
    from fupin.credit import services
    from fupin.credit.models import BankFile, Loan, Subsidy, SubsidyRun

    print(f"credit benchmark on {bench_reports.BENCH_URL} ({dt.datetime.now():%Y-%m-%d %H:%M})")
    bench_reports.generate(args.county, args.households)
    make_loans(args.county, args.loans)
    n_loans = Loan.objects.filter(area__code__startswith=args.county).count()
    live = Loan.objects.filter(area__code__startswith=args.county,
                               status__in=["active", "overdue"]).count()
    print(f"portfolio: {n_loans:,} loans, {live:,} live")
    system = SystemActor("bench_credit")
    BankFile.objects.filter(filename__startswith="bench-").delete()
    times = []
    for month in range(args.files):
        content = bank_file(args.county, month % max(1, live // args.rows), args.rows, month)
        seconds, bf = timed(services.import_bank_file, actor=system, area_code=args.county,
                            month=f"2025-{month + 1:02d}", filename=f"bench-{month + 1}.xlsx",
                            content=content)
        times.append(seconds)
        print(f"bank file {month + 1:2d}: {bf.rows_read:,} rows read, {bf.rows_matched:,} matched, "
              f"{bf.rows_rejected:,} rejected, {bf.differences:,} differences: "
              f"reconciled in {seconds:.1f} s", flush=True)
    print(f"bank file reconcile: median {statistics.median(times):.1f} s, max {max(times):.1f} s "
          f"(target < 30 s)")
    runs = []
    for month in ("2026-10", "2026-11"):
        SubsidyRun.objects.filter(area_id=args.county, month=f"{month}-01").delete()
        Subsidy.objects.filter(area_code__startswith=args.county, month=f"{month}-01").delete()
        seconds, run = timed(services.run_subsidies, actor=system, area_code=args.county,
                             month=month)
        runs.append(seconds)
        print(f"subsidy run {month}: {run.loans:,} loans ({run.paid_loans:,} paid, "
              f"{run.lost_loans:,} lost), {run.total} yuan in {seconds:.1f} s (target < 60 s)",
              flush=True)
    cold, figures = timed(services.summary, args.county)
    warm = statistics.median(timed(services.summary, args.county)[0] for _ in range(5))
    print(f"summary: cold {cold:.2f} s, warm {warm:.2f} s (target < 1 s): "
          f"{figures['loans']:,} loans, {figures['borrower_households']:,} households, "
          f"coverage {figures['loan_coverage']}")
    ok = max(times) < 30 and max(runs) < 60 and max(cold, warm) < 1
    print("ALL TARGETS MET" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
