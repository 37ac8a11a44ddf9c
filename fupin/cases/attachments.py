"""Checking and storing step attachments: type by extension AND content, size limit from
the county's settings, SHA-256 of the stored bytes."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Attachment, Case, Step


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: bytes
    zip_marker: str = ""  # an entry an Office file must contain


ALLOWED: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", b"%PDF-"),
    "jpg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "png": FileKind("image/png", b"\x89PNG\r\n\x1a\n"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     b"PK\x03\x04", "word/"),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     b"PK\x03\x04", "xl/"),
}
ALLOWED_LABEL = "PDF、JPG、PNG、DOCX、XLSX"


def max_bytes(max_mb: int) -> int:
    hard = int(getattr(settings, "FUPIN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
    return min(int(max_mb) * 1024 * 1024, hard)


def _read_all(upload: Any) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    return bytes(upload.read())


def check_upload(upload: Any, max_mb: int) -> tuple[str, FileKind, bytes]:
    """Validate one uploaded file; returns (extension, kind, content) or raises in Chinese."""
    name = str(getattr(upload, "name", "") or "未命名文件")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ALLOWED.get(ext)
    if kind is None:
        raise ValidationError({"attachments": [
            f"文件“{name}”的类型不允许，只能上传 {ALLOWED_LABEL} 文件"]})
    limit = max_bytes(max_mb)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"attachments": [
            f"文件“{name}”大小 {size / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB"]})
    content = _read_all(upload)
    if len(content) > limit:
        raise ValidationError({"attachments": [
            f"文件“{name}”大小 {len(content) / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB"]})
    if not content:
        raise ValidationError({"attachments": [f"文件“{name}”是空文件"]})
    bad = ValidationError({"attachments": [
        f"文件“{name}”的内容不是有效的 {ext.upper()} 文件（扩展名与内容不符）"]})
    if not content.startswith(kind.magic):
        raise bad
    if kind.zip_marker:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                if not any(n.startswith(kind.zip_marker) for n in zf.namelist()):
                    raise bad
        except zipfile.BadZipFile:
            raise bad from None
    return ext, kind, content


def store(*, case: Case, step: Step | None, step_code: str, upload: Any, actor: Any,
          max_mb: int) -> Attachment:
    from django.core.files.base import ContentFile

    _ext, kind, content = check_upload(upload, max_mb)
    name = str(getattr(upload, "name", "file"))[-200:]
    att = Attachment(case=case, step=step, step_code=step_code, original_name=name,
                     size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                     content_type=kind.content_type,
                     uploaded_by=actor if getattr(actor, "pk", None) else None)
    if getattr(actor, "pk", None):
        att._history_user = actor  # type: ignore[attr-defined]
    att.file.save(name, ContentFile(content), save=False)
    att.save()
    return att
