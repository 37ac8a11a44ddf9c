"""A household's change history, read from django-simple-history and told in Chinese:
who, when, what (household, member, income, assessment), field: old -> new."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from fupin.core.privacy import sees_personal, shown_account, shown_phone, shown_resident_id

from .choices import PovertyCause, RiskType
from .models import Assessment, Household, Income, Member

HAS_CJK = re.compile(r"[\u3400-\u9fff]")
ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}
HIDDEN_FIELDS = {"id", "household", "created_at", "updated_at", "name_pinyin", "name_initials",
                 "head_initials", "head_name", "sex", "birth_date"}
LIST_LABELS = {"other_causes": dict(PovertyCause.choices), "risk_types": dict(RiskType.choices)}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    subject: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _subject(model: type[models.Model], record: Any) -> str:
    if model is Household:
        return "农户"
    if model is Member:
        return f"成员 {record.name}"
    if model is Income:
        return f"{record.year} 年度收入"
    if model is Assessment:
        kind = dict(Assessment._meta.get_field("kind").flatchoices).get(record.kind, record.kind)
        return f"{kind}（{record.assessed_on:%Y-%m-%d}）"
    return str(model._meta.verbose_name)


HEALTH_FIELDS = {"chronic_illness", "serious_illness", "disabled", "disability_grade"}


def display_value(model: type[models.Model], name: str, value: Any, user: Any) -> str:
    """A stored value as the page shows it (choice labels, 是/否, masking)."""
    if name in HEALTH_FIELDS and model is Member and not sees_personal(user):
        return "***"
    if value is None or value == "":
        return "（空）"
    if name == "resident_id":
        return shown_resident_id(user, str(value))
    if name == "phone":
        return shown_phone(user, str(value))
    if name == "bank_account":
        return shown_account(user, str(value))
    if name == "joined_on" and isinstance(value, dt.date) and not sees_personal(user):
        return f"{value:%Y} 年"  # a birth's joining date is the birth date
    if name in LIST_LABELS and isinstance(value, list):
        return "、".join(str(LIST_LABELS[name].get(v, v)) for v in value) or "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    f: Any = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        f: Any = model._meta.get_field(name)
        return str(f.verbose_name)
    except Exception:
        return name


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "系统"
    first, last = user.first_name.strip(), user.last_name.strip()
    if HAS_CJK.search(first + last):
        return f"{last}{first}"  # Chinese order, no space: 陈小红
    return user.get_full_name() or user.username


def household_history(household: Household, user: Any, limit: int = 200) -> list[HistoryEntry]:
    """Newest first; one query per tracked model, diffs computed in memory."""
    sources: list[tuple[type[models.Model], Any]] = [
        (Household, Household.history.filter(id=household.pk)),  # type: ignore[attr-defined]
        (Member, Member.history.filter(household_id=household.pk)),  # type: ignore[attr-defined]
        (Income, Income.history.filter(household_id=household.pk)),  # type: ignore[attr-defined]
        (Assessment, Assessment.history.filter(household_id=household.pk)),  # type: ignore[attr-defined]
    ]
    entries: list[HistoryEntry] = []
    for model, qs in sources:
        order = {f.name: i for i, f in enumerate(model._meta.fields)}
        records = list(qs.select_related("history_user").order_by("id", "history_date",
                                                                   "history_id")[:2000])
        by_object: dict[Any, list[Any]] = defaultdict(list)
        for r in records:
            by_object[r.id].append(r)
        for versions in by_object.values():
            previous = None
            for r in versions:
                entry = HistoryEntry(when=r.history_date, who=_who(r),
                                     action=ACTIONS.get(r.history_type, r.history_type),
                                     subject=_subject(model, r),
                                     reason=r.history_change_reason or "")
                if r.history_type == "~" and previous is not None:
                    delta = r.diff_against(previous)
                    for c in sorted(delta.changes, key=lambda c: order.get(c.field, 999)):
                        if c.field in HIDDEN_FIELDS:
                            continue
                        entry.changes.append(Change(
                            _label(model, c.field), display_value(model, c.field, c.old, user),
                            display_value(model, c.field, c.new, user)))
                    if not entry.changes:
                        previous = r
                        continue
                entries.append(entry)
                previous = r
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
