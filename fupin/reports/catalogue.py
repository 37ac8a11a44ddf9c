"""The indicators a scorecard or an assessment target may use: counts and derived rates."""

from __future__ import annotations

from typing import Any

from . import indicators


def choices() -> list[tuple[str, str]]:
    rates = [(k, f"{label}（%）") for k, label in indicators.RATE_LABELS.items()]
    counts = [(k, label) for k, label in indicators.LABELS.items()]
    return rates + counts


def label(key: str) -> str:
    return indicators.RATE_LABELS.get(key) or indicators.LABELS.get(key, key)


def unit(key: str) -> str:
    return "%" if key in indicators.RATES else ("人" if key.startswith("pp_") else "户")


def value(key: str, figs: dict[str, int], population: int | None) -> float | None:
    """The value of indicator `key` for an area's counts (rates need their denominator)."""
    if key in indicators.RATES:
        return indicators.rates(figs, population)[key]
    return float(figs.get(key, 0))


def fmt(key: str, v: Any) -> str:
    if v is None:
        return "无数据"
    if key in indicators.RATES:
        return f"{v:.2f}%"
    return f"{int(v):,}{unit(key)}"
