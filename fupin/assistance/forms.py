"""Forms (Chinese labels and messages). Validation of business rules is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from fupin.rectification.models import ProblemCategory
from fupin.registry.choices import HousingGrade, Labour, Schooling
from fupin.registry.models import Household

from .choices import MeasureCategory, MeasureStatus, UnitLevel, VisitChannel
from .models import AssistingUnit, Helper

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                             "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    level = forms.ChoiceField(label="单位隶属关系", choices=UnitLevel.choices)
    area_code = forms.CharField(label="所属区划代码", max_length=12)
    contact = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class PairForm(forms.Form):
    village = forms.CharField(label="结对村代码(12位)", max_length=12)
    started_on = forms.DateField(label="开始日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=200, required=False)


class HelperForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    unit = forms.ModelChoiceField(label="帮扶单位", queryset=AssistingUnit.objects.none(), required=False)
    position = forms.CharField(label="职务", max_length=50, required=False)
    area = forms.CharField(label="负责区划代码", max_length=12)
    username = forms.CharField(label="登录账号(角色须为帮扶责任人，可不填)", max_length=150, required=False)
    max_households = forms.IntegerField(label="最多联系户数(不填按规则)", min_value=1, max_value=100,
                                        required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AssistingUnit.objects.visible_to(user)  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    helper = forms.ModelChoiceField(label="帮扶责任人", queryset=Helper.objects.none())
    started_on = forms.DateField(label="开始日期", widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label="变更原因", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, household: Household | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Helper.objects.visible_to(user).filter(active=True).with_load()
        if household is not None:  # helpers of the township, or of an area above the village
            code = household.area_id
            qs = qs.filter(Q(area__code__startswith=code[:9]) | Q(area__code__in=[code[:n] for n in (2, 4, 6)]))
        field = self.fields["helper"]
        field.queryset = qs  # type: ignore[attr-defined]
        field.label_from_instance = lambda h: f"{h.name}（{h.unit or '无单位'}，已联系 {h.active_count} 户）"  # type: ignore[attr-defined]


class FlagForm(forms.Form):
    area = forms.CharField(label="村(社区)代码", max_length=12)
    household_no = forms.CharField(label="户编号(挂牌到户时填)", max_length=30, required=False)
    leader_name = forms.CharField(label="督战责任领导", max_length=50)
    leader_title = forms.CharField(label="职务", max_length=100, required=False)
    reason = forms.CharField(label="挂牌原因", max_length=200, required=False)
    started_on = forms.DateField(label="挂牌日期", widget=DATE, initial=timezone.localdate)


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    summary = forms.CharField(label="帮扶思路", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    suggested = forms.MultipleChoiceField(label="建议措施（按风险类型与劳动力情况）", required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, suggestions: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions or []
        self.fields["suggested"].choices = [  # type: ignore[attr-defined]
            (str(i), f"【{s.category_label}】{s.title}（{s.reason}）") for i, s in enumerate(self.suggestions)]
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("suggested", [str(i) for i in range(len(self.suggestions))])


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="措施类别", choices=MeasureCategory.choices)
    title = forms.CharField(label="措施内容", max_length=200)
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=AssistingUnit.objects.none(),
                                              required=False)
    responsible_text = forms.CharField(label="责任部门(无单位时填)", max_length=100, required=False)
    amount = forms.DecimalField(label="金额(元)", min_value=0, decimal_places=2, required=False, initial=0)
    start = forms.DateField(label="开始日期", widget=DATE, required=False)
    end = forms.DateField(label="结束日期", widget=DATE, required=False)
    status = forms.ChoiceField(label="状态", choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED)
    outcome = forms.CharField(label="成效", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = AssistingUnit.objects.visible_to(user)  # type: ignore[attr-defined]


TRI = [("", "不变"), ("1", "是"), ("0", "否")]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    channel = forms.ChoiceField(label="方式", choices=VisitChannel.choices, initial=VisitChannel.HOME,
                                widget=forms.RadioSelect)
    findings = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 4}))
    policies_explained = forms.CharField(label="宣讲政策", max_length=300, required=False)
    measures_agreed = forms.CharField(label="商定措施", max_length=300, required=False)
    photos = MultipleFileField(label="照片（JPEG/PNG/WebP，每张≤10MB）", required=False)
    income_year = forms.IntegerField(label="收入年度", required=False, min_value=2000, max_value=2100)
    wage_income = forms.DecimalField(label="工资性收入(元)", required=False, min_value=0)
    business_income = forms.DecimalField(label="生产经营性收入(元)", required=False, min_value=0)
    property_income = forms.DecimalField(label="财产性收入(元)", required=False, min_value=0)
    transfer_income = forms.DecimalField(label="转移性收入(元)", required=False, min_value=0)
    business_cost = forms.DecimalField(label="生产经营性支出(元)", required=False, min_value=0)
    housing_grade = forms.ChoiceField(label="住房安全等级", required=False,
                                      choices=[("", "不变"), *HousingGrade.choices])
    water_safe = forms.ChoiceField(label="饮水安全", required=False, choices=TRI)
    problem_category = forms.ChoiceField(label="发现问题类别", required=False,
                                         choices=[("", "无问题"), *ProblemCategory.choices])
    problem_description = forms.CharField(label="问题描述", required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    problem_deadline = forms.DateField(label="建议整改时限", widget=DATE, required=False)
    # evidence (optional): the phone fills latitude/longitude/accuracy and the signature
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=0)
    checkin_photo = forms.FileField(label="签到照片（与户主或门牌合影，可选）", required=False,
                                    widget=forms.ClearableFileInput(attrs={
                                        "accept": "image/jpeg,image/png,image/webp", "capture": "user"}))
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    confirmed_by = forms.ChoiceField(label="确认的家庭成员", required=False)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(household.active_members())
        confirmed: Any = self.fields["confirmed_by"]
        confirmed.choices = [("", "（不选）"), *((m.name, m.name) for m in self.members)]
        for m in self.members:
            self.fields[f"m{m.pk}_schooling"] = forms.ChoiceField(
                label=f"{m.name}·在校生状况", required=False, choices=[("", "不变"), *Schooling.choices])
            self.fields[f"m{m.pk}_labour"] = forms.ChoiceField(
                label=f"{m.name}·劳动技能", required=False, choices=[("", "不变"), *Labour.choices])
            self.fields[f"m{m.pk}_medical_insurance"] = forms.ChoiceField(
                label=f"{m.name}·参加基本医保", required=False, choices=TRI)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(w, forms.Select) else "form-control"
            w.attrs["class"] = f"{w.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.DecimalField):
                w.attrs["inputmode"] = "decimal"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        incomes = [data.get(k) for k in ("wage_income", "business_income", "property_income",
                                         "transfer_income", "business_cost")]
        if any(v is not None for v in incomes) and not data.get("income_year"):
            self.add_error("income_year", "填写收入时须选择收入年度")
        if data.get("problem_category") and not (data.get("problem_description") or "").strip():
            self.add_error("problem_description", "请描述发现的问题")
        return data

    def updates(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {}
        keys = ("wage_income", "business_income", "property_income", "transfer_income", "business_cost")
        if d.get("income_year") and any(d.get(k) is not None for k in keys):
            out["income"] = {"year": d["income_year"], **{k: d[k] for k in keys if d.get(k) is not None}}
        if d.get("housing_grade"):
            out["housing_grade"] = d["housing_grade"]
        if d.get("water_safe") in ("0", "1"):
            out["water_safe"] = d["water_safe"] == "1"
        members = []
        for m in self.members:
            change: dict[str, Any] = {"member": m.pk}
            for f in ("schooling", "labour"):
                if d.get(f"m{m.pk}_{f}"):
                    change[f] = d[f"m{m.pk}_{f}"]
            if d.get(f"m{m.pk}_medical_insurance") in ("0", "1"):
                change["medical_insurance"] = d[f"m{m.pk}_medical_insurance"] == "1"
            if len(change) > 1:
                members.append(change)
        if members:
            out["members"] = members
        return out

    def evidence(self) -> dict[str, Any]:
        d = self.cleaned_data
        location = ({"latitude": d["latitude"], "longitude": d["longitude"], "accuracy": d.get("accuracy")}
                    if d.get("latitude") is not None and d.get("longitude") is not None else None)
        return {"location": location, "checkin_photo": d.get("checkin_photo"),
                "signature": d.get("signature") or None, "confirmed_by": d.get("confirmed_by") or ""}

    def problems(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        if not d.get("problem_category"):
            return []
        return [{"category": d["problem_category"], "description": d["problem_description"],
                 "deadline": d.get("problem_deadline")}]


class RuleForm(forms.Form):
    area_code = forms.CharField(label="适用区划代码(空=全部默认)", max_length=12, required=False)
    max_households_per_helper = forms.IntegerField(label="每名帮扶责任人最多联系户数", min_value=1, max_value=100,
                                                   initial=5)
    visit_months_monitored = forms.IntegerField(label="监测户走访周期(月)", min_value=1, max_value=12, initial=1)
    visit_months_poor = forms.IntegerField(label="未脱贫户走访周期(月)", min_value=1, max_value=12, initial=1)
    visit_months_lifted = forms.IntegerField(label="脱贫户走访周期(月)", min_value=1, max_value=12, initial=3)
