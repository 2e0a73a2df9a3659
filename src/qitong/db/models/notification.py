"""What the outbox worker makes of an outbox row: in-app notifications, one delivery per
(message, medium, recipient) for email, SMS and webhooks, and the webhook subscriptions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base, enum_column


class Notification(Base):
    """In-app, per user. (user_id, source_key) is unique: delivering one outbox row twice
    creates nothing twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "source_key"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    topic: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(128))  # the outbox row's idempotency_key
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class Medium(StrEnum):
    """How a delivery travels. (Not `channel`: that word names where a ticket came from.)"""

    email = "email"
    sms = "sms"
    webhook = "webhook"


class DeliveryStatus(StrEnum):
    pending = "pending"  # not tried yet
    failed = "failed"  # tried, will be tried again at next_attempt_at
    sent = "sent"
    dead = "dead"  # gave up after the last attempt; an admin may replay it


class Delivery(Base):
    """One message to one recipient by one medium. The content is rendered once, at fan-out,
    so every retry and every replay sends the same words (and, for webhooks, the same bytes)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("outbox_id", "medium", "recipient"),
        Index("ix_deliveries_outbox_status", "outbox_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    medium: Mapped[Medium] = enum_column(Medium, "delivery_medium")
    # the address: an email address, a mobile number, or "webhook:<subscription id>"
    recipient: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, "delivery_status")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class WebhookSubscription(Base):
    """An outside system that wants events: topics are patterns ("ticket.*", "deadline.overdue")."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(500))
    # kept in clear: it signs every request; shown to the admin once, at creation
    secret: Mapped[str] = mapped_column(String(128))
    topics: Mapped[list[Any]]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class NotificationPreference(Base):
    """A user's own contact points for notifications. No row: in-app, plus SMS to the phone on
    the account for the few messages that go by SMS."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    email: Mapped[str | None] = mapped_column(String(254))
    email_enabled: Mapped[bool] = mapped_column(default=True)
    sms_enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]
