"""Forms of the jobs pages (Chinese labels)."""

from __future__ import annotations

from django import forms

from .models import CourseKind, InsuranceKind, Place, PostKind, Stage, WorkshopKind

DATE = forms.DateInput(attrs={"type": "date"})


def money(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0,
                              required=required)


class PostForm(forms.Form):
    area = forms.CharField(label="村区划代码（12 位）", max_length=12)
    name = forms.CharField(label="岗位名称", max_length=100)
    kind = forms.ChoiceField(label="岗位类别", choices=PostKind.choices)
    monthly_pay = money("月工资（元）")
    funded_by = forms.CharField(label="资金来源", max_length=100)
    positions = forms.IntegerField(label="岗位数", min_value=1, max_value=1000, initial=1)
    temporary = forms.BooleanField(label="临时性岗位", required=False)
    starts_on = forms.DateField(label="开设日期", widget=DATE)
    ends_on = forms.DateField(label="撤销日期", widget=DATE, required=False)


class MemberForm(forms.Form):
    resident_id = forms.CharField(label="身份证号", max_length=30)


class HireForm(MemberForm):
    hired_on = forms.DateField(label="上岗日期", widget=DATE)


class ExitForm(forms.Form):
    exited_on = forms.DateField(label="离岗日期", widget=DATE)
    exit_reason = forms.CharField(label="离岗原因", max_length=200)


class PayMonthForm(forms.Form):
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)


class PayForm(forms.Form):
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)
    amount = money("工资（元）")
    paid_on = forms.DateField(label="发放日期", widget=DATE)


class SpellForm(MemberForm):
    place = forms.ChoiceField(label="务工地域", choices=Place.choices)
    destination = forms.CharField(label="务工地点", max_length=100, required=False)
    employer = forms.CharField(label="用工单位", max_length=120)
    started_on = forms.DateField(label="开始日期", widget=DATE)
    ended_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    monthly_income = money("月收入（元）")
    organised = forms.BooleanField(label="有组织劳务输出", required=False)
    partner = forms.CharField(label="东西部劳务协作地", max_length=60, required=False)


class EndSpellForm(forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DATE)
    end_reason = forms.CharField(label="结束原因", max_length=200, required=False)


class WorkshopForm(forms.Form):
    area = forms.CharField(label="区划代码", max_length=12)
    name = forms.CharField(label="名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=WorkshopKind.choices)
    operator = forms.CharField(label="经营主体", max_length=120, required=False)
    recognised_on = forms.DateField(label="认定日期", widget=DATE)


class EmployForm(MemberForm):
    started_on = forms.DateField(label="入职日期", widget=DATE)
    monthly_wage = money("月工资（元）")


class CourseForm(forms.Form):
    area = forms.CharField(label="区划代码", max_length=12)
    name = forms.CharField(label="培训名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=CourseKind.choices)
    provider = forms.CharField(label="培训机构", max_length=120, required=False)
    starts_on = forms.DateField(label="开班日期", widget=DATE)
    ends_on = forms.DateField(label="结业日期", widget=DATE)
    hours = forms.IntegerField(label="课时", min_value=0, max_value=10000, initial=0)


class EnrollForm(forms.Form):
    resident_ids = forms.CharField(label="学员身份证号（每行一个）", widget=forms.Textarea)


class YuluForm(MemberForm):
    school = forms.CharField(label="学校", max_length=120)
    stage = forms.ChoiceField(label="学段", choices=Stage.choices)
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    subsidy = money("补助金额（元）")


class InsuranceForm(forms.Form):
    area = forms.CharField(label="区划代码", max_length=12)
    name = forms.CharField(label="保险名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=InsuranceKind.choices)
    insurer = forms.CharField(label="承保公司", max_length=120)
    starts_on = forms.DateField(label="保险起期", widget=DATE)
    ends_on = forms.DateField(label="保险止期", widget=DATE)
    premium = money("每户保费（元）")


class ClaimForm(forms.Form):
    household_no = forms.CharField(label="户编号", max_length=30)
    cause = forms.CharField(label="出险原因", max_length=200)
    amount = money("理赔金额（元）")
    occurred_on = forms.DateField(label="出险日期", widget=DATE)


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="发放/赔付日期", widget=DATE)
