"""The near-duplicate index (docs/duplicates.md): one fingerprint row per ticket with its exact
shingle set, and its LSH band keys, looked up by key. Written at intake, pruned when a ticket has
been finished for longer than "recent"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from qitong.db.models.base import Base


class TicketFingerprint(Base):
    __tablename__ = "ticket_fingerprints"
    __table_args__ = (Index("ix_ticket_fingerprints_created", "created_at"),)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, autoincrement=False)
    # "id:12" or "name:某某公司": who raised it, for the concentrated-report rule
    enterprise_key: Mapped[str] = mapped_column(String(140))
    # sorted unique uint32 bigram codes, little-endian (qitong.domain.duplicates.text)
    shingles: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    # set when the ticket was found part of a concentrated report (集中反映): the supervision hook reads it
    concentrated_at: Mapped[datetime | None]


class TicketBandKey(Base):
    """(band key, ticket): the primary key is the lookup index."""

    __tablename__ = "ticket_band_keys"
    __table_args__ = (Index("ix_ticket_band_keys_ticket", "ticket_id"),)
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, autoincrement=False)
