"""Parsing XML from other programs without trusting it.

A hostile XML file can expand a few hundred bytes of entity declarations into
gigabytes ("billion laughs") or make the parser read local files or URLs
(external entities). Neither has any place in an MS Project file, so a document
type declaration is refused outright: expat calls our handler at the
``<!DOCTYPE`` and we stop before a single entity is declared or expanded. The
tree is built with expat directly (not ``xml.etree.ElementTree.parse``) so the
handlers are ours, and tags are stored by local name, without the namespace.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from .importing import ImportFileError


class UnsafeXmlError(ImportFileError):
    """The XML declares a document type or entities: refused before any expansion."""


_NAMESPACE_SEP = "\x1f"
_DOCTYPE_MESSAGE = (
    "the XML file declares a document type or entities (<!DOCTYPE>, <!ENTITY>); pmdesk does "
    "not read such files because their entities can expand without limit or read other files"
)


def _refuse_doctype(*_args: object) -> None:
    raise UnsafeXmlError(_DOCTYPE_MESSAGE)


def _refuse_entity(*_args: object) -> None:
    raise UnsafeXmlError("the XML file declares entities (<!ENTITY>); refused for safety")


def _local(name: str) -> str:
    return name.rsplit(_NAMESPACE_SEP, 1)[-1]


def parse_xml(data: bytes, name: str = "file") -> ET.Element:
    """The root element of ``data``, with namespace-free tags; unsafe or broken XML is refused.

    Raises UnsafeXmlError for DOCTYPE or ENTITY declarations and ImportFileError
    (with the line number) for anything that is not well-formed.
    """
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        # Cheap early refusal for the common case; the handlers below catch the rest
        # (another encoding, a declaration further in).
        raise UnsafeXmlError(f"{name}: {_DOCTYPE_MESSAGE}")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=_NAMESPACE_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _local(tag), {_local(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_local(tag))
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
        root = builder.close()
    except UnsafeXmlError as exc:
        raise UnsafeXmlError(f"{name}: {exc}") from None
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise ImportFileError(
            f"{name}: this is not well-formed XML ({reason}, line {exc.lineno})"
        ) from None
    except (ValueError, AssertionError, RecursionError) as exc:
        raise ImportFileError(f"{name}: this is not well-formed XML ({exc})") from None
    return root
