"""Clinics, their providers, the patients connected to them, and the access log of what
each provider opened.

A connection is the patient's decision about one clinic. Disconnecting keeps the row with
`ended_at` set, so the patient can still read who viewed while it lasted; only one
connection per patient and clinic is open at a time (a partial unique index). Deleting
the clinic deletes its connections and their access log (the patient's security log keeps
every clinic_viewed event and the clinic_deleted one).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, fhir_key_column


class Clinic(db.Model):  # type: ignore[name-defined]
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The 12 characters patients type to connect, stored without dashes (api/clinics/codes.py).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = created_at_column()


class ClinicMember(db.Model):  # type: ignore[name-defined]
    """A provider account and its clinic (one each)."""

    __tablename__ = "clinic_members"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"),
                                           index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = created_at_column()


class ClinicInvite(db.Model):  # type: ignore[name-defined]
    """A provider invited to a clinic, until they accept (the row is then deleted) or it
    expires. `user_id` is the invited account: one that existed (accepted by logging in
    with its own password, POST /clinic/invites/accept) or one made for the invitation
    with no password yet (accepted by choosing one through the setup link, whose reset
    token is this invitation's token)."""

    __tablename__ = "clinic_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # As the admin typed them: the clinic's list shows these, never the account's own.
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(80))
    # SHA-256 of the link's token: a copy of the table cannot be replayed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClinicConnection(db.Model):  # type: ignore[name-defined]
    __tablename__ = "clinic_connections"
    __table_args__ = (
        # One open connection per patient and clinic; ended ones stay for the access log.
        db.Index("uq_clinic_connections_open", "user_id", "clinic_id", unique=True,
                 sqlite_where=db.text("ended_at IS NULL"),
                 postgresql_where=db.text("ended_at IS NULL")),
        db.Index("ix_clinic_connections_clinic_id", "clinic_id"),
    )

    # The opaque id the provider's panel uses for the patient (never the account's id).
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    include_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the report shows "What goes with better days" (off unless the patient ticks it).
    include_insights: Mapped[bool] = mapped_column(Boolean, default=False)
    connected_at: Mapped[datetime] = created_at_column()
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # FHIR ids of this clinic's downloads of the patient come from it (api/formats/fhir.py).
    fhir_key: Mapped[str] = fhir_key_column()


class ClinicView(db.Model):  # type: ignore[name-defined]
    """One line of the patient's access log: one provider, one login session, one
    connection. Later requests of that session update the line (as share views do)."""

    __tablename__ = "clinic_views"
    __table_args__ = (
        db.UniqueConstraint("connection_id", "login_session_id"),
        db.Index("ix_clinic_views_connection_viewed", "connection_id", "viewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clinic_connections.id", ondelete="CASCADE"))
    # The patient, so deleting the account removes the line with everything else.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The provider's name when they looked: the line outlives the provider's account.
    provider_name: Mapped[str] = mapped_column(String(80))
    login_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("login_sessions.id", ondelete="SET NULL"))
    viewed_at: Mapped[datetime] = created_at_column()
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Everything the session opened, in order ("trends,entries.csv").
    opened: Mapped[str] = mapped_column(String(128))

    @property
    def opened_kinds(self) -> list[str]:
        return self.opened.split(",")
