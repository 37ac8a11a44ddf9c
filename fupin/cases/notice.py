"""The village public notice (村内公示) as a page and a printable PDF.

A notice lists, for one village, the households whose identification or risk elimination
is being publicly noticed: head's name, group, type and risk types, and the objection
period. By rule (MECHANISM.md §5.1) it never shows resident IDs, phone numbers, bank
accounts or health details: the rows are built here from an explicit list of public
fields only, never from the household or member objects in the template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from fupin.areas.models import Area

from .choices import CaseKind, CaseStatus
from .models import Case
from .workflow import ALL_STEPS

NOTICE_STEPS = [code for code, s in ALL_STEPS.items() if s.notice]


@dataclass
class NoticeRow:
    head_name: str
    group: str
    type_label: str
    risks: str
    period: str


@dataclass
class NoticeSection:
    kind: str
    title: str
    intro: str
    rows: list[NoticeRow] = field(default_factory=list)


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def notice_cases(village_code: str, on: dt.date) -> list[Case]:
    """Cases of the village whose notice is posted and not yet closed, or runs on `on`."""
    posted = Case.objects.in_area(village_code).filter(notice_start__isnull=False,
                                                      notice_start__lte=on)
    current = posted.filter(status=CaseStatus.OPEN, step__in=NOTICE_STEPS)
    running = posted.filter(notice_end__gte=on).exclude(
        status__in=[CaseStatus.REJECTED, CaseStatus.ROLLED_BACK], closed_at__date__lte=on)
    return list((current | running).distinct().select_related("household").order_by(
        "household__group", "household__head_name", "pk"))


def build_notice(village: Area, on: dt.date) -> dict[str, Any]:
    sections = {
        CaseKind.IDENTIFICATION: NoticeSection(
            CaseKind.IDENTIFICATION, "防止返贫监测对象识别民主评议结果公示",
            "经农户申请（或干部排查、部门筛查预警）、入户核查、部门数据比对和村民主评议，"
            "拟将以下农户纳入防止返贫监测对象，现予以公示。"),
        CaseKind.ELIMINATION: NoticeSection(
            CaseKind.ELIMINATION, "防止返贫监测对象风险消除民主评议结果公示",
            "经入户核实和村民主评议，以下监测对象的返贫致贫风险已稳定消除，拟标注为风险消除，"
            "现予以公示。"),
    }
    for case in notice_cases(village.code, on):
        hh = case.household
        assert case.notice_start and case.notice_end
        if case.kind == CaseKind.IDENTIFICATION:
            type_label = str(case.get_monitoring_type_display() or "待定")
        else:
            type_label = f"{case.get_monitoring_type_display()}（{case.get_elimination_mode_display()}）"
        sections[CaseKind(case.kind)].rows.append(NoticeRow(
            head_name=hh.head_name, group=hh.group or "—", type_label=type_label,
            risks="、".join(case.risk_labels) or "—",
            period=f"{_date(case.notice_start)}至{_date(case.notice_end)}"))
    return {"village": village, "village_name": village.full_name(), "on": on,
            "on_label": _date(on), "sections": [s for s in sections.values() if s.rows]}


def render_notice_html(village: Area, on: dt.date, *, for_pdf: bool = False) -> str:
    # A public notice posted in the village is always in Chinese, whatever the page language.
    with translation.override("zh-hans"):
        ctx = build_notice(village, on)
        ctx["for_pdf"] = for_pdf
        return render_to_string("cases/notice_document.html", ctx)


def render_notice_pdf(village: Area, on: dt.date) -> bytes:
    from weasyprint import HTML

    html = render_notice_html(village, on, for_pdf=True)
    return bytes(HTML(string=html).write_pdf())
