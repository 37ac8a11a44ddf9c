"""Forms of the cases pages (messages in Chinese). They only shape input; the services
decide."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.registry.choices import MonitoringType, RiskType
from fupin.registry.models import Household

from .choices import Action, Channel, EliminationMode
from .models import CaseSettings
from .workflow import ALL_STEPS, STEPS, StepDef


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class HouseholdField(forms.CharField):
    """A household by its number (or id) among those the user may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "户编号")
        kwargs.setdefault("help_text", "填写户编号")
        super().__init__(*args, **kwargs)
        self.user: Any = None

    def clean(self, value: Any) -> Household:
        text = str(super().clean(value) or "").strip()
        visible = Household.objects.visible_to(self.user)
        found = visible.filter(household_no=text).first()
        if found is None and text.isdigit():
            found = visible.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(f"户编号“{text}”不存在，或不在您的管辖范围内")
        return found


class OpenIdentificationForm(forms.Form):
    household = HouseholdField()
    channel = forms.ChoiceField(label="线索来源", choices=[
        c for c in Channel.choices if c[0] != Channel.REFLAG] + [(Channel.REFLAG, Channel.REFLAG.label)])
    warning = forms.IntegerField(label="来源预警编号", required=False, min_value=1)
    lead_id = forms.IntegerField(label="来源线索编号", required=False, min_value=1,
                                 max_value=2**31 - 1)
    found_on = forms.DateField(label="线索发现日期", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="识别纳入 15 天时限自此日起算；空着：来源预警的日期或今天")
    lead = forms.CharField(label="线索说明", widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000, error_messages={"required": "请填写线索说明"})
    monitoring_type = forms.ChoiceField(label="拟定监测对象类型", required=False,
                                        choices=[("", "待核查后确定")] + [
                                            c for c in MonitoringType.choices if c[0]])
    main_risk = forms.ChoiceField(label="主要风险类型", required=False,
                                  choices=[("", "待核查后确定"), *RiskType.choices])
    other_risks = forms.MultipleChoiceField(label="其他风险类型", required=False,
                                            choices=RiskType.choices,
                                            widget=forms.CheckboxSelectMultiple)
    help_first = forms.BooleanField(label="先行帮扶（因灾等紧急情况，识别完成前先落实帮扶）",
                                    required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].user = user  # type: ignore[attr-defined]


class OpenEliminationForm(forms.Form):
    household = HouseholdField()
    mode = forms.ChoiceField(label="消除方式", choices=EliminationMode.choices)
    lead = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].user = user  # type: ignore[attr-defined]


class StepActionForm(forms.Form):
    """One form per step; the fields shown depend on what the step records."""

    step = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(label="办理结果", widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    verifiers = forms.CharField(label="核查人员（不少于 2 人，逗号分隔）", required=False, max_length=200)
    monitoring_type = forms.ChoiceField(label="监测对象类型", required=False,
                                        choices=[("", "—")] + [c for c in MonitoringType.choices if c[0]])
    main_risk = forms.ChoiceField(label="主要风险类型", required=False,
                                  choices=[("", "—"), *RiskType.choices])
    other_risks = forms.MultipleChoiceField(label="其他风险类型", required=False,
                                            choices=RiskType.choices,
                                            widget=forms.CheckboxSelectMultiple)
    start = forms.DateField(label="公示开始日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    days = forms.IntegerField(label="公示天数", required=False, min_value=1, max_value=30)
    attachments = MultipleFileField(label="附件（PDF、JPG、PNG、DOCX、XLSX）", required=False)

    def __init__(self, *args: Any, step: StepDef, case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step_def = step
        choices: list[tuple[str, str]] = []
        if step.notice and case is not None and not case.notice_start:
            choices.append((Action.START_NOTICE, "张贴公示（登记公示开始日期）"))
        else:
            choices.append((step.pass_action, step.pass_label))
        if step.can_reject:
            choices.append((Action.REJECT, "不予通过（结束案件，须写明理由）"))
        self.fields["action"].choices = choices  # type: ignore[attr-defined]
        self.fields["action"].initial = choices[0][0]
        if "verifiers" not in step.fields:
            del self.fields["verifiers"]
        if "monitoring_type" not in step.fields:
            for name in ("monitoring_type", "main_risk", "other_risks"):
                del self.fields[name]
        elif case is not None:
            self.fields["monitoring_type"].initial = case.monitoring_type
            self.fields["main_risk"].initial = case.main_risk
            self.fields["other_risks"].initial = case.other_risks
        if not (step.notice and case is not None and not case.notice_start):
            del self.fields["start"]
            del self.fields["days"]
        if step.needs_attachment:
            self.fields["attachments"].help_text = f"须上传：{step.needs_attachment}"

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items()
                if k in ("verifiers", "monitoring_type", "main_risk", "other_risks", "start", "days")
                and v not in (None, "", [])}
        return data


class ObjectionForm(forms.Form):
    raised_on = forms.DateField(label="提出日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    raised_by = forms.CharField(label="异议人（不公开）", required=False, max_length=100)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=2000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="核实答复", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)
    upheld = forms.TypedChoiceField(label="核实结论", coerce=lambda v: v == "1",
                                    choices=[("0", "异议不成立"), ("1", "异议成立")])


class OverrideForm(forms.Form):
    reason = forms.CharField(label="条件未满足仍须办理的理由（将保留并显示在案件上）",
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RollbackForm(forms.Form):
    reason = forms.CharField(label="回退理由", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=500)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CaseSettings
        fields = ["identification_total_days", "notice_min_days", "elim_notice_min_days",
                  "elim_notice_max_days", "township_escalation_days", "county_escalation_days",
                  "max_attachment_mb"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, steps in STEPS.items():
            prefix = "识别" if kind == "identification" else "消除"
            for step in steps:
                self.fields[f"step_{step.code}"] = forms.IntegerField(
                    label=f"{prefix}·“{step.label}”时限（天）", min_value=1, max_value=60,
                    initial=self.instance.days_for(step.code))

    def step_days(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"step_{code}"] for code in ALL_STEPS}
