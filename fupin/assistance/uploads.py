"""Checked uploads: allowed types by content (magic bytes), size limit, SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
DOCUMENT_SIGNATURES = {
    **IMAGE_SIGNATURES,
    b"%PDF-": "application/pdf",
    b"PK\x03\x04": "application/zip",  # .docx / .xlsx
}


@dataclass
class CheckedFile:
    file: Any
    name: str
    content_type: str
    size: int
    sha256: str


def _sniff(head: bytes, signatures: dict[bytes, str]) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and "image/png" in signatures.values():
        return "image/webp"
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    return None


def check_upload(upload: Any, *, photos_only: bool, field: str = "photos") -> CheckedFile:
    limit = MAX_PHOTO_BYTES if photos_only else MAX_EVIDENCE_BYTES
    name = str(getattr(upload, "name", "file"))
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise ValidationError({field: f"文件“{name}”是空的"})
    if size > limit:
        raise ValidationError({field: f"文件“{name}”有 {size / 1048576:.1f} MB，超过 {limit // 1048576} MB 上限"})
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
    upload.seek(0)
    kind = _sniff(head, IMAGE_SIGNATURES if photos_only else DOCUMENT_SIGNATURES)
    if kind is None:
        allowed = "JPEG、PNG、WebP 照片" if photos_only else "照片、PDF、Word/Excel 文件"
        raise ValidationError({field: f"文件“{name}”的类型不支持，只能上传{allowed}"})
    return CheckedFile(upload, name[:200], kind, size, digest.hexdigest())
