from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fupin.accounts.actors import actor_of
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object
from fupin.core.locking import OptimisticLockMixin
from fupin.registry.models import Household

from .. import services
from ..filters import PlanFilter
from ..forms import MeasureForm, PlanForm
from ..models import Measure, Plan
from ..tables import PlanTable


class PlanListView(ObjectListView):
    model = Plan
    filterset_class = PlanFilter
    table_class = PlanTable
    title = "一户一策"

    def get_queryset(self) -> Any:
        return (super().get_queryset().select_related("household__area")
                .annotate(measure_count=Count("measures"),
                          done_count=Count("measures", filter=Q(measures__status="done")),
                          amount=Sum("measures__amount"))
                .order_by("-year", "household__household_no"))


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_object(Plan, request.user, pk=pk)
    return render(request, "assistance/plan_detail.html", {
        "plan": plan, "measures": plan.measures.select_related("responsible_unit"),
        "can_edit": services.can_act_on_household(request.user, plan.household),
        "form": MeasureForm(user=request.user)})


class PlanCreateView(ServiceFormView):
    form_class = PlanForm
    template_name = "assistance/plan_form.html"

    def household(self) -> Household:
        return get_scoped_object(Household, self.request.user, pk=self.kwargs["household_pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "suggestions": services.suggest_measures(self.household())}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        h = self.household()
        ctx["household"] = h
        ctx["title"] = f"制定帮扶计划（一户一策）：{h.household_no} {h.head_name}"
        ctx["has_labour"] = services.has_labour(h)
        return ctx

    @transaction.atomic
    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        chosen = [form.suggestions[int(i)] for i in d["suggested"]]
        return services.create_plan(
            actor=actor_of(self.request), household=self.household(), year=d["year"], summary=d["summary"],
            measures=[{"category": s.category, "title": s.title} for s in chosen])


class MeasureCreateView(ServiceFormView):
    form_class = MeasureForm
    title = "新增帮扶措施"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: Any) -> Any:
        plan = get_scoped_object(Plan, self.request.user, pk=self.kwargs["pk"])
        services.add_measure(actor=actor_of(self.request), plan=plan, data=form.cleaned_data)
        return plan


class MeasureEditView(OptimisticLockMixin, ServiceFormView):
    form_class = MeasureForm
    title = "修改帮扶措施"

    def get_lock_object(self) -> Measure:
        return self.measure()

    def measure(self) -> Measure:
        return get_scoped_object(Measure, self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        m = self.measure()
        initial = {f: getattr(m, f) for f in ("category", "title", "responsible_unit", "responsible_text",
                                               "amount", "start", "end", "status", "outcome")}
        return {**super().get_form_kwargs(), "user": self.request.user, "initial": initial}

    def perform(self, form: Any) -> Any:
        m = services.update_measure(actor=self.request.user, measure=self.measure(), changes=form.cleaned_data)
        return m.plan
