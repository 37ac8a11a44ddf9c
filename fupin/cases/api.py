"""REST API of cases: read cases and steps; open a case (POST /api/cases/); act on the
current step (POST /api/cases/{id}/act/) with the same service as the page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import actor_of
from fupin.core.api import ScopedViewSetMixin
from fupin.core.api_input import StrictSerializer, TextField
from fupin.registry.choices import MonitoringType, RiskType
from fupin.registry.models import Household

from . import services
from .choices import Action, CaseKind, Channel, EliminationMode
from .filters import CaseFilterSet
from .models import Attachment, Case, Objection, Step
from .workflow import ALL_STEPS


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "step_code", "original_name", "size", "sha256", "content_type",
                  "uploaded_at", "url"]


class StepSerializer(serializers.ModelSerializer):
    step_label = serializers.CharField(read_only=True)
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    household_no = serializers.CharField(source="case.household.household_no", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = ["id", "case", "household_no", "seq", "step", "step_label", "action", "actor",
                  "actor_role", "acted_at", "comment", "data", "started_at", "due",
                  "was_overdue", "attachments"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "step_code", "raised_on", "content", "answer", "upheld", "answered_at"]


class CaseSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    area_code = serializers.CharField(source="household.area_id", read_only=True)
    step_label = serializers.CharField(read_only=True)
    risk_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = ["id", "kind", "household", "household_no", "head_name", "area_code", "status",
                  "step", "step_label", "version", "channel", "lead", "source_warning_id",
                  "reflag_of", "help_first", "monitoring_type", "risk_types", "main_risk",
                  "other_risks", "elimination_mode", "criteria", "opened_at", "step_started_at",
                  "step_due", "due_date", "notice_start", "notice_end", "overdue", "escalation",
                  "decided_on", "closed_at", "result_reason"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    steps = StepSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps", "objections"]
        read_only_fields = fields


class OpenCaseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.IDENTIFICATION)
    household = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices, required=False,
                                      default=Channel.CADRE)
    lead = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    warning = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    help_first = serializers.BooleanField(required=False, default=False)
    lead_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                       max_value=2**31 - 1, label="来源线索编号")
    found_on = serializers.DateField(required=False, allow_null=True, label="线索发现日期")
    monitoring_type = serializers.ChoiceField(choices=MonitoringType.choices, required=False,
                                              default="")
    main_risk = serializers.ChoiceField(choices=[("", ""), *RiskType.choices], required=False,
                                        default="")
    other_risks = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices),
                                        required=False, default=list)
    mode = serializers.ChoiceField(choices=EliminationMode.choices, required=False)

    def validate_household(self, value: int) -> Household:
        user = self.context["request"].user
        found = Household.objects.visible_to(user).filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("农户不存在，或不在您的管辖范围内")
        return found


@extend_schema_field({"oneOf": [{"type": "string", "description": "姓名，用逗号分隔"},
                               {"type": "array", "items": {"type": "string", "maxLength": 50}}]})
class VerifiersField(serializers.Field):
    """Verifier names: a list of names, or one text with the names separated by commas."""

    default_error_messages = {"invalid": "应为文字或文字列表"}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            return TextField(max_length=500).run_validation(data)
        if isinstance(data, list) and all(isinstance(v, str) for v in data):
            return [TextField(max_length=50).run_validation(v) for v in data]
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class CaseActValuesSerializer(StrictSerializer):
    """What the step records (which of these a step needs: see the workflow)."""

    verifiers = VerifiersField(required=False)
    monitoring_type = TextField(max_length=20, required=False, allow_null=True)
    main_risk = TextField(max_length=20, required=False, allow_null=True)
    other_risks = serializers.ListField(child=TextField(max_length=20), required=False,
                                        allow_null=True, max_length=20)
    start = TextField(max_length=10, required=False, allow_null=True,
                      help_text="公示开始日期 YYYY-MM-DD")
    days = serializers.IntegerField(min_value=0, max_value=365, required=False, allow_null=True)


class ActSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(ALL_STEPS))
    action = serializers.ChoiceField(choices=[Action.SUBMIT, Action.APPROVE, Action.REJECT,
                                              Action.START_NOTICE])
    version = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    values = CaseActValuesSerializer(required=False, default=dict,
                                     help_text="本环节记录的内容：verifiers、monitoring_type、main_risk、other_risks、start、days")
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        default=list)


class CaseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Case.objects.select_related("household").all()
    filterset_class = CaseFilterSet

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return OpenCaseSerializer
        if self.action == "act":
            return ActSerializer
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = OpenCaseSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if d["kind"] == CaseKind.ELIMINATION:
            if not d.get("mode"):
                raise DjangoValidationError({"mode": ["请选择消除方式：帮扶消除或自然消除"]})
            case = services.open_elimination(actor=actor_of(request), household=d["household"],
                                             mode=d["mode"], lead=d["lead"])
        else:
            case = services.open_identification(
                actor=actor_of(request), household=d["household"], channel=d["channel"],
                lead=d["lead"], warning_id=d.get("warning"), help_first=d["help_first"],
                monitoring_type=d["monitoring_type"], main_risk=d["main_risk"],
                other_risks=d["other_risks"], lead_id=d.get("lead_id"), found_on=d.get("found_on"))
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def act(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        payload: Any = request.data
        if hasattr(payload, "getlist"):  # multipart: files come as a list
            payload = {k: payload.get(k) for k in payload if k != "attachments"}
            payload["attachments"] = request.FILES.getlist("attachments")
        ser = ActSerializer(data=payload)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        case = services.act(actor=actor_of(request), case=case, step=d["step"], action=d["action"],
                            version=d["version"], comment=d["comment"], data=dict(d["values"]),
                            attachments=d["attachments"])
        return Response(CaseDetailSerializer(case).data)


class StepViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Step.objects.select_related("case__household", "actor").prefetch_related(
        "attachments").all()
    serializer_class = StepSerializer
    filterset_fields = ["case", "step", "action"]


def register(router: Any) -> None:
    router.register("cases", CaseViewSet, basename="case")
    router.register("case-steps", StepViewSet, basename="case-step")
