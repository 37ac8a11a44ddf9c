"""Monthly bulletin (一月一通报): key figures at the month end, change on the previous month,
the ranking of townships or villages, and overdue items by owner (from the apps that track
them). Output: a PDF (WeasyPrint, Noto Sans CJK SC) and an .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from fupin.areas.models import Area

from . import aggregates, indicators, ranking
from .exports import workbook_bytes
from .models import Scorecard

# name -> fn(area_code, day) -> list of (owner, kind, count); apps register when they land.
OVERDUE_SOURCES: dict[str, Callable[[str, dt.date], list[tuple[str, str, int]]]] = {}

KEY_FIGURES = ["hh_registered", "pp_registered", "hh_lifted", "pp_lifted", "hh_poor", "pp_poor",
               "hh_monitored", "pp_monitored", "hh_mon_at_risk", "pp_mon_at_risk",
               "hh_mon_eliminated", "pp_mon_eliminated", "hh_mon_unstable", "hh_mon_edge",
               "hh_mon_sudden", "hh_total", "pp_total"]


def parse_month(text: str) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in text.split("-"))
        dt.date(y, m, 1)
    except (ValueError, TypeError):
        raise ValueError(f"月份“{text}”格式应为 YYYY-MM") from None
    return y, m


def build(area_code: str, month: str, progress: Any = None) -> dict[str, Any]:
    """Everything the bulletin shows, computed from the village snapshots."""
    y, m = parse_month(month)
    day = aggregates.month_end(y, m)
    today = timezone.localdate()
    if day > today:
        day = today
    prev = aggregates.month_end(y - (m == 1), 12 if m == 1 else m - 1)
    area = Area.objects.get(code=area_code)
    if progress:
        progress.start(4, "汇总本月指标")
    cur = indicators.area_indicators(area_code, day, aggregates.stored(area_code, day))
    if progress:
        progress.advance(1, "汇总上月指标")
    before = indicators.area_indicators(area_code, prev, aggregates.stored(area_code, prev),
                                        children=False)
    key_rows = []
    for k in [*KEY_FIGURES, *indicators.FAMILY_KEYS]:
        a, b = cur["figures"][k], before["figures"][k]
        key_rows.append({"key": k, "label": indicators.LABELS[k], "now": a, "prev": b,
                         "change": a - b})
    rate_rows = []
    for k, lab in indicators.RATE_LABELS.items():
        a, b = cur["rates"][k], before["rates"][k]
        rate_rows.append({"key": k, "label": lab, "now": a, "prev": b,
                          "unit": indicators.DERIVED[k][1] if k in indicators.DERIVED else "%",
                          "change": round(a - b, 4) if a is not None and b is not None else None})
    if progress:
        progress.advance(1, "排名")
    level = "township" if len(area_code) < 9 else "village"
    card = (Scorecard.objects.filter(area_code=area_code[:6], level=level, active=True).first()
            if len(area_code) >= 6 else None)
    ranked = ranking.rank_children(area_code, day, level, card) if len(area_code) < 12 else []
    if progress:
        progress.advance(1, "逾期事项")
    overdue: list[tuple[str, str, int]] = []
    for fn in OVERDUE_SOURCES.values():
        overdue.extend(fn(area_code, day))
    return {"area": area, "month": f"{y}年{m}月", "month_code": f"{y:04d}-{m:02d}", "day": day,
            "prev_day": prev, "current": cur, "key_rows": key_rows, "rate_rows": rate_rows,
            "ranking": ranked, "scorecard": card.name if card else "默认评分表",
            "overdue": overdue, "overdue_sources": sorted(OVERDUE_SOURCES),
            "generated_at": timezone.localtime()}


def render_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):  # the bulletin is an official Chinese document
        html = render_to_string("reports/bulletin_pdf.html", data)
    return HTML(string=html).write_pdf()


def render_xlsx(data: dict[str, Any]) -> bytes:
    key = [[r["label"], r["now"], r["prev"], r["change"]] for r in data["key_rows"]]
    key += [[f"{r['label']}({r['unit']})", r["now"], r["prev"], r["change"]]
            for r in data["rate_rows"]]
    headers_r, rows_r = ranking.rows_for_export(data["ranking"])
    kids = [[c["area"], c["name"], c["figures"]["hh_total"], c["figures"]["pp_total"],
             c["figures"]["hh_registered"], c["figures"]["pp_registered"],
             c["figures"]["hh_poor"], c["figures"]["pp_poor"], c["figures"]["hh_monitored"],
             c["figures"]["pp_monitored"], c["rates"]["incidence"]]
            for c in data["current"]["children"]]
    overdue = [list(o) for o in data["overdue"]]
    title = f"{data['area'].name}巩固拓展脱贫攻坚成果月度通报（{data['month']}）"
    return workbook_bytes([
        ("主要指标", ["指标", f"{data['day']:%m月%d日}", f"{data['prev_day']:%m月%d日}", "增减"], key),
        ("排名", headers_r, rows_r),
        ("分区域", ["区划代码", "名称", "农户数", "人口数", "建档立卡户数", "建档立卡人口",
                  "未脱贫户数", "未脱贫人口", "监测户数", "监测人口", "贫困发生率(%)"], kids),
        ("逾期事项", ["责任单位/责任人", "事项", "件数"], overdue),
    ], title)


def write(area_code: str, month: str, out_dir: Path, progress: Any = None) -> dict[str, str]:
    data = build(area_code, month, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"bulletin_{area_code}_{data['month_code']}"
    pdf = out_dir / f"{stem}.pdf"
    xlsx = out_dir / f"{stem}.xlsx"
    pdf.write_bytes(render_pdf(data))
    xlsx.write_bytes(render_xlsx(data))
    if progress:
        progress.advance(1, "完成")
    return {"pdf": str(pdf), "xlsx": str(xlsx)}
