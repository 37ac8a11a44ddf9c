"""Which areas a user may see, as a queryset and as a tree for filter sidebars."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from fupin.core.scope import is_unrestricted, scope_prefixes, scope_q

from .models import Area, AreaLevel


def visible_areas(user: Any) -> QuerySet[Area]:
    """Areas inside the user's scopes, plus the areas above them (to name and navigate)."""
    if getattr(user, "is_authenticated", False) and is_unrestricted(user) and user.is_active:
        return Area.objects.all()
    prefixes = scope_prefixes(user)
    above = {p[:n] for p in prefixes for n in (2, 4, 6, 9) if n < len(p)}
    return Area.objects.filter(scope_q(user, "code") | Q(code__in=above))


@dataclass
class AreaNode:
    code: str
    name: str
    level: str
    children: list[AreaNode] = field(default_factory=list)
    in_scope: bool = True


def area_tree(user: Any, *, down_to: str = AreaLevel.VILLAGE) -> list[AreaNode]:
    """The user's areas as a forest (one query), counties at the top."""
    levels = [AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE]
    levels = levels[: levels.index(AreaLevel(down_to)) + 1]
    rows = visible_areas(user).filter(level__in=levels).order_by("code").values_list(
        "code", "name", "level", "parent_id")
    prefixes = scope_prefixes(user)
    unrestricted = getattr(user, "is_superuser", False)
    nodes: dict[str, AreaNode] = {}
    roots: list[AreaNode] = []
    for code, name, level, parent in rows:
        node = AreaNode(code, name, level,
                        in_scope=unrestricted or any(code.startswith(p) for p in prefixes))
        nodes[code] = node
        if parent in nodes:
            nodes[parent].children.append(node)
        else:
            roots.append(node)
    return roots


class AreaFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(label="区划代码（前缀）", field_name="code",
                                     lookup_expr="startswith", max_length=12)
    level = django_filters.ChoiceFilter(label="层级", choices=AreaLevel.choices, empty_label="全部")
    parent = django_filters.CharFilter(label="上级区划代码", field_name="parent_id", max_length=12)
    name = django_filters.CharFilter(label="名称（前缀）", field_name="name",
                                     lookup_expr="startswith", max_length=50)

    class Meta:
        model = Area
        fields = ["code", "level", "parent", "name"]
