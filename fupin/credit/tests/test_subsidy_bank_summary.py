"""Monthly subsidy run, the bank file import and reconciliation, the summary, CLI and API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from fupin.core.testing import VILLAGE_A, make_household, make_user, village_codes
from fupin.credit import services
from fupin.credit.models import BankFileStatus, Loan, LoanStatus, Subsidy
from fupin.monitoring.models import RiskEvent

from .helpers import HEADER, approved, lifted, team, xlsx

pytestmark = pytest.mark.django_db


def test_subsidy_run_amounts_shares_and_losses():
    t = team()
    a = approved(t, lifted(), amount="50000", rate="4.75", day=dt.date(2019, 3, 1))
    hh = lifted()
    b = approved(t, hh, amount="50000", rate="4.65", day=dt.date(2021, 3, 1))
    c = approved(t, hh, amount="30000", rate="3.85", term=12, day=dt.date(2021, 5, 1), topup=True)
    d = approved(t, lifted(), amount="20000", rate="4.65", day=dt.date(2021, 3, 1))
    services.mark_overdue(actor=t.maker, loan=d, days=40, on=dt.date(2021, 12, 1))
    run = services.run_subsidies(actor=t.county, area_code="500236", month="2021-12")
    rows = {s.loan_id: s for s in Subsidy.objects.filter(run=run)}
    # 2019 contract keeps its terms: 50,000 × 4.75 % ÷ 12 × 100 %
    assert rows[a.pk].amount == Decimal("197.92") and rows[a.pk].share == 1
    assert rows[b.pk].amount == Decimal("193.75")
    # top-up: the household's first 50,000 use the whole subsidised principal
    assert rows[c.pk].principal == 0 and rows[c.pk].amount == 0
    assert rows[d.pk].amount == 0 and rows[d.pk].lost_reason == "逾期"
    assert run.loans == 4 and run.lost_loans == 1
    again = services.run_subsidies(actor=t.county, area_code="500236", month="2021-12")
    assert again.loans == 0  # each loan once a month
    # 2024: 70 % for contracts of the 2021+ periods, 100 % kept by the 2019 contract
    run24 = services.run_subsidies(actor=t.county, area_code="500236", month="2024-02")
    rows = {s.loan_id: s for s in Subsidy.objects.filter(run=run24)}
    assert rows[b.pk].share == Decimal("0.70") and rows[b.pk].amount == Decimal("135.63")
    assert rows[a.pk].share == 1


def test_subsidy_run_refuses_future_and_bad_month():
    t = team()
    with pytest.raises(ValidationError, match="YYYY-MM"):
        services.run_subsidies(actor=t.county, area_code="500236", month="2021-13")
    with pytest.raises(ValidationError, match="尚未到来"):
        services.run_subsidies(actor=t.county, area_code="500236", month="2099-01")


def test_misused_loan_loses_subsidy():
    t = team()
    loan = approved(t, lifted(), day=dt.date(2019, 3, 1))
    services.mark_misused(actor=t.township, loan=loan, reason="用于购买小汽车")
    run = services.run_subsidies(actor=t.county, area_code=VILLAGE_A, month="2019-05")
    assert Subsidy.objects.get(run=run).lost_reason == "挪用"


def _bank(t, loans, extra_rows=()):
    rows = [HEADER]
    for loan in loans:
        rows.append([loan.loan_no, loan.borrower_id_number, str(loan.balance), "0", "0"])
    rows.extend(extra_rows)
    return xlsx(rows)


def test_bank_file_reports_every_row_and_applies_only_after_a_second_person():
    t = team()
    a = approved(t, lifted(), day=dt.date(2019, 3, 1))
    b = approved(t, lifted(), day=dt.date(2019, 3, 1))
    c = approved(t, lifted(), day=dt.date(2019, 3, 1))
    rows: list[list[Any]] = [HEADER,
            [a.loan_no, a.borrower_id_number, 30000, 20000, 0],      # repaid 20,000
            [b.loan_no, b.borrower_id_number, 50000, 0, 35],         # 35 days overdue
            [c.loan_no, c.borrower_id_number, 50000, 0, 0],          # no difference
            ["NOPE-1", a.borrower_id_number, 100, 0, 0],             # unknown loan
            [c.loan_no, c.borrower_id_number, 1, 0, 0],              # duplicate
            [b.loan_no + "", "110101199003070000", 1, 0, 0]]          # duplicate too
    rows.append(["", "", "", "", ""])
    content = xlsx(rows)
    bf = services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                   filename="农商行2022年5月.xlsx", content=content)
    assert (bf.rows_read, bf.rows_matched, bf.rows_rejected, bf.differences) == (6, 3, 3, 2)
    errors = dict(bf.rows.exclude(error="").values_list("line", "error"))
    assert "不存在" in errors[5] and "重复" in errors[6]
    a.refresh_from_db()
    assert a.balance == 50000  # never silently applied
    with pytest.raises(ValidationError, match="上传文件的人不能确认"):
        services.apply_bank_file(actor=t.maker, bank_file=bf)
    result = services.apply_bank_file(actor=t.township, bank_file=bf, on=dt.date(2022, 6, 1))
    assert result == {"updated": 2, "overdue": 1, "leads": 1}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.balance, a.repaid_total) == (30000, 20000)
    assert b.status == LoanStatus.OVERDUE and not b.subsidy_eligible
    assert RiskEvent.objects.filter(household=b.household).exists()
    bf.refresh_from_db()
    assert bf.status == BankFileStatus.APPLIED
    with pytest.raises(ValidationError, match="已确认过"):
        services.apply_bank_file(actor=t.county, bank_file=bf)


def test_bank_file_resident_id_mismatch_and_bad_numbers():
    t = team()
    a = approved(t, lifted(), day=dt.date(2019, 3, 1))
    b = approved(t, lifted(), day=dt.date(2019, 3, 1))
    content = xlsx([HEADER, [a.loan_no, b.borrower_id_number, 1, 0, 0],
                    [b.loan_no, b.borrower_id_number, "一万", 0, 0],
                    ])
    bf = services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                   filename="b.xlsx", content=content)
    errors = list(bf.rows.order_by("line").values_list("error", flat=True))
    assert "不一致" in errors[0] and "不是有效金额" in errors[1]


def test_bank_file_refusals():
    t = team()
    with pytest.raises(ValidationError, match="缺少列"):
        services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                  filename="x.xlsx", content=xlsx([["合同号", "余额"]]))
    with pytest.raises(ValidationError, match="Excel"):
        services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                  filename="x.csv", content=b"a,b")
    with pytest.raises(ValidationError, match="无法读取"):
        services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                  filename="x.xlsx", content=b"not a zip")


def test_loan_outside_file_area_is_rejected():
    t = team()
    other = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    admin = make_user("county_admin", other[:6])
    hh = make_household(other, household_type="lifted", exit_year=2019)
    loan = services.apply_loan(actor=admin, household=hh, borrower=hh.members.all()[0],
                               amount="1000", term_months=12, rate="4", purpose="种植",
                               applied_on=dt.date(2019, 3, 1))
    Loan.objects.filter(pk=loan.pk).update(loan_no="FAR-1", status=LoanStatus.ACTIVE)
    bf = services.import_bank_file(actor=t.maker, area_code=VILLAGE_A, month="2022-05",
                                   filename="x.xlsx",
                                   content=xlsx([HEADER, ["FAR-1", loan.borrower_id_number, 1, 0, 0]]))
    assert "不属于区划" in bf.rows.get().error


def test_summary_and_cli():
    t = team()
    services.create_fund(actor=t.county, area_code="500236", name="风险补偿金",
                         capital="3500000", established_on=dt.date(2016, 1, 1))
    a = approved(t, lifted(), day=dt.date(2019, 3, 1), term=12, rate="4.35")
    hh = lifted()
    approved(t, hh, amount="20000", day=dt.date(2020, 3, 1))
    make_household(VILLAGE_A, household_type="poor")  # registered, never borrowed
    services.request_extension(actor=t.maker, loan=a, until=dt.date(2020, 9, 1), reason="疫情")
    services.review_extension(actor=t.township, loan=a, approve=True, on=dt.date(2020, 3, 3))
    figures = services.summary("500236", dt.date(2020, 12, 31))
    assert figures["borrower_households"] == 2 and figures["loans"] == 2
    assert figures["disbursed_yuan"] == 70000 and figures["outstanding_yuan"] == 70000
    assert figures["extended_loans"] == 1 and figures["extended_yuan"] == 50000
    assert figures["new_loans_year"] == 1 and figures["new_loans_year_yuan"] == 20000
    assert figures["risk_fund_yuan"] == 3500000
    assert figures["loan_coverage"] == round(2 / 3, 4)
    assert services.summary("500236", dt.date(2019, 12, 31))["loans"] == 1
    out = StringIO()
    call_command("credit", "summary", "--area", "500236", "--as-of", "2020-12-31", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    for key in ("borrower_households", "loans", "disbursed_yuan", "outstanding_yuan",
                "overdue_loans", "extended_loans", "extended_yuan", "risk_fund_yuan",
                "loan_coverage"):
        assert key in data
    assert data["borrower_households"] == 2


def test_cli_subsidy_and_bank(tmp_path):
    t = team()
    loan = approved(t, lifted(), day=dt.date(2019, 3, 1))
    out = StringIO()
    call_command("credit", "subsidy", "--area", "500236", "--month", "2019-06", stdout=out)
    assert "计算 1 笔" in out.getvalue()
    path = tmp_path / "bank.xlsx"
    path.write_bytes(xlsx([HEADER, [loan.loan_no, loan.borrower_id_number, 1000, 49000, 0]]))
    out = StringIO()
    call_command("credit", "bank-import", str(path), "--area", "500236", "--month", "2019-07",
                 "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["differences"] == 1 and data["problems"][0]["diff"]["balance"] == ["50000.00", "1000.00"]


def test_api_apply_errors_and_scope():
    t = team()
    hh = lifted(birth=dt.date(1940, 1, 1))
    client = Client()
    client.force_login(t.maker)
    resp = client.post("/api/credit-loans/", {
        "household": hh.pk, "borrower": hh.members.all()[0].pk, "amount": "80000",
        "term_months": 36, "rate": "4.75", "purpose": "种植", "applied_on": "2019-03-01"},
        content_type="application/json")
    assert resp.status_code == 400
    body = resp.json()
    assert "规则：借款人年龄" in body["borrower"][0] and "规则：单户上限" in body["amount"][0]
    resp = client.post("/api/credit-loans/", {"household": "x"}, content_type="application/json")
    assert resp.status_code == 400 and "household" in resp.json()
    good = lifted()
    resp = client.post("/api/credit-loans/", {
        "household": good.pk, "borrower": good.members.all()[0].pk, "amount": "30000",
        "term_months": 36, "rate": "4.75", "purpose": "种植", "applied_on": "2019-03-01"},
        content_type="application/json")
    assert resp.status_code == 201, resp.content
    loan_id = resp.json()["id"]
    resp = client.post(f"/api/credit-loans/{loan_id}/act/", {"action": "approve"},
                       content_type="application/json")
    assert resp.status_code == 400 and "录入申请的人不能审核" in str(resp.json())
    village = Client()
    village.force_login(t.village)
    resp = village.post(f"/api/credit-loans/{loan_id}/act/", {"action": "approve"},
                        content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "village_ok"
    # another village's cadre: the loan does not exist for them, for reading and writing
    other = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    stranger = Client()
    stranger.force_login(make_user("village_cadre", other))
    assert stranger.get(f"/api/credit-loans/{loan_id}/").status_code == 404
    assert stranger.post(f"/api/credit-loans/{loan_id}/act/", {"action": "approve"},
                         content_type="application/json").status_code == 404
    assert stranger.post(f"/credit/{loan_id}/approve/").status_code == 404


def test_pages_apply_upload_and_export():
    t = team()
    hh = lifted()
    client = Client()
    client.force_login(t.maker)
    resp = client.post("/credit/add/", {
        "household_no": hh.household_no, "borrower_id": hh.members.all()[0].resident_id,
        "amount": "90000", "term_months": 36, "rate": "4.75", "purpose": "种植",
        "applied_on": "2019-03-01"})
    assert resp.status_code == 200 and "规则：单户上限" in resp.content.decode()
    resp = client.post("/credit/add/", {
        "household_no": hh.household_no, "borrower_id": hh.members.all()[0].resident_id,
        "amount": "30000", "term_months": 36, "rate": "4.75", "purpose": "种植",
        "applied_on": "2019-03-01"})
    assert resp.status_code == 302
    loan = Loan.objects.get(household=hh)
    page = client.get(loan.get_absolute_url()).content.decode()
    assert "村初审" in page or "已申请" in page
    resp = client.post(f"/credit/{loan.pk}/approve/", follow=True)
    assert "录入申请的人不能审核" in resp.content.decode()
    assert client.get("/credit/?export=xlsx")["Content-Type"].startswith("application/vnd")
    upload = SimpleUploadedFile("bank.xlsx", xlsx([HEADER, ["NOPE", "x", 1, 0, 0]]))
    resp = client.post("/credit/bank/upload/", {"area": VILLAGE_A, "month": "2022-05",
                                                "file": upload}, follow=True)
    assert "不存在（未知贷款）" in resp.content.decode()
    for url in ("/credit/", "/credit/bank/", "/credit/subsidies/", "/credit/funds/",
                "/credit/policies/", "/credit/subsidies/run/", "/credit/funds/add/",
                "/credit/?area=500236&status=active", "/credit/bank/?area=5002",
                "/credit/subsidies/?area=500236&lost=true"):
        assert client.get(url).status_code == 200, url
