"""Test helpers of the credit app."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter

from fupin.accounts.models import User
from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_household, make_user, member_data
from fupin.credit import services
from fupin.credit.models import Loan
from fupin.registry.models import Household


@dataclass
class Team:
    maker: User
    village: User
    township: User
    county: User
    bank: User


def team() -> Team:
    return Team(make_user("village_cadre", VILLAGE_A), make_user("village_cadre", VILLAGE_A),
                make_user("township_staff", TOWNSHIP_A), make_user("county_admin", "500236"),
                make_user("county_admin", "500236"))


def lifted(birth: dt.date = dt.date(1980, 5, 1), **fields: Any) -> Household:
    return make_household(VILLAGE_A, household_type="lifted",
                          members=[member_data(birth=birth)], **fields)


def approved(t: Team, household: Household, *, amount: str = "50000", term: int = 36,
             rate: str = "4.75", day: dt.date = dt.date(2019, 3, 1), loan_no: str = "",
             disburse: bool = True, topup: bool = False) -> Loan:
    loan = services.apply_loan(actor=t.maker, household=household,
                               borrower=household.members.all()[0], amount=amount,
                               term_months=term, rate=rate, purpose="养殖肉牛", applied_on=day,
                               is_topup=topup)
    for who in (t.village, t.township, t.county):
        loan = services.review_loan(actor=who, loan=loan, approve=True, on=day)
    loan = services.review_loan(actor=t.bank, loan=loan, approve=True,
                                loan_no=loan_no or f"XD{loan.pk:08d}", bank="农商行", on=day)
    if disburse:
        loan = services.disburse(actor=t.bank, loan=loan, on=day + dt.timedelta(days=5))
    return loan


def xlsx(rows: list[list[Any]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


HEADER = ["贷款合同号", "身份证号", "贷款余额", "累计还款", "逾期天数"]
