"""Masking of personal data for roles that do not need it, and the log of unmasked reads."""

from __future__ import annotations

from typing import Any

from .models import AccessLog

# The one answer about a person or household registered outside the user's scope: that it
# exists elsewhere, never where (no household number, no village).
OUTSIDE_SCOPE = "已在您的管辖范围外登记，请联系县级扶贫（乡村振兴）部门核实"


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


def shown_birth(user: Any, value: Any) -> str:
    """A birth date as the user may see it: the full date with unmasked resident IDs, else
    the year only (the 8 digits a masked ID hides are the birth date: showing the date
    would undo the mask)."""
    if value is None or value == "":
        return ""
    if sees_personal(user):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y} 年"


def log_access(user: Any, action: str, object_type: str, object_id: Any = "",
               area_code: str = "", detail: str = "") -> None:
    AccessLog.objects.create(user=user if getattr(user, "pk", None) else None, action=action,
                             object_type=object_type, object_id=str(object_id)[:50],
                             area_code=area_code, detail=detail[:300])


class PersonalReadLogMixin:
    """For API viewsets whose rows carry personal data: every list or detail answered
    unmasked (to a role that sees personal data) writes one access-log row — the list with
    the ids it returned, the detail with its id."""

    request: Any
    log_object_type = ""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        action = getattr(self, "action", None)
        if (request.method == "GET" and action in ("list", "retrieve")
                and getattr(response, "status_code", 0) == 200 and sees_personal(request.user)):
            data = getattr(response, "data", None) or {}
            object_type = self.log_object_type or self.queryset.model._meta.label  # type: ignore[attr-defined]
            if action == "retrieve":
                log_access(request.user, "view", object_type, data.get("id", ""),
                           str(data.get("area") or ""), detail="接口查看（未脱敏）")
            else:
                rows = data.get("results", data) if isinstance(data, dict) else data
                ids = [str(r.get("id")) for r in rows if isinstance(r, dict)]
                log_access(request.user, "list", object_type, "",
                           detail=f"接口列表（未脱敏）{len(ids)} 条：{request.get_full_path()[:120]} "
                                  f"id {','.join(ids[:20])}")
        return response
