"""REST API of the registry: households, members, incomes, assessments.

Reads go through `visible_to(user)`; writes go through `services` (whose Chinese
ValidationErrors become 400 with field errors, PermissionDenied 403); resident IDs, phones
and bank accounts are masked for roles that do not see personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import actor_of
from fupin.core.api import ScopedViewSetMixin
from fupin.core.privacy import (
    PersonalReadLogMixin,
    sees_personal,
    shown_account,
    shown_phone,
    shown_resident_id,
)

from . import services
from .choices import (
    JOINING_EVENTS,
    LEAVING_EVENTS,
    DisabilityGrade,
    Education,
    Employment,
    Labour,
    PovertyCause,
    Relation,
    RiskType,
    Schooling,
)
from .filters import AssessmentFilterSet, HouseholdFilterSet, IncomeFilterSet, MemberFilterSet
from .models import Assessment, Household, Income, Member
from .views import active_member_count

MASKED = {"resident_id": shown_resident_id, "phone": shown_phone, "bank_account": shown_account}
# Health is personal data too: null for roles that do not see personal data.
HEALTH = ("chronic_illness", "serious_illness", "disabled", "disability_grade", "health_labels")


class WriterOrReadOnly(permissions.BasePermission):
    """Read-only roles (inspector, helper, data provider) may only read."""

    message = "您的角色只能查看，不能修改建档立卡数据"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or bool(getattr(user, "is_writer", False))


class MaskingMixin:
    """Masks personal fields in the output unless the user sees personal data."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if not sees_personal(user):
            for name, show in MASKED.items():
                if data.get(name):
                    data[name] = show(user, str(data[name]))
            for name in HEALTH:
                if name in data:
                    data[name] = None
            # The masked ID digits are the birth date: only the year (birth_year) is shown,
            # and a birth's joining date (the birth date) is withheld too.
            if data.get("birth_date"):
                if data.get("joined_on") == data["birth_date"]:
                    data["joined_on"] = None
                data["birth_date"] = None
        return data


@extend_schema_field({"type": "array", "maxItems": 2, "description": "其他致贫原因代码（最多 2 项）",
                     "items": {"type": "string", "enum": list(PovertyCause.values)}})
class CauseListField(serializers.ListField):
    """Other poverty causes (codes); described inline so the schema has one cause enum."""


class ScopedHouseholdField(serializers.PrimaryKeyRelatedField):
    """A household id among those the user may see (others: "does not exist")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Household.objects.all())
        kwargs.setdefault("label", "户 ID")
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Household]:
        request = self.context.get("request")
        return Household.objects.visible_to(getattr(request, "user", None))


# ---------------------------------------------------------------- members

class MemberInputSerializer(serializers.Serializer):
    """A member as given when creating a household."""

    name = serializers.CharField(label="姓名", max_length=50)
    resident_id = serializers.CharField(label="身份证号", max_length=30)
    relation_to_head = serializers.ChoiceField(label="与户主关系",
                                               choices=Relation.choices)
    ethnicity = serializers.CharField(label="民族", max_length=20, allow_blank=True,
                                   required=False)
    education = serializers.ChoiceField(label="文化程度", required=False, allow_blank=True,
                                        choices=Education.choices)
    schooling = serializers.ChoiceField(label="在校生状况", required=False, allow_blank=True,
                                        choices=Schooling.choices)
    chronic_illness = serializers.BooleanField(label="长期慢性病", required=False)
    serious_illness = serializers.BooleanField(label="患有大病", required=False)
    disabled = serializers.BooleanField(label="残疾", required=False)
    disability_grade = serializers.ChoiceField(
        label="残疾等级", required=False, allow_blank=True,
        choices=DisabilityGrade.choices)
    labour = serializers.ChoiceField(label="劳动技能", required=False, allow_blank=True,
                                     choices=Labour.choices)
    employment = serializers.ChoiceField(label="务工状况", required=False, allow_blank=True,
                                         choices=Employment.choices)
    months_worked = serializers.IntegerField(label="务工时间(月)", required=False, min_value=0,
                                             max_value=12)
    medical_insurance = serializers.BooleanField(label="参加基本医疗保险", required=False)
    critical_illness_insurance = serializers.BooleanField(label="参加大病保险", required=False)
    pension_insurance = serializers.BooleanField(label="参加基本养老保险", required=False)
    school_exempt = serializers.BooleanField(label="因身体原因免学缓学", required=False)
    family_doctor = serializers.BooleanField(label="家庭医生签约", required=False, allow_null=True)
    chronic_card = serializers.BooleanField(label="慢病卡", required=False, allow_null=True)
    phone = serializers.CharField(label="联系电话", max_length=20, allow_blank=True,
                                   required=False)
    joined_on = serializers.DateField(label="入户日期", required=False, allow_null=True)


class MemberSerializer(MaskingMixin, serializers.ModelSerializer):
    household = ScopedHouseholdField()
    household_no = serializers.CharField(source="household.household_no", read_only=True,
                                         label="户编号")
    resident_id = serializers.CharField(label="身份证号", max_length=30)
    health_labels = serializers.ListField(child=serializers.CharField(), read_only=True,
                                          label="健康状况")
    birth_date = serializers.DateField(read_only=True, allow_null=True,
                                       label="出生日期（身份证号脱敏的角色为空）")
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True,
                                          label="出生年份")
    event = serializers.ChoiceField(
        label="加入方式（新增时）", write_only=True, required=False,
        choices=[(k.value, k.label) for k in JOINING_EVENTS])
    months_worked = serializers.IntegerField(label="务工时间(月)", required=False, min_value=0,
                                             max_value=12)

    class Meta:
        model = Member
        fields = ["id", "household", "household_no", "name", "name_initials", "resident_id",
                  "sex", "birth_date", "birth_year", "relation_to_head", "ethnicity", "education", "schooling",
                  "chronic_illness", "serious_illness", "disabled", "disability_grade", "labour",
                  "employment", "months_worked", "medical_insurance",
                  "critical_illness_insurance", "pension_insurance", "school_exempt",
                  "family_doctor", "chronic_card", "phone", "status",
                  "joined_on", "left_on", "health_labels", "event", "created_at", "updated_at"]
        read_only_fields = ["name_initials", "sex", "birth_date", "status", "left_on",
                            "created_at", "updated_at"]
        validators: list[Any] = []  # uniqueness is the service's business (Chinese messages)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, models.QuerySet)):
            fields["household"].read_only = True  # moving people is a leaving event
        return fields

    def create(self, validated_data: dict[str, Any]) -> Member:
        household = validated_data.pop("household")
        event = validated_data.pop("event", "moved_in")
        return services.add_member(actor=self.context["request"].user, household=household,
                                   data=validated_data, event=event,
                                   date=validated_data.get("joined_on"))

    def update(self, instance: Member, validated_data: dict[str, Any]) -> Member:
        validated_data.pop("event", None)
        validated_data.pop("household", None)
        return services.update_member(actor=self.context["request"].user, member=instance,
                                      changes=validated_data)


class MemberLeaveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label="离户事件",
                                   choices=[(k.value, k.label) for k in LEAVING_EVENTS])
    date = serializers.DateField(label="日期")
    note = serializers.CharField(label="说明", max_length=200, allow_blank=True,
                                   required=False)
    to_household_no = serializers.CharField(label="迁入户编号", max_length=30, allow_blank=True,
                                   required=False)

    def validate_to_household_no(self, value: str) -> Household | None:
        value = (value or "").strip()
        if not value:
            return None
        user = self.context["request"].user
        target = Household.objects.visible_to(user).filter(household_no=value).first()
        if target is None:
            raise serializers.ValidationError(f"户编号 {value} 不存在，或不在您的管辖范围内")
        return target


class MemberEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    member = serializers.IntegerField(source="member_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)


# ---------------------------------------------------------------- households

class HouseholdSerializer(MaskingMixin, serializers.ModelSerializer):
    area = serializers.CharField(source="area_id", label="村(社区)代码", max_length=12)
    area_name = serializers.CharField(source="area.name", read_only=True, label="村(社区)")
    other_causes = CauseListField(child=serializers.ChoiceField(choices=PovertyCause.choices),
                                  required=False, max_length=13, label="其他致贫原因")
    risk_types = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices),
                                       required=False, max_length=12, label="风险类型")
    member_count = serializers.IntegerField(read_only=True, label="在册人数", required=False)
    members = MemberInputSerializer(many=True, write_only=True, required=False,
                                    label="成员（新建时，须含一位户主）")

    class Meta:
        model = Household
        fields = ["id", "household_no", "area", "area_name", "group", "address", "head_name",
                  "head_initials", "phone", "bank_account", "household_type", "exit_year",
                  "welfare_status", "monitoring_type", "main_cause", "other_causes",
                  "risk_types", "housing_grade", "water_safe", "identified_on", "relocated",
                  "covid_confirmed", "food_secure", "clothing_secure", "risk_identified_on",
                  "risk_eliminated", "risk_eliminated_on", "risk_identified_case",
                  "risk_eliminated_case", "member_count", "members", "created_at", "updated_at"]
        # the monitoring record is written by the procedures only (cases)
        read_only_fields = ["head_name", "head_initials", "created_at", "updated_at",
                            "risk_identified_on", "risk_eliminated", "risk_eliminated_on",
                            "risk_identified_case", "risk_eliminated_case"]
        extra_kwargs: dict[str, Any] = {"household_no": {"validators": []}}
        validators: list[Any] = []

    def _service_data(self, validated: dict[str, Any]) -> dict[str, Any]:
        data = dict(validated)
        if "area_id" in data:
            data["area"] = data.pop("area_id")
        data.pop("members", None)
        return data

    def create(self, validated_data: dict[str, Any]) -> Household:
        members: list[Mapping[str, Any]] = [dict(m) for m in validated_data.get("members") or []]
        return services.create_household(actor=self.context["request"].user,
                                         data=self._service_data(validated_data),
                                         members=members)

    def update(self, instance: Household, validated_data: dict[str, Any]) -> Household:
        if "members" in validated_data:
            raise serializers.ValidationError(
                {"members": ["修改农户时不能提交成员；成员请通过 /api/members/ 添加、修改或离户"]})
        return services.update_household(actor=self.context["request"].user, household=instance,
                                         changes=self._service_data(validated_data))


# ---------------------------------------------------------------- incomes, assessments

class IncomeSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    household_no = serializers.CharField(source="household.household_no", read_only=True,
                                         label="户编号")
    members_counted = serializers.IntegerField(label="计算人口数（空：在册人数）", required=False,
                                               allow_null=True, min_value=1, max_value=99)
    # Components without a min validator: the service says which one is negative, in Chinese.
    wage_income = serializers.DecimalField(12, 2, required=False, label="工资性收入")
    business_income = serializers.DecimalField(12, 2, required=False, label="生产经营性收入")
    property_income = serializers.DecimalField(12, 2, required=False, label="财产性收入")
    transfer_income = serializers.DecimalField(12, 2, required=False, label="转移性收入")
    business_cost = serializers.DecimalField(12, 2, required=False, label="生产经营性支出")
    net = serializers.DecimalField(max_digits=13, decimal_places=2, read_only=True,
                                   label="家庭纯收入")
    per_capita = serializers.DecimalField(max_digits=13, decimal_places=2, read_only=True,
                                          label="人均纯收入")

    class Meta:
        model = Income
        fields = ["id", "household", "household_no", "year", "wage_income", "business_income",
                  "property_income", "transfer_income", "business_cost", "members_counted",
                  "net", "per_capita", "source", "created_at", "updated_at"]
        read_only_fields = ["net", "per_capita", "created_at", "updated_at"]
        validators: list[Any] = []

    def create(self, validated_data: dict[str, Any]) -> Income:
        return services.set_income(
            actor=self.context["request"].user, household=validated_data["household"],
            year=validated_data["year"],
            components={k: validated_data.get(k) for k in services.INCOME_FIELDS},
            members_counted=validated_data.get("members_counted"),
            source=validated_data.get("source", ""))


class AssessmentSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    household_no = serializers.CharField(source="household.household_no", read_only=True,
                                         label="户编号")

    class Meta:
        model = Assessment
        fields = ["id", "household", "household_no", "kind", "assessed_on", "housing_grade", "water_safe",
                  "water_litres_per_day", "water_fetch_minutes", "water_days_short",
                  "water_quality_ok", "assessor", "report_no", "note", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data: dict[str, Any]) -> Assessment:
        data = dict(validated_data)
        household = data.pop("household")
        kind = data.pop("kind")
        assessed_on = data.pop("assessed_on")
        return services.record_assessment(actor=self.context["request"].user,
                                          household=household, kind=kind,
                                          assessed_on=assessed_on, **data)


# ---------------------------------------------------------------- viewsets

class RegistryViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    permission_classes = [WriterOrReadOnly]
    lookup_value_regex = r"\d{1,18}"


class HouseholdViewSet(PersonalReadLogMixin, RegistryViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """农户：筛选与页面相同（area 区划前缀、q 搜索等）；新建时一并提交成员（含一位户主）。"""

    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().select_related("area").annotate(
            member_count=active_member_count())


class MemberViewSet(PersonalReadLogMixin, RegistryViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """家庭成员：新增（出生/迁入/婚入）、修改；离户（死亡/迁出/婚出）用 leave。"""

    queryset = Member.objects.all()
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().select_related("household")

    @extend_schema(request=MemberLeaveSerializer, responses={201: MemberEventSerializer})
    @action(detail=True, methods=["post"], serializer_class=MemberLeaveSerializer)
    def leave(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        ser = MemberLeaveSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        event = services.record_member_event(actor=actor_of(request), member=member, kind=d["kind"],
                                             date=d["date"], note=d.get("note", ""),
                                             to_household=d.get("to_household_no"))
        return Response(MemberEventSerializer(event).data, status=status.HTTP_201_CREATED)


class IncomeViewSet(RegistryViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin):
    """年度收入：POST 为登记或覆盖某户某年的收入；纯收入、人均纯收入由系统计算。"""

    queryset = Income.objects.all()
    serializer_class = IncomeSerializer
    filterset_class = IncomeFilterSet

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().select_related("household")


class AssessmentViewSet(RegistryViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin):
    """住房安全鉴定与饮水安全评估；户的当前等级随最新一次评估。"""

    queryset = Assessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().select_related("household")


def register(router: Any) -> None:
    router.register("households", HouseholdViewSet, basename="household")
    router.register("members", MemberViewSet, basename="member")
    router.register("incomes", IncomeViewSet, basename="income")
    router.register("assessments", AssessmentViewSet, basename="assessment")
