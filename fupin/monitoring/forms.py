"""Forms (validation messages in Chinese); services do the real checks."""

from __future__ import annotations

from django import forms

from .models import EventKind, RosterKind, SettingKey, Severity


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="事件类别", choices=EventKind.choices)
    date = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    amount = forms.DecimalField(label="金额(元)", min_value=0, max_digits=12, decimal_places=2,
                                required=False, help_text="医疗支出填自付金额；灾害、事故填损失金额")
    note = forms.CharField(label="说明", max_length=300, required=False)


class RuleForm(forms.Form):
    code = forms.CharField(label="规则代码", max_length=40, help_text="大写字母、数字、下划线")
    name = forms.CharField(label="规则名称", max_length=60)
    condition = forms.CharField(label="条件", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="例如：income_per_capita < poverty_line and members >= 1")
    severity = forms.ChoiceField(label="预警级别", choices=Severity.choices, initial=Severity.MEDIUM)
    explanation = forms.CharField(label="说明模板", max_length=300, required=False,
                                  help_text="用 {特征名} 引用取值，{比例名:%} 显示为百分比")
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)
    area_code = forms.CharField(label="适用区划", max_length=12, required=False,
                                help_text="留空：本人所在县（省级管理员留空为全部地区）")

    def clean_area_code(self) -> str | None:
        return (self.cleaned_data.get("area_code") or "").strip() or None


class RuleEditForm(RuleForm):
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].disabled = True
        del self.fields["area_code"]  # where a rule applies does not change


class SettingForm(forms.Form):
    key = forms.ModelChoiceField(label="参数", queryset=SettingKey.objects.all(),
                                 empty_label=None)
    area_code = forms.CharField(label="区划代码", max_length=12, required=False,
                                help_text="县 6 位、乡镇 9 位、村 12 位；更具体的区划优先")
    year_from = forms.IntegerField(label="起始年度", min_value=0, max_value=2100, initial=0,
                                   help_text="贫困线、监测线每年单独设定，须填年度；其他参数 0 表示不限")
    value = forms.DecimalField(label="取值", max_digits=14, decimal_places=4)
    source_doc = forms.CharField(label="依据文件", max_length=200, required=False,
                                 help_text="文号或网址；贫困线、监测线必填")
    verified = forms.BooleanField(label="已对照公开文件核实", required=False)


class SettingKeyForm(forms.Form):
    key = forms.CharField(label="参数代码", max_length=40, help_text="小写字母、数字、下划线")
    name = forms.CharField(label="参数名称", max_length=60)
    unit = forms.CharField(label="单位", max_length=20, required=False)
    by_income_year = forms.BooleanField(label="按收入年度取值", required=False)
    description = forms.CharField(label="说明", max_length=300, required=False)


class DismissForm(forms.Form):
    reason = forms.CharField(label="排除理由", max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RosterForm(forms.Form):
    kind = forms.ChoiceField(label="名册类别", choices=RosterKind.choices)
    name = forms.CharField(label="名册名称", max_length=200,
                           help_text="例如：奉节县 2020 年秋季学期义务教育在校生名册")
    area_code = forms.CharField(label="覆盖区划", max_length=12)
    as_of = forms.DateField(label="名册日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    department = forms.CharField(label="报送部门", max_length=100, required=False)
    file = forms.FileField(label="文件（.csv / .xlsx）",
                           help_text="第一行为表头，须有“身份证号”列；可有“姓名”“日期”“说明”")


class SweepForm(forms.Form):
    area_code = forms.CharField(label="区划代码", max_length=12, required=False)
    as_of = forms.DateField(label="基准日", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})


class EventUploadForm(forms.Form):
    file = forms.FileField(label="文件（.csv / .xlsx）",
                           help_text="表头：身份证号（或户编号）、事件类别、日期、金额、说明")
    source_detail = forms.CharField(label="来源说明", max_length=200, required=False,
                                    help_text="例如：县医保局 2021 年 3 月大额自付医疗费用")
