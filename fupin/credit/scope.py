"""The credit app's URLs in the scope test matrix (reads: GET lists and details; the
write URLs refuse other villages too, checked in fupin/credit/tests/test_pages_api.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


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
