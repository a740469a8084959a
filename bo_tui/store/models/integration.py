"""Tables of the integration area: the district's API client and its tokens (R-CRED-*), the
``serve`` heartbeat, the error log (R-LOG-1), notifications and Message Center (R-NOTE-*)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class ApiClient(Base):
    """One OAuth2 client per district (R-CRED-1). The secret is kept encrypted (so the
    district can reveal it) and as a SHA-256 hash (for the constant-time check, R-CRED-3)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), unique=True
    )
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    secret_enc: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Bumped by every rotation; a token of an older generation never passes (R-CRED-2).
    generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ApiToken(Base):
    """An issued access token, only as its SHA-256 hash (R-CRED-3)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    generation: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ServerHeartbeat(Base):
    """Where ``bo-tui serve`` last listened and whether it still runs (one row)."""

    __tablename__ = "server_heartbeat"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    public_url: Mapped[str | None] = mapped_column(String(400))
    pid: Mapped[int | None] = mapped_column(Integer)
    hostname: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ErrorLogEntry(Base):
    """Business Office Error Log (R-LOG-1): the payload is stored redacted, never raw."""

    __tablename__ = "error_log"
    __table_args__ = (Index("ix_error_log_date", "error_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    error_date: Mapped[dt.datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(10))  # HTTP method, FILE or JOB
    path: Mapped[str] = mapped_column(String(400))
    status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text, default="")


class Notification(Base):
    """A subscription of a type (``HR-Staff``, ``HR Sync Commit``) with recipients (R-NOTE-1)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    recipients: Mapped[list[NotificationRecipient]] = relationship(
        back_populates="notification",
        cascade="all, delete-orphan",
        order_by="NotificationRecipient.id",
    )


class NotificationRecipient(Base):
    __tablename__ = "notification_recipients"
    __table_args__ = (
        UniqueConstraint("notification_id", "user_id", name="uq_notification_recipients_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    notification: Mapped[Notification] = relationship(back_populates="recipients")


class Message(Base):
    """One message in one user's Message Center (R-NOTE-3)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_user_read", "user_id", "is_read"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


__all__ = [
    "ApiClient",
    "ApiToken",
    "ErrorLogEntry",
    "Message",
    "Notification",
    "NotificationRecipient",
    "ServerHeartbeat",
]
