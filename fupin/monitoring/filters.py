"""FilterSets shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet

from fupin.accounts.models import User
from fupin.accounts.scope import scope_prefixes
from fupin.core.filters import IdFilter

from .models import EventKind, RiskEvent, Rule, Severity, Sweep, Warning, WarningStatus


def users_in_scope(user: Any) -> QuerySet[User]:
    """People a user may assign to: those holding an area inside the user's scope."""
    if user is None or not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.filter(is_active=True)
    q = Q(pk__in=[])
    for prefix in scope_prefixes(user):
        q |= Q(scopes__area__code__startswith=prefix)
    return User.objects.filter(q, is_active=True).distinct()


STAGES = [("new", "新预警（未立案）"), ("in_procedure", "识别办理中"), ("decided", "已认定")]


class WarningFilter(df.FilterSet):
    rule = df.ModelChoiceFilter(label="规则", queryset=Rule.objects.all(), field_name="rule")
    rule_code = df.CharFilter(label="规则代码", field_name="rule__code")
    severity = df.ChoiceFilter(label="级别", choices=Severity.choices)
    status = df.ChoiceFilter(label="状态", choices=WarningStatus.choices)
    area = df.CharFilter(label="区划代码", field_name="area__code", lookup_expr="startswith")
    household_no = df.CharFilter(label="户编号", field_name="household__household_no",
                                 lookup_expr="startswith")
    assigned = df.ChoiceFilter(label="指派", method="filter_assigned",
                               choices=[("me", "指派给我"), ("yes", "已指派"), ("no", "未指派")])
    assigned_to = df.ModelChoiceFilter(label="负责人", queryset=lambda request: users_in_scope(
        getattr(request, "user", None)))
    stage = df.ChoiceFilter(label="处理阶段", method="filter_stage", choices=STAGES)

    class Meta:
        model = Warning
        fields = ["rule", "rule_code", "severity", "status", "stage", "area", "household_no",
                  "assigned", "assigned_to"]

    def filter_stage(self, qs: QuerySet[Warning], name: str, value: str) -> QuerySet[Warning]:
        """New leads, leads in an identification procedure, and decided ones (MECHANISM §5.1)."""
        in_procedure = Q(household__cases__status="open", household__cases__kind="identification")
        if value == "new":
            return qs.filter(status=WarningStatus.OPEN).exclude(in_procedure)
        if value == "in_procedure":
            return qs.filter(in_procedure, status=WarningStatus.OPEN).distinct()
        if value == "decided":
            return qs.filter(status=WarningStatus.DECIDED)
        return qs

    def filter_assigned(self, qs: QuerySet[Warning], name: str, value: str) -> QuerySet[Warning]:
        if value == "me":
            return qs.filter(assigned_to=self.request.user if self.request else None)
        if value == "yes":
            return qs.filter(assigned_to__isnull=False)
        if value == "no":
            return qs.filter(assigned_to__isnull=True)
        return qs


class EventFilter(df.FilterSet):
    kind = df.ChoiceFilter(label="类别", choices=EventKind.choices)
    household = IdFilter(label="户 ID", field_name="household_id")
    area = df.CharFilter(label="区划代码", field_name="area__code", lookup_expr="startswith")

    class Meta:
        model = RiskEvent
        fields = ["kind", "household", "area"]


class SweepFilter(df.FilterSet):
    class Meta:
        model = Sweep
        fields = ["kind", "area_code"]
