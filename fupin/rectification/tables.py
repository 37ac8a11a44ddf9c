"""One table over `Problem`; the five lists (五张清单) are column selections of it, so a
page and its .xlsx export always come from the same records."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone

from .models import Problem, SpotCheck

FIVE_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "problem": ("问题清单", ("number", "source", "category", "area", "household", "description",
                             "found_on", "found_by", "state")),
    "rectification": ("整改清单", ("number", "area", "description", "plan", "rectified_by", "rectified_at",
                                   "state")),
    "task": ("任务清单", ("number", "area", "description", "responsible_unit", "deadline", "days_left",
                          "escalation", "state")),
    "responsibility": ("责任清单", ("number", "area", "description", "responsible_unit", "owner_name",
                                    "rectified_by", "verified_by", "state")),
    "effect": ("效果清单", ("number", "area", "description", "effect", "verified_by", "verified_at",
                            "verification_note", "closed_at", "state")),
}
ALL_COLUMNS = tuple(dict.fromkeys(c for _, cols in FIVE_LISTS.values() for c in cols))


def _user_name(u: Any) -> str:
    return (u.get_full_name() or u.username) if u else ""


class ProblemTable(tables.Table):
    number = tables.Column("编号", accessor="pk", linkify=lambda record: record.get_absolute_url())
    source = tables.Column("问题来源")
    category = tables.Column("问题类别")
    area = tables.Column("区划", accessor="area__name")
    household = tables.Column("户", accessor="household__household_no", default="")
    description = tables.Column("问题描述")
    found_on = tables.DateColumn(verbose_name="发现日期", format="Y-m-d")
    found_by = tables.Column("发现人", default="")
    plan = tables.Column("整改措施", default="")
    responsible_unit = tables.Column("责任单位", default="")
    owner_name = tables.Column("责任人", default="")
    deadline = tables.DateColumn(verbose_name="整改时限", format="Y-m-d", default="未定")
    days_left = tables.Column("剩余天数", accessor="deadline", orderable=False, default="")
    escalation = tables.Column("升级")
    rectified_by = tables.Column("整改人", default="")
    rectified_at = tables.DateTimeColumn(verbose_name="整改完成时间", format="Y-m-d H:i", default="")
    effect = tables.Column("整改成效", default="")
    verified_by = tables.Column("核验人", default="")
    verified_at = tables.DateTimeColumn(verbose_name="核验时间", format="Y-m-d H:i", default="")
    verification_note = tables.Column("核验意见", default="")
    closed_at = tables.DateTimeColumn(verbose_name="销号时间", format="Y-m-d H:i", default="")
    state = tables.Column("状态")

    class Meta:
        model = Problem
        fields = ALL_COLUMNS
        sequence = ALL_COLUMNS
        attrs = {"class": "table table-sm table-hover"}

    def render_number(self, record: Problem) -> str:
        return record.number

    def value_number(self, record: Problem) -> str:
        return record.number

    def render_found_by(self, value: Any) -> str:
        return _user_name(value)

    render_rectified_by = render_verified_by = render_found_by

    def render_days_left(self, value: Any, record: Problem) -> str:
        if not value or record.state not in ("open", "rectifying"):
            return ""
        days = (value - timezone.localdate()).days
        return f"逾期 {-days} 天" if days < 0 else f"{days} 天"


def list_kwargs(kind: str) -> dict[str, Any]:
    _, columns = FIVE_LISTS[kind]
    return {"exclude": [c for c in ALL_COLUMNS if c not in columns], "sequence": columns}


class SpotCheckTable(tables.Table):
    month = tables.DateColumn(verbose_name="抽查月份", format="Y-m", linkify=True)
    area = tables.Column("区划", accessor="area__name")
    kind = tables.Column("抽查对象")
    seed = tables.Column("随机种子")
    size = tables.Column("样本量")
    checked = tables.Column("已核查", orderable=False)
    problems = tables.Column("发现问题", orderable=False)
    inspector = tables.Column("抽查人", default="")
    note = tables.Column("说明", default="")

    class Meta:
        model = SpotCheck
        fields = ("month", "area", "kind", "seed", "size", "checked", "problems", "inspector", "note")
        attrs = {"class": "table table-sm table-hover"}
