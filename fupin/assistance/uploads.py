"""Visit photos and problem evidence: checked by the shared upload checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fupin.core.uploads import DOCUMENTS, PHOTOS, check_file

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
