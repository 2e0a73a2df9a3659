"""Notifications: the template table and the retry schedule. Pure."""

from qitong.domain.notifications.retry import RetryPolicy, backoff_delay
from qitong.domain.notifications.templates import (
    FIELDS,
    TEMPLATES,
    Audience,
    Rendered,
    Template,
    document_name,
    format_deadline,
    level_label,
    placeholders,
    render,
    tidy_reason,
)

__all__ = [
    "FIELDS",
    "TEMPLATES",
    "Audience",
    "Rendered",
    "RetryPolicy",
    "Template",
    "backoff_delay",
    "document_name",
    "format_deadline",
    "level_label",
    "placeholders",
    "render",
    "tidy_reason",
]
