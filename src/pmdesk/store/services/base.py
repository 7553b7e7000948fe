"""A repository per editable table: validated create, update, delete and restore.

Services compose repositories and add the domain's own operations. Every
method opens one short transaction and returns detached model objects, so no
caller ever holds a session. Every write lands in the transaction's journal
(:mod:`pmdesk.store.journal`), from which undo and redo are derived; ``update``
still returns the previous values and ``delete`` a Snapshot, for callers that
want to know what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from pmdesk.core.enums import LabelledEnum
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.validation import RULES, check_bounds

from ..journal import put_back, record_snapshot  # noqa: F401 - the importers use it from here
from ..models import Entity, table_of
from ..snapshot import Snapshot

if TYPE_CHECKING:
    from ..workspace import UnitOfWork, Workspace

M = TypeVar("M", bound=Entity)


def coerce(column: sa.Column, value: Any) -> Any:
    """Turn what a person or an import typed into the column's Python type, or refuse it;
    a date or number outside the bounds every output can handle is refused too."""
    typed = _coerce(column, value)
    if column.key not in ("id", "row_version"):
        check_bounds(column.key.replace("_", " "), typed)
    return typed


def _coerce(column: sa.Column, value: Any) -> Any:
    label = column.key.replace("_", " ")
    kind = column.type
    blank = isinstance(value, str) and not value.strip() and not isinstance(kind, sa.String)
    if value is None or blank:
        if not column.nullable:
            raise ValidationError(label, "a value is required")
        return None
    try:
        if isinstance(kind, sa.Enum) and kind.enum_class is not None:
            if isinstance(value, kind.enum_class):
                return value
            assert issubclass(kind.enum_class, LabelledEnum)  # every model's enums are
            return kind.enum_class.from_label(str(value))
        if isinstance(kind, sa.Date):
            if isinstance(value, dt.datetime):
                return value.date()
            return (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
            )
        if isinstance(kind, sa.DateTime):
            return (
                value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
            )
        if isinstance(kind, sa.Boolean):
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "y", "on")
            return bool(value)
        if isinstance(kind, sa.Integer):
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if number != int(number):
                raise ValueError
            return int(number)
        if isinstance(kind, sa.Float):
            return float(value)
        if isinstance(kind, sa.String | sa.Text):
            text = str(value)
            if kind.length is not None and len(text) > kind.length:
                raise ValidationError(label, f"is longer than {kind.length} characters")
            return text
    except ValidationError:
        raise
    except ValueError as exc:
        detail = (
            str(exc)
            if isinstance(kind, sa.Enum)
            else f"{value!r} is not a valid {_type_word(kind)}"
        )
        raise ValidationError(label, detail) from None
    return value


def _type_word(kind: sa.types.TypeEngine) -> str:
    if isinstance(kind, sa.Date):
        return "date (YYYY-MM-DD)"
    if isinstance(kind, sa.Integer):
        return "whole number"
    if isinstance(kind, sa.Float):
        return "number"
    return "value"


class Repo[M: Entity]:
    """Create, read, update, delete and restore rows of one table."""

    def __init__(
        self,
        ws: Workspace,
        model: type[M],
        *,
        order_by: Iterable[Any] = (),
        after_write: Callable[[UnitOfWork, M, dict[str, Any]], None] | None = None,
    ) -> None:
        self.ws = ws
        self.model = model
        self.kind: str = model.__tablename__
        self._order_by = tuple(order_by) or (model.id,)
        self._columns = {c.key: c for c in table_of(model).columns}
        self._after_write = after_write

    # -- reading ---------------------------------------------------------------

    def get(self, entity_id: int) -> M:
        with self.ws.read() as session:
            found = session.get(self.model, entity_id)
            if found is None:
                raise NotFoundError(self.kind, entity_id)
            return found

    def list(self, *where: Any, order_by: Iterable[Any] | None = None) -> list[M]:
        with self.ws.read() as session:
            stmt = sa.select(self.model).where(*where).order_by(*(order_by or self._order_by))
            return list(session.scalars(stmt))

    def count(self, *where: Any) -> int:
        with self.ws.read() as session:
            stmt = sa.select(sa.func.count()).select_from(self.model).where(*where)
            return session.scalar(stmt) or 0

    # -- validation ---------------------------------------------------------------

    def clean(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Coerced copies of ``fields``; unknown names are refused, not ignored."""
        cleaned = {}
        for name, value in fields.items():
            column = self._columns.get(name)
            if column is None or name in ("id", "row_version"):
                raise ValidationError(name, f"is not a field of {self.kind.replace('_', ' ')}")
            cleaned[name] = coerce(column, value)
        return cleaned

    def _defaults(self) -> dict[str, Any]:
        values = {}
        for name, column in self._columns.items():
            default = column.default
            if isinstance(default, ScalarElementColumnDefault) and name != "row_version":
                values[name] = default.arg
        return values

    def _validate(self, full: dict[str, Any]) -> None:
        rule = RULES.get(self.kind)
        if rule is not None:
            rule(full)

    # -- writing --------------------------------------------------------------------

    def create(self, **fields: Any) -> M:
        full = self._defaults() | self.clean(fields)
        self._validate(full)
        with self.ws.transaction() as uow:
            obj = self.model(**{k: v for k, v in full.items() if k in self._columns})
            uow.session.add(obj)
            uow.session.flush()
            if self._after_write is not None:
                self._after_write(uow, obj, {})
        return obj

    def update(self, entity_id: int, **changes: Any) -> dict[str, Any]:
        """Apply ``changes``; returns the previous values of the fields that changed."""
        return self.update_many({entity_id: changes}).get(entity_id, {})

    def update_many(self, changes: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """Apply changes to several rows in one transaction (one undo step).

        Returns {id: previous values of the fields that changed}; undo is the journal's
        (``Workspace.revert``). Any refusal leaves every row as it was.
        """
        cleaned = {entity_id: self.clean(fields) for entity_id, fields in changes.items()}
        previous_all: dict[int, dict[str, Any]] = {}
        with self.ws.transaction() as uow:
            session = uow.session
            with session.no_autoflush:  # one query for all rows, one flush at commit
                loaded: dict[int, M] = {}
                ids = list(cleaned)
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    stmt = sa.select(self.model).where(self.model.id.in_(chunk))
                    loaded.update((obj.id, obj) for obj in session.scalars(stmt))
                unchanged = []
                for entity_id, fields in cleaned.items():
                    obj = loaded.get(entity_id)
                    if obj is None:
                        raise NotFoundError(self.kind, entity_id)
                    previous = self._apply(obj, fields)
                    if previous:
                        previous_all[entity_id] = previous
                    elif fields:
                        unchanged.append(entity_id)
                # An edit to a value a colleague has meanwhile set writes nothing, but it
                # was still made against a row that changed since: report it like any other.
                self.ws.versions.guard_rows(session, table_of(self.model), unchanged)
            if self._after_write is not None:
                session.flush()
                for entity_id, previous in previous_all.items():
                    self._after_write(uow, loaded[entity_id], previous)
        return previous_all

    def _apply(self, obj: M, fields: dict[str, Any]) -> dict[str, Any]:
        full = obj.to_dict() | fields
        self._validate(full)
        previous = {}
        for name, value in full.items():
            if name not in ("id", "row_version") and getattr(obj, name) != value:
                previous[name] = getattr(obj, name)
                setattr(obj, name, value)
        return previous

    def delete(self, ids: int | Iterable[int]) -> Snapshot:
        """Delete rows and everything that goes with them; the snapshot says what went."""
        id_list = [ids] if isinstance(ids, int) else list(ids)
        with self.ws.transaction() as uow:
            snap = uow.delete(self.kind, id_list)
            missing = set(id_list).difference(snap.ids(self.kind))
            if missing:
                raise NotFoundError(self.kind, min(missing))
        return snap

    def restore(self, snap: Snapshot) -> None:
        """Put deleted rows back with the same ids (an import's undo; see ``Workspace.revert``)."""
        with self.ws.transaction() as uow:
            put_back(uow, snap)


def enum_value(value: StrEnum | str) -> str:
    return value.value if isinstance(value, StrEnum) else value
