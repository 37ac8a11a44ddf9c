"""Plain-Chinese explanations of warnings, filled from the values stored with them.

A template names values in braces: ``人均纯收入 {income_per_capita} 元``. ``{x:%}`` shows a
ratio as a percentage. Money gets thousands separators; years and codes are shown as is.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::(%))?\}")
_TEXT_LABELS = {
    "welfare_status": {"general": "一般户", "dibao": "低保户", "tekun": "特困供养户"},
    "monitoring_type": {"": "非监测对象", "unstable": "脱贫不稳定户", "edge": "边缘易致贫户",
                        "sudden": "突发严重困难户"},
}


def placeholders(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template or "")]


def fmt(name: str, value: Any, percent: bool = False) -> str:
    if value is None or value == "":
        return "（无数据）"
    if name in _TEXT_LABELS:
        return _TEXT_LABELS[name].get(str(value), str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    try:
        num = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if percent:
        pct = (num * 100).quantize(Decimal("0.1"))
        return f"{pct.normalize():f}%"
    if name.endswith("_year") or name in ("household_no", "area_code"):
        return str(int(num)) if num == num.to_integral_value() else str(num)
    num = num.quantize(Decimal("0.01"))
    if num == num.to_integral_value():
        return f"{int(num):,}"
    return f"{num:,.2f}"


def explain(template: str, values: dict[str, Any], fallback: str = "") -> str:
    if not template:
        shown = "，".join(f"{k} = {fmt(k, v)}" for k, v in values.items())
        return f"{fallback}：{shown}" if fallback else shown
    return _PLACEHOLDER.sub(lambda m: fmt(m.group(1), values.get(m.group(1)), bool(m.group(2))),
                            template)
