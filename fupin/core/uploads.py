"""Checked uploads, shared by every app that stores files (case attachments, visit photos,
problem evidence): the extension must be allowed AND the content must be that kind of file,
within a size limit; the SHA-256 of the bytes is kept. Refusals are in Chinese."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: bytes
    zip_marker: str = ""  # an entry an Office file must contain
    riff_form: bytes = b""  # WebP: RIFF....WEBP


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", b"%PDF-"),
    "jpg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": FileKind("image/jpeg", b"\xff\xd8\xff"),
    "png": FileKind("image/png", b"\x89PNG\r\n\x1a\n"),
    "webp": FileKind("image/webp", b"RIFF", riff_form=b"WEBP"),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     b"PK\x03\x04", "word/"),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     b"PK\x03\x04", "xl/"),
}
PHOTOS = ("jpg", "jpeg", "png", "webp")
DOCUMENTS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")


@dataclass
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def hard_limit() -> int:
    return int(getattr(settings, "FUPIN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def _read_all(upload: Any) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else bytes(upload.read())
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _label(extensions: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(e.upper().replace("JPEG", "JPG") for e in extensions))


def check_file(upload: Any, *, allowed: Iterable[str], max_bytes: int, field: str) -> CheckedFile:
    """Validate one uploaded file or raise ValidationError({field: [Chinese reason]})."""
    allowed = tuple(allowed)
    limit = min(max_bytes, hard_limit())
    name = str(getattr(upload, "name", "") or "未命名文件")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""

    def refuse(msg: str) -> ValidationError:
        return ValidationError({field: [msg]})

    if ext not in allowed:
        raise refuse(f"文件“{name}”的类型不允许，只能上传 {_label(allowed)} 文件")
    kind = KINDS[ext]
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise refuse(f"文件“{name}”大小 {size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB")
    content = _read_all(upload)
    if not content:
        raise refuse(f"文件“{name}”是空文件")
    if len(content) > limit:
        raise refuse(f"文件“{name}”大小 {len(content) / 1048576:.1f} MB，超过上限 {limit // 1048576} MB")
    bad = refuse(f"文件“{name}”的内容不是有效的 {ext.upper()} 文件（扩展名与内容不符）")
    if not content.startswith(kind.magic) or (kind.riff_form and content[8:12] != kind.riff_form):
        raise bad
    if kind.zip_marker:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                if not any(n.startswith(kind.zip_marker) for n in zf.namelist()):
                    raise bad
        except zipfile.BadZipFile:
            raise bad from None
    return CheckedFile(name=name[-200:], extension=ext, content_type=kind.content_type,
                       size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                       content=content)


# Visit photos and problem evidence (assistance, rectification).
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@dataclass
class CheckedUpload:
    file: Any  # the upload itself, stored by the caller's FileField
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: Any, *, photos_only: bool, field: str = "photos") -> CheckedUpload:
    checked = check_file(upload, allowed=PHOTOS if photos_only else DOCUMENTS + ("webp",),
                         max_bytes=MAX_PHOTO_BYTES if photos_only else MAX_EVIDENCE_BYTES,
                         field=field)
    return CheckedUpload(upload, checked.name, checked.content_type, checked.size, checked.sha256)
