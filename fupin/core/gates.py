"""Roles an app is closed to (its plugin's `deny_roles`), enforced once for all its pages
and API routes: helpers work on their assigned households, not on a county's project
library, loans or partner systems."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver
from rest_framework.permissions import BasePermission

ROLE_MESSAGES = {"helper": "帮扶责任人只能查看所联系的农户，不能使用本模块"}


def _message(role: str) -> str:
    return ROLE_MESSAGES.get(role, "您的角色不能使用本模块")


def _denied(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False) and not getattr(user, "is_superuser", False)
                and getattr(user, "role", "") in roles)


def gate_view(view: Callable[..., Any], roles: tuple[str, ...]) -> Callable[..., Any]:
    @functools.wraps(view)
    def gated(request: Any, *args: Any, **kwargs: Any) -> Any:
        if _denied(request.user, roles):
            raise PermissionDenied(_message(request.user.role))
        return view(request, *args, **kwargs)
    return gated


def gate_patterns(patterns: list[Any], roles: tuple[str, ...]) -> list[Any]:
    """The same URL patterns with every view closed to `roles`."""
    out: list[Any] = []
    for p in patterns:
        if isinstance(p, URLPattern):
            out.append(URLPattern(p.pattern, gate_view(p.callback, roles), p.default_args, p.name))
        elif isinstance(p, URLResolver):
            p.url_patterns[:] = gate_patterns(list(p.url_patterns), roles)
            out.append(p)
        else:
            out.append(p)
    return out


def deny_roles_permission(roles: tuple[str, ...]) -> type[BasePermission]:
    class DenyRoles(BasePermission):
        message = _message(roles[0]) if roles else ""

        def has_permission(self, request: Any, view: Any) -> bool:
            return not _denied(request.user, roles)

    return DenyRoles


def gate_viewset(viewset: Any, roles: tuple[str, ...]) -> Any:
    perms = [deny_roles_permission(roles), *getattr(viewset, "permission_classes", [])]
    return type(viewset.__name__, (viewset,), {"permission_classes": perms})
