"""Forms of the credit pages (Chinese labels and messages)."""

from __future__ import annotations

from django import forms

from fupin.registry import resident_id as rid


class LoanApplyForm(forms.Form):
    household_no = forms.CharField(label="户编号", max_length=30)
    borrower_id = forms.CharField(label="借款人身份证号", max_length=30)
    amount = forms.DecimalField(label="贷款金额（元）", max_digits=14, decimal_places=2,
                                min_value=0.01, error_messages={"invalid": "请输入金额"})
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=600)
    rate = forms.DecimalField(label="年利率（%）", max_digits=5, decimal_places=2, min_value=0)
    purpose = forms.CharField(label="用途（生产经营）", max_length=200)
    applied_on = forms.DateField(label="申请日期", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    is_topup = forms.BooleanField(label="追加贷款", required=False)

    def clean_borrower_id(self) -> str:
        return rid.normalize(self.cleaned_data["borrower_id"])


class ActionForm(forms.Form):
    """One form for every action on a loan; each action reads the fields it needs."""

    comment = forms.CharField(label="意见/原因", max_length=300, required=False)
    loan_no = forms.CharField(label="贷款合同号", max_length=40, required=False)
    bank = forms.CharField(label="承贷银行", max_length=60, required=False)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2,
                                required=False, min_value=0)
    term_months = forms.IntegerField(label="期限（月）", required=False, min_value=1,
                                     max_value=600)
    rate = forms.DecimalField(label="年利率（%）", max_digits=5, decimal_places=2,
                              required=False, min_value=0)
    day = forms.DateField(label="日期", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="展期至", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="逾期天数", required=False, min_value=1, max_value=100000)
    epidemic = forms.BooleanField(label="受疫情影响（2020年疫情政策：不计违约）", required=False)


class BankFileForm(forms.Form):
    area = forms.CharField(label="区划代码（县 6 位）", max_length=12)
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)
    bank = forms.CharField(label="银行", max_length=60, required=False)
    file = forms.FileField(label="银行月度文件（.xlsx：贷款合同号、身份证号、贷款余额、累计还款、逾期天数）")


class SubsidyRunForm(forms.Form):
    area = forms.CharField(label="区划代码", max_length=12)
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)


class FundForm(forms.Form):
    area = forms.CharField(label="县区划代码（6 位）", max_length=6)
    name = forms.CharField(label="名称", max_length=100)
    capital = forms.DecimalField(label="补偿金规模（元）", max_digits=14, decimal_places=2,
                                 min_value=0.01)
    established_on = forms.DateField(label="设立日期", widget=forms.DateInput(attrs={"type": "date"}))
    bank = forms.CharField(label="合作银行", max_length=60, required=False)
