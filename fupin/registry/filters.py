"""FilterSets of the registry, shared by the pages and the API.

Every lookup is an indexed equality or prefix match (the database uses C collation, so
btree indexes serve `LIKE 'x%'`); members are searched through an `id__in` subquery on
indexed member columns, never a join that multiplies household rows.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from . import resident_id as rid
from .choices import (
    AssessmentKind,
    HouseholdType,
    HousingGrade,
    MemberStatus,
    MonitoringType,
    PovertyCause,
    Relation,
    WelfareStatus,
)
from .models import Assessment, Household, Income, Member

AREA_CODE = re.compile(r"^\d{2,12}$")
ID_PREFIX = re.compile(r"^\d{6,17}[\dX]?$")
LETTERS = re.compile(r"^[a-z]{1,20}$")
HAS_CJK = re.compile(r"[\u3400-\u9fff]")

YES_NO = [("true", "是"), ("false", "否")]


def filter_area(queryset: QuerySet[Any], field: str, value: str) -> QuerySet[Any]:
    """`area` is any area code prefix: a county, a township or a village."""
    return queryset.filter(**{f"{field}__startswith": value}) if value else queryset


def _full_ids(filterset: Any) -> bool:
    from fupin.core.privacy import sees_personal

    request = getattr(filterset, "request", None)
    return request is None or sees_personal(getattr(request, "user", None))


class AreaCodeField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        value = (value or "").strip()
        if value and not AREA_CODE.match(value):
            raise forms.ValidationError("区划代码应为 2–12 位数字，如 500236（县）或 500236001001（村）")
        return value


class AreaCodeFilter(django_filters.CharFilter):
    field_class = AreaCodeField

    def __init__(self, *args: Any, path: str = "area__code", **kwargs: Any) -> None:
        kwargs.setdefault("label", "区划")
        super().__init__(*args, **kwargs)
        self.path = path

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return filter_area(qs, self.path, value)


def member_search_q(q: str, full_ids: bool = True) -> Q | None:
    """Indexed conditions on Member for a search text, or None if nothing applies.

    `full_ids` False (roles that see masked IDs): a resident ID is found only by the whole
    number or its 6 area digits, never by a longer prefix — prefixes would test birth dates
    digit by digit and undo the mask."""
    from .services import pinyin_of

    number = rid.normalize(q)
    if len(number) == 18 and ID_PREFIX.match(number):
        return Q(resident_id=number)
    if ID_PREFIX.match(number):
        if not full_ids and len(number) > 6:
            return Q(pk__in=[])
        return Q(resident_id__startswith=number)
    lower = q.lower()
    if LETTERS.match(lower):
        return Q(name_initials__startswith=lower)
    if HAS_CJK.search(q):
        # name_initials is indexed; the name itself narrows the few rows it finds.
        _, initials = pinyin_of(q)
        if initials:
            return Q(name_initials__startswith=initials, name__startswith=q)
    return None


def household_search(queryset: QuerySet[Household], q: str,
                     full_ids: bool = True) -> QuerySet[Household]:
    """Household number (prefix), head or member name (prefix), pinyin initials (prefix),
    resident ID (exact or prefix of at least 6 digits; see member_search_q for `full_ids`).

    The branches are a UNION of ids, each an index range scan: an OR of them (with the member
    sub-query) cannot use the indexes together, and the planner then walks the whole registry
    in household-number order looking for the first page."""
    q = (q or "").strip()
    if not q:
        return queryset
    branches: list[QuerySet[Any]] = [
        Household.objects.order_by().filter(household_no__startswith=q).values("id")]
    lower = q.lower()
    if LETTERS.match(lower):
        branches.append(Household.objects.order_by().filter(head_initials__startswith=lower)
                        .values("id"))
    if HAS_CJK.search(q):
        branches.append(Household.objects.order_by().filter(head_name__startswith=q).values("id"))
    member_q = member_search_q(q, full_ids)
    if member_q is not None:
        branches.append(Member.objects.order_by().filter(member_q).values("household_id"))
    ids = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return queryset.filter(id__in=ids)


class SearchField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.error_messages["max_length"] = "搜索内容最多 %(limit_value)d 个字"


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class HouseholdFilterSet(django_filters.FilterSet):
    q = SearchFilter(label="搜索", method="search",
                     help_text="户编号、户主或成员姓名、拼音首字母（如 zs）、身份证号")
    area = AreaCodeFilter(path="area__code")
    household_type = django_filters.ChoiceFilter(label="户类型", choices=HouseholdType.choices,
                                                 empty_label="全部")
    monitoring_type = django_filters.ChoiceFilter(
        label="监测对象类型", empty_label="全部",
        choices=[(v or "none", lbl) for v, lbl in MonitoringType.choices], method="filter_monitoring")
    main_cause = django_filters.ChoiceFilter(label="主要致贫原因", choices=PovertyCause.choices,
                                             empty_label="全部")
    housing_grade = django_filters.ChoiceFilter(label="住房安全等级", choices=HousingGrade.choices,
                                                empty_label="全部")
    welfare_status = django_filters.ChoiceFilter(label="户属性", choices=WelfareStatus.choices,
                                                 empty_label="全部")
    water_safe = django_filters.ChoiceFilter(
        label="饮水安全", empty_label="全部", method="filter_water",
        choices=[("true", "安全"), ("false", "不安全"), ("unknown", "未评估")])

    class Meta:
        model = Household
        fields = ["q", "area", "household_type", "monitoring_type", "main_cause",
                  "housing_grade", "welfare_status", "water_safe"]

    def search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return household_search(queryset, value, _full_ids(self))

    def filter_monitoring(self, queryset: QuerySet[Household], name: str,
                          value: str) -> QuerySet[Household]:
        if value == "none":
            return queryset.filter(monitoring_type="")
        return queryset.filter(monitoring_type=value)

    def filter_water(self, queryset: QuerySet[Household], name: str,
                     value: str) -> QuerySet[Household]:
        if value == "unknown":
            return queryset.filter(water_safe__isnull=True)
        return queryset.filter(water_safe=(value == "true"))


class MemberFilterSet(django_filters.FilterSet):
    q = SearchFilter(label="搜索", method="search", help_text="姓名、拼音首字母、身份证号")
    area = AreaCodeFilter(path="household__area__code")
    household = django_filters.NumberFilter(label="户 ID", field_name="household_id",
                                          min_value=1, max_value=2**62)
    household_no = django_filters.CharFilter(label="户编号", field_name="household__household_no",
                                             max_length=30)
    status = django_filters.ChoiceFilter(label="状态", choices=MemberStatus.choices,
                                         empty_label="全部")
    relation_to_head = django_filters.ChoiceFilter(label="与户主关系", choices=Relation.choices,
                                                   empty_label="全部")

    class Meta:
        model = Member
        fields = ["q", "area", "household", "household_no", "status", "relation_to_head"]

    def search(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        value = (value or "").strip()
        if not value:
            return queryset
        cond = member_search_q(value, _full_ids(self))
        return queryset.filter(cond) if cond is not None else queryset.none()


class IncomeFilterSet(django_filters.FilterSet):
    area = AreaCodeFilter(path="household__area__code")
    household = django_filters.NumberFilter(label="户 ID", field_name="household_id",
                                          min_value=1, max_value=2**62)
    year = django_filters.NumberFilter(label="收入年度", field_name="year", min_value=2000,
                                       max_value=2100)
    per_capita_below = django_filters.NumberFilter(label="人均纯收入低于", field_name="per_capita",
                                                   lookup_expr="lt", max_digits=13,
                                                   decimal_places=2)

    class Meta:
        model = Income
        fields = ["area", "household", "year", "per_capita_below"]


class AssessmentFilterSet(django_filters.FilterSet):
    area = AreaCodeFilter(path="household__area__code")
    household = django_filters.NumberFilter(label="户 ID", field_name="household_id",
                                          min_value=1, max_value=2**62)
    kind = django_filters.ChoiceFilter(label="类别", choices=AssessmentKind.choices,
                                       empty_label="全部")

    class Meta:
        model = Assessment
        fields = ["area", "household", "kind"]
