"""Clinics: their provider accounts, the patients who connect to them, and what a
provider may read of each patient.

A connection is the patient's decision about one clinic, like a share without an expiry
or a date range. Every provider request for a patient goes through `open_patient()`,
which checks that decision again in the database (no cache: a disconnect through one
server is refused by every other at once) and writes the patient's access log; what is
read is then the share report's own code (api/sharing/service.py), through
`ClinicViewer`, so a clinic sees exactly what a share link with the same choice shows.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from api import mail
from api.audit.models import AuditEvent
from api.audit.service import record
from api.auth import service as accounts
from api.auth.models import Account, User
from api.calendar import local_today
from api.clinics import codes
from api.clinics.models import (
    Clinic,
    ClinicConnection,
    ClinicInvite,
    ClinicMember,
    ClinicView,
)
from api.db import db, insert_if_absent
from api.domain import AlreadyExists, Forbidden, LinkGone, NotFound
from api.models import utcnow
from api.sharing.service import opened_with

NO_CLINIC = "No clinic has this code. Check it with the clinic."
NO_PATIENT = "No such patient among this clinic's connected patients."
NO_CONNECTION = "No such clinic connection."
NO_PROVIDER = "No such provider in this clinic."
ADMINS_ONLY = "Only the clinic's admins can do this."
NOT_YOURSELF = "You cannot remove yourself; another admin can."
NOT_A_MEMBER = "This provider account belongs to no clinic."
TAKEN = "This email belongs to another account; providers need an account of their own."
ALREADY_MEMBER = "This email is already one of the clinic's providers."
INVITE_GONE = "This invitation is invalid, was already used, or has expired."
LOG_IN_TO_ACCEPT = ("This invitation is for an account that already exists: log in with its "
                    "own password to accept it.")
INVITE_FOR_ANOTHER = ("This invitation was sent to another email address: log in with the "
                      "account it was sent to.")
PATIENT_ACCOUNT = ("This is a patient account, and a clinic's provider needs an account of "
                   "its own: ask the clinic to invite another email address.")
IN_ANOTHER_CLINIC = ("This account is a provider of another clinic, and a provider belongs "
                     "to one clinic: ask to be invited with another email address.")
# How long a setup or invitation link works.
INVITE_DAYS = 7


def provider_name(user: Account) -> str:
    return user.display_name or user.email


# --- Accounts: the admin's CLI and the clinic's admins --------------------------------------

def _provider_account(email: str, display_name: str) -> User:
    """The operator's CLI: a new provider account for `email` (its password is chosen
    through the setup link), or a former provider's account, which joins again."""
    user = accounts.find_user(email)
    if user is None:
        return accounts.new_provider(email=email, display_name=display_name)
    if user.role != "provider" or db.session.get(ClinicMember, user.id) is not None:
        raise AlreadyExists(TAKEN, field="email")
    user.disabled = False
    if display_name.strip():
        user.display_name = display_name.strip()
    return user


def _join(clinic: Clinic, *, email: str, display_name: str, is_admin: bool
          ) -> tuple[str, datetime]:
    """Add a provider to the clinic (the operator's CLI): (one-time link token, when it
    stops working)."""
    user = _provider_account(email, display_name)
    db.session.add(ClinicMember(user_id=user.id, clinic_id=clinic.id, is_admin=is_admin))
    valid_for = timedelta(days=INVITE_DAYS)
    token = accounts.create_password_reset(user, valid_for=valid_for)
    return token, utcnow() + valid_for


def create_clinic(*, name: str, admin_email: str, admin_name: str = ""
                  ) -> tuple[Clinic, str]:
    """A clinic and its first admin: (clinic, the admin's one-time setup token)."""
    clinic = Clinic(name=name.strip(), code=codes.new_code())
    db.session.add(clinic)
    db.session.flush()
    token, _ = _join(clinic, email=admin_email, display_name=admin_name, is_admin=True)
    return clinic, token


def list_clinics() -> list[tuple[Clinic, int, int]]:
    """Every clinic with its number of providers and of connected patients."""
    providers = (select(func.count()).where(ClinicMember.clinic_id == Clinic.id)
                 .scalar_subquery())
    patients = (select(func.count()).where(ClinicConnection.clinic_id == Clinic.id,
                                           ClinicConnection.ended_at.is_(None))
                .scalar_subquery())
    return [(clinic, n_providers, n_patients) for clinic, n_providers, n_patients in
            db.session.execute(select(Clinic, providers, patients).order_by(Clinic.id))]


def _end_provider(user: User) -> None:
    """A provider leaves: no membership, no sessions, no login (the account is kept for
    the access log's sake and can be invited again)."""
    db.session.execute(delete(ClinicMember).where(ClinicMember.user_id == user.id))
    accounts.disable(user)


def delete_clinic(*, clinic_id: int) -> Clinic:
    """Delete a clinic: every connection ends at once (and says so in each patient's
    security log), every provider's session ends and their login is refused."""
    clinic = db.session.get(Clinic, clinic_id)
    if clinic is None:
        raise NotFound("No such clinic.")
    patients = db.session.scalars(
        select(ClinicConnection.user_id).where(ClinicConnection.clinic_id == clinic.id,
                                               ClinicConnection.ended_at.is_(None)))
    for patient_id in patients:
        record(user_id=patient_id, event="clinic_deleted", detail=clinic.name)
    providers = db.session.scalars(
        select(User).join(ClinicMember, ClinicMember.user_id == User.id)
        .where(ClinicMember.clinic_id == clinic.id))
    for provider in list(providers):
        _end_provider(provider)
    db.session.delete(clinic)  # connections and their access log go with it (cascade)
    db.session.flush()
    return clinic


@dataclass(frozen=True)
class Membership:
    clinic: Clinic
    member: ClinicMember

    def require_admin(self) -> None:
        if not self.member.is_admin:
            raise Forbidden(ADMINS_ONLY)


def membership(*, provider: Account) -> Membership:
    """The provider's clinic, read again on every request (a removal ends it at once)."""
    row = db.session.execute(
        select(Clinic, ClinicMember).join(ClinicMember, ClinicMember.clinic_id == Clinic.id)
        .where(ClinicMember.user_id == provider.id)).first()
    if row is None:
        raise Forbidden(NOT_A_MEMBER)
    return Membership(*row)


def account_clinic(user: Account) -> dict[str, Any]:
    """What GET /me adds for a provider: their clinic."""
    if user.role != "provider":
        return {}
    with db.read():
        row = db.session.execute(
            select(Clinic.id, Clinic.name, ClinicMember.is_admin)
            .join(ClinicMember, ClinicMember.clinic_id == Clinic.id)
            .where(ClinicMember.user_id == user.id)).first()
    return {"clinic": dict(row._mapping) if row else None}


accounts.describing_account.connect(account_clinic)


def clinic_body(membership: Membership) -> dict[str, Any]:
    clinic = membership.clinic
    providers = db.session.execute(
        select(User, ClinicMember).join(ClinicMember, ClinicMember.user_id == User.id)
        .where(ClinicMember.clinic_id == clinic.id)
        .order_by(ClinicMember.joined_at, User.id))
    # Invited, not yet accepted: as the admin typed them, with no account id (whether the
    # email had an account shows nowhere).
    invited = db.session.scalars(
        select(ClinicInvite).where(ClinicInvite.clinic_id == clinic.id,
                                   ClinicInvite.expires_at > utcnow())
        .order_by(ClinicInvite.created_at, ClinicInvite.id))
    return {
        "id": clinic.id, "name": clinic.name, "code": codes.shown(clinic.code),
        "is_admin": membership.member.is_admin,
        "providers": [
            *({"id": user.id, "display_name": user.display_name, "email": user.email,
               "is_admin": member.is_admin, "joined_at": member.joined_at,
               "status": "active"} for user, member in providers),
            *({"id": None, "display_name": invite.display_name, "email": invite.email,
               "is_admin": False, "joined_at": None, "status": "invited",
               "expires_at": invite.expires_at} for invite in invited)],
    }


def _by(membership: Membership) -> str:
    admin = db.session.get(User, membership.member.user_id)
    return f"by {provider_name(admin)}" if admin else "by ?"


def _tell_clinic(membership: Membership, event: str, what: str = "",
                 *, also: int | None = None) -> None:
    """An admin's change to the clinic, in the security log of every provider of the
    clinic (and of `also`, a provider leaving it), naming who made it."""
    by = _by(membership)
    members = set(db.session.scalars(select(ClinicMember.user_id).where(
        ClinicMember.clinic_id == membership.clinic.id)))
    for user_id in sorted(members | ({also} if also else set())):
        record(user_id=user_id, event=event, detail=f"{what}, {by}" if what else by)


# Code changes by one admin within this long of the last one logged add no event: the log
# says that the code changed and who changed it, not each of sixty clicks.
CODE_EVENTS_EVERY = timedelta(hours=1)


def rotate_code(*, membership: Membership) -> str:
    """A new code; the old one stops working at once (connections made with it stay)."""
    membership.require_admin()
    membership.clinic.code = codes.new_code()
    logged_lately = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.user_id == membership.member.user_id,
        AuditEvent.event == "clinic_code_changed", AuditEvent.detail == _by(membership),
        AuditEvent.created_at > utcnow() - CODE_EVENTS_EVERY).limit(1))
    if logged_lately is None:
        _tell_clinic(membership, "clinic_code_changed")
    return codes.shown(membership.clinic.code)


def invite(*, membership: Membership, email: str, display_name: str, public_url: str
           ) -> tuple[str, datetime]:
    """Invite a provider to the clinic: (the link, when it stops working). The link is
    also emailed to the address, in its account's language (else the inviting admin's).

    The answer is the same whether or not the email has an account, and an existing
    account is never changed (its password, its enabled state, its name): its person
    accepts by logging in with their own password (accept_invite). An email with no
    account gets a provider account with no password yet, and the link is its setup link
    (POST /auth/reset chooses the password and accepts, `_accepted_by_setup`). Inviting
    the same email again replaces the earlier link."""
    membership.require_admin()
    clinic = membership.clinic
    name = display_name.strip()
    user = accounts.find_user(email)
    member_of = user and db.session.scalar(
        select(ClinicMember.clinic_id).where(ClinicMember.user_id == user.id))
    if member_of == clinic.id:  # already on the clinic's own list of providers
        raise AlreadyExists(ALREADY_MEMBER, field="email")
    valid_for = timedelta(days=INVITE_DAYS)
    if user is None:
        user = accounts.new_provider(email=email, display_name=name)
    if accounts.never_set_up(user) and member_of is None:
        # Nobody has ever used this account: its setup link takes nothing over.
        token = accounts.create_password_reset(user, valid_for=valid_for)
    else:
        token = secrets.token_urlsafe(32)
    db.session.execute(delete(ClinicInvite).where(ClinicInvite.clinic_id == clinic.id,
                                                  ClinicInvite.user_id == user.id))
    expires_at = utcnow() + valid_for
    db.session.add(ClinicInvite(clinic_id=clinic.id, user_id=user.id,
                                email=accounts.normalize_email(email), display_name=name,
                                token_hash=accounts.sha256(token), expires_at=expires_at))
    _tell_clinic(membership, "clinic_provider_invited", email)
    url = f"{public_url}/reset?setup#{token}"
    inviter = accounts.account(membership.member.user_id)
    mail.send(to=accounts.normalize_email(email), template="clinic_invite",
              lang=inviter.language if accounts.never_set_up(user) else user.language,
              url=url, clinic=clinic.name, inviter=provider_name(inviter), days=INVITE_DAYS)
    return url, expires_at


def _live_invite(token: str) -> ClinicInvite:
    invite = db.session.scalar(select(ClinicInvite).where(
        ClinicInvite.token_hash == accounts.sha256(token)).with_for_update())
    if invite is None or invite.expires_at <= utcnow():
        raise LinkGone(INVITE_GONE)
    return invite


def _join_invited(invite: ClinicInvite, user: Account) -> Clinic:
    """The invited account joins the clinic; the invitation is used up."""
    current = db.session.get(ClinicMember, user.id)
    if current is not None and current.clinic_id != invite.clinic_id:
        raise AlreadyExists(IN_ANOTHER_CLINIC, reason="other_clinic")
    if current is None:
        db.session.add(ClinicMember(user_id=user.id, clinic_id=invite.clinic_id,
                                    is_admin=False))
        db.session.flush()
    db.session.delete(invite)
    clinic = db.session.get_one(Clinic, invite.clinic_id)
    for member_id in db.session.scalars(select(ClinicMember.user_id).where(
            ClinicMember.clinic_id == clinic.id).order_by(ClinicMember.user_id)):
        record(user_id=member_id, event="clinic_provider_joined", detail=provider_name(user))
    return clinic


def accept_invite(*, user: Account, token: str) -> Membership:
    """The signed-in account accepts the invitation it was sent (an existing account; a
    new one accepts by choosing its password). Refused: another account's invitation
    (403), a patient account (409: a provider needs an account of its own, and a diary
    is never turned into a provider's account), a provider of another clinic (409)."""
    invite = _live_invite(token)
    if invite.user_id != user.id:
        raise Forbidden(INVITE_FOR_ANOTHER)
    if user.role != "provider":
        raise AlreadyExists(PATIENT_ACCOUNT, reason="patient_account")
    _join_invited(invite, user)
    return membership(provider=user)


def _accepted_by_setup(user: User, *, token: str) -> None:
    """A new provider chose their password with an invitation's setup link: they join."""
    invite = db.session.scalar(select(ClinicInvite).where(
        ClinicInvite.token_hash == accounts.sha256(token), ClinicInvite.user_id == user.id))
    if invite is not None:
        _join_invited(invite, user)


accounts.password_set_by_link.connect(_accepted_by_setup)


def _invitation_to_log_in(token: str) -> str | None:
    """POST /auth/reset with an invitation that sets no password (an account that exists):
    what to tell the person holding the link."""
    invited = db.session.scalar(
        select(User).join(ClinicInvite, ClinicInvite.user_id == User.id)
        .where(ClinicInvite.token_hash == accounts.sha256(token),
               ClinicInvite.expires_at > utcnow()))
    # An account never set up has no password to log in with: its link is simply dead.
    return LOG_IN_TO_ACCEPT if invited and not accounts.never_set_up(invited) else None


accounts.checking_other_link.connect(_invitation_to_log_in)


def remove_provider(*, membership: Membership, provider_id: int) -> None:
    """Remove another provider of the clinic: their sessions end at once."""
    membership.require_admin()
    if provider_id == membership.member.user_id:
        raise Forbidden(NOT_YOURSELF)
    user = db.session.scalar(
        select(User).join(ClinicMember, ClinicMember.user_id == User.id)
        .where(User.id == provider_id, ClinicMember.clinic_id == membership.clinic.id))
    if user is None:
        raise NotFound(NO_PROVIDER)
    _tell_clinic(membership, "clinic_provider_removed", provider_name(user), also=user.id)
    _end_provider(user)


# --- The patient's side ---------------------------------------------------------------------

def find_clinic(*, code: str) -> Clinic:
    """The clinic with this code, however the patient typed it."""
    clinic = db.session.scalar(select(Clinic).where(Clinic.code == codes.normalize(code)))
    if clinic is None:
        raise NotFound(NO_CLINIC, field="code")
    return clinic


def _open_connection(user_id: int, clinic_id: int) -> ClinicConnection | None:
    return db.session.scalar(select(ClinicConnection).where(
        ClinicConnection.user_id == user_id, ClinicConnection.clinic_id == clinic_id,
        ClinicConnection.ended_at.is_(None)))


def connect(*, user: Account, code: str, include_notes: bool, include_insights: bool = False
            ) -> tuple[ClinicConnection, Clinic, bool]:
    """Connect to the clinic with this code, or change whether notes (and insights) are
    included on the open connection: (connection, clinic, whether it is new)."""
    clinic = find_clinic(code=code)
    connection = _open_connection(user.id, clinic.id)
    if connection is not None:
        connection.include_insights = include_insights
        if connection.include_notes != include_notes:
            connection.include_notes = include_notes
            record(user_id=user.id, event="clinic_notes_on" if include_notes
                   else "clinic_notes_off", detail=clinic.name)
        return connection, clinic, False
    connection = ClinicConnection(user_id=user.id, clinic_id=clinic.id,
                                  include_notes=include_notes,
                                  include_insights=include_insights)
    db.session.add(connection)
    db.session.flush()
    notes = "with notes" if include_notes else "without notes"
    record(user_id=user.id, event="clinic_connected", detail=f"{clinic.name} ({notes})")
    return connection, clinic, True


def list_connections(*, user: Account) -> list[tuple[ClinicConnection, Clinic]]:
    """The patient's open connections, oldest first."""
    return [(connection, clinic) for connection, clinic in db.session.execute(
        select(ClinicConnection, Clinic).join(Clinic, Clinic.id == ClinicConnection.clinic_id)
        .where(ClinicConnection.user_id == user.id, ClinicConnection.ended_at.is_(None))
        .order_by(ClinicConnection.connected_at, Clinic.name))]


def _own_connection(user: Account, connection_id: str) -> tuple[ClinicConnection, Clinic]:
    """The patient's own connection, open or ended; anything else is 404 alike."""
    try:
        key = uuid.UUID(connection_id)
    except ValueError:
        raise NotFound(NO_CONNECTION) from None
    row = db.session.execute(
        select(ClinicConnection, Clinic).join(Clinic, Clinic.id == ClinicConnection.clinic_id)
        .where(ClinicConnection.id == key, ClinicConnection.user_id == user.id)).first()
    if row is None:
        raise NotFound(NO_CONNECTION)
    return row[0], row[1]


def disconnect(*, user: Account, connection_id: str) -> None:
    """End the connection at once; again changes nothing (safe to replay)."""
    connection, clinic = _own_connection(user, connection_id)
    if connection.ended_at is None:
        connection.ended_at = utcnow()
        record(user_id=user.id, event="clinic_disconnected", detail=clinic.name)


def everything(*, user_id: int) -> dict[str, Any]:
    """What clinics keep about a patient, for /me/export: every connection, open or
    ended, and its access log."""
    connections = db.session.execute(
        select(ClinicConnection, Clinic.name).join(Clinic, Clinic.id == ClinicConnection.clinic_id)
        .where(ClinicConnection.user_id == user_id).order_by(ClinicConnection.connected_at))
    views = db.session.scalars(select(ClinicView).where(ClinicView.user_id == user_id)
                               .order_by(ClinicView.viewed_at, ClinicView.id))
    return {
        "clinic_connections": [
            {"id": str(c.id), "clinic": name, "include_notes": c.include_notes,
             "connected_at": c.connected_at.isoformat(),
             "ended_at": c.ended_at.isoformat() if c.ended_at else None}
            for c, name in connections],
        "clinic_views": [
            {"connection_id": str(v.connection_id), "provider_name": v.provider_name,
             "viewed_at": v.viewed_at.isoformat(), "last_viewed_at": v.last_viewed_at.isoformat(),
             "opened": v.opened_kinds} for v in views],
    }


def connection_views(*, user: Account, connection_id: str) -> list[ClinicView]:
    connection, _ = _own_connection(user, connection_id)
    return list(db.session.scalars(
        select(ClinicView).where(ClinicView.connection_id == connection.id)
        .order_by(ClinicView.viewed_at.desc(), ClinicView.id.desc())))


# --- The provider's side --------------------------------------------------------------------

@dataclass(frozen=True)
class ClinicViewer:
    """A provider's access to one connected patient (api/sharing/service.py's Access):
    every date, notes only if the patient chose so."""

    connection: ClinicConnection
    clinic: Clinic
    patient: User

    range_from: date | None = None
    range_to: date | None = None

    @property
    def include_notes(self) -> bool:
        return self.connection.include_notes

    @property
    def include_insights(self) -> bool:
        return self.connection.include_insights

    def fhir_key(self) -> str:
        return self.connection.fhir_key

    def terms(self) -> dict[str, Any]:
        return {"label": self.clinic.name, "expires_at": None, "from": None, "to": None,
                "include_notes": self.connection.include_notes,
                "include_insights": self.connection.include_insights}


def open_patient(*, provider: Account, patient_id: str, kind: str,
                 login_session_id: int | None) -> ClinicViewer:
    """The connected patient behind a panel id, checked right now, after writing what the
    provider opened into the patient's access log (call inside a write)."""
    try:
        key = uuid.UUID(patient_id)
    except ValueError:
        raise NotFound(NO_PATIENT) from None
    row = db.session.execute(
        select(ClinicConnection, Clinic, User)
        .join(Clinic, Clinic.id == ClinicConnection.clinic_id)
        .join(ClinicMember, ClinicMember.clinic_id == Clinic.id)
        .join(User, User.id == ClinicConnection.user_id)
        .where(ClinicConnection.id == key, ClinicConnection.ended_at.is_(None),
               ClinicMember.user_id == provider.id, User.disabled.is_(False))).first()
    if row is None:
        raise NotFound(NO_PATIENT)
    viewer = ClinicViewer(*row)
    _log_view(viewer, provider=provider, kind=kind, login_session_id=login_session_id)
    return viewer


def _log_view(viewer: ClinicViewer, *, provider: Account, kind: str,
              login_session_id: int | None) -> None:
    """One line per provider login session and patient: the first request adds it (and a
    clinic_viewed event in the patient's security log), later ones update it. The insert
    yields quietly to a concurrent one of the same session, which then updates."""
    now = utcnow()
    name = provider_name(provider)
    added = insert_if_absent(ClinicView.__table__, {
        "connection_id": viewer.connection.id, "user_id": viewer.patient.id,
        "provider_id": provider.id, "provider_name": name[:80],
        "login_session_id": login_session_id, "viewed_at": now, "last_viewed_at": now,
        "opened": kind})
    if added:
        record(user_id=viewer.patient.id, event="clinic_viewed",
               detail=f"{viewer.clinic.name}: {name}, {kind}")
        return
    db.session.execute(
        update(ClinicView)
        .where(ClinicView.connection_id == viewer.connection.id,
               ClinicView.login_session_id == login_session_id)
        .values(last_viewed_at=now, opened=opened_with(ClinicView.opened, kind))
        .execution_options(synchronize_session=False))


def panel(*, membership: Membership, q: str | None) -> list[dict[str, Any]]:
    """One row per connected patient (DESIGN.md "The panel"): flagged first, then the
    longest since logging (never logged first), then by name. Two queries for the
    connections and the kept summaries, whatever the number of patients."""
    from api.summaries import panel_rows

    # Plain rows, not User objects: panel_rows reads only `id` and `timezone`.
    rows = db.session.execute(
        select(ClinicConnection.id.label("connection_id"), ClinicConnection.connected_at,
               ClinicConnection.include_notes, User.id, User.timezone, User.display_name)
        .join(User, User.id == ClinicConnection.user_id)
        .where(ClinicConnection.clinic_id == membership.clinic.id,
               ClinicConnection.ended_at.is_(None), User.disabled.is_(False))).all()
    if q:
        wanted = q.casefold()
        rows = [row for row in rows if wanted in row.display_name.casefold()]
    kept = panel_rows(rows)
    items = []
    for row in rows:
        summary = kept.get(row.id, {})
        items.append({
            "patient_id": str(row.connection_id),
            "display_name": row.display_name,
            "connected_at": row.connected_at.isoformat(),
            "include_notes": row.include_notes,
            **summary,  # JSON-ready already (dates as ISO strings)
            "flagged": bool(summary.get("safety_flag_on") or summary.get("bp_flag_on")),
        })
    items.sort(key=_panel_order)
    return items


def _panel_order(item: dict[str, Any]) -> tuple[bool, bool, int, str]:
    days = item.get("days_since_log")
    return (not item["flagged"], days is not None, -(days or 0),
            item["display_name"].casefold())


def patient_today(viewer: ClinicViewer) -> date:
    return local_today(viewer.patient.timezone)

