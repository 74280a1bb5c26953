"""The files staff may publish for the public (a consultation's documents, an event's
materials) and people may send (a case's attachment): which kinds, how large, and whether a
file's contents are what its name says."""

from __future__ import annotations

from typing import Any

# Documents: PDF, Word, OpenDocument, Excel, PowerPoint, CSV, text.
DOCUMENT_EXTENSIONS = {"pdf", "docx", "odt", "xlsx", "ods", "csv", "pptx", "odp", "txt", "rtf"}
# Recordings of an event, beside its documents.
RECORDING_EXTENSIONS = {"mp3", "m4a", "mp4", "webm", "wav", "ogg"}
DOCUMENT_MOST_BYTES = 25 * 1024 * 1024


def extension(name: str) -> str:
    """A file name's extension, lower case, without the dot ("" when it has none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# What each kind of file starts with. A file whose first bytes are not its name's kind (an
# executable renamed report.pdf) is refused before it is stored. Office Open XML and
# OpenDocument files are ZIP archives.
_ZIP = (b"PK\x03\x04",)
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "rtf": (b"{\\rtf",),
    "webm": (b"\x1a\x45\xdf\xa3",),
    "ogg": (b"OggS",),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xfa"),
}
# ISO media files (MP4, M4A, HEIC) carry "ftyp" at bytes 4 to 8; WAV is a RIFF file.
_ISO_MEDIA = {"mp4", "m4a", "heic"}
_TEXT = {"txt", "csv"}


def _head(upload: Any, size: int) -> bytes:
    upload.seek(0)
    head = bytes(upload.read(size))
    upload.seek(0)
    return head


def content_matches(upload: Any, kind: str) -> bool:
    """Whether ``upload`` (a Django uploaded file) holds what a ``kind`` file ("pdf") holds,
    judged by its first bytes; text must be text (no NUL bytes, UTF-8 or Windows-1252). A
    kind with no known signature passes."""
    if kind in _TEXT:
        head = _head(upload, 8192)
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 3:
                return True  # a character cut at the 8 KB mark
        try:
            head.decode("cp1252")
            return True
        except UnicodeDecodeError:
            return False
    head = _head(upload, 16)
    if kind in _ISO_MEDIA:
        return head[4:8] == b"ftyp"
    if kind == "wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    signatures = _SIGNATURES.get(kind)
    return signatures is None or head.startswith(signatures)
