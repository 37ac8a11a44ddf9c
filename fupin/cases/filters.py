"""Filters of the case list (shared by the page and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .choices import CaseKind, CaseStatus, Channel, Escalation, LeadStatus
from .deadlines import local_day
from .models import Case, Lead
from .workflow import STEP_CHOICES


class CaseFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area",
                                     help_text="县 6 位、乡镇 9 位或村 12 位代码")
    q = django_filters.CharFilter(label="户编号/户主", method="filter_q")
    kind = django_filters.ChoiceFilter(label="类别", choices=CaseKind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices)
    step = django_filters.ChoiceFilter(label="当前环节", choices=STEP_CHOICES)
    channel = django_filters.ChoiceFilter(label="线索来源", choices=Channel.choices)
    overdue = django_filters.BooleanFilter(label="逾期", method="filter_overdue")
    escalation = django_filters.ChoiceFilter(label="逾期上报", choices=[
        c for c in Escalation.choices if c[0]])
    help_first = django_filters.BooleanFilter(label="先行帮扶")

    class Meta:
        model = Case
        fields = ["area", "q", "kind", "status", "step", "channel", "overdue", "escalation",
                  "help_first"]

    def filter_area(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return qs.filter(household__area__code__startswith=value) if value else qs

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(household__household_no__startswith=value)
                         | Q(household__head_name__contains=value)
                         | Q(household__head_initials__startswith=value.lower()))

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        late = qs.model.objects.overdue_on(local_day()).values("pk")  # type: ignore[attr-defined]
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)


class LeadFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", field_name="household__area__code",
                                     lookup_expr="startswith")
    status = django_filters.ChoiceFilter(label="状态", choices=LeadStatus.choices)
    channel = django_filters.ChoiceFilter(label="线索来源", choices=Channel.choices)

    class Meta:
        model = Lead
        fields = ["area", "status", "channel"]
