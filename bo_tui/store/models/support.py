"""Tables of the support area (SPEC section 8): authorized contacts (R-SUP-1, R-SUP-4, R-SUP-7),
cases with their conversation (R-SUP-2/3/5/8) and update requests (R-SUP-6).

Times are naive UTC: the core converts every injected ``now`` before it reaches a row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .campus import User


class SupportContact(Base):
    """One authorized contact: a User with role ``support`` or ``technical`` (R-SUP-1)."""

    __tablename__ = "support_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # support | technical
    intro_to_support_on: Mapped[dt.datetime | None] = mapped_column(DateTime)  # required (R-SUP-7)
    campus_fundamentals_on: Mapped[dt.datetime | None] = mapped_column(DateTime)  # recommended
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_case_activity_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Reactivation restarts the 180-day clock of R-SUP-4 without faking a login.
    reactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deactivated: Mapped[bool] = mapped_column(Boolean, default=False)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class SupportCase(Base):
    """A support case (R-SUP-5); ``awaiting_transition`` marks an emergency exception case
    opened by an unauthorized user, frozen until an authorized contact takes it (R-SUP-3)."""

    __tablename__ = "support_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    product_area: Mapped[str] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    replication_steps: Mapped[str] = mapped_column(Text, default="")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    exception: Mapped[bool] = mapped_column(Boolean, default=False)
    awaiting_transition: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(40), index=True)
    contact_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    opened_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    modified_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Follow-up clock of R-SUP-8: when the case last entered Pending Customer Input.
    pending_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    follow_ups_sent: Mapped[int] = mapped_column(Integer, default=0)

    contact: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_user_id])
    messages: Mapped[list[SupportCaseMessage]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="[SupportCaseMessage.created_at, SupportCaseMessage.id]",
    )


class SupportCaseMessage(Base):
    """One entry of a case's conversation: a district message, a Campus Support reply, or a
    system note (status change, follow-up, close, reopen, transition)."""

    __tablename__ = "support_case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("support_cases.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))  # kept if the user goes away
    side: Mapped[str] = mapped_column(String(20))  # district | support | system
    kind: Mapped[str] = mapped_column(String(20), default="message")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    case: Mapped[SupportCase] = relationship(back_populates="messages")


class SupportUpdateRequest(Base):
    """A sandbox refresh or Campus version update request of the technical contact (R-SUP-6)."""

    __tablename__ = "support_update_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # sandbox_refresh | version_update
    status: Mapped[str] = mapped_column(String(20), index=True)
    requested_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_by_name: Mapped[str] = mapped_column(String(120))
    details: Mapped[str] = mapped_column(Text, default="")
    target_version: Mapped[str | None] = mapped_column(String(40))
    preferred_date: Mapped[dt.date | None] = mapped_column(Date)
    scheduled_for: Mapped[dt.datetime | None] = mapped_column(DateTime)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


__all__ = ["SupportCase", "SupportCaseMessage", "SupportContact", "SupportUpdateRequest"]
