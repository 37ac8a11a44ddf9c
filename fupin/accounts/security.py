"""Login hardening: the name django-axes counts failures under, and API tokens that stop
working while their account is locked out."""

from __future__ import annotations

import unicodedata
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def normalise_username(value: Any) -> str:
    """The user name as the login form reads it (NFKC, stripped), case-folded, so that
    "cadre", " cadre " and "CADRE" count as one name."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised name from the credentials or the form."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials and credentials.get(field) is not None:
        return normalise_username(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalise_username(data.get(field, ""))


def is_locked_out(username: str) -> bool:
    """True while the account has reached the failure limit from any address."""
    qs = AccessAttempt.objects.filter(username=normalise_username(username),
                                      failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off is not None:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    return qs.exists()


class LockoutAwareTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses the token of a locked-out account."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if is_locked_out(user.get_username()):
            raise exceptions.AuthenticationFailed("该账号因登录失败次数过多已被暂时锁定，令牌暂不可用")
        return user, token
