"""Checking and storing step attachments: type by extension AND content, size limit from
the county's settings, SHA-256 of the stored bytes."""

from __future__ import annotations

import hashlib
from typing import Any

from fupin.accounts.actors import Actor, history_user
from fupin.core.uploads import KINDS, FileKind, check_file

from .models import Attachment, Case, Step

ALLOWED = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")


def max_bytes(max_mb: int) -> int:
    return int(max_mb) * 1024 * 1024


def check_upload(upload: Any, max_mb: int) -> tuple[str, FileKind, bytes]:
    """Validate one uploaded file; returns (extension, kind, content) or raises in Chinese."""
    checked = check_file(upload, allowed=ALLOWED, max_bytes=max_bytes(max_mb), field="attachments")
    return checked.extension, KINDS[checked.extension], checked.content


def store(*, case: Case, step: Step | None, step_code: str, upload: Any, actor: Actor,
          max_mb: int) -> Attachment:
    from django.core.files.base import ContentFile

    _ext, kind, content = check_upload(upload, max_mb)
    name = str(getattr(upload, "name", "file"))[-200:]
    att = Attachment(case=case, step=step, step_code=step_code, original_name=name,
                     size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                     content_type=kind.content_type,
                     uploaded_by=history_user(actor))
    if getattr(actor, "pk", None):
        att._history_user = actor  # type: ignore[attr-defined]
    att.file.save(name, ContentFile(content), save=False)
    att.save()
    return att
