"""Forms of the project pages. Values are checked by the services (one place for the rules);
the forms only collect them."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import AssetKind, Category, FundKind, LinkMode, PartnerKind, SaleChannel, SellerKind

DATE = forms.DateInput(attrs={"type": "date"})


class ProposeForm(forms.Form):
    area = forms.CharField(label="区划代码", max_length=12,
                           help_text="项目所在村（12 位）、乡镇（9 位）或区县（6 位）代码")
    name = forms.CharField(label="项目名称", max_length=200)
    category = forms.ChoiceField(label="项目类别", choices=Category.choices)
    planned_funds = forms.CharField(label="计划资金（元）", max_length=30)
    expected_households = forms.CharField(label="预计受益户数", max_length=10, initial="0")
    expected_people = forms.CharField(label="预计受益人数", max_length=10, initial="0")
    content = forms.CharField(label="建设内容", widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    meeting_date = forms.CharField(label="村民代表会议日期", widget=DATE)
    meeting_attendees = forms.CharField(label="参会代表人数", max_length=10)
    meeting_agreed = forms.CharField(label="同意人数", max_length=10)
    meeting_minutes = forms.CharField(
        label="会议记录（四议两公开）", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="党支部提议、村两委商议、党员大会审议、村民代表会议决议；决议公开、实施结果公开")


class ActForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.CharField(label="公示开始", required=False, widget=DATE)
    end = forms.CharField(label="公示结束", required=False, widget=DATE,
                          help_text="不早于开始日期后 10 天")
    place = forms.CharField(label="公示地点", required=False, max_length=200)
    year = forms.CharField(label="计划年度", required=False, max_length=4)
    reason = forms.CharField(label="出库原因", required=False, max_length=500)
    filing = forms.CharField(label="出库备案文号", required=False, max_length=100)
    asset_name = forms.CharField(label="资产名称", required=False, max_length=200)
    asset_kind = forms.ChoiceField(label="资产类别", required=False,
                                   choices=[("", "—"), *AssetKind.choices])
    asset_owner = forms.CharField(label="确权所有人", required=False, max_length=200)
    asset_value = forms.CharField(label="资产价值（元）", required=False, max_length=30)
    asset_maintainer = forms.CharField(label="后续管护责任人", required=False, max_length=200)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data = {k: d[k] for k in ("start", "end", "place", "year", "reason", "filing") if d.get(k)}
        if d.get("asset_name") or d.get("asset_kind"):
            data["assets"] = [{"name": d["asset_name"], "kind": d["asset_kind"],
                               "owner": d["asset_owner"], "value": d["asset_value"],
                               "maintainer": d["asset_maintainer"]}]
        return data


class ObjectionForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    raised_on = forms.CharField(label="提出日期", widget=DATE)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answered_on = forms.CharField(label="答复日期", widget=DATE)
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 2}))
    upheld = forms.BooleanField(label="异议成立", required=False)


class FundSourceForm(forms.Form):
    area = forms.CharField(label="区县代码", max_length=6)
    kind = forms.ChoiceField(label="资金来源", choices=FundKind.choices)
    name = forms.CharField(label="资金名称/文号", max_length=200)
    year = forms.CharField(label="年度", max_length=4)
    amount = forms.CharField(label="金额（元）", max_length=30)


class AllocationForm(forms.Form):
    source = forms.IntegerField(label="资金来源")
    amount = forms.CharField(label="安排金额（元）", max_length=30)
    allocated_on = forms.CharField(label="安排日期", widget=DATE, required=False)

    def __init__(self, *args: Any, sources: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"] = forms.TypedChoiceField(
            label="资金来源", coerce=int,
            choices=[(s.pk, f"{s} （结余 {s.balance} 元）") for s in sources])


class PaymentForm(forms.Form):
    allocation = forms.IntegerField(label="资金安排")
    amount = forms.CharField(label="拨付金额（元）", max_length=30)
    paid_on = forms.CharField(label="拨付日期", widget=DATE)
    voucher = forms.CharField(label="凭证号", required=False, max_length=100)

    def __init__(self, *args: Any, allocations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocation"] = forms.TypedChoiceField(
            label="资金安排", coerce=int,
            choices=[(a.pk, f"{a.source.name}：安排 {a.amount} 元，结余 {a.balance} 元")
                     for a in allocations])


class BeneficiaryForm(forms.Form):
    household_nos = forms.CharField(label="受益户户编号", widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="每行一个户编号，或用逗号、空格分隔")

    def numbers(self) -> list[str]:
        import re
        return [n for n in re.split(r"[\s,，;；]+", self.cleaned_data["household_nos"]) if n]


class LinkForm(forms.Form):
    household_no = forms.CharField(label="户编号", max_length=30)
    mode = forms.ChoiceField(label="联结方式", choices=LinkMode.choices)
    project = forms.CharField(label="项目编号", required=False, max_length=40,
                              help_text="与扶贫项目联结时填写；否则填联结主体")
    partner_kind = forms.ChoiceField(label="联结主体类型", required=False,
                                     choices=[("", "—"), *[c for c in PartnerKind.choices
                                                          if c[0] != "project"]])
    partner_name = forms.CharField(label="联结主体", required=False, max_length=200)
    started_on = forms.CharField(label="联结开始", widget=DATE)
    amount_per_year = forms.CharField(label="预计年收益（元）", required=False, max_length=30)


class PayoutForm(forms.Form):
    paid_on = forms.CharField(label="发放日期", widget=DATE)
    amount = forms.CharField(label="金额（元）", max_length=30)
    note = forms.CharField(label="备注", required=False, max_length=200)


class SaleForm(forms.Form):
    seller_kind = forms.ChoiceField(label="销售主体类型", choices=SellerKind.choices)
    household_no = forms.CharField(label="户编号", required=False, max_length=30,
                                   help_text="农户销售时填写")
    area = forms.CharField(label="区划代码", required=False, max_length=12,
                           help_text="合作社销售时填写所在村或乡镇代码")
    seller_name = forms.CharField(label="销售主体", required=False, max_length=200)
    channel = forms.ChoiceField(label="销售渠道", choices=SaleChannel.choices)
    product = forms.CharField(label="产品", max_length=200)
    amount = forms.CharField(label="销售额（元）", max_length=30)
    sold_on = forms.CharField(label="销售日期", widget=DATE)


class AssetIncomeForm(forms.Form):
    year = forms.CharField(label="年度", max_length=4)
    amount = forms.CharField(label="年收益（元）", max_length=30)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[("library", "项目库"),
                                                      ("payouts", "利益联结收益发放")])
    file = forms.FileField(label="文件（.xlsx、.xls 或 .csv）")
    dry_run = forms.BooleanField(label="试导入（只检查，不写入）", required=False)

    def clean_file(self) -> Any:
        from django.conf import settings
        f = self.cleaned_data["file"]
        if f.size > settings.FUPIN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过大小上限，请拆分后导入")
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件")
        return f


class SummaryForm(forms.Form):
    area = forms.CharField(label="区划代码", required=False, max_length=12)
    year = forms.IntegerField(label="年度", required=False, min_value=2010, max_value=2100)
    as_of = forms.DateField(label="截至日期", required=False, widget=DATE)
