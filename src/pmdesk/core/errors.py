"""The error types every layer raises and the GUI shows as messages."""

from __future__ import annotations


class PmdeskError(Exception):
    """Base for every error pmdesk reports to a person rather than crashing on."""

    # True when trying the same thing again later may work (a lost connection).
    retryable = False


class ValidationError(PmdeskError):
    """Input refused before it reached the file; names the field and the reason.

    ``str(err)`` reads as a full sentence for a message box, e.g.
    "End date: 2027-01-03 is before the start date 2027-02-01".
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field.replace('_', ' ').capitalize()}: {reason}")


class NotFoundError(PmdeskError):
    """An id that no longer exists (deleted elsewhere, or never existed)."""

    def __init__(self, kind: str, entity_id: object) -> None:
        self.kind = kind
        self.entity_id = entity_id
        super().__init__(f"No {kind.replace('_', ' ')} with id {entity_id} in this workspace")
