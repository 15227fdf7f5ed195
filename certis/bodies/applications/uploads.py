"""What an application's documents may be: PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, within the size limit.

The type is read from the file's first bytes (and, for Word and Excel, from the parts inside the zip), not
taken from its name: a renamed executable, or a spreadsheet called ``charter.pdf``, is refused.
"""

from __future__ import annotations

import zipfile
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {"pdf", "docx", "xlsx", "jpg", "png"}
ALIASES = {"jpeg": "jpg"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
# The part each Office format must contain (Office Open XML, ISO/IEC 29500).
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _allowed_list() -> str:
    return _("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG")


def extension_of(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALIASES.get(suffix, suffix)


def sniff(stream: IO[bytes]) -> str | None:
    """The kind of file the content is, among the allowed ones, or None."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            return next((kind for kind, part in OFFICE_PARTS.items() if part in names), None)
    return None


def check_upload(upload: Any) -> str:
    """The document's type (``pdf``, ``docx``, ``xlsx``, ``jpg`` or ``png``), or a ValidationError on ``file``
    that says what is wrong."""
    name = upload.name or ""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file %(name)s is empty.") % {"name": name}})
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": round(size / 1_048_576, 1),
                    "limit": round(settings.MAX_UPLOAD_BYTES / 1_048_576, 1),
                }
            }
        )
    claimed = extension_of(name)
    if claimed not in ALLOWED:
        raise ValidationError(
            {
                "file": _("%(name)s is not an accepted type. Upload a %(types)s file.")
                % {"name": name, "types": _allowed_list()}
            }
        )
    actual = sniff(upload)
    if actual != claimed:
        raise ValidationError(
            {
                "file": _(
                    "The content of %(name)s is not a .%(extension)s file. Upload a %(types)s file, "
                    "named for what it is."
                )
                % {"name": name, "extension": claimed, "types": _allowed_list()}
            }
        )
    return actual
