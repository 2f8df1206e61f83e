"""Shares: create, list, revoke, the access log, and everything a provider may see.

A share is the patient's decision about one provider: how long, which dates, whether
notes. Every provider read goes through `viewer()`, which re-checks that decision on
each request, and through the `shared_*` functions below, which read only the share's
dates and only what the share includes.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, delete, literal, select, update

from api.audit.service import record
from api.auth.models import Account, User
from api.auth.service import sha256
from api.bladder.service import CHECKS
from api.browsers import browser_of
from api.calendar import DEFAULT_RANGE_DAYS, local_date_of, local_today
from api.db import db
from api.db.records import declared
from api.domain import LinkGone, NotFound, SessionEnded
from api.entries.service import ENTRIES
from api.medications.service import MEDICATIONS, add_medication_rows
from api.medications.service import shared_list as shared_medication_list
from api.models import utcnow
from api.questionnaires.service import RESPONSES
from api.sharing.models import Share, ShareSession, ShareView
from api.sharing.outputs import Scope, bounds, stored
from api.summaries.insights import without_tags
from api.summaries.kept_insights import kept_insights
from api.treatments.service import TREATMENTS
from api.treatments.vitals import flags
from api.trends.service import add_questionnaires, analyse, window
from api.vocabulary import SCORE_FIELDS

NOT_FOUND = "No such share."
UNKNOWN_LINK = "This link is not valid. Check that it was copied completely."
REVOKED = "This link was revoked by the patient."
SESSION_ENDED = "This viewing session has ended. Open the link again."


# --- The patient's side -------------------------------------------------------------------

def create_share(*, user: Account, label: str, expires_in_days: int, range_from: date | None,
                 range_to: date | None, include_notes: bool, include_insights: bool = False
                 ) -> tuple[Share, str]:
    """A new share and its token (≥ 256 bits), which is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    share = Share(
        user_id=user.id, label=label.strip(), token_hash=sha256(token), created_at=now,
        expires_at=now + timedelta(days=expires_in_days), range_from=range_from,
        range_to=range_to, include_notes=include_notes, include_insights=include_insights,
        view_count=0,
    )
    db.session.add(share)
    db.session.flush()
    record(user_id=user.id, event="share_created", detail=share.label)
    return share, token


def list_shares(*, user: Account) -> list[Share]:
    return list(db.session.scalars(
        select(Share).where(Share.user_id == user.id)
        .order_by(Share.created_at.desc(), Share.id)
    ))


def find_share(*, user: Account, share_id: str) -> Share:
    """The patient's own share; a malformed id or another patient's share is 404 alike."""
    try:
        key = uuid.UUID(share_id)
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    share = db.session.scalar(select(Share).where(Share.id == key, Share.user_id == user.id))
    if share is None:
        raise NotFound(NOT_FOUND)
    return share


def revoke_share(*, user: Account, share_id: str) -> None:
    """Revoke at once; revoking again keeps the first time and logs nothing (safe to
    replay)."""
    share = find_share(user=user, share_id=share_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        record(user_id=share.user_id, event="share_revoked", detail=share.label)


def share_views(*, share: Share) -> list[ShareView]:
    return list(db.session.scalars(
        select(ShareView).where(ShareView.share_id == share.id)
        .order_by(ShareView.viewed_at.desc(), ShareView.id.desc())
    ))


# --- The provider's side ------------------------------------------------------------------

class Access(Scope, Protocol):
    """What one provider request may read of one patient, however the provider came to
    see it (a share link's viewing session, or a clinic's connection): a scope
    (api/sharing/outputs.py: which patient, which local dates, whether notes, its FHIR
    key), and the terms the report shows."""

    @property
    def patient(self) -> User: ...
    @property
    def include_insights(self) -> bool: ...
    def terms(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Viewer:
    """What one provider request may see: the share and its patient; and the viewing
    session (one exchange of the link's token) the request belongs to."""

    share: Share
    patient: User
    session: ShareSession

    @property
    def range_from(self) -> date | None:
        return self.share.range_from

    @property
    def range_to(self) -> date | None:
        return self.share.range_to

    @property
    def include_notes(self) -> bool:
        return self.share.include_notes

    @property
    def include_insights(self) -> bool:
        return self.share.include_insights

    def fhir_key(self) -> str:
        return self.share.fhir_key

    def terms(self) -> dict[str, Any]:
        share = self.share
        return {
            "label": share.label,
            "expires_at": share.expires_at.isoformat(),
            "from": share.range_from.isoformat() if share.range_from else None,
            "to": share.range_to.isoformat() if share.range_to else None,
            "include_notes": share.include_notes,
            "include_insights": share.include_insights,
        }


def _check_open(share: Share, patient: User, now: datetime) -> None:
    if patient.disabled:
        raise NotFound(UNKNOWN_LINK)
    if share.revoked_at is not None:
        raise LinkGone(REVOKED, reason="revoked")
    if now >= share.expires_at:
        day = local_date_of(share.expires_at, patient.timezone).isoformat()
        raise LinkGone(f"This link expired on {day}.", reason="expired",
                      expired_at=share.expires_at.isoformat())


def open_share(*, token: str, session_minutes: int) -> tuple[Viewer, str, datetime]:
    """Exchange the link's token for a viewing session: (viewer, session token, expiry)."""
    row = db.session.execute(
        select(Share, User).join(User, User.id == Share.user_id)
        .where(Share.token_hash == sha256(token))
    ).first()
    if row is None:
        raise NotFound(UNKNOWN_LINK)
    share, patient = row
    now = utcnow()
    _check_open(share, patient, now)
    # This link's ended sessions are of no use to anyone: clear them while writing anyway
    # (only this link's, so exchanges for different links never wait on each other).
    db.session.execute(delete(ShareSession).where(ShareSession.share_id == share.id,
                                                  ShareSession.expires_at < now))
    session_token = secrets.token_urlsafe(32)
    expires_at = min(now + timedelta(minutes=session_minutes), share.expires_at)
    session = ShareSession(share_id=share.id, user_id=patient.id,
                           token_hash=sha256(session_token), created_at=now,
                           expires_at=expires_at)
    db.session.add(session)
    db.session.flush()
    return Viewer(share, patient, session), session_token, expires_at


def viewer(session_token: str | None) -> Viewer:
    """The share behind a provider's session cookie, checked again right now."""
    if not session_token:
        raise SessionEnded(SESSION_ENDED)
    row = db.session.execute(
        select(ShareSession, Share, User)
        .join(Share, Share.id == ShareSession.share_id)
        .join(User, User.id == Share.user_id)
        .where(ShareSession.token_hash == sha256(session_token))
    ).first()
    if row is None:
        raise SessionEnded(SESSION_ENDED)
    session, share, patient = row
    now = utcnow()
    _check_open(share, patient, now)
    if now >= session.expires_at:
        raise SessionEnded(SESSION_ENDED)
    return Viewer(share, patient, session)


def log_view(*, viewer: Viewer, kind: str, user_agent: str) -> None:
    """Write what this request opened into its viewing session's line of the access log.

    A session's first request adds the line, counts one view of the share and records one
    share_viewed event in the patient's security log. Its later requests only update that
    line (the last thing opened, everything opened, when), so a link holder who downloads
    over and over adds nothing to either log. Counter and line change in single UPDATEs,
    so requests served at the same moment by several workers all count.
    """
    share, session = viewer.share, viewer.session
    now = utcnow()
    if session.view_id is None:
        browser = browser_of(user_agent)
        line = ShareView(share_id=share.id, user_id=share.user_id, viewed_at=now, kind=kind,
                         opened=kind, last_viewed_at=now, browser=browser)
        db.session.add(line)
        db.session.flush()
        session.view_id = line.id
        record(user_id=share.user_id, event="share_viewed",
               detail=f"{share.label}: {kind}, {browser}")
        counted = {"view_count": Share.view_count + 1}
    else:
        db.session.execute(
            update(ShareView).where(ShareView.id == session.view_id)
            .values(kind=kind, last_viewed_at=now, opened=opened_with(ShareView.opened, kind))
            .execution_options(synchronize_session=False)
        )
        counted = {}
    db.session.execute(
        update(Share).where(Share.id == share.id).values(last_viewed_at=now, **counted)
        .execution_options(synchronize_session=False)
    )


def opened_with(opened: Any, kind: str) -> Any:
    """An access-log line's comma-separated `opened` with `kind` added unless it is there,
    as one SQL expression, so requests served at once by several workers all count (share
    links' lines and clinic providers' alike)."""
    seen = literal(",").concat(opened).concat(",")
    return case((seen.contains(f",{kind},", autoescape=True), opened),
                else_=opened.concat(f",{kind}"))


# --- What a provider sees -----------------------------------------------------------------
# Every read goes through api/sharing/outputs.py with the viewer as its scope: its dates,
# its notes, its FHIR key.

SESSION_DETAILS = ("dose_mg_per_kg", "duration_minutes", "with_psychotherapy", "phase",
                   "clinic", "pain_before", "pain_after", "mood_before", "mood_after",
                   "dissociation", "side_effects", "vitals", "observation_minutes",
                   "concomitant")


def shared_trends(viewer: Access) -> dict[str, Any]:
    """The trends response computed from the share's dates alone (a clinic connection has
    no date limits).

    Unlike the patient's own trends, the analysis sees nothing outside the range: a
    baseline needs the week before a series inside the range too, or it is null. That
    is the price of "never returns data outside its date range", and the share says so.
    """
    patient = viewer.patient
    first, hi = bounds(viewer)
    today = local_today(patient.timezone)
    # Every declared kind's rows within the scope, as stored: the report shows those it
    # knows, and the rows of all of them set its span when the scope has no dates.
    read = {kind.name: list(stored(kind, viewer)) for kind in declared()}
    entries, treatments = read[ENTRIES.name], read[TREATMENTS.name]
    analysed_to = min(today, hi)
    result = analyse(entries, treatments, today=analysed_to)
    if hi < today:
        # "Today is day M" is about today, which the range does not reach.
        result["booster_hint"] = None
    logged = [kind.dated(row) for kind in declared() if kind.dated is not None
              for row in read[kind.name]]
    start = viewer.range_from or min(logged, default=today)
    end = max(start, viewer.range_to or max([today, *logged]))
    body = window(result, treatments, start, end)
    add_questionnaires(body, read[RESPONSES.name], treatments, today=analysed_to,
                       start=start, end=end)
    by_id = {str(t.id): t for t in treatments}
    for marker in body["treatments"]:
        row = by_id[marker["id"]]
        marker.update({field: getattr(row, field) for field in SESSION_DETAILS})
        marker["flags"] = flags(row.vitals)
        if viewer.include_notes:
            marker["notes"] = row.notes
    medications = read[MEDICATIONS.name]
    add_medication_rows(body, medications, read[CHECKS.name], start=start, end=end)
    body["medication_list"] = shared_medication_list(
        [MEDICATIONS.shown(row, first, hi) for row in medications],
        include_notes=viewer.include_notes)
    latest = entries[-1] if entries else None
    body["latest"] = (
        {"date": latest.date.isoformat(), **{f: getattr(latest, f) for f in SCORE_FIELDS}}
        if latest else None
    )
    if viewer.include_notes:
        body["notes"] = [{"date": e.date.isoformat(), "text": e.notes, "tags": e.tags}
                         for e in entries if e.notes or e.tags]
    body["patient"] = {"display_name": patient.display_name}
    body["share"] = viewer.terms()
    if viewer.include_insights:
        insights = report_insights(patient, first=first, last=min(today, hi), today=today)
        # Tags are the patient's own words, shown only with the notes (outputs.PRIVATE_TEXT).
        body["insights"] = (insights if insights is None or viewer.include_notes
                            else without_tags(insights))
    return body


def report_insights(patient: User, *, first: date, last: date, today: date
                    ) -> dict[str, Any] | None:
    """The report's "What goes with better days": the patient's own insights (kept) of the
    last 90 days within the report's dates first..last; None when those hold no day."""
    start = max(first, last - timedelta(days=DEFAULT_RANGE_DAYS - 1))
    if start > last:
        return None
    return kept_insights(user_id=patient.id, start=start, end=last, today=today)
