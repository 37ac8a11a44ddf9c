"""The one place that decides which rows a user may see and change.

Every page, API endpoint, export, report, command and job filters through `scope_q` /
`ScopedQuerySet.visible_to`, and checks writes with `can_write_area`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from fupin.accounts.models import User

_M = TypeVar("_M", bound=models.Model)

NOTHING = Q(pk__in=[])


def is_unrestricted(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def scope_prefixes(user: Any) -> tuple[str, ...]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    return tuple(user.scope_codes)


def scope_q(user: Any, field: str = "area_code") -> Q:
    """A filter on `field` (an area code column) that keeps rows inside the user's scopes."""
    if user is not None and getattr(user, "is_authenticated", False) and is_unrestricted(user):
        return Q()
    prefixes = scope_prefixes(user)
    if not prefixes:
        return NOTHING
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


# Row restrictions by role, on top of the area scope: role -> fn(user, model) returning a Q
# for that model's queryset (or None when the role is not restricted on that model). Apps
# register them at startup; e.g. assistance limits role `helper` to the households
# currently assigned to the helper.
RoleRestriction = Callable[[Any, type[models.Model]], "Q | None"]
ROLE_RESTRICTIONS: dict[str, RoleRestriction] = {}


def register_role_restriction(role: str, fn: RoleRestriction) -> None:
    ROLE_RESTRICTIONS[str(role)] = fn


def role_restriction_q(user: Any, model: type[models.Model]) -> Q:
    if user is None or is_unrestricted(user):
        return Q()
    fn = ROLE_RESTRICTIONS.get(str(getattr(user, "role", "")))
    if fn is None:
        return Q()
    q = fn(user, model)
    return Q() if q is None else q


def area_in_scope(user: Any, area_code: str) -> bool:
    if is_unrestricted(user) and getattr(user, "is_active", False):
        return True
    return any(area_code.startswith(p) for p in scope_prefixes(user))


def can_write_area(user: Any, area_code: str) -> bool:
    return bool(getattr(user, "is_writer", False)) and area_in_scope(user, area_code)


def require_write(user: Any, area_code: str) -> None:
    if not can_write_area(user, area_code):
        raise PermissionDenied(f"您没有修改区划 {area_code} 数据的权限")


class ScopedQuerySet(models.QuerySet[_M]):
    """QuerySet for rows that carry an area code; `scope_field` names the code column path
    (a plain CharField path, or `<fk>__code` for a ForeignKey to Area, which needs no join)."""

    scope_field = "area_code"

    def visible_to(self, user: User | Any) -> Self:
        return self.filter(scope_q(user, self.scope_field) & role_restriction_q(user, self.model))

    def in_area(self, code: str) -> Self:
        return self.filter(**{f"{self.scope_field}__startswith": code})
