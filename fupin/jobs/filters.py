"""Filters of the jobs lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .models import Place, PostKind, WelfarePost, WorkSpell


class AreaFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    area_field = "area__code"

    def filter_area(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        return qs.filter(**{f"{self.area_field}__startswith": value}) if value else qs


class PostFilterSet(AreaFilterSet):
    kind = django_filters.ChoiceFilter(label="岗位类别", choices=PostKind.choices)
    temporary = django_filters.BooleanFilter(label="临时性岗位")

    class Meta:
        model = WelfarePost
        fields = ["area", "kind", "temporary"]


class SpellFilterSet(AreaFilterSet):
    place = django_filters.ChoiceFilter(label="务工地域", choices=Place.choices)
    organised = django_filters.BooleanFilter(label="有组织输出")
    open = django_filters.BooleanFilter(label="在岗", method="filter_open")
    q = django_filters.CharFilter(label="户编号/姓名/单位", method="filter_q")

    class Meta:
        model = WorkSpell
        fields = ["area", "place", "organised", "open", "q"]

    def filter_open(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(ended_on__isnull=value)

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(household__household_no__startswith=value) | Q(member__name=value)
                         | Q(employer__contains=value))
