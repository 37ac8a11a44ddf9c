from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}%"


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.filter
def signed_pct(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):+.2f} 个百分点"


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def label(key: str) -> str:
    from fupin.reports import catalogue
    return catalogue.label(key)


@register.filter
def fmt(key: str, value: Any) -> str:
    from fupin.reports import catalogue
    return catalogue.fmt(key, value)


@register.filter
def thousands(value: Any) -> str:
    """1234567 -> 1,234,567 (counts in tiles and tables)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—" if value is None else str(value)
