"""Parsing XML from other programs without trusting it.

A hostile XML file can expand a few hundred bytes of entity declarations into
gigabytes ("billion laughs") or make the parser read local files or URLs
(external entities). Neither has any place in an MS Project file, so a document
type declaration is refused outright: a guard parser (expat with our own
handlers) calls ours at the ``<!DOCTYPE`` and we stop before a single entity is
declared or expanded. The guard reads only up to the root element's start tag,
as far as a document type declaration can appear (entities can only be declared
in one, and an undeclared one is an error); each piece of the file goes through
it before libxml2 (through lxml), which builds the tree, sees that piece. libxml2
is also told not to resolve entities, load a DTD or touch the network, and keeps
its own limits (256 levels of nesting, 10 MB in one text), which no project file
comes near: a file beyond them is refused in words.

:func:`iter_records` streams: the caller takes each complete record (a ``Task``)
out of the tree as soon as its end tag is read, so memory stays flat however
long the file is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NoReturn
from xml.parsers import expat

from lxml import etree

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


# The records iter_records hands out (every other element stays part of one).
RECORDS = ("Task", "Resource", "Assignment")


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


# libxml2's limits, which no project file comes near, in words (its own name the option
# that lifts them).
_LIMITS = {
    "Excessive depth": "its elements are nested more than 256 deep",
    "Text node too long": "one of its texts is longer than 10 MB",
}


def _not_well_formed(name: str, exc: Exception) -> ImportFileError:
    if isinstance(exc, expat.ExpatError):
        return ImportFileError(
            f"{name}: this is not well-formed XML ({expat.ErrorString(exc.code)}, "
            f"line {exc.lineno})"
        )
    if isinstance(exc, etree.XMLSyntaxError):
        message = (exc.msg or "broken").split(", line ")[0]
        for sign, limit in _LIMITS.items():
            if sign in message:
                return ImportFileError(f"{name}: {limit}; no plan is shaped like this")
        return ImportFileError(
            f"{name}: this is not well-formed XML ({message}, line {exc.lineno})"
        )
    return ImportFileError(f"{name}: this is not well-formed XML ({exc})")


def iter_records(
    chunks: Iterable[bytes], holders: frozenset[str], name: str = "file"
) -> Iterator[tuple[etree._Element, etree._Element | None]]:
    """(root, record) for each complete child of a *holder*: a child of the root whose
    local name is in ``holders`` (``Tasks`` holds ``Task`` records); last (root, None).

    Only records whose local name is in ``RECORDS`` are yielded. libxml2 (through lxml)
    builds the tree in C and hands Python only those records' end tags: a record of
    eighty fields costs one Python object, not eighty, and the parse runs about twice as
    fast as the standard library's. Each record is taken out of the tree once yielded,
    so memory stays flat however many there are; the root's other children (the header)
    stay for the caller to read. Tags keep their namespace (``{uri}Task``); comments and
    processing instructions are dropped. Unsafe or broken XML is refused at the point it
    is found: a document type at the expat guard, before libxml2 sees a byte of it.
    """
    guard_parser = _guard(expat.ParserCreate())
    guard_parser.StartElementHandler = _stop_at_root
    guard: expat.XMLParserType | None = guard_parser
    parser = etree.XMLPullParser(
        events=("end",),
        tag=[f"{{*}}{record}" for record in RECORDS],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,  # libxml2's own limits: 256 levels deep, 10 MB in one text
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
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
            for _event, record in parser.read_events():
                holder = record.getparent()
                if holder is None:
                    continue  # the root itself is named like a record
                if root is None:
                    root = record.getroottree().getroot()
                if holder.getparent() is not root or _local(holder.tag) not in holders:
                    continue  # a record nested deeper: part of its own record
                yield root, record
                record.clear()
                holder.remove(record)
        if guard is not None:
            guard.Parse(b"", True)
        closed = parser.close()
    except UnsafeXmlError as exc:
        raise UnsafeXmlError(f"{name}: {exc}") from None
    except (expat.ExpatError, etree.LxmlError, ValueError, RecursionError) as exc:
        raise _not_well_formed(name, exc) from None
    yield (closed if root is None else root), None


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
