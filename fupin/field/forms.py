"""Forms of the field app (Chinese labels; the services do the real checks)."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import Happened


class ApplyForm(forms.Form):
    name = forms.CharField(label="申请人姓名", max_length=50)
    resident_id = forms.CharField(label="身份证号", max_length=18,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label="手机号", max_length=11,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    village = forms.CharField(label="所在村（社区）", max_length=12, widget=forms.HiddenInput)
    happened = forms.ChoiceField(label="遇到的困难", choices=[("", "请选择"), *Happened.choices])
    description = forms.CharField(label="发生了什么", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    photo = forms.FileField(label="照片（可选，如病历、受灾现场）", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs["class"] = css


class PublicApplyForm(ApplyForm):
    challenge = forms.CharField(widget=forms.HiddenInput)
    answer = forms.CharField(label="验证题", max_length=4,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "form-control",
                                                           "autocomplete": "off"}))


class StatusForm(forms.Form):
    receipt_no = forms.CharField(label="回执号", max_length=20,
                                 widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "SQ…"}))


class AcceptForm(forms.Form):
    household_no = forms.CharField(label="户编号（可不填：按身份证号在本村名册中查找）", max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label="不予受理原因", max_length=300,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class LinkForm(forms.Form):
    household_no = forms.CharField(label="户编号", max_length=30,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))
