from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fupin.accounts.actors import actor_of
from fupin.accounts.models import User
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object
from fupin.core.privacy import shown_phone
from fupin.registry.models import Household

from .. import services
from ..filters import HelperFilter
from ..forms import AssignForm, FlagForm, HelperForm, PairForm, RuleForm, UnitForm
from ..models import (
    Assignment,
    AssistanceRule,
    AssistingUnit,
    FlaggedSupervision,
    Helper,
    UnitPairing,
)
from ..tables import AssignmentTable, FlagTable, HelperTable, RuleTable, UnitTable


class HelperListView(ObjectListView):
    model = Helper
    filterset_class = HelperFilter
    table_class = HelperTable
    title = "帮扶责任人"
    add_url_name = "assistance:helper_add"
    template_name = "assistance/helper_list.html"

    def get_queryset(self) -> Any:
        return Helper.objects.visible_to(self.request.user).with_load().select_related("unit", "area").order_by("area_id", "name")


@login_required
def helper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    helper = get_scoped_object(Helper, request.user, pk=pk)
    rows = Assignment.objects.visible_to(request.user).filter(helper=helper).select_related("household")
    current = [a for a in rows if a.ended_on is None]
    return render(request, "assistance/helper_detail.html", {
        "helper": helper, "phone": shown_phone(request.user, helper.phone), "current": current,
        "history": AssignmentTable(list(rows)), "limit": services.helper_limit(helper)})


class HelperCreateView(ServiceFormView):
    form_class = HelperForm
    title = "新增帮扶责任人"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        username = data.pop("username", "")
        if username:
            data["user"] = User.objects.filter(username=username).first()
            if data["user"] is None:
                raise ValidationError({"username": f"账号“{username}”不存在"})
        return services.create_helper(actor=actor_of(self.request), data=data)


class UnitListView(ObjectListView):
    model = AssistingUnit
    table_class = UnitTable
    filterset_fields = ["level"]
    title = "帮扶单位"
    add_url_name = "assistance:unit_add"


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_object(AssistingUnit, request.user, pk=pk)
    return render(request, "assistance/unit_detail.html", {
        "unit": unit,
        "pairings": UnitPairing.objects.visible_to(request.user).filter(unit=unit).select_related("village"),
        "helpers": Helper.objects.visible_to(request.user).filter(unit=unit).with_load()})


class UnitCreateView(ServiceFormView):
    form_class = UnitForm
    title = "新增帮扶单位"

    def perform(self, form: Any) -> Any:
        return services.create_unit(actor=actor_of(self.request), **form.cleaned_data)


class UnitPairView(ServiceFormView):
    form_class = PairForm
    title = "单位结对村"

    def perform(self, form: Any) -> Any:
        unit = get_scoped_object(AssistingUnit, self.request.user, pk=self.kwargs["pk"])
        services.pair_unit(actor=actor_of(self.request), unit=unit, **form.cleaned_data)
        return unit


class AssignView(ServiceFormView):
    form_class = AssignForm
    title = "结对帮扶责任人"

    def household(self) -> Household:
        return get_scoped_object(Household, self.request.user, pk=self.kwargs["household_pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "household": self.household()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        h = self.household()
        ctx["title"] = f"为 {h.household_no} {h.head_name} 结对帮扶责任人"
        return ctx

    def perform(self, form: Any) -> Any:
        h = self.household()
        row = services.assign_helper(actor=actor_of(self.request), household=h, **form.cleaned_data)
        return row.helper


class FlagListView(ObjectListView):
    model = FlaggedSupervision
    table_class = FlagTable
    filterset_fields = ["ended_on"]
    title = "挂牌督战"
    add_url_name = "assistance:flag_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area", "household")


class FlagCreateView(ServiceFormView):
    form_class = FlagForm
    title = "挂牌督战"

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        no = data.pop("household_no", "")
        household = None
        if no:
            household = Household.objects.visible_to(self.request.user).filter(household_no=no).first()
            if household is None:
                raise ValidationError({"household_no": f"户编号 {no} 不存在或不在您的管辖范围内"})
        services.flag(actor=actor_of(self.request), household=household, **data)
        return reverse("assistance:flag_list")


class RuleListView(ObjectListView):
    """Rules are configuration: everyone sees the default and the rules of their areas."""

    model = AssistanceRule
    table_class = RuleTable
    filterset_fields: list[str] = []
    title = "帮扶规则（联系户上限、走访周期）"
    add_url_name = "assistance:rule_edit"

    def get_queryset(self) -> Any:
        from django.db.models import Q
        return AssistanceRule.objects.filter(Q(area_code="") | Q(pk__in=AssistanceRule.objects.visible_to(
            self.request.user).values("pk")))


class RuleEditView(ServiceFormView):
    form_class = RuleForm
    title = "设置帮扶规则"

    def get_initial(self) -> dict[str, Any]:
        code = self.request.GET.get("area", "")
        rule = services.rule_for(code) if code else None
        initial = super().get_initial()
        if rule is not None:
            initial.update({f: getattr(rule, f) for f in ("max_households_per_helper", "visit_months_monitored",
                                                          "visit_months_poor", "visit_months_lifted")})
            initial["area_code"] = code
        return initial

    def perform(self, form: Any) -> Any:
        services.set_rule(actor=actor_of(self.request), **form.cleaned_data)
        return reverse("assistance:rule_list")
