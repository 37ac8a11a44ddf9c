"""FilterSets shared by pages and API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.forms import HiddenInput

from fupin.core.filters import IdFilter, YearFilter

from .choices import MeasureCategory, VisitChannel
from .models import Assignment, Helper, Plan, Visit


def _area(qs: QuerySet, field_path: str, value: str) -> QuerySet:
    return qs.filter(**{f"{field_path}__startswith": value.strip()}) if value else qs


class HelperFilter(df.FilterSet):
    q = df.CharFilter(label="姓名", method="search")
    area = df.CharFilter(label="区划代码", method="in_area")
    active = df.BooleanFilter(label="在岗")
    unit = IdFilter(label="帮扶单位ID", field_name="unit_id", widget=HiddenInput)

    class Meta:
        model = Helper
        fields = ["q", "area", "active", "unit"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(unit__name__contains=value)) if value else qs

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _area(qs, "area__code", value)


class AssignmentFilter(df.FilterSet):
    area = df.CharFilter(label="区划代码", method="in_area")
    current = df.BooleanFilter(label="当前有效", field_name="ended_on", lookup_expr="isnull")
    helper = IdFilter(field_name="helper_id", widget=HiddenInput)
    household = IdFilter(field_name="household_id", widget=HiddenInput)

    class Meta:
        model = Assignment
        fields = ["area", "current", "helper", "household"]

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _area(qs, "household__area__code", value)


class PlanFilter(df.FilterSet):
    q = df.CharFilter(label="户编号/户主", method="search")
    area = df.CharFilter(label="区划代码", method="in_area")
    year = YearFilter(label="年度")
    category = df.ChoiceFilter(label="含措施类别", choices=MeasureCategory.choices,
                               field_name="measures__category", distinct=True)
    household = IdFilter(field_name="household_id", widget=HiddenInput)

    class Meta:
        model = Plan
        fields = ["q", "area", "year", "category", "household"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(household__household_no__startswith=value) | Q(household__head_name__contains=value)) \
            if value else qs

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _area(qs, "household__area__code", value)


class VisitFilter(df.FilterSet):
    q = df.CharFilter(label="户编号/户主", method="search")
    area = df.CharFilter(label="区划代码", method="in_area")
    channel = df.ChoiceFilter(label="方式", choices=VisitChannel.choices)
    since = df.DateFilter(label="起始日期", field_name="visited_on", lookup_expr="gte")
    until = df.DateFilter(label="截止日期", field_name="visited_on", lookup_expr="lte")
    helper = IdFilter(field_name="helper_id", widget=HiddenInput)
    household = IdFilter(field_name="household_id", widget=HiddenInput)

    class Meta:
        model = Visit
        fields = ["q", "area", "channel", "since", "until", "helper", "household"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(household__household_no__startswith=value) | Q(household__head_name__contains=value)) \
            if value else qs

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return _area(qs, "household__area__code", value)
