from qitong.db.models.audit import AuditEvent, AuditHead, OutboxMessage, OutboxStatus
from qitong.db.models.base import Base
from qitong.db.models.calendar import CalendarLoadedYear, CalendarOverride
from qitong.db.models.enterprise import Enterprise
from qitong.db.models.evaluation import (
    AppealStatus,
    CaseStatus,
    LowSatisfactionEntry,
    RatingAppeal,
    Revisit,
    RevisitMethod,
    RevisitReason,
    RevisitStatus,
    TypicalCase,
)
from qitong.db.models.notification import (
    Delivery,
    DeliveryStatus,
    Medium,
    Notification,
    NotificationPreference,
    WebhookSubscription,
)
from qitong.db.models.org import ApiToken, Department, DepartmentKind, Region, User
from qitong.db.models.rollup import (
    EvaluationSetting,
    KpiRollup,
    KpiRollupMonthly,
    ReportRun,
    RollupContribution,
)
from qitong.db.models.routing import ResponsibilityEntry
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
    "AppealStatus",
    "Assignment",
    "AssignmentRole",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarLoadedYear",
    "CalendarOverride",
    "CaseStatus",
    "Category",
    "Delivery",
    "DeliveryStatus",
    "Department",
    "DepartmentKind",
    "Enterprise",
    "EvaluationSetting",
    "ExtensionRequest",
    "ExtensionStatus",
    "IdempotencyKey",
    "KpiRollup",
    "KpiRollupMonthly",
    "LowSatisfactionEntry",
    "Medium",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "Rating",
    "RatingAppeal",
    "Region",
    "ReportRun",
    "ResponsibilityEntry",
    "Revisit",
    "RevisitMethod",
    "RevisitReason",
    "RevisitStatus",
    "RollupContribution",
    "Supervision",
    "SupervisionCounter",
    "Ticket",
    "TimerFiring",
    "TypicalCase",
    "User",
    "WebhookSubscription",
]
