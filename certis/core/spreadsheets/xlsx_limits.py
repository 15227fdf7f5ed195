"""Bounds on the work an uploaded Excel workbook (.xlsx) may cost, checked before openpyxl reads it.

An .xlsx is a zip of XML. A small upload can unpack to gigabytes (one shared string of 1 GiB in a 1 MB file),
and openpyxl, even in read-only mode, holds every shared string in memory; a few megabytes can also hold a
million rows. :func:`check_workbook` walks the zip once, streaming, and refuses the file as soon as a limit is
passed: the sizes the zip declares, then the bytes actually unpacked (a zip bomb may lie in its headers), the
shared strings' count and length, and the rows and cells of each sheet. Its answer also counts each sheet's
rows, which the sheet's own dimension may misstate.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from django.utils.translation import gettext as _

CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_OVERLAP = 16  # a tag cut between two chunks is counted in the next


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int = 256 * 1024 * 1024
    shared_strings_bytes: int = 64 * 1024 * 1024
    shared_strings: int = 2_000_000
    text_length: int = 32_767  # Excel's own limit on a cell
    rows: int = 1_048_576  # Excel's own limit on a sheet
    cells: int = 20_000_000


@dataclass
class WorkbookSize:
    unpacked_bytes: int = 0
    shared_strings: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # by the sheet's path in the zip (xl/worksheets/…)
    cells: int = 0


class WorkbookTooLarge(Exception):
    """The workbook passes a limit; ``message`` names it, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:,.0f}"


def _too_big(limit: int) -> WorkbookTooLarge:
    return WorkbookTooLarge(
        _(
            "The workbook unpacks to more than %(limit)s MB, more than a file of reports can need; it may be "
            "damaged or built to overload the system. Save it again from Excel, or split it."
        )
        % {"limit": _megabytes(limit)}
    )


def check_workbook(stream: IO[bytes], limits: Limits | None = None) -> WorkbookSize:
    """Raise WorkbookTooLarge if the workbook passes a limit, zipfile.BadZipFile if it is no zip; the stream
    is left at its start."""
    limits = limits or Limits()
    stream.seek(0)
    size = WorkbookSize()
    with zipfile.ZipFile(stream) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > limits.unpacked_bytes:
            raise _too_big(limits.unpacked_bytes)
        for member in members:
            _scan(archive, member, limits, size)
    stream.seek(0)
    return size


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, size: WorkbookSize) -> None:
    name = member.filename
    if name.endswith("sharedStrings.xml"):
        if member.file_size > limits.shared_strings_bytes:
            raise _too_many_strings(limits)
        reader: _SharedStrings | _Sheet | None = _SharedStrings(limits, size)
    elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
        reader = _Sheet(name, limits, size)
    else:
        reader = None
    unpacked = 0
    with archive.open(member) as data:
        while chunk := data.read(CHUNK):
            unpacked += len(chunk)
            size.unpacked_bytes += len(chunk)
            if size.unpacked_bytes > limits.unpacked_bytes:
                raise _too_big(limits.unpacked_bytes)
            if reader is not None:
                reader.feed(chunk)
    if reader is not None:
        reader.close()


def _too_many_strings(limits: Limits) -> WorkbookTooLarge:
    return WorkbookTooLarge(
        _("The workbook's shared text passes the limit of %(count)s texts or %(size)s MB; split the file.")
        % {"count": f"{limits.shared_strings:,}", "size": _megabytes(limits.shared_strings_bytes)}
    )


class _SharedStrings:
    """Counts the shared strings and checks each one's length as the XML streams past, keeping none."""

    def __init__(self, limits: Limits, size: WorkbookSize) -> None:
        self.limits, self.size = limits, size
        self.parser = XMLPullParser(events=("end",))
        self.bytes = 0

    def feed(self, chunk: bytes) -> None:
        self.bytes += len(chunk)
        if self.bytes > self.limits.shared_strings_bytes:
            raise _too_many_strings(self.limits)
        try:
            self.parser.feed(chunk)
            self._read_events()
        except ParseError:
            raise WorkbookTooLarge(_("The workbook's shared text is not readable XML.")) from None

    def _read_events(self) -> None:
        for event in self.parser.read_events():
            element: Any = event[-1]
            if not isinstance(element, Element):
                continue
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "t" and element.text and len(element.text) > self.limits.text_length:
                raise WorkbookTooLarge(
                    _(
                        "A text in the workbook is longer than %(limit)s characters, Excel's own limit for a "
                        "cell; the file was not made by Excel or is damaged."
                    )
                    % {"limit": f"{self.limits.text_length:,}"}
                )
            if tag == "si":
                self.size.shared_strings += 1
                if self.size.shared_strings > self.limits.shared_strings:
                    raise _too_many_strings(self.limits)
                element.clear()

    def close(self) -> None:
        try:
            self.parser.close()
            self._read_events()
        except ParseError:
            raise WorkbookTooLarge(_("The workbook's shared text is not readable XML.")) from None


class _Sheet:
    """Counts a sheet's rows and cells by their tags, without parsing it."""

    def __init__(self, name: str, limits: Limits, size: WorkbookSize) -> None:
        self.name, self.limits, self.size = name, limits, size
        self.tail = b""
        self.rows = 0

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        end = len(data) - _OVERLAP
        if end <= 0:
            self.tail = data
            return
        self._count(data, end)
        self.tail = data[end:]

    def _count(self, data: bytes, end: int) -> None:
        # Only tags that start before ``end`` are counted here; the rest are in the next chunk's overlap.
        self.rows += sum(1 for match in _ROW.finditer(data) if match.start() < end)
        self.size.cells += sum(1 for match in _CELL.finditer(data) if match.start() < end)
        self.size.rows[self.name] = self.rows
        if self.rows > self.limits.rows:
            raise WorkbookTooLarge(
                _("A sheet of the workbook has more than %(limit)s rows; split the file.")
                % {"limit": f"{self.limits.rows:,}"}
            )
        if self.size.cells > self.limits.cells:
            raise WorkbookTooLarge(
                _("The workbook has more than %(limit)s cells; split the file.")
                % {"limit": f"{self.limits.cells:,}"}
            )

    def close(self) -> None:
        if self.tail:
            self._count(self.tail, len(self.tail))
        self.size.rows[self.name] = self.rows
