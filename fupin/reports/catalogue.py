"""The indicators a scorecard or an assessment target may use: counts and derived rates."""

from __future__ import annotations

from typing import Any

from . import indicators


def choices() -> list[tuple[str, str]]:
    rates = [(k, f"{label}（{indicators.DERIVED[k][1] if k in indicators.DERIVED else '%'}）")
             for k, label in indicators.RATE_LABELS.items()]
    counts = [(k, label) for k, label in indicators.LABELS.items()]
    return rates + counts


def label(key: str) -> str:
    return indicators.RATE_LABELS.get(key) or indicators.LABELS.get(key, key)


def unit(key: str) -> str:
    if key in indicators.DERIVED:
        return indicators.DERIVED[key][1]
    if key in indicators.RATES:
        return "%"
    if key in indicators.FAMILY_KEYS:
        return "件"
    return "人" if key.startswith("pp_") else "户"


def value(key: str, figs: dict[str, int], population: int | None) -> float | None:
    """The value of indicator `key` for an area's counts (rates need their denominator)."""
    if key in indicators.RATES or key in indicators.DERIVED:
        return indicators.rates(figs, population)[key]
    return float(figs.get(key, 0))


def fmt(key: str, v: Any) -> str:
    if v is None:
        return "无数据"
    if key in indicators.RATES:
        return f"{v:.2f}%"
    if key in indicators.DERIVED:
        return f"{v:g}{unit(key)}"
    return f"{int(v):,}{unit(key)}"
