"""Declarative base and the column helpers every model shares."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Constraint names are stable so migrations (batch mode on SQLite) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: sa.DateTime(), dt.date: sa.Date()}


class Entity(Base):
    """An editable row: integer id plus a version that refuses stale writes.

    ``row_version`` grows by one with each ORM update; an update made against
    an older version raises instead of silently overwriting someone else's edit
    (the team-workspace mode relies on it, the single-file mode gets it free).
    """

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    row_version: Mapped[int] = mapped_column(nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.row_version}

    def to_dict(self) -> dict[str, Any]:
        """The row's column values by attribute name (no relationships)."""
        return {c.key: getattr(self, c.key) for c in sa.inspect(type(self)).column_attrs}

    def __repr__(self) -> str:
        name = getattr(self, "name", None) or getattr(self, "title", None)
        return f"<{type(self).__name__} {self.id}{f' {name!r}' if name else ''}>"


def table_of(model: type[Base]) -> sa.Table:
    """The model's table, typed as one (SQLAlchemy types ``__table__`` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def enum_type(enum_cls: type[StrEnum], name: str | None = None) -> sa.Enum:
    """Stored by value as VARCHAR with a CHECK constraint listing the allowed values.

    The CHECK is named ``ck_<table>_<name>``, ``name`` being the enum's class name in
    lower case unless given. A second column of the same enum in one table needs a
    name of its own: PostgreSQL refuses two constraints of one name on a table.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(32, *(len(m.value) for m in enum_cls)),
        values_callable=lambda cls: [m.value for m in cls],
        name=name or enum_cls.__name__.lower(),
    )


def fk(target: str, *, ondelete: str = "CASCADE", nullable: bool = False, index: bool = True):
    """A foreign key column; children go with their parent unless told otherwise."""
    return mapped_column(sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
