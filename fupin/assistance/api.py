"""REST API of assistance: scoped viewsets; writes go through services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import actor_of
from fupin.core.api import ScopedViewSetMixin
from fupin.core.api_input import StrictSerializer, TextField
from fupin.core.privacy import shown_phone
from fupin.rectification.models import ProblemCategory
from fupin.registry.choices import Employment, HousingGrade, Labour, Schooling
from fupin.registry.models import Household

from . import services
from .choices import MeasureCategory, MeasureStatus, VisitChannel
from .filters import AssignmentFilter, HelperFilter, PlanFilter, VisitFilter
from .models import Assignment, AssistingUnit, Helper, Measure, Plan, Visit


def _data(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistingUnit
        fields = ["id", "name", "level", "area_code", "contact"]


class HelperSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", default="", read_only=True)
    active_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Helper
        fields = ["id", "name", "phone", "unit", "unit_name", "position", "area", "active", "active_count",
                  "max_households"]

    def get_phone(self, obj: Helper) -> str:
        return shown_phone(self.context["request"].user, obj.phone)


class AssignmentSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    helper_name = serializers.CharField(source="helper.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "household", "household_no", "helper", "helper_name", "started_on", "ended_on", "reason"]
        read_only_fields = ["ended_on"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "plan", "category", "title", "responsible_unit", "responsible_text", "amount", "start",
                  "end", "status", "outcome"]


class PlanSerializer(serializers.ModelSerializer):
    measures = MeasureSerializer(many=True, read_only=True)
    household_no = serializers.CharField(source="household.household_no", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "household", "household_no", "year", "summary", "measures"]


# ---- input shapes of the nested fields (named in the schema, so schemathesis explores them)

class PlanMeasureInputSerializer(StrictSerializer):
    """One measure given with a new plan."""

    category = serializers.ChoiceField(label="措施类别", choices=MeasureCategory.choices)
    title = TextField(label="措施内容", max_length=200)
    responsible_unit = serializers.PrimaryKeyRelatedField(
        label="责任单位 ID", queryset=AssistingUnit.objects.all(), required=False, allow_null=True)
    responsible_text = TextField(label="责任单位（文字）", max_length=100, required=False,
                                 allow_blank=True)
    amount = serializers.DecimalField(label="金额(元)", max_digits=12, decimal_places=2,
                                      min_value=Decimal(0), required=False)
    start = serializers.DateField(label="开始日期", required=False, allow_null=True)
    end = serializers.DateField(label="结束日期", required=False, allow_null=True)
    status = serializers.ChoiceField(label="状态", choices=MeasureStatus.choices, required=False)
    outcome = TextField(label="成效", max_length=1000, required=False, allow_blank=True)


class PlanCreateSerializer(StrictSerializer):
    household = serializers.PrimaryKeyRelatedField(label="户 ID", queryset=Household.objects.all())
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100)
    summary = TextField(label="计划概述", max_length=2000, required=False, allow_blank=True)
    measures = PlanMeasureInputSerializer(label="措施", many=True, required=False)


class VisitIncomeUpdateSerializer(StrictSerializer):
    year = serializers.IntegerField(label="收入年度", min_value=2000, max_value=2100)
    wage_income = serializers.DecimalField(12, 2, label="工资性收入", required=False, allow_null=True)
    business_income = serializers.DecimalField(12, 2, label="生产经营性收入", required=False,
                                               allow_null=True)
    property_income = serializers.DecimalField(12, 2, label="财产性收入", required=False,
                                               allow_null=True)
    transfer_income = serializers.DecimalField(12, 2, label="转移性收入", required=False,
                                               allow_null=True)
    business_cost = serializers.DecimalField(12, 2, label="生产经营性支出", required=False,
                                             allow_null=True)


class VisitMemberUpdateSerializer(StrictSerializer):
    member = serializers.IntegerField(label="成员 ID", min_value=1, max_value=2**62)
    schooling = serializers.ChoiceField(label="在校生状况", choices=Schooling.choices, required=False)
    labour = serializers.ChoiceField(label="劳动技能", choices=Labour.choices, required=False)
    employment = serializers.ChoiceField(label="务工状况", choices=Employment.choices,
                                         required=False)
    months_worked = serializers.IntegerField(label="务工时间(月)", min_value=0, max_value=12,
                                             required=False)
    medical_insurance = serializers.BooleanField(label="参加基本医疗保险", required=False)
    critical_illness_insurance = serializers.BooleanField(label="参加大病保险", required=False)
    pension_insurance = serializers.BooleanField(label="参加基本养老保险", required=False)
    chronic_illness = serializers.BooleanField(label="长期慢性病", required=False)
    serious_illness = serializers.BooleanField(label="患有大病", required=False)


class VisitUpdatesSerializer(StrictSerializer):
    """Situation found on the visit, recorded through the registry services."""

    income = VisitIncomeUpdateSerializer(label="年度收入", required=False)
    housing_grade = serializers.ChoiceField(label="住房安全等级", choices=HousingGrade.choices,
                                            required=False)
    water_safe = serializers.BooleanField(label="饮水安全", required=False, allow_null=True)
    members = VisitMemberUpdateSerializer(label="成员情况", many=True, required=False)


class VisitProblemSerializer(StrictSerializer):
    """A problem found on the visit (its source is the visit, its date the visit's date)."""

    category = serializers.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    description = TextField(label="问题描述", max_length=2000)
    responsible_unit = TextField(label="责任单位", max_length=100, required=False, allow_blank=True)
    owner_name = TextField(label="责任人姓名", max_length=50, required=False, allow_blank=True)
    deadline = serializers.DateField(label="整改时限", required=False, allow_null=True)
    plan = TextField(label="整改措施", max_length=2000, required=False, allow_blank=True)


class VisitSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    updates = VisitUpdatesSerializer(required=False, write_only=True)
    problems = VisitProblemSerializer(many=True, required=False, write_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # `updates` as recorded (what was applied, with the resulting per-capita income).
        data: dict[str, Any] = super().to_representation(instance)
        data["updates"] = instance.updates or {}
        return data

    class Meta:
        model = Visit
        fields = ["id", "household", "household_no", "helper", "visited_on", "channel", "findings",
                  "policies_explained", "measures_agreed", "updates", "problems", "created_at"]
        read_only_fields = ["helper", "created_at"]


class OverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    household_no = serializers.CharField()
    head_name = serializers.CharField()
    area_code = serializers.CharField(source="area_id")
    visit_kind = serializers.CharField()
    due_since = serializers.DateField()
    prev_since = serializers.DateField()
    visit_state = serializers.CharField()
    last_visit = serializers.DateField(allow_null=True)
    helper_id = serializers.IntegerField(allow_null=True)
    helper_name = serializers.CharField(allow_null=True)


def _plain(value: Any) -> Any:
    """Validated nested data as plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _household(request: Request, pk: Any) -> Household:
    return get_object_or_404(Household.objects.visible_to(request.user), pk=pk)


class UnitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = AssistingUnit.objects.order_by("area_id", "name")
    serializer_class = UnitSerializer


class HelperViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Helper.objects.with_load().select_related("unit").order_by("area_id", "name")
    serializer_class = HelperSerializer
    filterset_class = HelperFilter


class AssignmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST {household, helper, started_on?, reason?} assigns (ending the current row)."""

    queryset = Assignment.objects.select_related("household", "helper")
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        helper = get_object_or_404(Helper.objects.visible_to(request.user), pk=d["helper"].pk)
        row = services.assign_helper(actor=actor_of(request), household=_household(request, d["household"].pk),
                                     helper=helper, started_on=d.get("started_on"), reason=d.get("reason", ""))
        return Response(self.get_serializer(row).data, status=201)


@extend_schema_view(create=extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer}))
class PlanViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.select_related("household").prefetch_related("measures")
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        plan = services.create_plan(actor=actor_of(request), household=_household(request, d["household"].pk),
                                    year=d["year"], summary=d.get("summary", ""),
                                    measures=[dict(m) for m in d.get("measures") or []])
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data, status=201)

    def get_serializer_class(self) -> Any:
        return PlanCreateSerializer if self.action == "create" else PlanSerializer


class MeasureViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    queryset = Measure.objects.select_related("plan__household")
    serializer_class = MeasureSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=s.validated_data["plan"].pk)
        m = services.add_measure(actor=actor_of(request), plan=plan, data=s.validated_data)
        return Response(self.get_serializer(m).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        measure = self.get_object()
        s = self.get_serializer(measure, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        changes = {k: v for k, v in s.validated_data.items() if k != "plan"}
        m = services.update_measure(actor=actor_of(request), measure=measure, changes=changes)
        return Response(self.get_serializer(m).data)


class VisitViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Visit.objects.select_related("household", "helper")
    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        visit = services.record_visit(
            actor=actor_of(request), household=_household(request, d["household"].pk), visited_on=d["visited_on"],
            channel=d.get("channel", VisitChannel.HOME), findings=d.get("findings", ""),
            policies_explained=d.get("policies_explained", ""), measures_agreed=d.get("measures_agreed", ""),
            updates=_plain(d.get("updates") or {}), problems=[dict(p) for p in d.get("problems") or []])
        return Response(self.get_serializer(visit).data, status=201)


class OverdueViewSet(viewsets.GenericViewSet):
    """Overdue households (the last ended visit period passed without a visit);
    ?state=due lists the households due this period instead. ?area=CODE&helper=ID"""

    serializer_class = OverdueSerializer
    queryset = Household.objects.none()  # for the schema; the real rows come from get_queryset

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        helper = self.request.query_params.get("helper")
        fn = (services.due_households if self.request.query_params.get("state") == "due"
              else services.overdue_households)
        return fn(self.request.user, area=self.request.query_params.get("area", ""),
                                           helper=int(helper) if helper and helper.isdigit() else None)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def register(router: Any) -> None:
    router.register("assistance/units", UnitViewSet, basename="assistance-unit")
    router.register("assistance/helpers", HelperViewSet, basename="assistance-helper")
    router.register("assistance/assignments", AssignmentViewSet, basename="assistance-assignment")
    router.register("assistance/plans", PlanViewSet, basename="assistance-plan")
    router.register("assistance/measures", MeasureViewSet, basename="assistance-measure")
    router.register("assistance/visits", VisitViewSet, basename="assistance-visit")
    router.register("assistance/overdue", OverdueViewSet, basename="assistance-overdue")
