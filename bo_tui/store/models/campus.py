"""The Campus data model of SPEC section 3: district, reference lists, persons and their
identities, employments, positions, households, addresses, users and tool rights."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class District(Base):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(2))
    app_name: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. 7634-MO
    cloud_choice: Mapped[bool] = mapped_column(Boolean, default=False)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Gender(Base):
    __tablename__ = "genders"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))


class AssignmentCode(Base):
    """State-defined assignment codes (R-POS-2)."""

    __tablename__ = "assignment_codes"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Title(Base):
    """District title codes; unknown ones are created by the HR system (R-POS-4)."""

    __tablename__ = "titles"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")


class Person(Base):
    """A person: staff, student or guardian. Staff are persons with a position (R-POS-8)."""

    __tablename__ = "persons"
    # Staff numbers match case-insensitively and trimmed (R-DEMO-1, R-SYNC-8): an index on
    # that expression makes every lookup a seek on SQLite and PostgreSQL.
    __table_args__ = (Index("ix_persons_staff_key", func.lower(func.trim(text("staff_number")))),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Local Staff Number: may be empty or duplicated in dirty data (R-SYNC-8), so not unique.
    staff_number: Mapped[str | None] = mapped_column(String(40), index=True)
    student_number: Mapped[str | None] = mapped_column(String(40))
    # SSN only encrypted, with a keyed hash for equality matching (see store.crypto).
    ssn_enc: Mapped[str | None] = mapped_column(String(120))
    ssn_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(ForeignKey("genders.code"))
    work_phone: Mapped[str | None] = mapped_column(String(40))
    cell_phone: Mapped[str | None] = mapped_column(String(40))
    other_phone: Mapped[str | None] = mapped_column(String(40))
    work_email: Mapped[str | None] = mapped_column(String(254))
    personal_email: Mapped[str | None] = mapped_column(String(254))
    # Set once the HR system manages this person (API create/update or sync commit, R-SYNC-7).
    hr_managed: Mapped[bool] = mapped_column(Boolean, default=False)

    identities: Mapped[list[Identity]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Identity.id"
    )
    employments: Mapped[list[Employment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Employment.id"
    )
    positions: Mapped[list[Position]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Position.id"
    )


class Identity(Base):
    """Names over time; exactly one current identity per person (R-DEMO-3)."""

    __tablename__ = "identities"
    __table_args__ = (
        Index(
            "uq_identities_one_current",
            "person_id",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="identities")


class Employment(Base):
    """District employment records; several per person for rehires (R-EMP-1)."""

    __tablename__ = "employments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    termination_date: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="employments")


class Position(Base):
    """EmploymentAssignment, a.k.a. district assignment or position (R-POS-*)."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    assignment_code: Mapped[str | None] = mapped_column(ForeignKey("assignment_codes.code"))
    title_code: Mapped[str | None] = mapped_column(ForeignKey("titles.code"))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    # Used by other Campus activity (schedules, grades): never removed by R-POS-7.
    linked: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="positions")
    school: Mapped[School] = relationship()


class Address(Base):
    """One row per distinct normalized address (R-ADDR-3, R-ADDR-4): ``norm_key`` is unique."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_office_box: Mapped[bool] = mapped_column(Boolean, default=False)
    number: Mapped[str | None] = mapped_column(String(20))
    prefix: Mapped[str | None] = mapped_column(String(10))
    street: Mapped[str | None] = mapped_column(String(100))
    tag: Mapped[str | None] = mapped_column(String(10))
    direction: Mapped[str | None] = mapped_column(String(10))
    apt: Mapped[str | None] = mapped_column(String(30))
    city: Mapped[str | None] = mapped_column(String(60))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(10))
    county: Mapped[str | None] = mapped_column(String(60))
    location_code: Mapped[str | None] = mapped_column(String(40))
    tract: Mapped[str | None] = mapped_column(String(40))
    block: Mapped[str | None] = mapped_column(String(40))
    norm_key: Mapped[str] = mapped_column(String(400), unique=True)


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    staff_household: Mapped[bool] = mapped_column(Boolean, default=False)

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )
    locations: Mapped[list[HouseholdLocation]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )


class HouseholdMember(Base):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="members")


class HouseholdLocation(Base):
    __tablename__ = "household_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"), index=True)
    mailing: Mapped[bool] = mapped_column(Boolean, default=True)
    physical: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="locations")
    address: Mapped[Address] = relationship()


class User(Base):
    """A Campus user; the OS login maps to ``username``. Rights are in ``user_rights``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    rights: Mapped[list[UserRight]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def right_names(self) -> set[str]:
        return {r.right for r in self.rights}


class UserRight(Base):
    """One tool right of a user (names in ``bo_tui.core.rights``)."""

    __tablename__ = "user_rights"
    __table_args__ = (UniqueConstraint("user_id", "right", name="uq_user_rights_user_right"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    right: Mapped[str] = mapped_column(String(60))

    user: Mapped[User] = relationship(back_populates="rights")


class Preference(Base):
    """Business Office Preferences (R-PREF-*, R-SYNC-9 numbers) as name/value rows."""

    __tablename__ = "preferences"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


__all__ = [
    "Address",
    "AssignmentCode",
    "District",
    "Employment",
    "Gender",
    "Household",
    "HouseholdLocation",
    "HouseholdMember",
    "Identity",
    "Person",
    "Position",
    "Preference",
    "School",
    "Title",
    "User",
    "UserRight",
]
