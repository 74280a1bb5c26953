"""The files staff may publish for the public (a consultation's documents, an event's
materials): which kinds, and how large."""

from __future__ import annotations

# Documents: PDF, Word, OpenDocument, Excel, PowerPoint, CSV, text.
DOCUMENT_EXTENSIONS = {"pdf", "docx", "odt", "xlsx", "ods", "csv", "pptx", "odp", "txt", "rtf"}
# Recordings of an event, beside its documents.
RECORDING_EXTENSIONS = {"mp3", "m4a", "mp4", "webm", "wav", "ogg"}
DOCUMENT_MOST_BYTES = 25 * 1024 * 1024


def extension(name: str) -> str:
    """A file name's extension, lower case, without the dot ("" when it has none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
