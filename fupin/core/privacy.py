"""Masking of personal data for roles that do not need it, and the log of unmasked reads."""

from __future__ import annotations

from typing import Any

from .models import AccessLog


def mask_resident_id(number: str) -> str:
    """Keep the first 6 and last 4 characters: 500236********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else ("*" * len(phone))


def mask_account(account: str) -> str:
    return ("*" * max(len(account) - 4, 0)) + account[-4:] if account else ""


def sees_personal(user: Any) -> bool:
    return bool(getattr(user, "sees_personal_data", False))


def shown_resident_id(user: Any, value: str) -> str:
    return value if sees_personal(user) else mask_resident_id(value)


def shown_phone(user: Any, value: str) -> str:
    return value if sees_personal(user) else mask_phone(value)


def shown_account(user: Any, value: str) -> str:
    return value if sees_personal(user) else mask_account(value)


def log_access(user: Any, action: str, object_type: str, object_id: Any = "",
               area_code: str = "", detail: str = "") -> None:
    AccessLog.objects.create(user=user if getattr(user, "pk", None) else None, action=action,
                             object_type=object_type, object_id=str(object_id)[:50],
                             area_code=area_code, detail=detail[:300])
