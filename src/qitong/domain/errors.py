"""Errors every layer understands. Each carries a Chinese message a person can act on; the web layer
maps the kind to an HTTP status in one place."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    kind = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """Bad input: names the field and says why (HTTP 422)."""

    kind = "invalid_input"


class NotFound(DomainError):
    kind = "not_found"


class Forbidden(DomainError):
    """Wrong role, department or enterprise (HTTP 403)."""

    kind = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (HTTP 409)."""

    kind = "conflict"

    def __init__(
        self, message: str, *, field: str | None = None, allowed: Sequence[str] = ()
    ) -> None:
        super().__init__(message, field=field)
        self.allowed = list(allowed)


class StaleVersion(DomainError):
    """Optimistic concurrency: the client acted on an old version (HTTP 412)."""

    kind = "stale_version"


class Unauthenticated(DomainError):
    kind = "unauthenticated"
