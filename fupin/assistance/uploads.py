"""Visit photos and problem evidence: checked by the shared upload checker in core."""

from fupin.core.uploads import (  # noqa: F401  (re-exported for the assistance app)
    MAX_EVIDENCE_BYTES,
    MAX_PHOTO_BYTES,
    CheckedUpload,
    check_upload,
)
