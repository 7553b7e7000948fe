"""Hand-made .xlsx files: a valid workbook with one part's XML rewritten, or its zip patched.

What no spreadsheet program writes (cells beyond Excel's limits, 1 MB strings,
entity declarations, a zip directory that lies) is made by editing a workbook
openpyxl saved, so everything else in the file stays valid. (openpyxl writes text as
inline strings in the sheet's own XML; Excel and LibreOffice share them in a part of
their own, which the LibreOffice tests read.)
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same zip with ``member``'s bytes replaced by ``change(old bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        assert member in source.namelist(), f"{member} is not in the zip"
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = change(content)
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def add_part(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as target:
        target.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def replace_text(old: str, new: str, member: str = SHEET) -> Callable[[bytes], bytes]:
    """A ``change`` that swaps a cell's text for ``new`` (XML-escaped)."""
    return replace_xml(old, escape(new), member)


def replace_xml(old: str, new: str, member: str = SHEET) -> Callable[[bytes], bytes]:
    """A ``change`` that swaps one piece of XML for another, as it is."""

    def change(xml: bytes) -> bytes:
        assert old.encode() in xml, f"{old!r} is not in {member}"
        return xml.replace(old.encode(), new.encode("utf-8"))

    return change


def with_prolog(prolog: str) -> Callable[[bytes], bytes]:
    """A ``change`` that puts ``prolog`` (a DOCTYPE, say) before the root element."""

    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            declaration, _, rest = xml.partition(b"?>")
            return declaration + b"?>" + prolog.encode() + rest
        return prolog.encode() + xml

    return change


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s unpacked size set to ``size`` in its directory and header."""
    patched = bytearray(data)
    name = member.encode()
    # Central directory entry: signature, ..., uncompressed size at offset 24, name at 46.
    at = patched.find(b"PK\x01\x02" + b"")
    while at != -1:
        name_length = struct.unpack_from("<H", patched, at + 28)[0]
        if patched[at + 46 : at + 46 + name_length] == name:
            struct.pack_into("<I", patched, at + 24, size)
            local = struct.unpack_from("<I", patched, at + 42)[0]
            struct.pack_into("<I", patched, local + 22, size)
            return bytes(patched)
        at = patched.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} is not in the zip")


def save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
