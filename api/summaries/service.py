"""The kept analysis: each patient's session analysis, computed once per change of their
data instead of on every request (DESIGN.md "Clinics", "Scale").

What is kept is the part of the analysis that needs all of a patient's data and does not
depend on the window asked for (api/analysis/sessions.py `session_analysis`: the series and
session rows, and the booster hint's usual relief; and each questionnaire's series
scores). The 7-day averages need only the week before each day shown, and the hint's
"today is day M" only today, so they are computed when asked for.

**When it is current.** `mark_changed(user_id)` bumps `data_version` in the writer's own
transaction, for every write that changes what the analysis reads: it listens to the
record kinds the analysis reads (entries, sessions and questionnaire responses: their
`on_change`, sent by api/db/records.py) and to a time-zone change (api/auth); none of them
knows of this package. A reader first reads the kept row, then the data; a result is
stored only with a conditional UPDATE `WHERE data_version = <the version read>`. A write
that commits before the version is read is in the data read after it; one that commits
later has bumped the version, so the stale result is not stored (and the next read
recomputes). The row does not exist until the first write or the first read: the writer's
bump is an upsert, and a reader that found no row stores only if the row is still absent.

**Where it is stored.** A recomputed analysis is kept through `db.keep` (api/db): at once
inside a write; after a read declared `db.read(then_keep=True)` (GET /trends, the clinic
panel) in a short write of its own once the read has ended, so those reads only read. A
patient deleted in between is not kept (the database refuses the row, `db.keep` leaves
it out).

**Why it may be reused on another day.** The analysis depends on today only by leaving
out what is dated after today (the API accepts tomorrow). A result computed on day A
holds on day B when nothing it read is dated after the earlier of the two:
`data_through <= min(A, B)`; otherwise it is recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from api.analysis.questionnaires import latest_change, questionnaire_series, scores_of
from api.analysis.sessions import DayScores, SessionMark, as_number, session_analysis
from api.auth.service import timezone_changing
from api.db import db, dialect_insert, insert_if_absent, records
from api.entries.models import Entry
from api.entries.service import ENTRIES
from api.medications.service import MEDICATIONS
from api.questionnaires.instruments import INSTRUMENTS
from api.questionnaires.models import QuestionnaireResponse
from api.questionnaires.service import RESPONSES
from api.summaries.models import KeptAnalysis, KeptSeries
from api.treatments.models import Treatment
from api.treatments.service import TREATMENTS
from api.treatments.vitals import flags

TABLE = KeptAnalysis.__table__
COLUMNS = tuple(TABLE.c)

SERIES = KeptSeries.__table__

# The series a window start..end shows: those that start by its end and whose next series
# starts after its start (a series stays in view until the next one starts, as `window`
# in api/trends/service.py has it).
# The kept row and those series in one statement, so that they come from one snapshot on
# PostgreSQL too (its statements each see the latest commit): a recompute committing in
# between can never pair this row with another version's series.
_READ_SHOWN = (
    select(*COLUMNS, SERIES.c.body)
    .select_from(TABLE.outerjoin(SERIES, and_(
        SERIES.c.user_id == TABLE.c.user_id,
        SERIES.c.start_date <= bindparam("end"),
        or_(SERIES.c.next_start.is_(None), SERIES.c.next_start > bindparam("start")))))
    .where(TABLE.c.user_id == bindparam("user_id"))
    .order_by(SERIES.c.position))
_SERIES_DELETE = delete(SERIES).where(SERIES.c.user_id == bindparam("user_id"))
_SERIES_INSERT = insert(SERIES)
_STORE = (update(TABLE)
          .where(TABLE.c.user_id == bindparam("key_user_id"),
                 TABLE.c.data_version == bindparam("read_version")))
_DAYS = (select(Entry.date, Entry.pain, Entry.mood)
         .where(Entry.user_id == bindparam("user_id")))
_SESSIONS = (select(Treatment.id, Treatment.local_date, Treatment.started_at, Treatment.route,
                    Treatment.bp_flagged_on)
             .where(Treatment.user_id == bindparam("user_id")))
_SCORES = (select(QuestionnaireResponse.instrument, QuestionnaireResponse.answered_at,
                  QuestionnaireResponse.local_date, QuestionnaireResponse.total,
                  QuestionnaireResponse.safety_flag, QuestionnaireResponse.answers)
           .where(QuestionnaireResponse.user_id == bindparam("user_id"))
           # In score_rows' order: of two answered at the same moment, the same one counts.
           .order_by(QuestionnaireResponse.answered_at, QuestionnaireResponse.id))
# The readings of the patient's latest session with a blood-pressure flag.
_FLAGGED_VITALS = (select(Treatment.vitals)
                   .where(Treatment.user_id == bindparam("user_id"),
                          Treatment.bp_flagged_on == bindparam("on"))
                   .order_by(Treatment.started_at.desc(), Treatment.id.desc()).limit(1))


def mark_changed(user_id: int, connection: Connection | None = None) -> None:
    """The patient's data changed: their kept analysis is stale from this transaction's
    commit on. Call it inside the write transaction that makes the change."""
    connection = connection or db.session.connection()
    bump = dialect_insert(TABLE, connection).values(user_id=user_id, data_version=1)
    connection.execute(bump.on_conflict_do_update(
        index_elements=[TABLE.c.user_id], set_={"data_version": TABLE.c.data_version + 1}))


def _record_changed(_kind: records.Kind, *, user_id: int, connection: Connection) -> None:
    mark_changed(user_id, connection)


# What the analysis and the insights read (insights compare days on and off a medication),
# listened to here: their writers need not know of this package.
for _kind in (ENTRIES, TREATMENTS, RESPONSES, MEDICATIONS):
    _kind.on_change.connect(_record_changed, sender=_kind)
timezone_changing.connect(mark_changed)  # local dates move with the time zone


def is_current(row: Any, today: date) -> bool:
    """Whether a kept row (None: no row yet) holds the analysis of the data now, on today."""
    if row is None or row.analysed_version is None or row.analysed_version != row.data_version:
        return False
    return (row.analysed_for == today or row.data_through is None
            or row.data_through <= min(today, row.analysed_for))


def kept_analysis(user: Any, *, today: date, start: date | None = None,
                  end: date | None = None) -> dict[str, Any]:
    """The patient's analysis on `today` (their local date), recomputed only when stale:
    {"series", "sessions", "questionnaires", "usual_relief", "current_last_session"}, the
    window-independent part of GET /trends (api/trends/service.py windows it). Given
    start..end, the series may be limited to those a window of those dates shows (the
    rule of api/trends/service.py `window`, which is applied to them again there).
    Runs in the caller's transaction: a write, or a read declared
    `db.read(then_keep=True)`, as a recomputed analysis is kept (`keep`)."""
    connection = db.session.connection()
    rows = connection.execute(_READ_SHOWN, {
        "user_id": user.id, "start": start or date.min, "end": end or date.max}).all()
    row = rows[0] if rows else None
    if row is not None and is_current(row, today):
        return _analysis(row, [r.body for r in rows if r.body is not None])
    values = recompute(connection, user.id, today=today)
    keep(user.id, values, read_version=None if row is None else row.data_version)
    return _analysis(_Values(values["kept"]), [series["body"] for series in values["series"]])


def recompute(connection: Connection, user_id: int, *, today: date) -> dict[str, Any]:
    """{"kept": the kept row's columns, "series": the kept_series rows} for the patient's
    data as `connection` sees it now (read the version before calling this: see the
    module docstring)."""
    days = [DayScores(row.date, row.pain, row.mood)
            for row in connection.execute(_DAYS, {"user_id": user_id})]
    rows = connection.execute(_SESSIONS, {"user_id": user_id}).all()
    sessions = [SessionMark(id=str(row.id), local_date=row.local_date, started_at=row.started_at)
                for row in rows]
    routes = {str(row.id): row.route for row in rows}
    scores = connection.execute(_SCORES, {"user_id": user_id}).all()
    analysis = session_analysis(days, sessions, today=today)
    questionnaires = questionnaire_series(scores, sessions, today=today)
    dates = [*(day.date for day in days), *(s.local_date for s in sessions),
             *(score.local_date for score in scores)]
    series = analysis["series"]
    current = series[-1] if series else None
    usual = analysis["usual_relief"]
    phq9, peg = (latest_change(scores_of(scores, name), sessions, today=today)
                 for name in ("phq9", "peg"))
    latest = _latest(days, rows, scores)
    return {
        "kept": {
            "analysed_for": today,
            "data_through": max(dates, default=None),
            "last_session_on": analysis["current_last_session"],
            "last_session_route": (None if current is None
                                   else routes[current["treatment_ids"][-1]]),
            "pain_baseline": None if current is None else current["pain"]["baseline"],
            "mood_baseline": None if current is None else current["mood"]["baseline"],
            "relief_metric": None if usual is None else usual[0],
            "relief_median": None if usual is None else usual[1],
            **latest,
            **_latest_score("phq9", phq9, score_column="phq9_total"),
            **_latest_score("peg", peg, score_column="peg_score"),
            "bp_flags": _bp_flags(connection, user_id, latest["bp_flag_on"]),
        },
        "series": [{
            "position": index,
            "start_date": date.fromisoformat(row["start_date"]),
            "next_start": (date.fromisoformat(series[index + 1]["start_date"])
                           if index + 1 < len(series) else None),
            "body": {
                "series": row,
                "sessions": [s for s in analysis["sessions"] if s["series_index"] == index],
                "questionnaires": {name: rows[index] for name, rows in questionnaires.items()},
            },
        } for index, row in enumerate(series)],
    }


def keep(user_id: int, values: dict[str, Any], *, read_version: int | None) -> None:
    """Have `values` (from `recompute`) stored through `db.keep`: in the caller's write, or
    once the caller's read (declared `then_keep`) has ended (see the module docstring)."""
    db.keep(partial(store, user_id=user_id, values=values, read_version=read_version))


def store(connection: Connection, *, user_id: int, values: dict[str, Any],
          read_version: int | None) -> bool:
    """Store `values` (from `recompute`) on `connection` if the patient's data has not
    changed since `read_version` was read (None: there was no row); returns whether it
    was stored."""
    kept = values["kept"]
    if read_version is None:
        stored = insert_if_absent(TABLE, {**kept, "user_id": user_id, "data_version": 0,
                                          "analysed_version": 0}, connection=connection)
    else:
        stored = connection.execute(_STORE, {
            **kept, "analysed_version": read_version, "key_user_id": user_id,
            "read_version": read_version}).rowcount == 1
    if stored:  # the series with their row, in the same transaction
        connection.execute(_SERIES_DELETE, {"user_id": user_id})
        if values["series"]:
            connection.execute(_SERIES_INSERT, [{**series, "user_id": user_id}
                                                for series in values["series"]])
    return stored


def stale_rows(connection: Connection, rows: Iterable[tuple[int, Any, date]]
               ) -> dict[int, Any]:
    """For the panel: recompute and keep each (user_id, kept row or None, today) that is
    not current; returns user_id -> the fresh row's values (as attributes)."""
    fresh: dict[int, Any] = {}
    for user_id, row, today in rows:
        if is_current(row, today):
            continue
        values = recompute(connection, user_id, today=today)
        keep(user_id, values, read_version=None if row is None else row.data_version)
        fresh[user_id] = _Values(values["kept"])
    return fresh


def _latest(days: Sequence[DayScores], sessions: Sequence[Any], scores: Sequence[Any]
            ) -> dict[str, Any]:
    """The kept row's latest-of columns (see KeptAnalysis); `scores` in answer order."""
    flagged = max((s for s in scores if s.safety_flag),
                  key=lambda s: (s.local_date, s.answered_at), default=None)
    safety_item = INSTRUMENTS["phq9"].safety_item or ""
    return {
        "last_logged_on": max((day.date for day in days), default=None),
        "safety_flag_on": None if flagged is None else flagged.local_date,
        # The item-9 answer (1-3) of that latest flagged response, shown in its words.
        "safety_answer": None if flagged is None else flagged.answers[safety_item],
        "bp_flag_on": max((s.bp_flagged_on for s in sessions if s.bp_flagged_on), default=None),
    }


def _latest_score(name: str, latest: dict[str, Any] | None, *, score_column: str
                  ) -> dict[str, Any]:
    """The kept columns of an instrument's ``latest_change``: the latest score, its date, the
    current series' baseline and the change (None while there is no follow-up)."""
    columns = (score_column, f"{name}_on", f"{name}_baseline", f"{name}_change_pct")
    if latest is None:
        return dict.fromkeys(columns)
    return dict(zip(columns, (latest["score"], latest["date"], latest["baseline"],
                              latest["change_pct"]), strict=True))


def _bp_flags(connection: Connection, user_id: int, on: date | None) -> list[dict[str, Any]] | None:
    """The flags of the latest session with a blood-pressure flag (the most serious first),
    each with its reading and the threshold it reached; None without one."""
    if on is None:
        return None
    vitals = connection.execute(_FLAGGED_VITALS, {"user_id": user_id, "on": on}).scalar()
    return [{key: flag[key] for key in ("code", "systolic", "diastolic", "phase", "threshold")}
            for flag in sorted(flags(vitals), key=lambda flag: flag["code"] != "bp_very_high")]


class _Values:
    """Recomputed columns read like a kept row's."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _analysis(row: Any, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """What kept_analysis gives, from a kept row and its series' bodies in order."""
    questionnaires: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        for name, scores in body["questionnaires"].items():
            questionnaires.setdefault(name, []).append(scores)
    return {
        "series": [body["series"] for body in bodies],
        "sessions": [session for body in bodies for session in body["sessions"]],
        "questionnaires": questionnaires,
        "usual_relief": (None if row.relief_metric is None
                         else (row.relief_metric, as_number(row.relief_median))),
        "current_last_session": row.last_session_on,
    }
