"""The credit app's URLs in the scope test matrix: reads (lists, details) and writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder, register_write


def _build(world: World) -> dict[str, Any]:
    from fupin.accounts.actors import SystemActor
    from fupin.credit import services
    from fupin.credit.models import BankRow, Loan, LoanStatus, RiskFund, Subsidy
    from fupin.registry.models import Household

    household = world["household"]
    Household.objects.filter(pk=household.pk).update(household_type="lifted", exit_year=2019,
                                                     main_cause="01")
    household.refresh_from_db()
    system = SystemActor("scope matrix")
    borrower = household.members.all()[0]
    loan = services.apply_loan(actor=system, household=household, borrower=borrower,
                               amount="20000", term_months=36, rate="4.65", purpose="养殖",
                               applied_on=dt.date(2021, 3, 1))
    Loan.objects.filter(pk=loan.pk).update(
        status=LoanStatus.ACTIVE, loan_no=f"L{household.household_no}",
        disbursed_on=dt.date(2021, 3, 5), due_on=dt.date(2024, 3, 5), balance=Decimal(20000))
    fund = RiskFund.objects.filter(area_id=household.area_id[:6]).first() or services.create_fund(
        actor=system, area_code=household.area_id[:6], name="风险补偿金", capital="1000000",
        established_on=dt.date(2016, 1, 1))
    run = services.run_subsidies(actor=system, area_code=household.area_id, month="2021-04")
    bank_file = services.import_bank_file(
        actor=system, area_code=household.area_id, month="2021-04",
        filename=f"bank-{household.household_no}.xlsx", content=_xlsx([["贷款合同号", "身份证号", "贷款余额", "累计还款", "逾期天数"],
                                             [f"L{household.household_no}", borrower.resident_id,
                                              "19000", "1000", "0"]]))
    assert BankRow.objects.filter(file=bank_file).exists()
    return {"loan": Loan.objects.get(pk=loan.pk), "fund": fund, "subsidy_run": run,
            "subsidy": Subsidy.objects.filter(run=run).first(), "bank_file": bank_file}


def _xlsx(rows: list[list[str]]) -> bytes:
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


register_builder("credit", _build)
register("loan list", "list", lambda w: reverse("credit:loan_list"),
         lambda w: w["household"].household_no)
register("loan detail", "detail", lambda w: w["loan"].get_absolute_url())
register("bank file list", "list", lambda w: reverse("credit:bankfile_list"),
         lambda w: f"bank-{w['household'].household_no}.xlsx")
register("bank file detail", "detail", lambda w: w["bank_file"].get_absolute_url())
register("subsidy list", "list", lambda w: reverse("credit:subsidy_list"),
         lambda w: f"L{w['household'].household_no}")
register("subsidy run detail", "detail", lambda w: w["subsidy_run"].get_absolute_url())
register("loan api list", "api_list", lambda w: "/api/credit-loans/",
         lambda w: w["household"].household_no)
register("loan api detail", "api_detail", lambda w: f"/api/credit-loans/{w['loan'].pk}/")
register("bank file api list", "api_list", lambda w: "/api/credit-bank-files/",
         lambda w: f"\"id\":{w['bank_file'].pk},")
register("bank file api detail", "api_detail",
         lambda w: f"/api/credit-bank-files/{w['bank_file'].pk}/")
register("bank file api rows", "api_detail",
         lambda w: f"/api/credit-bank-files/{w['bank_file'].pk}/rows/")
register("subsidy api list", "api_list", lambda w: "/api/credit-subsidies/",
         lambda w: f"\"loan\":{w['loan'].pk},")
register("subsidy api detail", "api_detail", lambda w: f"/api/credit-subsidies/{w['subsidy'].pk}/")


# Writes, aimed at the target village's loan, bank file, borrower and area.
def _bank_upload(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    loan, borrower = w["loan"], w["household"].members.all()[0]
    content = _xlsx([["贷款合同号", "身份证号", "贷款余额", "累计还款", "逾期天数"],
                     [loan.loan_no, borrower.resident_id, "18000", "2000", "0"]])
    return {"area": w["household"].area_id[:6], "month": "2021-05", "bank": "",
            "file": SimpleUploadedFile("bank-越权.xlsx", content)}


def _apply(w: World) -> dict[str, Any]:
    borrower = w["household"].members.all()[0]
    return {"household_no": w["household"].household_no, "borrower_id": borrower.resident_id,
            "amount": "10000", "term_months": 12, "rate": "3.5", "purpose": "越权",
            "applied_on": "2021-06-01", "is_topup": "on"}


register_write("loan apply", "credit:loan_add", lambda w: reverse("credit:loan_add"), creates=True,
               payload=_apply, tables=("credit.Loan",))
register_write("loan action", "credit:loan_action",
               lambda w: reverse("credit:loan_action", args=[w["loan"].pk, "repay"]),
               payload=lambda w: {"amount": "100", "comment": "越权"}, watch=("loan",))
register_write("bank file upload", "credit:bankfile_upload", lambda w: reverse("credit:bankfile_upload"),
               creates=True, payload=_bank_upload, tables=("credit.BankFile",))
register_write("bank file apply", "credit:bankfile_apply",
               lambda w: reverse("credit:bankfile_apply", args=[w["bank_file"].pk]),
               watch=("bank_file", "loan"))
register_write("subsidy run", "credit:subsidy_run_add", lambda w: reverse("credit:subsidy_run_add"),
               creates=True, payload=lambda w: {"area": w["household"].area_id, "month": "2021-05"},
               tables=("credit.SubsidyRun",))
register_write("fund add", "credit:fund_add", lambda w: reverse("credit:fund_add"), creates=True,
               payload=lambda w: {"area": w["household"].area_id[:6], "name": "越权补偿金",
                                  "capital": "1000", "established_on": "2020-01-01"},
               tables=("credit.RiskFund",))
register_write("loan api apply", "credit-loan-list", lambda w: "/api/credit-loans/", creates=True,
               payload=lambda w: {"household": w["household"].pk,
                                  "borrower": w["household"].members.all()[0].pk, "amount": "10000",
                                  "term_months": 12, "rate": "3.5", "purpose": "越权",
                                  "is_topup": True},
               tables=("credit.Loan",))
register_write("loan api act", "credit-loan-act", lambda w: f"/api/credit-loans/{w['loan'].pk}/act/",
               payload=lambda w: {"action": "repay", "amount": "100"}, watch=("loan",))
register_write("bank file api upload", "credit-bank-file-list", lambda w: "/api/credit-bank-files/",
               creates=True, multipart=True, payload=_bank_upload, tables=("credit.BankFile",))
register_write("bank file api apply", "credit-bank-file-apply",
               lambda w: f"/api/credit-bank-files/{w['bank_file'].pk}/apply/", watch=("bank_file", "loan"))
