"""The area scope lives in `fupin.core.scope` (below areas and accounts, which use it);
this name is kept for the apps that import it from here."""

from fupin.core.scope import (  # noqa: F401
    NOTHING,
    ROLE_RESTRICTIONS,
    RoleRestriction,
    ScopedQuerySet,
    area_in_scope,
    can_write_area,
    is_unrestricted,
    register_role_restriction,
    require_write,
    role_restriction_q,
    scope_prefixes,
    scope_q,
)
