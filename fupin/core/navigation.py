"""The main menu, from the menu groups every installed app declares in its plugin.

Entries whose URL name is not defined are left out; entries with roles show only to those
roles (superusers see all).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .plugins import MenuItem, menu_groups

__all__ = ["MenuItem", "menu", "menu_for"]


def menu() -> list[tuple[str | Promise, list[MenuItem]]]:
    return menu_groups()


def menu_for(user: object) -> list[tuple[str | Promise, list[tuple[str | Promise, str]]]]:
    role = getattr(user, "role", "")
    superuser = getattr(user, "is_superuser", False)
    out = []
    for group, items in menu_groups():
        links = []
        for item in items:
            if not superuser and ((item.roles and role not in item.roles)
                                  or role in item.deny_roles):
                continue
            try:
                links.append((item.label, reverse(item.url_name)))
            except NoReverseMatch:
                continue
        if links:
            out.append((group, links))
    return out
