from __future__ import annotations

from typing import Any

from django import forms

from .models import GRANTS, Partner


class PartnerForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    area_code = forms.CharField(label="数据范围（区划代码）", max_length=12,
                                help_text="对接方只能查到、收到该区划（含下级）内的户")
    grants = forms.MultipleChoiceField(label="授权字段", required=False, choices=list(GRANTS.items()),
                                       widget=forms.CheckboxSelectMultiple)
    public_key = forms.CharField(label="验签公钥（Ed25519 PEM，可空）", required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    callback_uri = forms.URLField(label="回调地址（可空）", required=False, max_length=300)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, instance: Partner | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {
                "name": instance.name, "area_code": instance.area_id, "grants": instance.grants,
                "public_key": instance.public_key, "callback_uri": instance.callback_uri,
                "active": instance.active})
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["name"].disabled = True

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"name": d["name"], "area_code": d["area_code"], "grants": list(d["grants"]),
                "public_key": d["public_key"], "callback_uri": d["callback_uri"]}
