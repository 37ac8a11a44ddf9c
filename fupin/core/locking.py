"""Optimistic locking of edit forms (issue 12: two people open the same household form; the
second save must not silently revert the first's changes).

The form carries a signed snapshot of the record's fields as they were when the page was
opened. On save, inside a transaction that locks the row, the snapshot is compared with the
record now: if someone else changed it in between, nothing is saved and the loser is told
who changed what (from → to); the form keeps their input and a fresh snapshot, so a second
save after checking goes through.

Use: `class MyEditView(OptimisticLockMixin, ServiceFormView)` with `get_lock_object()`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.db import models, transaction
from django.http import HttpResponse

LOCK_FIELD = "_edit_snapshot"
SALT = "fupin.core.locking"


def _text(value: Any) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, str]:
    return {f: _text(getattr(obj, f)) for f in fields}


class OptimisticLockMixin:
    """For ServiceFormView subclasses that edit one record."""

    request: Any
    lock_fields: tuple[str, ...] = ()  # default: the form's fields the record also has

    def get_lock_object(self) -> models.Model | None:
        raise NotImplementedError

    def _fields(self, form: Any, obj: models.Model) -> list[str]:
        names = self.lock_fields or tuple(n for n in form.fields if n != LOCK_FIELD)
        out = []
        for n in names:
            try:
                getattr(obj, n)
            except Exception:  # a form field the record does not have (or an empty relation)
                continue
            out.append(n)
        return out

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        obj = self.get_lock_object()
        if obj is not None:
            form.fields[LOCK_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
            if not form.is_bound:
                form.initial[LOCK_FIELD] = signing.dumps(snapshot(obj, self._fields(form, obj)),
                                                         salt=SALT)
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        obj = self.get_lock_object()
        if obj is None:
            return super().form_valid(form)  # type: ignore[misc]
        with transaction.atomic():
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            fields = self._fields(form, current)
            now = snapshot(current, fields)
            token = form.cleaned_data.get(LOCK_FIELD) or ""
            if not token:
                # No version sent (a script, not the page): nothing to compare; the service
                # still checks who may write.
                return super().form_valid(form)  # type: ignore[misc]
            try:
                seen = signing.loads(token, salt=SALT)
            except signing.BadSignature:
                seen = None
            if not isinstance(seen, dict):
                return self._refuse(form, now, "页面的版本信息缺失或已失效，请核对下面的内容后重新提交")
            changed = [(f, seen[f], now[f]) for f in fields if f in seen and seen[f] != now[f]]
            if changed:
                parts = [f"{form.fields[f].label or f} 由“{old or '（空）'}”改为“{new or '（空）'}”"
                         for f, old, new in changed]
                who = _last_change(current)
                return self._refuse(form, now, f"在您打开本页之后，{who}修改了本记录：" + "；".join(parts)
                                    + "。您的修改没有保存；请核对后再次提交（将以您填写的内容为准）")
            return super().form_valid(form)  # type: ignore[misc]

    def _refuse(self, form: Any, now: dict[str, str], message: str) -> HttpResponse:
        data = form.data.copy()
        data[LOCK_FIELD] = signing.dumps(now, salt=SALT)
        form.data = data
        form.add_error(None, message)
        return self.form_invalid(form)  # type: ignore[attr-defined, no-any-return]


def _last_change(obj: models.Model) -> str:
    history = getattr(obj, "history", None)
    record = history.order_by("-history_date").first() if history is not None else None
    if record is None:
        return "他人"
    user = getattr(record, "history_user", None)
    name = (user.get_full_name() or user.username) if user is not None else "系统"
    return f"{name}（{record.history_date:%Y-%m-%d %H:%M}）"
