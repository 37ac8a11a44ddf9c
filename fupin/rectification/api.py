"""REST API of rectification: problems (with state actions), five lists, spot checks."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.actors import actor_of
from fupin.core.api import ScopedViewSetMixin
from fupin.registry.models import Household

from . import sampling, services
from .filters import ProblemFilter, SpotCheckFilter
from .models import Problem, SpotCheck, SpotCheckItem


def _data(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


class ProblemSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    area = serializers.CharField(source="area_id", required=False)
    household_no = serializers.CharField(source="household.household_no", read_only=True, default="")

    class Meta:
        model = Problem
        fields = ["id", "number", "source", "category", "area", "household", "household_no", "project_ref",
                  "description", "found_on", "found_by", "responsible_unit", "owner", "owner_name", "deadline",
                  "plan", "state", "rectified_by", "rectified_at", "effect", "verified_by", "verified_at",
                  "verification_note", "closed_at", "reopen_count", "escalation", "visit"]
        read_only_fields = ["found_by", "state", "rectified_by", "rectified_at", "effect", "verified_by",
                            "verified_at", "verification_note", "closed_at", "reopen_count", "escalation",
                            "visit"]
        extra_kwargs = {"found_on": {"required": False}}


class ActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    plan = serializers.CharField(required=False, allow_blank=True, default="")
    effect = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class ProblemViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Problems; POST …/{id}/act/ with {"action": start|rectify|reject|verify|close|reopen, note, …}."""

    queryset = Problem.objects.select_related("household")
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        household = d.pop("household", None)
        if household is not None:
            household = get_object_or_404(Household.objects.visible_to(request.user), pk=household.pk)
        area = d.pop("area_id", None)
        problem = services.create_problem(actor=actor_of(request), household=household, area=area, **d)
        return Response(self.get_serializer(problem).data, status=201)

    @action(detail=True, methods=["post"], serializer_class=ActionSerializer)
    def act(self, request: Request, pk: Any = None) -> Response:
        problem = self.get_object()
        s = ActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        problem = services.transition(actor=actor_of(request), problem=problem,
                                      action=str(_data(request).get("action", "")), **s.validated_data)
        return Response(ProblemSerializer(problem, context={"request": request}).data)


class SpotCheckItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpotCheckItem
        fields = ["id", "position", "household", "helper", "result", "note", "checked_at", "problem"]


class SpotCheckSerializer(serializers.ModelSerializer):
    items = SpotCheckItemSerializer(many=True, read_only=True)
    area = serializers.CharField(source="area_id")

    class Meta:
        model = SpotCheck
        fields = ["id", "area", "month", "kind", "seed", "size", "note", "items"]


class SpotCheckViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = SpotCheck.objects.prefetch_related("items")
    serializer_class = SpotCheckSerializer
    filterset_class = SpotCheckFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        check = sampling.draw(actor=actor_of(request), area_code=d["area_id"], month=d["month"], kind=d["kind"],
                              size=d["size"], seed=d.get("seed"), note=d.get("note", ""))
        return Response(self.get_serializer(check).data, status=201)


class SpotCheckItemViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """POST …/{id}/record/ with {result, note, category?, deadline?}."""

    queryset = SpotCheckItem.objects.all()
    serializer_class = SpotCheckItemSerializer

    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        item = sampling.record_result(
            actor=actor_of(request), item=self.get_object(), result=str(_data(request).get("result", "")),
            note=str(_data(request).get("note", "")), category=str(_data(request).get("category") or "other"))
        return Response(SpotCheckItemSerializer(item).data)


def register(router: Any) -> None:
    router.register("rectification/problems", ProblemViewSet, basename="rectification-problem")
    router.register("rectification/spotchecks", SpotCheckViewSet, basename="rectification-spotcheck")
    router.register("rectification/spotcheck-items", SpotCheckItemViewSet, basename="rectification-spotcheckitem")
