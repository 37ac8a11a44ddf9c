"""Read-only REST API of areas: the user's areas and the areas above them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from .filters import AreaFilterSet, visible_areas
from .models import Area


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent", "urban_rural_code", "is_poor_village"]
        read_only_fields = fields


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划（国家统计局区划代码）；code 前缀筛选，parent 取下级。"""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_value_regex = r"\d{2,12}"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return visible_areas(self.request.user).order_by("code")


def register(router: Any) -> None:
    router.register("areas", AreaViewSet, basename="area")
