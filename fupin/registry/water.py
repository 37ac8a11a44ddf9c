"""Drinking-water safety (饮水安全) by its four indicators, against a versioned rule set
(MECHANISM.md §4.3): quantity (水量), quality (水质), convenience (用水方便程度) and supply
assurance (供水保障率). If any one fails, the water is not safe."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class WaterRuleSet:
    code: str
    name: str
    min_litres: Decimal  # L per person per day
    max_fetch_minutes: int  # one trip (or round trip where the rule says so)
    max_days_short: int  # days a year without enough water (≈ assurance rate)
    source: str


RULE_SETS: dict[str, WaterRuleSet] = {s.code: s for s in (
    WaterRuleSet("2018_rich", "农村饮水安全评价准则（T/CHES 18-2018，丰水地区）", Decimal(35), 20, 36,
                 "水利部 T/CHES 18-2018，城口县水利局转述"),
    WaterRuleSet("2018_short", "农村饮水安全评价准则（T/CHES 18-2018，缺水地区）", Decimal(20), 20, 36,
                 "水利部 T/CHES 18-2018，城口县水利局转述"),
    WaterRuleSet("2004_basic", "水农〔2004〕547号（基本安全）", Decimal(20), 20, 36,
                 "水农〔2004〕547号：≥20 升、往返 ≤20 分钟、保证率 ≥90%"),
)}
DEFAULT_RULE_SET = "2018_rich"
INDICATORS = ("water_litres_per_day", "water_fetch_minutes", "water_days_short",
              "water_quality_ok")


def evaluate(values: dict[str, Any], rule_set: str = DEFAULT_RULE_SET) -> tuple[bool, str]:
    """(safe, explanation with the values) for the four indicators under `rule_set`."""
    rules = RULE_SETS[rule_set]
    litres = Decimal(str(values["water_litres_per_day"]))
    minutes = int(values["water_fetch_minutes"])
    short = int(values["water_days_short"])
    quality = bool(values["water_quality_ok"])
    checks = [
        (litres >= rules.min_litres, f"水量 {litres} 升/人·日（≥{rules.min_litres}）"),
        (quality, "水质达标" if quality else "水质不达标"),
        (minutes <= rules.max_fetch_minutes, f"取水 {minutes} 分钟（≤{rules.max_fetch_minutes}）"),
        (short <= rules.max_days_short, f"年缺水 {short} 天（≤{rules.max_days_short}）"),
    ]
    failed = [text for ok, text in checks if not ok]
    if failed:
        return False, f"按{rules.name}：" + "、".join(failed) + " 不达标"
    return True, f"按{rules.name}四项均达标：" + "，".join(text for _ok, text in checks)
