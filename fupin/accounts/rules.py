"""Object permissions (django `rules`), built on the scope module.

Permission names follow Django's `<app>.<action>_<model>`; objects expose `area_id`.
"""

import rules

from .models import Role
from .scope import area_in_scope, can_write_area


@rules.predicate
def in_scope(user, obj=None) -> bool:
    if obj is None:
        return bool(user.is_superuser or user.scope_codes)
    return area_in_scope(user, _area_of(obj))


@rules.predicate
def writes_in_scope(user, obj=None) -> bool:
    if obj is None:
        return bool(user.is_writer and (user.is_superuser or user.scope_codes))
    return can_write_area(user, _area_of(obj))


@rules.predicate
def is_county_admin(user) -> bool:
    return bool(user.is_superuser or user.role == Role.COUNTY_ADMIN)


def _area_of(obj) -> str:
    code = getattr(obj, "area_id", None) or getattr(obj, "code", None)
    if code is None and hasattr(obj, "household"):
        code = obj.household.area_id
    return str(code or "")


for model in ("household", "member", "income", "assessment", "householdstatus", "memberevent"):
    rules.add_perm(f"registry.view_{model}", rules.is_authenticated & in_scope)
    rules.add_perm(f"registry.add_{model}", rules.is_authenticated & writes_in_scope)
    rules.add_perm(f"registry.change_{model}", rules.is_authenticated & writes_in_scope)
    rules.add_perm(f"registry.delete_{model}", rules.is_authenticated & writes_in_scope)
rules.add_perm("areas.view_area", rules.is_authenticated & in_scope)
rules.add_perm("areas.change_areapopulation", rules.is_authenticated & is_county_admin)
