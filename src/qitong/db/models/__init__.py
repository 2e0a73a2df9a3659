from qitong.db.models.audit import AuditEvent, AuditHead, OutboxMessage, OutboxStatus
from qitong.db.models.base import Base
from qitong.db.models.calendar import CalendarLoadedYear, CalendarOverride
from qitong.db.models.enterprise import Enterprise
from qitong.db.models.notification import (
    Delivery,
    DeliveryStatus,
    Medium,
    Notification,
    NotificationPreference,
    WebhookSubscription,
)
from qitong.db.models.org import ApiToken, Department, DepartmentKind, Region, User
from qitong.db.models.supervision import Supervision, SupervisionCounter
from qitong.db.models.ticket import (
    Assignment,
    AssignmentRole,
    Attachment,
    Category,
    ExtensionRequest,
    ExtensionStatus,
    IdempotencyKey,
    Rating,
    Ticket,
    TimerFiring,
)

__all__ = [
    "ApiToken",
    "Assignment",
    "AssignmentRole",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarLoadedYear",
    "CalendarOverride",
    "Category",
    "Delivery",
    "DeliveryStatus",
    "Department",
    "DepartmentKind",
    "Enterprise",
    "ExtensionRequest",
    "ExtensionStatus",
    "IdempotencyKey",
    "Medium",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "Rating",
    "Region",
    "Supervision",
    "SupervisionCounter",
    "Ticket",
    "TimerFiring",
    "User",
    "WebhookSubscription",
]
