"""REST API of projects and funds: read everything in scope; write through the same services
as the pages (propose, act, objections, sources, allocations, payments, beneficiaries,
benefit links, payouts, consumption sales). Service refusals are 400 with field errors."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.scope import area_in_scope
from fupin.core.api import ScopedViewSetMixin

from . import filters
from .models import (
    Allocation,
    Asset,
    Beneficiary,
    BenefitLink,
    ConsumptionSale,
    FundSource,
    Notice,
    Objection,
    Payment,
    Payout,
    Project,
)
from .services import benefits, funds, library
from .services.common import me
from .services.summary import summary


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "notice", "raised_on", "content", "answer", "answered_on", "upheld"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "project", "level", "start", "end", "place", "superseded", "objections"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "area_code", "county_code", "category", "state", "version",
                  "planned_funds", "expected_households", "expected_people", "content",
                  "meeting_date", "meeting_attendees", "meeting_agreed", "meeting_minutes",
                  "proposed_on", "entered_library_on", "library_year", "plan_year", "planned_on",
                  "funded_on", "started_on", "completed_on", "accepted_on", "handed_over_on",
                  "removed_on", "removed_reason", "removed_filing"]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    notices = NoticeSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "notices"]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=12)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=20)
    planned_funds = serializers.CharField(max_length=30)
    expected_households = serializers.CharField(max_length=10, required=False, default="0")
    expected_people = serializers.CharField(max_length=10, required=False, default="0")
    content = serializers.CharField(required=False, allow_blank=True, default="")
    meeting_date = serializers.CharField(max_length=20)
    meeting_attendees = serializers.CharField(max_length=10)
    meeting_agreed = serializers.CharField(max_length=10)
    meeting_minutes = serializers.CharField(max_length=5000)


class ActSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=30)
    version = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    values = serializers.DictField(required=False, default=dict,
                                   help_text="start、end（公示）、year（计划）、reason、filing（出库）、assets（移交）")


class ObjectionInSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    raised_on = serializers.DateField()
    content = serializers.CharField(max_length=2000)


class AnswerSerializer(serializers.Serializer):
    objection = serializers.IntegerField()
    answered_on = serializers.DateField()
    answer = serializers.CharField(max_length=2000)
    upheld = serializers.BooleanField(required=False, default=False)


class AllocateSerializer(serializers.Serializer):
    source = serializers.IntegerField()  # type: ignore[assignment]  # DRF: a field named "source"
    amount = serializers.CharField(max_length=30)
    allocated_on = serializers.DateField(required=False, allow_null=True, default=None)


class PaySerializer(serializers.Serializer):
    allocation = serializers.IntegerField()
    amount = serializers.CharField(max_length=30)
    paid_on = serializers.CharField(max_length=20)
    voucher = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class BeneficiariesSerializer(serializers.Serializer):
    households = serializers.ListField(child=serializers.CharField(max_length=30), min_length=1,
                                       max_length=5000)


class ProjectViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Project.objects.select_related("area").all()
    filterset_class = filters.ProjectFilterSet

    def get_serializer_class(self) -> Any:
        return {"create": ProposeSerializer, "act": ActSerializer, "objection": ObjectionInSerializer,
                "answer": AnswerSerializer, "allocate": AllocateSerializer, "pay": PaySerializer,
                "beneficiaries": BeneficiariesSerializer,
                "retrieve": ProjectDetailSerializer}.get(self.action, ProjectSerializer)

    def _data(self, request: Request) -> dict[str, Any]:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def _out(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        project.refresh_from_db()
        return Response(ProjectDetailSerializer(project).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = self._data(request)
        area = d.pop("area")
        project = library.propose(actor=me(request), area_code=area, data=d)
        return self._out(project, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def act(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        project = library.act(actor=me(request), project=project, action=d["action"],
                              version=d["version"], comment=d["comment"], data=d["values"])
        return self._out(project)

    @action(detail=True, methods=["post"])
    def objection(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        notice = project.notices.filter(pk=d["notice"]).first()
        if notice is None:
            raise serializers.ValidationError({"notice": ["本项目没有这条公示"]})
        library.raise_objection(actor=me(request), notice=notice, content=d["content"],
                                raised_on=d["raised_on"])
        return self._out(project, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        # (cast: django-stubs confuses this model with cases.Objection, same class name)
        objection = cast("Objection | None", Objection.objects.filter(
            pk=d["objection"], notice__project=project).first())
        if objection is None:
            raise serializers.ValidationError({"objection": ["本项目没有这条异议"]})
        library.answer_objection(actor=me(request), objection=objection, answer=d["answer"],
                                 upheld=d["upheld"], answered_on=d["answered_on"])
        return self._out(project)

    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        source = FundSource.objects.visible_to(request.user).filter(pk=d["source"]).first()
        if source is None:
            raise serializers.ValidationError({"source": ["资金来源不存在，或不在您的管辖范围内"]})
        funds.allocate(actor=me(request), project=project, source=source, amount=d["amount"],
                       on=d["allocated_on"])
        return self._out(project, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        allocation = project.allocations.filter(pk=d["allocation"]).first()
        if allocation is None:
            raise serializers.ValidationError({"allocation": ["本项目没有这笔资金安排"]})
        funds.pay(actor=me(request), allocation=allocation, amount=d["amount"],
                  paid_on=d["paid_on"], voucher=d["voucher"])
        return self._out(project, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def beneficiaries(self, request: Request, pk: Any = None) -> Response:
        project = self.get_object()
        d = self._data(request)
        benefits.add_beneficiaries(actor=me(request), project=project,
                                   household_nos=d["households"])
        return self._out(project, status.HTTP_201_CREATED)


class FundSourceSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area_id", read_only=True)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = FundSource
        fields = ["id", "area_code", "kind", "name", "year", "amount", "allocated", "balance"]
        read_only_fields = fields


class FundSourceInSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=6)
    kind = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    year = serializers.CharField(max_length=4)
    amount = serializers.CharField(max_length=30)


class FundSourceViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = FundSource.objects.all()
    filterset_class = filters.FundSourceFilterSet

    def get_serializer_class(self) -> Any:
        return FundSourceInSerializer if self.action == "create" else FundSourceSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = FundSourceInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        source = funds.add_source(actor=me(request), county_code=d["area"], kind=d["kind"],
                                  name=d["name"], year=d["year"], amount=d["amount"])
        return Response(FundSourceSerializer(source).data, status=status.HTTP_201_CREATED)


class AllocationSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "project", "project_code", "source", "amount", "paid", "allocated_on"]
        read_only_fields = fields


class AllocationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Allocation.objects.select_related("project").all()
    serializer_class = AllocationSerializer
    filterset_fields = ["project", "source"]


class PaymentSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="allocation.project.code", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "allocation", "project_code", "amount", "paid_on", "voucher"]
        read_only_fields = fields


class PaymentViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Payment.objects.select_related("allocation__project").all()
    serializer_class = PaymentSerializer
    filterset_class = filters.PaymentFilterSet


class BeneficiarySerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Beneficiary
        fields = ["id", "project", "project_code", "household", "household_no", "kind", "people",
                  "added_on"]
        read_only_fields = fields


class BeneficiaryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Beneficiary.objects.select_related("household", "project").all()
    serializer_class = BeneficiarySerializer
    filterset_fields = ["project", "kind"]


class LinkSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = BenefitLink
        fields = ["id", "household", "household_no", "area_code", "project", "partner_kind",
                  "partner_name", "mode", "started_on", "ended_on", "amount_per_year", "industry"]
        read_only_fields = fields


class LinkInSerializer(serializers.Serializer):
    household_no = serializers.CharField(max_length=30)
    mode = serializers.CharField(max_length=20)
    started_on = serializers.CharField(max_length=20)
    project = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    partner_kind = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    partner_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount_per_year = serializers.CharField(max_length=30, required=False, default="0")


class PayoutInSerializer(serializers.Serializer):
    paid_on = serializers.CharField(max_length=20)
    amount = serializers.CharField(max_length=30)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PayoutSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="link.household.household_no", read_only=True)

    class Meta:
        model = Payout
        fields = ["id", "link", "household_no", "paid_on", "amount", "note"]
        read_only_fields = fields


class LinkViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = BenefitLink.objects.select_related("household").all()
    filterset_class = filters.BenefitLinkFilterSet

    def get_serializer_class(self) -> Any:
        return {"create": LinkInSerializer, "payout": PayoutInSerializer}.get(
            self.action, LinkSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from fupin.registry.models import Household

        ser = LinkInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not Household.objects.visible_to(request.user).filter(
                household_no=d["household_no"]).exists():
            raise serializers.ValidationError({"household_no": ["户编号不存在，或不在您的管辖范围内"]})
        project = None
        if d["project"]:
            project = Project.objects.visible_to(request.user).filter(code=d["project"]).first()
            if project is None:
                raise serializers.ValidationError({"project": ["项目编号不存在，或不在您的管辖范围内"]})
        link = benefits.create_link(actor=me(request), household_no=d["household_no"],
                                    mode=d["mode"], started_on=d["started_on"], project=project,
                                    partner_kind=d["partner_kind"], partner_name=d["partner_name"],
                                    amount_per_year=d["amount_per_year"])
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def payout(self, request: Request, pk: Any = None) -> Response:
        link = self.get_object()
        ser = PayoutInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        payout = benefits.add_payout(actor=me(request), link=link, paid_on=d["paid_on"],
                                     amount=d["amount"], note=d["note"])
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Payout.objects.select_related("link__household").all()
    serializer_class = PayoutSerializer
    filterset_class = filters.PayoutFilterSet


class AssetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Asset
        fields = ["id", "project", "name", "kind", "owner", "value", "maintainer", "handed_over_on"]
        read_only_fields = fields


class AssetViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Asset.objects.all()
    serializer_class = AssetSerializer
    filterset_class = filters.AssetFilterSet


class SaleSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = ConsumptionSale
        fields = ["id", "area_code", "seller_kind", "household", "seller_name", "channel",
                  "product", "amount", "sold_on"]
        read_only_fields = fields


class SaleInSerializer(serializers.Serializer):
    seller_kind = serializers.CharField(max_length=12)
    household_no = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    area = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    seller_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    channel = serializers.CharField(max_length=20)
    product = serializers.CharField(max_length=200)
    amount = serializers.CharField(max_length=30)
    sold_on = serializers.CharField(max_length=20)


class SaleViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ConsumptionSale.objects.all()
    filterset_class = filters.SaleFilterSet

    def get_serializer_class(self) -> Any:
        return SaleInSerializer if self.action == "create" else SaleSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from fupin.registry.models import Household

        ser = SaleInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if d["household_no"] and not Household.objects.visible_to(request.user).filter(
                household_no=d["household_no"]).exists():
            raise serializers.ValidationError({"household_no": ["户编号不存在，或不在您的管辖范围内"]})
        area = d.pop("area")
        sale = benefits.record_sale(actor=me(request), area_code=area, **d)
        return Response(SaleSerializer(sale).data, status=status.HTTP_201_CREATED)


class SummarySerializer(serializers.Serializer):
    area = serializers.CharField(max_length=12)
    year = serializers.IntegerField(required=False, min_value=2010, max_value=2100)
    as_of = serializers.DateField(required=False)


class SummaryViewSet(viewsets.ViewSet):
    """GET /api/projects-summary/?area=CODE&year=YEAR[&as_of=DATE]: the summary's keys."""

    def list(self, request: Request) -> Response:
        ser = SummarySerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not area_in_scope(request.user, d["area"]):
            raise serializers.ValidationError({"area": [f"区划 {d['area']} 不在您的管辖范围内"]})
        return Response(summary(d["area"], d.get("year"), d.get("as_of")))


def register(router: Any) -> None:
    router.register("projects", ProjectViewSet, basename="project")
    router.register("project-funds", FundSourceViewSet, basename="project-fund")
    router.register("project-allocations", AllocationViewSet, basename="project-allocation")
    router.register("project-payments", PaymentViewSet, basename="project-payment")
    router.register("project-beneficiaries", BeneficiaryViewSet, basename="project-beneficiary")
    router.register("benefit-links", LinkViewSet, basename="benefit-link")
    router.register("benefit-payouts", PayoutViewSet, basename="benefit-payout")
    router.register("project-assets", AssetViewSet, basename="project-asset")
    router.register("consumption-sales", SaleViewSet, basename="consumption-sale")
    router.register("projects-summary", SummaryViewSet, basename="projects-summary")

