"""Evidence files of a return request (photos, documents): size and type limits, the
content checked (not just the name's extension), stored privately under a random name.

Accepted: JPEG, PNG and WebP photos (opened and verified with Pillow) and PDF documents
(header and trailer). The file name's extension must agree with the content; the name is
kept (cleaned) for display only.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .exceptions import ReturnError

# content type → (accepted extensions, stored extension)
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "image/jpeg": ((".jpg", ".jpeg"), ".jpg"),
    "image/png": ((".png",), ".png"),
    "image/webp": ((".webp",), ".webp"),
    "application/pdf": ((".pdf",), ".pdf"),
}
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 60_000_000  # a decompression bomb is refused, not opened


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def extension(self) -> str:
        return TYPES[self.content_type][1]


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-200:] or "evidence"


def _sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in content[-2048:] else None
    if not (
        content.startswith(b"\xff\xd8\xff")
        or content.startswith(b"\x89PNG\r\n\x1a\n")
        or (content[:4] == b"RIFF" and content[8:12] == b"WEBP")
    ):
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            kind = _PIL_FORMATS.get(image.format or "")
            image.verify()
    except Exception:  # any decoder error: not an image we accept
        return None
    return kind


def evidence_read(*, name: str, content: bytes, field: str = "evidence") -> EvidenceFile:
    """Check one uploaded file; ReturnError names the field and the rule."""
    limit = settings.RETURN_EVIDENCE_MAX_BYTES
    if not content:
        raise ReturnError(
            _("The file %(name)s is empty.") % {"name": _clean_name(name)},
            field=field,
            rule="empty",
        )
    if len(content) > limit:
        raise ReturnError(
            _("The file %(name)s is larger than %(mb)s MB.")
            % {"name": _clean_name(name), "mb": round(limit / 1024 / 1024, 1)},
            field=field,
            rule="max_size",
        )
    clean = _clean_name(name)
    content_type = _sniff(content)
    if content_type is None:
        raise ReturnError(
            _("%(name)s is not a JPEG, PNG or WebP photo or a PDF document.") % {"name": clean},
            field=field,
            rule="file_type",
        )
    extension = ("." + clean.rsplit(".", 1)[-1].lower()) if "." in clean else ""
    if extension not in TYPES[content_type][0]:
        raise ReturnError(
            _("The name %(name)s does not match its content (%(type)s).")
            % {"name": clean, "type": content_type},
            field=field,
            rule="file_extension",
        )
    return EvidenceFile(
        name=clean,
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def evidence_from_upload(upload: Any, *, field: str = "evidence") -> EvidenceFile:
    """An uploaded file (Django UploadedFile) read at most one byte past the limit."""
    content = upload.read(settings.RETURN_EVIDENCE_MAX_BYTES + 1)
    return evidence_read(name=getattr(upload, "name", "") or "", content=content, field=field)


def evidence_store(*, request: Any, evidence: EvidenceFile, at: Any) -> Any:
    from .models import ReturnEvidence

    row = ReturnEvidence(
        request=request,
        token=secrets.token_hex(16),
        extension=evidence.extension,
        original_name=evidence.name,
        content_type=evidence.content_type,
        size=len(evidence.content),
        sha256=evidence.sha256,
        uploaded_at=at,
    )
    row.file.save("upload", ContentFile(evidence.content), save=False)
    row.save()
    return row
