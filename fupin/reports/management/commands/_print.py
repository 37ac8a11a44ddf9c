from __future__ import annotations

from typing import Any

from fupin.reports import indicators as ind


def indicators(out: Any, result: dict[str, Any]) -> None:
    out.write(f"{result['name']}（{result['area']}）截至 {result['as_of']}")
    for k, label in indicators_labels():
        out.write(f"  {label}: {result['figures'].get(k, 0)}")
    for k, label in ind.RATE_LABELS.items():
        v = result["rates"].get(k)
        out.write(f"  {label}: {'—' if v is None else f'{v:.2f}%'}")
    for c in result.get("children", []):
        out.write(f"    {c['area']} {c['name']}: 农户 {c['figures']['hh_total']} 未脱贫人口 "
                  f"{c['figures']['pp_poor']} 监测户 {c['figures']['hh_monitored']}")


def indicators_labels() -> list[tuple[str, str]]:
    return list(ind.LABELS.items())
