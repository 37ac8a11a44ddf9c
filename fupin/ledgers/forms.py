from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from fupin.areas.models import Area

from .services.reading import FORMATS


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件", help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）")
    dry_run = forms.BooleanField(label="试导入（只校验并统计，不写入）", required=False)
    baseline = forms.BooleanField(
        label="历史数据导入（本县首次导入，县级管理员）", required=False,
        help_text="把台账中的户类型、监测对象类型作为历史数据载入；此后的导入不能改变它们，"
                  "不一致的户被拒收并为村里登记风险线索")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = settings.FUPIN_MAX_UPLOAD_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"文件大小 {f.size / 1024 / 1024:.1f} MB 超过上限 {limit / 1024 / 1024:.1f} MB，请按乡镇或村拆分后分别导入")
        if f.size == 0:
            raise forms.ValidationError("文件是空的（0 字节）")
        if Path(f.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError(f"不支持的文件类型“{Path(f.name).suffix}”：请上传 .xlsx、.xls 或 .csv 格式的台账")
        return f


class ExportForm(forms.Form):
    area = forms.ChoiceField(label="区划")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(level__in=("county", "township", "village"))
        if not getattr(user, "is_superuser", False):
            from django.db.models import Q
            q = Q(pk__in=[])
            for code in getattr(user, "scope_codes", ()):
                q |= Q(code__startswith=code)
            areas = areas.filter(q)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.code, f"{a.code} {a.name}") for a in areas.order_by("code")[:3000]]
