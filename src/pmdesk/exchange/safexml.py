"""Parsing XML from other programs without trusting it.

A hostile XML file can expand a few hundred bytes of entity declarations into
gigabytes ("billion laughs") or make the parser read local files or URLs
(external entities). Neither has any place in an MS Project file, so a document
type declaration is refused outright: a guard parser (expat with our own
handlers) calls ours at the ``<!DOCTYPE`` and we stop before a single entity is
declared or expanded. The guard reads only up to the root element's start tag,
as far as a document type declaration can appear (entities can only be declared
in one, and an undeclared one is an error); each piece of the file goes through
it before the C parser, which builds the tree, sees that piece.

:func:`iter_records` streams: the caller takes each complete record (a ``Task``)
out of the tree as soon as its end tag is read, so memory stays flat however
long the file is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable, Iterator
from typing import NoReturn
from xml.parsers import expat

from .importing import ImportFileError


class UnsafeXmlError(ImportFileError):
    """The XML declares a document type or entities: refused before any expansion."""


_DOCTYPE_MESSAGE = (
    "the XML file declares a document type or entities (<!DOCTYPE>, <!ENTITY>); pmdesk does "
    "not read such files because their entities can expand without limit or read other files"
)


def _refuse_doctype(*_args: object) -> None:
    raise UnsafeXmlError(_DOCTYPE_MESSAGE)


def _refuse_entity(*_args: object) -> NoReturn:
    raise UnsafeXmlError("the XML file declares entities (<!ENTITY>); refused for safety")


class _RootReached(Exception):
    """The guard parser saw the root element start: no declaration can follow."""


def _stop_at_root(*_args: object) -> None:
    raise _RootReached


def _guard(parser: expat.XMLParserType) -> expat.XMLParserType:
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    return parser


def _not_well_formed(name: str, exc: Exception) -> ImportFileError:
    if isinstance(exc, expat.ExpatError):
        return ImportFileError(
            f"{name}: this is not well-formed XML ({expat.ErrorString(exc.code)}, "
            f"line {exc.lineno})"
        )
    return ImportFileError(f"{name}: this is not well-formed XML ({exc})")


def iter_records(
    chunks: Iterable[bytes], holders: frozenset[str], name: str = "file"
) -> Iterator[tuple[ET.Element, ET.Element | None]]:
    """(root, record) for each complete child of a *holder*: a child of the root whose
    local name is in ``holders`` (``Tasks`` holds ``Task`` records); last (root, None).

    Each record is taken out of the tree once yielded, so memory stays flat however
    many there are; the root's other children (the header) stay for the caller to
    read. Tags keep their namespace (``{uri}Task``). Unsafe or broken XML is refused
    as in :func:`parse_xml`, at the point it is found.
    """
    guard_parser = _guard(expat.ParserCreate())
    guard_parser.StartElementHandler = _stop_at_root
    guard: expat.XMLParserType | None = guard_parser
    parser = ET.XMLParser(target=ET.TreeBuilder())
    starts: deque[tuple[str, ET.Element]] = deque()
    # The C parser reports element starts only while asked to: the root's, then none
    # (a Python callback or event per element would cost more than the parsing).
    # (_setevents is private, so the standard library's stubs do not know it.)
    parser._setevents(starts, ("start",))  # type: ignore[attr-defined]  # noqa: SLF001 - what XMLPullParser itself uses
    root: ET.Element | None = None
    first = True
    try:
        for chunk in chunks:
            if first and b"<!DOCTYPE" in chunk[:4096] or b"<!ENTITY" in chunk:
                raise UnsafeXmlError(_DOCTYPE_MESSAGE)
            first = False
            if guard is not None:
                try:
                    guard.Parse(chunk, False)
                except _RootReached:
                    guard = None
            parser.feed(chunk)
            if root is None and starts:
                root = starts[0][1]
                parser._setevents(starts, ())  # type: ignore[attr-defined]  # noqa: SLF001
            if root is not None:
                yield from _complete_records(root, holders, finished=False)
        if guard is not None:
            guard.Parse(b"", True)
        parser.close()
    except UnsafeXmlError as exc:
        raise UnsafeXmlError(f"{name}: {exc}") from None
    except (expat.ExpatError, ET.ParseError, ValueError, AssertionError, RecursionError) as exc:
        raise _not_well_formed(name, exc) from None
    if root is not None:
        yield from _complete_records(root, holders, finished=True)
        yield root, None


def _complete_records(
    root: ET.Element, holders: frozenset[str], *, finished: bool
) -> Iterator[tuple[ET.Element, ET.Element]]:
    """The records built so far, taken out of their holder; the last one of the last
    holder may still be open (its end tag not yet read) unless the document is finished."""
    last = len(root) - 1
    for index, holder in enumerate(root):
        if holder.tag.rpartition("}")[2] not in holders:
            continue
        count = len(holder) - (0 if finished or index < last else 1)
        if count > 0:
            records = holder[:count]
            del holder[:count]
            for record in records:
                yield root, record
