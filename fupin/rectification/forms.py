from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .models import CheckResult, ProblemCategory, ProblemSource, SpotCheckKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProblemForm(forms.Form):
    source = forms.ChoiceField(label="问题来源", choices=ProblemSource.choices)
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    household_no = forms.CharField(label="户编号(涉及到户时填)", max_length=30, required=False)
    area = forms.CharField(label="区划代码(不涉及到户时填村或乡镇)", max_length=12, required=False)
    project_ref = forms.CharField(label="涉及项目", max_length=100, required=False)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label="发现日期", widget=DATE, initial=timezone.localdate)
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    owner_username = forms.CharField(label="责任人账号", max_length=150, required=False)
    owner_name = forms.CharField(label="责任人姓名", max_length=50, required=False)
    deadline = forms.DateField(label="整改时限", widget=DATE, required=False)
    plan = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if not d.get("household_no") and not d.get("area"):
            self.add_error("area", "请填写户编号或区划代码")
        return d


class ActionForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    plan = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    effect = forms.CharField(label="整改成效", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="整改时限", widget=DATE, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料（照片/PDF/Word/Excel，≤20MB）")
    note = forms.CharField(label="说明", max_length=200, required=False)


class SpotCheckForm(forms.Form):
    area = forms.CharField(label="抽查区划代码", max_length=12)
    month = forms.DateField(label="抽查月份(任一天)", widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label="抽查对象", choices=SpotCheckKind.choices)
    size = forms.IntegerField(label="样本量", min_value=1, max_value=500, initial=20)
    seed = forms.IntegerField(label="随机种子(不填自动生成；同种子同区划同月份抽到同样本)", min_value=0,
                              required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class CheckResultForm(forms.Form):
    result = forms.ChoiceField(label="核查结果", choices=[c for c in CheckResult.choices if c[0] != "pending"])
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices, initial="other")
    note = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="整改时限", widget=DATE, required=False)


class ProblemEditForm(forms.Form):
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    owner_name = forms.CharField(label="责任人姓名", max_length=50, required=False)
    deadline = forms.DateField(label="整改时限", widget=DATE, required=False)
    plan = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), required=False)
