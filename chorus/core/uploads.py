"""The files staff may publish for the public (a consultation's documents, an event's
materials) and people may send (a case's attachment): which kinds, how large, and whether a
file's contents are what its name says."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Documents: PDF, Word, OpenDocument, Excel, PowerPoint, CSV, text.
DOCUMENT_EXTENSIONS = {"pdf", "docx", "odt", "xlsx", "ods", "csv", "pptx", "odp", "txt", "rtf"}
# Recordings of an event, beside its documents.
RECORDING_EXTENSIONS = {"mp3", "m4a", "mp4", "webm", "wav", "ogg"}
DOCUMENT_MOST_BYTES = 25 * 1024 * 1024
# What a person may send (a case's attachment, a file of an email logged to people):
# documents and photos, each at most 10 MB.
ATTACHMENT_EXTENSIONS = DOCUMENT_EXTENSIONS | {"jpg", "jpeg", "png", "heic"}
ATTACHMENT_MOST_BYTES = 10 * 1024 * 1024
# Files kept from one email to a Chorus address; any more are listed as not kept.
EMAIL_MOST_ATTACHMENTS = 10


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


def attachment_problem(upload: Any) -> str:
    """Why a file a person sent may not be kept ("type", "size" or "content", the keys of
    ``attachment_problem_text``), or "" when it may: the public case form, email to the case
    address and email logged to people all check with this."""
    kind = extension(upload.name or "")
    if kind not in ATTACHMENT_EXTENSIONS:
        return "type"
    if (upload.size or 0) > ATTACHMENT_MOST_BYTES:
        return "size"
    if not content_matches(upload, kind):
        return "content"
    return ""


def attachment_problem_text(problem: str, name: str) -> str:
    """What ``attachment_problem`` found, said how to put it right (in the current language)."""
    if problem == "type":
        return str(_("The file must be a PDF, Word, OpenDocument, text, JPEG or PNG file"))
    if problem == "size":
        return _("The file must be smaller than %(size)s") % {"size": filesizeformat(ATTACHMENT_MOST_BYTES)}
    if problem == "content":
        return _(
            "The file's contents are not what its name says (.%(kind)s): choose the file again, "
            "or save it again in that format"
        ) % {"kind": extension(name)}
    if problem == "count":
        return _("Only the first %(count)s files of an email are kept") % {"count": EMAIL_MOST_ATTACHMENTS}
    return str(_("The file could not be read"))
