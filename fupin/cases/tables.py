"""Tables of the cases pages (Chinese headers; also the .xlsx export)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .deadlines import local_day
from .models import Case, Lead


class CaseTable(tables.Table):
    id = tables.Column(verbose_name="案件号", linkify=True)
    kind = tables.Column(verbose_name="类别")
    household__household_no = tables.Column(verbose_name="户编号")
    household__head_name = tables.Column(verbose_name="户主")
    household__area__name = tables.Column(verbose_name="村(社区)")
    step = tables.Column(verbose_name="当前环节")
    step_due = tables.Column(verbose_name="本环节期限")
    due_date = tables.Column(verbose_name="办结期限")
    deadline = tables.Column(verbose_name="时限状态", empty_values=(), orderable=False)
    status = tables.Column(verbose_name="状态")
    opened_at = tables.DateTimeColumn(verbose_name="立案时间", format="Y-m-d H:i")

    class Meta:
        model = Case
        fields = ["id", "kind", "household__household_no", "household__head_name",
                  "household__area__name", "step", "step_due", "due_date", "deadline", "status",
                  "opened_at"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue_on(local_day()) else ""}

    def render_kind(self, record: Case) -> Any:
        badge = mark_safe(' <span class="badge bg-warning text-dark">先行帮扶</span>') \
            if record.help_first else ""
        return format_html("{}{}", record.get_kind_display(), badge)

    def render_deadline(self, record: Case) -> Any:
        if not record.is_open:
            return "—"
        if record.is_overdue_on(local_day()):
            level = {"township": "（已上报乡镇）", "county": "（已上报县级）"}.get(record.escalation, "")
            return format_html('<span class="text-danger fw-bold">逾期{}</span>', level)
        return "正常"

    def value_deadline(self, record: Case) -> str:
        return "逾期" if record.is_overdue_on(local_day()) else ("正常" if record.is_open else "—")

    def value_kind(self, record: Case) -> str:
        return str(record.get_kind_display()) + ("（先行帮扶）" if record.help_first else "")


class LeadTable(tables.Table):
    id = tables.Column(verbose_name="线索号")
    household__household_no = tables.Column(verbose_name="户编号")
    household__head_name = tables.Column(verbose_name="户主")
    household__area__name = tables.Column(verbose_name="村(社区)")
    channel = tables.Column(verbose_name="来源")
    found_on = tables.DateColumn(verbose_name="发现日期", format="Y-m-d")
    deadline = tables.DateColumn(verbose_name="识别办结期限", format="Y-m-d")
    status = tables.Column(verbose_name="状态")
    case = tables.Column(verbose_name="案件", linkify=True)
    description = tables.Column(verbose_name="线索说明")
    act = tables.Column(verbose_name="办理", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Lead
        fields = ["id", "household__household_no", "household__head_name",
                  "household__area__name", "channel", "found_on", "deadline", "status", "case",
                  "description", "act"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue_on(local_day()) else ""}

    def render_act(self, record: Lead) -> Any:
        if record.status != "new":
            return "—"
        from django.urls import reverse
        return format_html('<a class="btn btn-sm btn-outline-danger" href="{}?lead_id={}">识别立案</a>',
                           reverse("cases:case_add"), record.pk)
