"""Tables of the credit pages (Chinese headers; also the .xlsx exports)."""

from __future__ import annotations

import django_tables2 as tables

from fupin.core.privacy import shown_resident_id

from .models import BankFile, BankRow, Loan, Policy, RiskFund, Subsidy, SubsidyRun

ATTRS = {"class": "table table-sm table-hover align-middle"}


class LoanTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)
    loan_no = tables.Column(verbose_name="合同号")
    household__household_no = tables.Column(verbose_name="户编号")
    household__head_name = tables.Column(verbose_name="户主")
    borrower__name = tables.Column(verbose_name="借款人")
    borrower_id_number = tables.Column(verbose_name="身份证号")
    area__name = tables.Column(verbose_name="村(社区)")
    amount = tables.Column(verbose_name="金额（元）")
    balance = tables.Column(verbose_name="余额（元）")
    status = tables.Column(verbose_name="状态")
    applied_on = tables.Column(verbose_name="申请日期")
    disbursed_on = tables.Column(verbose_name="放款日期")
    due_on = tables.Column(verbose_name="到期日期")
    subsidy_eligible = tables.BooleanColumn(verbose_name="享受贴息")

    class Meta:
        model = Loan
        fields = ["id", "loan_no", "household__household_no", "household__head_name",
                  "borrower__name", "borrower_id_number", "area__name", "amount", "balance",
                  "status", "applied_on", "disbursed_on", "due_on", "subsidy_eligible"]
        attrs = ATTRS

    def render_borrower_id_number(self, value: str) -> str:
        return shown_resident_id(getattr(self, "request", None) and self.request.user, value)

    def value_borrower_id_number(self, value: str) -> str:
        return self.render_borrower_id_number(value)


class BankFileTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)

    class Meta:
        model = BankFile
        fields = ["id", "area", "month", "bank", "filename", "rows_read", "rows_matched",
                  "rows_rejected", "differences", "status", "uploaded_by", "applied_by"]
        attrs = ATTRS


class BankRowTable(tables.Table):
    diff = tables.Column(verbose_name="差异（本系统 → 银行）", empty_values=())

    class Meta:
        model = BankRow
        fields = ["line", "loan_no", "resident_id", "balance", "repaid", "overdue_days", "error",
                  "diff"]
        attrs = ATTRS

    def render_resident_id(self, value: str) -> str:
        return shown_resident_id(getattr(self, "request", None) and self.request.user, value)

    def value_resident_id(self, value: str) -> str:
        return self.render_resident_id(value)

    def render_diff(self, record: BankRow) -> str:
        names = {"balance": "余额", "repaid": "累计还款", "overdue_days": "逾期天数"}
        return "；".join(f"{names.get(k, k)} {a} → {b}" for k, (a, b) in record.diff.items()) or "—"

    def value_diff(self, record: BankRow) -> str:
        return self.render_diff(record)


class SubsidyTable(tables.Table):
    loan__loan_no = tables.Column(verbose_name="合同号")
    loan__household__household_no = tables.Column(verbose_name="户编号")
    area_code = tables.Column(verbose_name="区划代码", order_by=("area_id",))

    class Meta:
        model = Subsidy
        fields = ["loan__loan_no", "loan__household__household_no", "area_code", "month",
                  "principal", "rate", "share", "amount", "lost_reason"]
        attrs = ATTRS


class SubsidyRunTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)

    class Meta:
        model = SubsidyRun
        fields = ["id", "area", "month", "loans", "paid_loans", "lost_loans", "total", "created_at"]
        attrs = ATTRS


class FundTable(tables.Table):
    name = tables.Column(verbose_name="名称", linkify=True)

    class Meta:
        model = RiskFund
        fields = ["name", "area", "capital", "established_on", "bank"]
        attrs = ATTRS


class PolicyTable(tables.Table):
    class Meta:
        model = Policy
        fields = ["name", "valid_from", "valid_to", "max_amount", "topup_max", "subsidised_cap",
                  "subsidy_share", "max_term_months", "rate_cap_short", "rate_cap_long",
                  "extension_months", "extension_until", "eligible", "min_age", "max_age"]
        attrs = ATTRS
