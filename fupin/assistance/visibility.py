"""Role `helper` sees only the households currently assigned to them.

Registered with `fupin.accounts.scope.register_role_restriction` when the app loads, so
every `visible_to(user)` (pages, API, exports, reports, jobs) applies it on top of the
area scope. The path to the household is derived from the queryset's `scope_field`
(`household__area__code` → `household`, `plan__household__area__code` → `plan__household`),
or from a `household_field` attribute on the queryset class for models scoped by their own
area code that may also name a household (Problem, FlaggedSupervision: rows about the whole
village, with no household, stay visible). Models without a household (units, helpers,
spot checks) keep the area scope only.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from fupin.accounts.models import Role
from fupin.accounts.scope import register_role_restriction


def household_path(model: type[models.Model]) -> str | None:
    if model._meta.label == "registry.Household":
        return "pk"
    qs_class = getattr(model._default_manager, "_queryset_class", None)
    explicit = getattr(qs_class, "household_field", None)
    if explicit:
        return str(explicit)
    scope_field = str(getattr(qs_class, "scope_field", ""))
    parts = scope_field.split("__")
    if "household" in parts:
        return "__".join(parts[: parts.index("household") + 1])
    return None


def assigned_household_ids(user: Any) -> models.QuerySet[Any]:
    from .models import Assignment
    return Assignment.objects.filter(ended_on__isnull=True, helper__user_id=user.pk).values("household_id")


def helper_restriction(user: Any, model: type[models.Model]) -> Q | None:
    path = household_path(model)
    if path is None:
        return None
    q = Q(**{f"{path}__in": assigned_household_ids(user)})
    if path != "pk" and _nullable(model, path):
        q |= Q(**{f"{path}__isnull": True})  # rows about the whole village stay visible
    return q


def _nullable(model: type[models.Model], path: str) -> bool:
    """Whether the household at the end of `path` (e.g. `problem__household`) may be empty."""
    field: Any = None
    current: Any = model
    for name in path.split("__"):
        field = current._meta.get_field(name)
        current = field.related_model
    return bool(field is not None and field.null)


def install() -> None:
    register_role_restriction(Role.HELPER, helper_restriction)


def active_helpers(area_code: str) -> Any:
    """Random checks of helpers draw from the active helpers of the area."""
    from .models import Helper

    return Helper.objects.filter(area__code__startswith=area_code, active=True)
