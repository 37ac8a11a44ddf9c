"""Forms of the registry pages. They only parse input; every write and every business
rule is in `services.py`, whose errors come back onto these fields in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone

from fupin.accounts.scope import scope_q
from fupin.areas.models import Area, AreaLevel

from . import services
from .choices import LEAVING_EVENTS, AssessmentKind, MemberEventKind, PovertyCause, RiskType
from .models import Household, Member
from .water import RULE_SETS as WATER_RULE_SETS

HOUSEHOLD_FORM_FIELDS = [
    "household_no", "area", "group", "address", "phone", "bank_account", "household_type",
    "exit_year", "welfare_status", "monitoring_type", "main_cause", "other_causes",
    "risk_types", "housing_grade", "water_safe", "identified_on", "relocated", "covid_confirmed",
    "food_secure", "clothing_secure",
]
# Shown, never edited here: only procedures change them (services.PROCEDURE_FIELDS).
PROCEDURE_FORM_FIELDS = ("household_type", "exit_year", "monitoring_type", "risk_types")
MEMBER_FORM_FIELDS = list(services.MEMBER_FIELDS)
HEAD_FIELDS = [f for f in MEMBER_FORM_FIELDS if f not in ("relation_to_head", "joined_on")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WATER_CHOICES = [("", "未评估"), ("true", "安全"), ("false", "不安全")]


def _tristate(value: Any) -> bool | None:
    return {"true": True, "false": False, True: True, False: False}.get(value)


class TriStateField(forms.TypedChoiceField):
    """Yes / no / unknown as a select (for nullable booleans)."""

    def __init__(self, *, label: str, choices: list[tuple[str, str]] = WATER_CHOICES,
                 **kwargs: Any) -> None:
        super().__init__(label=label, choices=choices, coerce=_tristate, empty_value=None,
                         required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return {True: "true", False: "false", None: ""}.get(value, value)


class GroupedFieldsMixin:
    """Fields in titled groups for the two/three-column form template."""

    sections: list[tuple[str, list[str]]] = []

    def grouped_fields(self) -> list[tuple[str, list[Any]]]:
        form: Any = self
        placed: set[str] = set()
        groups: list[tuple[str, list[Any]]] = []
        for legend, names in self.sections:
            bound = [form[n] for n in names if n in form.fields]
            placed.update(names)
            if bound:
                groups.append((legend, bound))
        rest = [form[n] for n in form.fields
                if n not in placed and not form.fields[n].widget.is_hidden]  # hidden: by the template
        if rest:
            groups.append(("" if not groups else "其他", rest))
        return groups


def village_choices(user: Any) -> list[tuple[str, str]]:
    """Villages the user holds, labelled with their township (two queries)."""
    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE).filter(scope_q(user, "code"))
                    .order_by("code").values_list("code", "name"))
    townships = dict(Area.objects.filter(code__in={c[:9] for c, _ in villages})
                     .values_list("code", "name"))
    return [(code, f"{townships.get(code[:9], '')} {name}（{code}）") for code, name in villages]


def _model_fields(model: type, names: list[str], **kwargs: Any) -> dict[str, forms.Field]:
    fields = fields_for_model(model, fields=names, **kwargs)
    for field in fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DATE_WIDGET
        if isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            field.choices = [(v, "请选择" if lbl == "---------" else lbl) for v, lbl in choices]
    return {k: v for k, v in fields.items() if v is not None}


MEMBER_SECTIONS = [
    ("身份", ["name", "resident_id", "relation_to_head", "event", "joined_on", "phone",
            "ethnicity"]),
    ("教育与就业", ["education", "schooling", "school_exempt", "labour", "employment",
               "months_worked"]),
    ("健康与保险", ["chronic_illness", "serious_illness", "disabled", "disability_grade",
               "medical_insurance", "critical_illness_insurance", "pension_insurance",
               "family_doctor", "chronic_card"]),
]



class HouseholdForm(GroupedFieldsMixin, forms.Form):
    """Household fields (edit); the create form adds the head of household."""

    sections = [
        ("户基本信息", ["household_no", "area", "group", "address", "phone", "bank_account",
                    "identified_on"]),
        ("户类型与致贫原因", ["household_type", "exit_year", "welfare_status", "monitoring_type",
                      "main_cause", "relocated", "covid_confirmed", "other_causes",
                      "risk_types"]),
        ("两不愁与住房饮水", ["food_secure", "clothing_secure", "housing_grade", "water_safe"]),
    ]

    def __init__(self, *args: Any, user: Any, household: Household | None = None,
                 **kwargs: Any) -> None:
        if household is not None and not kwargs.get("initial"):
            initial = model_to_dict(household, fields=HOUSEHOLD_FORM_FIELDS)
            initial["area"] = household.area_id
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        plain = [f for f in HOUSEHOLD_FORM_FIELDS
                 if f not in ("area", "other_causes", "risk_types", "water_safe", "food_secure",
                              "clothing_secure")]
        model_fields = _model_fields(Household, plain)
        causes = [(v, lbl) for v, lbl in PovertyCause.choices]
        self.fields.update({
            "household_no": model_fields.pop("household_no"),
            "area": forms.ChoiceField(label="村(社区)", choices=[("", "请选择村(社区)")]
                                      + village_choices(user)),
            **model_fields,
            "other_causes": forms.MultipleChoiceField(
                label="其他致贫原因（最多 2 项）", choices=causes, required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"})),
            "risk_types": forms.MultipleChoiceField(
                label="风险类型", choices=RiskType.choices, required=False,
                widget=forms.CheckboxSelectMultiple),
            "water_safe": TriStateField(label="饮水安全"),
            "food_secure": TriStateField(label="不愁吃",
                                         choices=[("", "未核实"), ("true", "是"), ("false", "否")]),
            "clothing_secure": TriStateField(label="不愁穿",
                                             choices=[("", "未核实"), ("true", "是"), ("false", "否")]),
        })
        for name in PROCEDURE_FORM_FIELDS:  # a disabled field keeps its initial value
            self.fields[name].disabled = True
            self.fields[name].required = False
            self.fields[name].help_text = "只能通过识别纳入、风险消除等程序变更"
        if household is None:
            self.fields["household_type"].initial = "ordinary"
            self.fields["monitoring_type"].initial = ""
            self.fields["risk_types"].initial = []
        # Keep the declared order of the model.
        self.fields = {k: self.fields[k] for k in HOUSEHOLD_FORM_FIELDS} | {
            k: v for k, v in self.fields.items() if k not in HOUSEHOLD_FORM_FIELDS}
        self.fields["household_no"].required = True

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in HOUSEHOLD_FORM_FIELDS if k in self.cleaned_data}

    def changes(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.changed_data if k in HOUSEHOLD_FORM_FIELDS}


class HouseholdCreateForm(HouseholdForm):
    """A new household with its head; other members are added afterwards."""

    sections = [*HouseholdForm.sections,
                ("户主", [f"head_{f}" for _, names in MEMBER_SECTIONS for f in names
                         if f in HEAD_FIELDS])]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in _model_fields(Member, HEAD_FIELDS).items():
            if name in ("name", "resident_id", "phone"):
                field.label = f"户主{field.label}"
            self.fields[f"head_{name}"] = field
        self.fields["head_name"].required = True
        self.fields["head_resident_id"].required = True

    def head_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(f"head_{name}") for name in HEAD_FIELDS}
        data["relation_to_head"] = "head"
        return {k: v for k, v in data.items() if v is not None}

    @staticmethod
    def service_field(name: str) -> str:
        """Map a service error key (members[1].resident_id) to this form's field."""
        if name.startswith("members[1]."):
            return "head_" + name.split(".", 1)[1]
        if name in ("members", "relation_to_head"):
            return "head_name"
        return name




class MemberForm(GroupedFieldsMixin, forms.Form):
    sections = MEMBER_SECTIONS

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        if member is not None and not kwargs.get("initial"):
            kwargs["initial"] = model_to_dict(member, fields=MEMBER_FORM_FIELDS)
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(Member, MEMBER_FORM_FIELDS))
        self.fields["joined_on"].help_text = "空着表示今天"
        if member is None:
            self.fields["event"] = forms.ChoiceField(
                label="加入方式", initial=MemberEventKind.MOVED_IN,
                choices=[(k.value, k.label) for k in (MemberEventKind.BIRTH, MemberEventKind.MOVED_IN,
                                                      MemberEventKind.MARRIED_IN)]
                + [("correction", "补录（不记变动事件）")])
        else:
            del self.fields["joined_on"]

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items()
                if k in MEMBER_FORM_FIELDS and v is not None}

    def changes(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.changed_data if k in MEMBER_FORM_FIELDS}


class MemberLeaveForm(GroupedFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label="离户事件",
                             choices=[(k.value, k.label) for k in LEAVING_EVENTS])
    date = forms.DateField(label="日期", widget=DATE_WIDGET)
    note = forms.CharField(label="说明", max_length=200, required=False)
    to_household_no = forms.CharField(
        label="迁入/嫁入本系统中的户（户编号，可空）", max_length=30, required=False,
        help_text="填写后，此人将作为新成员加入该户")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_to_household_no(self) -> Household | None:
        no = (self.cleaned_data.get("to_household_no") or "").strip()
        if not no:
            return None
        target = Household.objects.visible_to(self.user).filter(household_no=no).first()
        if target is None:
            raise forms.ValidationError(f"户编号 {no} 不存在，或不在您的管辖范围内")
        return target

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_household_no") is not None and data.get("kind") == MemberEventKind.DEATH:
            self.add_error("to_household_no", "死亡事件不能迁入其他户")
        return data


class IncomeForm(GroupedFieldsMixin, forms.Form):
    year = forms.IntegerField(label="收入年度", min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1)
    wage_income = forms.DecimalField(label="工资性收入（元）", max_digits=12, decimal_places=2,
                                     initial=0)
    business_income = forms.DecimalField(label="生产经营性收入（元）", max_digits=12,
                                         decimal_places=2, initial=0)
    property_income = forms.DecimalField(label="财产性收入（元）", max_digits=12, decimal_places=2,
                                         initial=0)
    transfer_income = forms.DecimalField(label="转移性收入（元）", max_digits=12, decimal_places=2,
                                         initial=0)
    business_cost = forms.DecimalField(label="生产经营性支出（元）", max_digits=12,
                                       decimal_places=2, initial=0)
    members_counted = forms.IntegerField(label="计算人口数", required=False, min_value=1,
                                         max_value=99, help_text="空着表示本户在册人数")
    source = forms.CharField(label="来源", max_length=100, required=False)

    def components(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in services.INCOME_FIELDS}


class AssessmentForm(GroupedFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=AssessmentKind.choices)
    assessed_on = forms.DateField(label="鉴定日期", widget=DATE_WIDGET)
    housing_grade = forms.ChoiceField(label="住房安全等级（住房鉴定填写）", required=False,
                                      choices=[("", "—")] + [
                                          (v, lbl) for v, lbl in
                                          Household._meta.get_field("housing_grade").choices or []])
    water_safe = TriStateField(label="饮水安全结论（饮水评估填写）")
    water_litres_per_day = forms.DecimalField(label="人均日供水量(升)", required=False,
                                              max_digits=6, decimal_places=1, min_value=0)
    water_fetch_minutes = forms.IntegerField(label="取水往返时间(分钟)", required=False,
                                             min_value=0, max_value=1440)
    water_days_short = forms.IntegerField(label="年缺水天数", required=False, min_value=0,
                                          max_value=366)
    water_quality_ok = TriStateField(label="水质达标",
                                     choices=[("", "未检测"), ("true", "达标"), ("false", "不达标")])
    water_rule_set = forms.ChoiceField(
        label="饮水评价准则（填写四项指标时由系统评价）", required=False,
        choices=[("", "默认（T/CHES 18-2018 丰水地区）")] + [
            (code, rs.name) for code, rs in WATER_RULE_SETS.items()])
    assessor = forms.CharField(label="鉴定人/单位", max_length=100, required=False)
    report_no = forms.CharField(label="报告编号", max_length=50, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("kind", None)
        data.pop("assessed_on", None)
        if self.cleaned_data.get("kind") == AssessmentKind.HOUSING:
            for k in ("water_safe", "water_litres_per_day", "water_fetch_minutes",
                      "water_days_short", "water_quality_ok", "water_rule_set"):
                data.pop(k, None)
        else:
            data.pop("housing_grade", None)
        return {k: v for k, v in data.items() if v is not None}
