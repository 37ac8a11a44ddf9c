from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.forms import HiddenInput
from django.utils import timezone

from fupin.core.filters import IdFilter

from .models import Escalation, Problem, ProblemCategory, ProblemSource, ProblemState, SpotCheck


class ProblemFilter(df.FilterSet):
    area = df.CharFilter(label="区划代码", method="in_area")
    state = df.MultipleChoiceFilter(label="状态", choices=ProblemState.choices)
    source = df.ChoiceFilter(label="来源", choices=ProblemSource.choices)
    category = df.ChoiceFilter(label="类别", choices=ProblemCategory.choices)
    escalation = df.ChoiceFilter(label="升级", choices=Escalation.choices)
    overdue = df.BooleanFilter(label="逾期未整改", method="filter_overdue")
    household = IdFilter(field_name="household_id", widget=HiddenInput)
    q = df.CharFilter(label="描述包含", field_name="description", lookup_expr="contains")

    class Meta:
        model = Problem
        fields = ["area", "state", "source", "category", "escalation", "overdue", "household", "q"]

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(area__code__startswith=value.strip()) if value else qs

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        overdue = qs.model.objects.overdue(timezone.localdate())  # type: ignore[attr-defined]
        return qs.filter(pk__in=overdue.values("pk")) if value else qs.exclude(pk__in=overdue.values("pk"))


class SpotCheckFilter(df.FilterSet):
    area = df.CharFilter(label="区划代码", method="in_area")

    class Meta:
        model = SpotCheck
        fields = ["area", "kind"]

    def in_area(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(area__code__startswith=value.strip()) if value else qs
