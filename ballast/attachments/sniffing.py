"""What a file is, read from its first bytes — never from its name or the browser's word.

Accepted: photos (JPEG, PNG, WebP — then opened by Pillow, which must agree), PDF, and the
Office formats (OOXML: docx, xlsx, pptx — a ZIP whose ``[Content_Types].xml`` names the
part; the old binary .doc/.xls — an OLE2 compound file). Anything else is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" | "pdf" | "office"
    mime: str
    ext: str


_OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}

# What a stored file can be (photos are re-encoded as JPEG or PNG): the API documents
# these as the content types of an attachment's file.
STORED_MIMES = (
    "image/jpeg",
    "image/png",
    "application/pdf",
    "application/x-ole-storage",
    *(mime for mime, __ in _OOXML.values()),
)


def sniff(data: bytes) -> Sniffed | None:
    """The type of ``data`` by its content, or None when it is not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return Sniffed("pdf", "application/pdf", "pdf")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed("office", "application/x-ole-storage", "doc")
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    return None


def _ooxml(data: bytes) -> Sniffed | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, (mime, ext) in _OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return Sniffed("office", mime, ext)
    return None
