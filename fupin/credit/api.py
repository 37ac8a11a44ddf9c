"""REST API of credit: loans (apply, act), bank files (upload, apply), subsidies, funds,
policies. Writes go through the same services as the pages; refusals are 400 with fields."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import Actor
from fupin.core.api import ScopedViewSetMixin
from fupin.core.privacy import shown_resident_id
from fupin.registry.models import Household, Member

from . import services
from .filters import BankFileFilterSet, LoanFilterSet, SubsidyFilterSet
from .models import BankFile, BankRow, Loan, LoanReview, Policy, RiskFund, Subsidy


def actor_of(request: Any) -> Actor:
    """The signed-in user as the acting person (views require a login)."""
    return cast(Actor, request.user)



class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanReview
        fields = ["id", "step", "decision", "actor_name", "acted_on", "comment", "data"]


class LoanSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    borrower_name = serializers.CharField(source="borrower.name", read_only=True)
    borrower_id_number = serializers.SerializerMethodField()
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = Loan
        fields = ["id", "loan_no", "household", "household_no", "borrower", "borrower_name",
                  "borrower_id_number", "area_code", "policy", "bank", "amount", "term_months",
                  "rate", "purpose", "is_topup", "renewal_of", "status", "applied_on",
                  "disbursed_on", "due_on", "extended_on", "extended_to", "overdue_since",
                  "closed_on", "balance", "repaid_total", "overdue_days", "subsidy_eligible",
                  "subsidy_lost_reason", "misused", "covid_deferral", "overdue_note"]
        read_only_fields = fields

    def get_borrower_id_number(self, obj: Loan) -> str:
        request = self.context.get("request")
        return shown_resident_id(request.user if request else None, obj.borrower_id_number)


class LoanDetailSerializer(LoanSerializer):
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "reviews"]
        read_only_fields = fields


class ApplySerializer(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=2**62)
    borrower = serializers.IntegerField(min_value=1, max_value=2**62)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    term_months = serializers.IntegerField(min_value=1, max_value=600)
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    purpose = serializers.CharField(max_length=200)
    applied_on = serializers.DateField(required=False, allow_null=True)
    is_topup = serializers.BooleanField(required=False, default=False)

    def validate_household(self, value: int) -> Household:
        found = Household.objects.visible_to(self.context["request"].user).filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("农户不存在，或不在您的管辖范围内")
        return found

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        member = Member.objects.filter(pk=data["borrower"], household=data["household"]).first()
        if member is None:
            raise serializers.ValidationError({"borrower": "借款人不是该户成员"})
        data["borrower"] = member
        return data


class ActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[
        "approve", "reject", "disburse", "repay", "renew", "request_extension",
        "approve_extension", "reject_extension", "overdue", "misuse", "request_write_off",
        "approve_write_off", "reject_write_off"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    loan_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    bank = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    amount = serializers.DecimalField(required=False, max_digits=14, decimal_places=2,
                                      min_value=0, allow_null=True, default=None)
    term_months = serializers.IntegerField(required=False, min_value=1, max_value=600,
                                           allow_null=True, default=None)
    rate = serializers.DecimalField(required=False, max_digits=5, decimal_places=2, min_value=0,
                                    allow_null=True, default=None)
    day = serializers.DateField(required=False, allow_null=True, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(required=False, min_value=1, max_value=100000,
                                    allow_null=True, default=None)
    epidemic = serializers.BooleanField(required=False, default=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        from .views import NEEDS

        need = NEEDS.get(data["action"])
        if need and not data.get(need):
            raise serializers.ValidationError({need: "此操作必须填写"})
        return data


class LoanViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Loan.objects.select_related("household", "borrower").all()
    filterset_class = LoanFilterSet

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return ApplySerializer
        if self.action == "act":
            return ActSerializer
        return LoanDetailSerializer if self.action == "retrieve" else LoanSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ApplySerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        loan = services.apply_loan(actor=actor_of(request), household=d["household"],
                                   borrower=d["borrower"], amount=d["amount"],
                                   term_months=d["term_months"], rate=d["rate"],
                                   purpose=d["purpose"], applied_on=d.get("applied_on"),
                                   is_topup=d["is_topup"])
        return Response(LoanDetailSerializer(loan, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def act(self, request: Request, pk: Any = None) -> Response:
        from fupin.core.scope import require_write

        from .views import ACTIONS

        loan = self.get_object()
        require_write(request.user, loan.area_id)
        ser = ActSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        result = ACTIONS[ser.validated_data["action"]](request.user, loan, ser.validated_data)
        target = result if isinstance(result, Loan) else Loan.objects.get(pk=loan.pk)
        return Response(LoanDetailSerializer(target, context={"request": request}).data)


class BankRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = BankRow
        fields = ["line", "loan_no", "balance", "repaid", "overdue_days", "loan", "error", "diff"]


class BankFileSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = BankFile
        fields = ["id", "area_code", "month", "bank", "filename", "sha256", "rows_read",
                  "rows_matched", "rows_rejected", "differences", "status", "applied_at"]
        read_only_fields = fields


class BankUploadSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=12)
    month = serializers.CharField(max_length=7)
    bank = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    file = serializers.FileField()

    def validate_file(self, value: Any) -> Any:
        if value.size > 50 * 1024 * 1024:
            raise serializers.ValidationError("文件超过 50 MB")
        return value


class BankFileViewSet(ScopedViewSetMixin, mixins.CreateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    queryset = BankFile.objects.all()
    filterset_class = BankFileFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_serializer_class(self) -> Any:
        return BankUploadSerializer if self.action == "create" else BankFileSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = BankUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        bank_file = services.import_bank_file(actor=actor_of(request), area_code=d["area"],
                                              month=d["month"], filename=d["file"].name,
                                              content=d["file"].read(), bank=d["bank"])
        data = BankFileSerializer(bank_file).data
        data["problems"] = BankRowSerializer(
            bank_file.rows.exclude(error="", diff={}).order_by("line")[:1000], many=True).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def rows(self, request: Request, pk: Any = None) -> Response:
        bank_file = self.get_object()
        page = self.paginate_queryset(bank_file.rows.order_by("line"))
        return self.get_paginated_response(BankRowSerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: Any = None) -> Response:
        result = services.apply_bank_file(actor=actor_of(request), bank_file=self.get_object())
        return Response(result)


class SubsidySerializer(serializers.ModelSerializer):
    class Meta:
        model = Subsidy
        fields = ["id", "loan", "area_code", "month", "principal", "rate", "share", "amount",
                  "lost_reason"]


class SubsidyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Subsidy.objects.all()
    serializer_class = SubsidySerializer
    filterset_class = SubsidyFilterSet


class FundSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area_id", read_only=True)

    class Meta:
        model = RiskFund
        fields = ["id", "area_code", "name", "capital", "established_on", "bank"]


class FundViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = RiskFund.objects.all()
    serializer_class = FundSerializer


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = Policy
        exclude = ["created_at", "updated_at"]


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Policy.objects.all()
    serializer_class = PolicySerializer


def register(router: Any) -> None:
    router.register("credit-loans", LoanViewSet, basename="credit-loan")
    router.register("credit-bank-files", BankFileViewSet, basename="credit-bank-file")
    router.register("credit-subsidies", SubsidyViewSet, basename="credit-subsidy")
    router.register("credit-funds", FundViewSet, basename="credit-fund")
    router.register("credit-policies", PolicyViewSet, basename="credit-policy")
