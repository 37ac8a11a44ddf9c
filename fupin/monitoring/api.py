"""REST API: rules, settings, risk events, warnings, sweeps; every queryset via visible_to."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts import policy
from fupin.accounts.actors import actor_of
from fupin.accounts.models import User
from fupin.core.api import ScopedViewSetMixin
from fupin.core.jobs import start_job
from fupin.registry.models import Household

from . import services
from .filters import EventFilter, WarningFilter
from .jobs import SWEEP_JOB
from .models import EventKind, EventSource, RiskEvent, Rule, RuleVersion, Setting, Sweep, Warning


class NotDataProvider(IsAuthenticated):
    message = "行业部门账号只能上传部门名册"

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and (
            policy.can(request.user, "monitoring.view"))


class RuleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleVersion
        fields = ["id", "number", "condition", "severity", "explanation", "effective_from",
                  "effective_to", "note"]


class RuleSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    versions = RuleVersionSerializer(many=True, read_only=True)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True)
    area_code = serializers.CharField(
        label="适用区划", max_length=12, required=False, allow_blank=True,
        help_text="新建时：留空为本人所在县（省级管理员留空为全部地区）；之后不可改")

    class Meta:
        model = Rule
        fields = ["id", "code", "name", "description", "kind", "area_code", "condition",
                  "severity", "explanation", "active", "version", "versions", "note"]
        read_only_fields = ["kind"]


class RuleAreaSwitchSerializer(serializers.Serializer):
    area_code = serializers.CharField(label="区划代码（县 6 位、乡镇 9 位、村 12 位）", max_length=12)
    active = serializers.BooleanField(label="在该区划启用")
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True)


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Rules are county configuration, readable by every monitoring user; writes need a
    county admin and go through services (a change makes a new version)."""

    queryset = Rule.objects.select_related("current_version").prefetch_related("versions")
    serializer_class = RuleSerializer
    permission_classes = [NotDataProvider]
    lookup_field = "code"

    def perform_create(self, serializer: Any) -> None:
        d = dict(serializer.validated_data)
        d.pop("note", None)
        if not d.get("area_code"):
            d.pop("area_code", None)  # default: the user's county (everywhere: province)
        serializer.instance = services.create_rule(actor=actor_of(self.request), **d)

    def perform_update(self, serializer: Any) -> None:
        d = dict(serializer.validated_data)
        d.pop("code", None)
        if "area_code" in d and d.pop("area_code") != serializer.instance.area_code:
            raise serializers.ValidationError({"area_code": ["规则的适用区划不能修改"]})
        note = d.pop("note", "")
        serializer.instance = services.update_rule(actor=actor_of(self.request),
                                                   rule=serializer.instance, changes=d, note=note)

    @extend_schema(request=RuleAreaSwitchSerializer, responses={200: RuleAreaSwitchSerializer})
    @action(detail=True, methods=["post"], serializer_class=RuleAreaSwitchSerializer)
    def area(self, request: Request, code: Any = None) -> Response:
        """在本辖区（县、乡镇或村）启用或停用一条适用于全部地区的规则；停用即解除该区划内的预警。"""
        ser = RuleAreaSwitchSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        switch = services.set_rule_active_in_area(actor=actor_of(request), rule=self.get_object(),
                                                  **ser.validated_data)
        return Response({"area_code": switch.area_code, "active": switch.active,
                         "note": switch.note})


class SettingSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="key_id")

    class Meta:
        model = Setting
        fields = ["id", "key", "area_code", "year_from", "value", "source_doc", "updated_at"]
        validators: list[Any] = []


class SettingViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, viewsets.GenericViewSet):
    """POST creates or replaces the value for (key, area_code, year_from)."""

    queryset = Setting.objects.select_related("key")
    serializer_class = SettingSerializer
    permission_classes = [NotDataProvider]

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.set_setting(
            actor=actor_of(self.request), key=d["key_id"], value=d["value"],
            area_code=d.get("area_code", ""), year_from=d.get("year_from", 0),
            source_doc=d.get("source_doc", ""))


class EventSerializer(serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    kind = serializers.ChoiceField(choices=EventKind.choices)

    class Meta:
        model = RiskEvent
        fields = ["id", "household", "household_no", "area_code", "kind", "date", "amount",
                  "source", "source_detail", "note", "created_at"]
        read_only_fields = ["area_code", "source", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field: Any = self.fields["household"]
            field.queryset = Household.objects.visible_to(request.user)


class EventViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    queryset = RiskEvent.objects.select_related("household")
    serializer_class = EventSerializer
    filterset_class = EventFilter
    permission_classes = [NotDataProvider]

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.add_event(
            actor=actor_of(self.request), household=d["household"], kind=d["kind"], date=d["date"],
            amount=d.get("amount", 0), source=EventSource.API,
            source_detail=d.get("source_detail", ""), note=d.get("note", ""))

    def perform_destroy(self, instance: RiskEvent) -> None:
        services.delete_event(actor=actor_of(self.request), event=instance)


class WarningSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    rule_version = serializers.IntegerField(source="rule_version.number", read_only=True)
    explanation = serializers.CharField(read_only=True)

    class Meta:
        model = Warning
        fields = ["id", "household", "household_no", "area_code", "rule", "rule_name",
                  "rule_version", "severity", "status", "values", "explanation", "as_of",
                  "opened_at", "last_seen", "closed_on", "close_note", "source", "assigned_to",
                  "dismissed_reason"]
        read_only_fields = fields


class WarningViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Warning.objects.select_related("household", "rule", "rule_version")
    serializer_class = WarningSerializer
    filterset_class = WarningFilter
    permission_classes = [NotDataProvider]

    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        data: Any = request.data
        w = services.dismiss(actor=actor_of(request), warning=self.get_object(),
                             reason=str(data.get("reason", "")))
        return Response(self.get_serializer(w).data)

    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        data: Any = request.data
        uid = data.get("user")
        user = None
        if uid not in (None, ""):
            user = User.objects.filter(pk=uid).first() if str(uid).isdigit() else None
            if user is None:
                return Response({"user": ["用户不存在"]}, status=status.HTTP_400_BAD_REQUEST)
        w = services.assign(actor=actor_of(request), warning=self.get_object(), user=user)
        return Response(self.get_serializer(w).data)


class SweepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sweep
        fields = ["id", "kind", "area_code", "as_of", "started_at", "finished_at", "households",
                  "opened", "refreshed", "closed", "per_rule", "seconds", "job"]
        read_only_fields = fields


class SweepViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Sweep.objects.all()
    serializer_class = SweepSerializer
    permission_classes = [NotDataProvider]

    @action(detail=False, methods=["post"])
    def start(self, request: Request) -> Response:
        """Start a sweep of an area in the background; returns the job to poll."""
        from fupin.accounts.scope import can_write_area
        data: Any = request.data
        area = str(data.get("area_code", "")).strip()
        as_of = str(data.get("as_of", "")).strip()
        if not request.user.is_superuser and (not area or not can_write_area(request.user, area)):
            raise PermissionDenied(f"区划 {area or '全部'} 不在您可排查的范围内")
        if as_of:
            import datetime as dt
            try:
                dt.date.fromisoformat(as_of)
            except ValueError:
                return Response({"as_of": ["日期格式应为 YYYY-MM-DD"]}, status=400)
        job = start_job(SWEEP_JOB, f"排查 {area or '全部'}", user=request.user, area_code=area,
                        params={"area": area, "as_of": as_of, "user_id": request.user.pk})
        return Response({"job": job.pk, "url": f"/jobs/{job.pk}/"}, status=202)


def register(router: Any) -> None:
    router.register("monitoring/rules", RuleViewSet, basename="monitoring-rule")
    router.register("monitoring/settings", SettingViewSet, basename="monitoring-setting")
    router.register("monitoring/events", EventViewSet, basename="monitoring-event")
    router.register("monitoring/warnings", WarningViewSet, basename="monitoring-warning")
    router.register("monitoring/sweeps", SweepViewSet, basename="monitoring-sweep")
