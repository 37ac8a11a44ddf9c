"""Shared bits of the `fupin assistance` / `fupin rectification` commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from fupin.accounts.models import User


class SystemUser:
    """The unrestricted actor for command-line reads when no --user is given."""

    is_superuser = True
    is_authenticated = True
    is_active = True
    is_writer = True
    sees_personal_data = True
    role = ""
    pk = None
    scope_codes: tuple[str, ...] = ()


def cli_user(username: str | None) -> Any:
    if not username:
        return SystemUser()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用")
    return user
