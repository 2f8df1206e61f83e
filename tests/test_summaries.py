"""The kept analysis (api/summaries): GET /trends from it equals the full analysis of all
the patient's data, after every kind of write and as days pass; a write racing a
recompute is never lost; and the clinic panel's numbers for hand-made patients."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from api import calendar
from api.auth.models import User
from api.calendar import local_today
from api.db import db
from api.db.core import WRITES as DECLARED_WRITES
from api.entries.models import Entry
from api.fields import EARLIEST
from api.medications.service import add_medications
from api.questionnaires.service import score_rows
from api.summaries import kept_analysis, mark_changed, panel_rows
from api.summaries.models import KeptAnalysis
from api.summaries.service import recompute, store
from api.treatments.models import Treatment
from api.trends.service import add_questionnaires, analyse, window
from tests.conftest import PASSWORD
from tests.support.clinics import connect, create_clinic
from tests.test_questionnaires import answers_summing_to

NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()


# --- The full analysis, the way GET /trends computed it before it was kept ---------------

def full_trends(app, user_id: int, start: date, end: date) -> dict[str, Any]:
    """Everything analysed on every call: only this test's yardstick."""
    with app.app_context(), db.read():
        user = db.session.get(User, user_id)
        days = db.session.execute(
            select(Entry.date, Entry.pain, Entry.mood, Entry.anxiety, Entry.energy,
                   Entry.sleep_hours, Entry.sleep_quality).where(Entry.user_id == user_id)).all()
        treatments = db.session.execute(
            select(Treatment.id, Treatment.started_at, Treatment.local_date, Treatment.route,
                   Treatment.medication, Treatment.dose_mg)
            .where(Treatment.user_id == user_id)).all()
        today = local_today(user.timezone)
        result = analyse(days, treatments, today=today)
        responses = score_rows(user=user, start=EARLIEST, end=today + timedelta(days=1))
        body = add_questionnaires(window(result, treatments, start, end), responses, treatments,
                                  today=today, start=start, end=end)
        return add_medications(body, user=user, start=start, end=end)


def uid(app, client) -> int:
    """The patient's user id (the API never shows it)."""
    with app.app_context(), db.read():
        return db.session.scalar(select(User.id).where(User.email == client.user["email"]))


def kept_row(app, user_id: int) -> KeptAnalysis | None:
    with app.app_context(), db.read():
        return db.session.get(KeptAnalysis, user_id)


def trends(client, start: date, end: date) -> dict[str, Any]:
    response = client.get(f"/api/v1/trends?from={start}&to={end}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_current(app, client, start: date, end: date) -> dict[str, Any]:
    body = trends(client, start, end)
    assert body == full_trends(app, uid(app, client), start, end)
    return body


def put_entry(client, day: date, pain: int | None, mood: int | None) -> None:
    response = client.put(f"/api/v1/entries/{day}", json={"pain": pain, "mood": mood})
    assert response.status_code in (200, 201), response.get_json()


def put_session(client, day: date, *, hour: int = 10, route: str = "iv_infusion",
                session_id: str | None = None, vitals: list | None = None) -> str:
    session_id = session_id or str(uuid.uuid4())
    started = datetime.combine(day, time(hour), UTC).isoformat()
    response = client.put(f"/api/v1/treatments/{session_id}",
                          json={"route": route, "dose_mg": 35, "started_at": started,
                                "vitals": vitals or []})
    assert response.status_code in (200, 201), response.get_json()
    return session_id


def put_response(client, instrument: str, day: date, total: int, *, item9: int = 0,
                 response_id: str | None = None, answers: dict | None = None) -> str:
    response_id = response_id or str(uuid.uuid4())
    answered = datetime.combine(day, time(8), UTC)
    if answers is not None:
        pass
    elif instrument == "phq9":
        answers = answers_summing_to(total, 9, last=max(item9, total - 24))
    else:  # the PEG: three answers 0-10 whose mean is the score
        answers = answers_summing_to(3 * total, 3, highest=10)
    response = client.put(f"/api/v1/responses/{response_id}", json={
        "instrument": instrument, "answered_at": answered.isoformat(), "answers": answers})
    assert response.status_code in (200, 201), response.get_json()
    return response_id


def reading(day: date, systolic: int) -> dict[str, Any]:
    """A blood-pressure reading before a session: 95 diastolic."""
    return {"taken_at": datetime.combine(day, time(9), UTC).isoformat(), "phase": "before",
            "systolic": systolic, "diastolic": 95}


@pytest.fixture
def clock(monkeypatch):
    """Move the server's clock: `clock(days=1)` makes it a day later than now."""
    def move(**delta: float) -> None:
        moved = NOW + timedelta(**delta)
        monkeypatch.setattr(calendar, "utcnow", lambda: moved)
    move()
    return move


# --- The central property: kept equals fresh ------------------------------------------------

scores = st.one_of(st.none(), st.integers(0, 10))
history = st.lists(st.tuples(st.integers(-40, 1), scores, scores), max_size=40)
sessions = st.lists(st.tuples(st.integers(-40, 1), st.integers(0, 23)), max_size=6)
checkins = st.lists(st.tuples(st.integers(-40, 0), st.integers(0, 27)), max_size=4)
windows = st.lists(st.tuples(st.integers(-50, 2), st.integers(0, 60)), min_size=1, max_size=3)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=history, second=history, first_sessions=sessions, second_sessions=sessions,
       phq9=checkins, windows=windows, deletions=st.integers(0, 3))
def test_kept_trends_equal_the_full_analysis(app, patient, clock, first, second,
                                             first_sessions, second_sessions, phq9, windows,
                                             deletions):
    """Random data written in two rounds, with deletes between: after each round, for random
    windows, GET /trends is exactly what analysing everything gives."""
    client = patient()

    def write(days: list, marks: list) -> list[str]:
        for offset, pain, mood in days:
            if pain is not None or mood is not None:
                put_entry(client, TODAY + timedelta(days=offset), pain, mood)
        return [put_session(client, TODAY + timedelta(days=offset), hour=hour)
                for offset, hour in marks]

    def check() -> None:
        for offset, length in windows:
            start = TODAY + timedelta(days=offset)
            assert_current(app, client, start, start + timedelta(days=length))
        assert_current(app, client, TODAY - timedelta(days=89), TODAY)  # the default window

    made = write(first, first_sessions)
    for offset, total in phq9:
        put_response(client, "phq9", TODAY + timedelta(days=offset), total)
    check()
    write(second, second_sessions)
    for session_id in made[:deletions]:
        assert client.delete(f"/api/v1/treatments/{session_id}").status_code == 204
    for offset, _pain, _mood in first[:deletions]:
        assert client.delete(f"/api/v1/entries/{TODAY + timedelta(days=offset)}").status_code == 204
    check()


# --- Every kind of write makes it stale ----------------------------------------------------

def _patient_with_a_course(client) -> dict[str, str]:
    for offset in range(-30, 1):
        put_entry(client, TODAY + timedelta(days=offset), 8 if offset < -20 else 3,
                  2 if offset < -20 else 7)
    return {
        "session": put_session(client, TODAY - timedelta(days=20)),
        "response": put_response(client, "phq9", TODAY - timedelta(days=22), 18),
    }


WRITES = {
    "entry saved": lambda c, ids: put_entry(c, TODAY - timedelta(days=19), 0, 10),
    "entry deleted": lambda c, ids: c.delete(f"/api/v1/entries/{TODAY - timedelta(days=19)}"),
    "session saved": lambda c, ids: put_session(c, TODAY - timedelta(days=5)),
    "session moved": lambda c, ids: put_session(c, TODAY - timedelta(days=25),
                                                session_id=ids["session"]),
    "session deleted": lambda c, ids: c.delete(f"/api/v1/treatments/{ids['session']}"),
    "response saved": lambda c, ids: put_response(c, "phq9", TODAY - timedelta(days=2), 4),
    "response changed": lambda c, ids: put_response(c, "phq9", TODAY - timedelta(days=22), 27,
                                                    item9=3, response_id=ids["response"]),
    "response deleted": lambda c, ids: c.delete(f"/api/v1/responses/{ids['response']}"),
    "time zone changed": lambda c, ids: c.patch("/api/v1/me", json={"timezone": "Asia/Tokyo"}),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_every_kind_of_write_makes_the_kept_analysis_stale(app, alice, kind):
    ids = _patient_with_a_course(alice)
    start = TODAY - timedelta(days=40)
    before = assert_current(app, alice, start, TODAY)
    kept = kept_row(app, uid(app, alice))
    assert kept is not None and kept.analysed_version == kept.data_version

    response = WRITES[kind](alice, ids)
    assert response is None or isinstance(response, str) or response.status_code < 300

    stale = kept_row(app, uid(app, alice))
    assert stale is not None and stale.data_version > stale.analysed_version
    after = assert_current(app, alice, start, TODAY)
    if kind != "time zone changed":  # the same days and sessions, only counted in Tokyo
        assert after != before
    with app.app_context(), db.read():
        user = db.session.get(User, uid(app, alice))
        row = panel_rows([user])[user.id]
    series = after["series"][-1] if after["series"] else None
    assert row["pain_baseline"] == (series["pain"]["baseline"] if series else None)


def test_a_replayed_write_leaves_the_kept_analysis_current(app, alice):
    put_entry(alice, TODAY, 4, 6)
    trends(alice, TODAY, TODAY)
    put_entry(alice, TODAY, 4, 6)  # the same content again: nothing changes
    kept = kept_row(app, uid(app, alice))
    assert kept is not None and kept.analysed_version == kept.data_version


def test_demo_seeding_goes_through_the_kept_analysis(app, empty_database_url):
    """`flask seed-demo` saves through the same services; the demo's trends are current."""
    from flask_migrate import upgrade

    from api.demo import DEMO_EMAIL, DEMO_PASSWORD
    from tests.conftest import MIGRATIONS, make_app

    demo = make_app(empty_database_url)
    with demo.app_context():
        upgrade(directory=str(MIGRATIONS))
    assert demo.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    client = demo.test_client()
    assert client.post("/api/v1/auth/login", json={"email": DEMO_EMAIL,
                                                   "password": DEMO_PASSWORD}).status_code == 200
    client.user = client.get("/api/v1/me").get_json()  # type: ignore[attr-defined]
    kept = kept_row(demo, uid(demo, client))
    assert kept is not None and kept.data_version > 0 and kept.analysed_version is None
    body = assert_current(demo, client, TODAY - timedelta(days=365), TODAY)
    assert body["series"] and body["booster_hint"] is not None
    with demo.app_context():
        db.engine.dispose()


# --- Days pass --------------------------------------------------------------------------------

def test_a_session_dated_tomorrow_counts_once_tomorrow_comes(app, alice, clock):
    for offset in range(-14, 0):
        put_entry(alice, TODAY + timedelta(days=offset), 8, 2)
    put_session(alice, TODAY - timedelta(days=7))
    put_session(alice, TODAY + timedelta(days=1))  # travel: a day ahead of the settings
    put_entry(alice, TODAY + timedelta(days=1), 3, 7)
    start = TODAY - timedelta(days=20)
    today_body = assert_current(app, alice, start, TODAY + timedelta(days=1))
    assert len(today_body["sessions"]) == 1  # tomorrow's is a marker only

    clock(days=1)
    tomorrow_body = assert_current(app, alice, start, TODAY + timedelta(days=1))
    assert len(tomorrow_body["sessions"]) == 2
    kept = kept_row(app, uid(app, alice))
    assert kept is not None and kept.analysed_for == TODAY + timedelta(days=1)


def test_without_future_data_the_kept_analysis_serves_later_days(app, alice, clock):
    """Nothing dated after the day it was computed: the next days reuse it, and only the
    booster hint's day and the averages move."""
    for offset, length in ((-60, 3), (-30, 6)):  # two courses whose relief ended on record
        for day in range(offset - 7, offset):
            put_entry(alice, TODAY + timedelta(days=day), 8, 2)
        put_session(alice, TODAY + timedelta(days=offset))
        for day in range(offset + 1, offset + 1 + length):
            put_entry(alice, TODAY + timedelta(days=day), 1, 9)
        for day in range(offset + 1 + length, offset + 20):
            put_entry(alice, TODAY + timedelta(days=day), 8, 2)
    put_session(alice, TODAY - timedelta(days=3))
    first = assert_current(app, alice, TODAY - timedelta(days=90), TODAY)
    # Relief held one day into the pain of 8 (mean of 1, 1, 8): 4 and 7 days, median 5.5.
    assert first["booster_hint"] == {"metric": "pain", "median_relief_days": 5.5, "day": 3}

    clock(days=2)
    later = assert_current(app, alice, TODAY - timedelta(days=90), TODAY)
    assert later["booster_hint"]["day"] == 5
    kept = kept_row(app, uid(app, alice))
    assert kept is not None and kept.analysed_for == TODAY  # not recomputed


# --- A write racing a recompute is not lost ------------------------------------------------

def test_a_write_during_a_recompute_is_not_overwritten(app, alice):
    put_entry(alice, TODAY - timedelta(days=1), 5, 5)
    user_id = uid(app, alice)
    with app.app_context():
        with db.read():  # a reader: the version first, then the data
            version = db.session.get(KeptAnalysis, user_id)
            values = recompute(db.session.connection(), user_id, today=TODAY)
        assert version is not None  # the first write made the row
        put_session(alice, TODAY - timedelta(days=2))  # a write commits meanwhile
        with db.write() as session:
            assert store(session.connection(), user_id=user_id, values=values,
                         read_version=version.data_version) is False
    kept = kept_row(app, user_id)
    assert kept is not None and kept.analysed_version is None
    assert len(assert_current(app, alice, TODAY - timedelta(days=9), TODAY)["series"]) == 1


def test_a_first_analysis_is_not_stored_over_a_first_write(app, alice):
    """No row yet when the reader looked; a write made one meanwhile: nothing is stored."""
    user_id = uid(app, alice)
    with app.app_context():
        with db.read():
            assert db.session.get(KeptAnalysis, user_id) is None
            values = recompute(db.session.connection(), user_id, today=TODAY)
        put_entry(alice, TODAY, 3, 7)
        with db.write() as session:
            assert store(session.connection(), user_id=user_id, values=values,
                         read_version=None) is False
        with db.write():
            mark_changed(user_id)
    assert trends(alice, TODAY, TODAY)["days"][0]["pain"] == 3


def test_readers_in_threads_keep_what_writers_wrote(app, alice):
    """Writers and readers at once on one database: at the end, trends are current."""
    import threading

    errors: list[BaseException] = []

    def read_many() -> None:
        client = app.test_client()
        client.post("/api/v1/auth/login", json={"email": alice.user["email"],
                                                "password": PASSWORD})
        try:
            for _ in range(15):
                alice_trends = client.get(f"/api/v1/trends?from={TODAY - timedelta(days=30)}")
                assert alice_trends.status_code in (200, 401)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    readers = [threading.Thread(target=read_many) for _ in range(2)]
    for reader in readers:
        reader.start()
    for offset in range(-20, 1):
        put_entry(alice, TODAY + timedelta(days=offset), (offset * 7) % 11, 5)
        if offset % 5 == 0:
            put_session(alice, TODAY + timedelta(days=offset))
        trends(alice, TODAY - timedelta(days=30), TODAY)
    for reader in readers:
        reader.join()
    assert errors == []
    assert_current(app, alice, TODAY - timedelta(days=30), TODAY)


# --- Reads that only read: the kept analysis is stored after the read, declared -----------

@pytest.fixture
def transactions(app):
    """The engine's transactions in the order they begin and end: ("begin", writes?),
    ("end", writes?), whoever runs them."""
    log: list[tuple[str, bool]] = []

    def writes(connection) -> bool:
        return bool(connection.get_execution_options().get(DECLARED_WRITES))

    hooks = {"begin": lambda c: log.append(("begin", writes(c))),
             "commit": lambda c: log.append(("end", writes(c))),
             "rollback": lambda c: log.append(("end", writes(c)))}
    with app.app_context():
        engine = db.engine
    for name, hook in hooks.items():
        event.listen(engine, name, hook)
    yield log
    for name, hook in hooks.items():
        event.remove(engine, name, hook)


def _writes_inside_reads(log: list[tuple[str, bool]]) -> int:
    reading, found = 0, 0
    for step, writes in log:
        if step == "begin" and writes and reading:
            found += 1
        if not writes:
            reading += 1 if step == "begin" else -1
    return found


def test_trends_and_the_panel_keep_their_analysis_after_the_read(app, alice, transactions):
    """GET /trends and the clinic panel read in a transaction that only reads; a stale
    analysis they recomputed is stored in a write of its own once that read has ended."""
    lakeside = create_clinic(app)
    connect(alice, lakeside)
    user_id = uid(app, alice)
    for path, client in ((f"/api/v1/trends?from={TODAY - timedelta(days=7)}", alice),
                         ("/api/v1/clinic/patients", lakeside.admin)):
        put_entry(alice, TODAY, 5, 5)
        put_entry(alice, TODAY, 4, 4)  # the kept analysis is stale
        transactions.clear()
        assert client.get(path).status_code == 200
        assert ("begin", True) in transactions  # it was stored...
        assert _writes_inside_reads(transactions) == 0  # ...once the read had ended
        kept = kept_row(app, user_id)
        assert kept is not None and kept.analysed_version == kept.data_version


def test_a_read_that_keeps_says_so(app, alice):
    """A stale analysis met in a read that did not declare `then_keep` is an error, not
    a hidden write; in a write it is stored in that write."""
    put_entry(alice, TODAY, 5, 5)
    user_id = uid(app, alice)
    with app.app_context():
        with pytest.raises(RuntimeError, match="then_keep"), db.read():
            kept_analysis(db.session.get(User, user_id), today=TODAY)
        with pytest.raises(RuntimeError, match="then_keep"), db.read(), \
                db.read(then_keep=True):  # it is the whole read's declaration
            pass
        assert kept_row(app, user_id).analysed_version is None  # nothing was stored
        with db.write():
            kept_analysis(db.session.get(User, user_id), today=TODAY)
        kept = kept_row(app, user_id)
        assert kept.analysed_version == kept.data_version


def test_a_patient_deleted_before_the_keep_is_left_out(app, alice, bob):
    """The database refuses the kept rows of a patient deleted meanwhile: those alone are
    left out, the other patients' are stored, and the read does not fail."""
    put_entry(alice, TODAY, 5, 5)
    put_entry(bob, TODAY, 6, 6)
    alice_id, bob_id = uid(app, alice), uid(app, bob)
    assert alice.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    with app.app_context():
        with db.read(then_keep=True):
            for user_id in (alice_id, bob_id):  # as read just before alice was deleted
                kept = kept_analysis(SimpleNamespace(id=user_id), today=TODAY)
                assert kept["current_last_session"] is None
    assert kept_row(app, alice_id) is None
    kept = kept_row(app, bob_id)
    assert kept is not None and kept.analysed_version == kept.data_version


# --- The clinic panel, by hand -----------------------------------------------------------------

def test_panel_rows_for_hand_made_patients(app, patient, clock):
    clock(hours=0)
    # P: three courses of one infusion each, 60, 30 and 10 days ago, pain 8 (mood 3)
    # between them; relief (pain 2, mood 7) lasted 4 days after the first, 7 after the
    # second; since the third, pain 3 (mood 7) on 5 of the last 7 days.
    p = patient(timezone="UTC")
    pain = {}
    for offset in range(-67, -60):
        pain[offset] = 8
    for offset in range(-59, -30):
        pain[offset] = 2 if offset <= -57 else 8
    for offset in range(-29, -10):
        pain[offset] = 2 if offset <= -24 else 8
    for offset in range(-9, 1):
        if offset not in (-3, -1):
            pain[offset] = 3
    for offset, value in pain.items():
        put_entry(p, TODAY + timedelta(days=offset), value, 3 if value == 8 else 7)
    put_session(p, TODAY - timedelta(days=60), vitals=[reading(TODAY - timedelta(days=60), 190)])
    put_session(p, TODAY - timedelta(days=30))
    put_session(p, TODAY - timedelta(days=10), route="intramuscular",
                vitals=[reading(TODAY - timedelta(days=10), 150)])  # 150/95 before: flagged
    put_response(p, "phq9", TODAY - timedelta(days=40), 24, item9=2)  # before the course
    put_response(p, "phq9", TODAY - timedelta(days=12), 20)  # the current baseline
    put_response(p, "phq9", TODAY - timedelta(days=2), 10, item9=1)  # latest, flagged

    # Q: in Kiritimati (UTC+14), logging pain 5 for the last 5 of their own days, a PEG
    # yesterday, an item-9 answer 20 days ago, no sessions.
    q = patient(timezone="Pacific/Kiritimati")
    q_today = local_today("Pacific/Kiritimati")
    for offset in range(-4, 1):
        put_entry(q, q_today + timedelta(days=offset), 5, None)
    put_response(q, "peg", q_today - timedelta(days=1), 4)
    put_response(q, "phq9", q_today - timedelta(days=20), 12, item9=1)

    r = patient()  # R: nothing logged at all

    with app.app_context(), db.read(then_keep=True):
        users = db.session.scalars(select(User).order_by(User.id)).all()
        rows = panel_rows(users)
    assert rows[uid(app, p)] == {
        "last_logged_on": TODAY.isoformat(), "days_since_log": 0,
        "last_session": {"date": (TODAY - timedelta(days=10)).isoformat(),
                         "route": "intramuscular", "days_since": 10},
        "pain_avg7": 3.0, "pain_days7": 5, "pain_baseline": 8.0,
        "mood_avg7": 7.0, "mood_days7": 5, "mood_baseline": 3.0,  # on the mood scale, as logged
        "phq9": {"total": 10, "date": (TODAY - timedelta(days=2)).isoformat(),
                 "baseline": 20, "change_pct": -50.0},
        "safety_flag_on": (TODAY - timedelta(days=2)).isoformat(), "safety_answer": 1,
        "peg": None, "bp_flag_on": (TODAY - timedelta(days=10)).isoformat(),
        "bp_flags": [{"code": "bp_before_high", "systolic": 150, "diastolic": 95,
                      "phase": "before", "threshold": {"systolic": 140, "diastolic": 90}}],
        # relief lasted 4 and 7 days after the earlier courses: median 5.5; today is day 10
        "booster": {"median_relief_days": 5.5, "day": 10},
    }
    assert rows[uid(app, q)] == {
        "last_logged_on": q_today.isoformat(), "days_since_log": 0, "last_session": None,
        "pain_avg7": 5.0, "pain_days7": 5, "pain_baseline": None,
        "mood_avg7": None, "mood_days7": 0, "mood_baseline": None,
        "phq9": {"total": 12, "date": (q_today - timedelta(days=20)).isoformat(),
                 "baseline": None, "change_pct": None},
        "safety_flag_on": None, "safety_answer": None,  # 20 days ago: older than 14
        "peg": {"score": 4, "date": (q_today - timedelta(days=1)).isoformat(),
                "baseline": None, "change_pct": None},
        "bp_flag_on": None, "bp_flags": None, "booster": None,
    }
    assert rows[uid(app, r)] == {
        "last_logged_on": None, "days_since_log": None, "last_session": None,
        "pain_avg7": None, "pain_days7": 0, "pain_baseline": None,
        "mood_avg7": None, "mood_days7": 0, "mood_baseline": None,
        "phq9": None, "safety_flag_on": None, "safety_answer": None, "peg": None,
        "bp_flag_on": None, "bp_flags": None, "booster": None,
    }
    # The same numbers the patient's own trends give.
    own = trends(p, TODAY - timedelta(days=89), TODAY)
    assert own["booster_hint"] == {"metric": "pain", "median_relief_days": 5.5, "day": 10}
    assert own["days"][-1]["pain_avg7"] == 3.0

    # A week without logging: the averages go, the days since the last log count.
    clock(days=7)
    with app.app_context(), db.read(then_keep=True):
        later = panel_rows(users)[uid(app, p)]
    assert (later["days_since_log"], later["pain_avg7"], later["safety_flag_on"]) == (7, None,
        (TODAY - timedelta(days=2)).isoformat())
    assert later["bp_flag_on"] is None  # 17 days ago
    assert later["booster"] == {"median_relief_days": 5.5, "day": 17}


def test_panel_says_no_follow_up_instead_of_0_percent(app, patient, clock):
    """Issue 21, item 2: a PHQ-9 and a PEG answered only before treatment are the
    baseline, not a change of 0 %: change_pct is null beside the baseline."""
    clock(hours=0)
    p = patient(timezone="UTC")
    put_response(p, "phq9", TODAY - timedelta(days=3), 18)
    put_response(p, "peg", TODAY - timedelta(days=3), 7)
    put_session(p, TODAY - timedelta(days=1))
    put_entry(p, TODAY, 6, 4)  # one day logged: no 7-day average, and it says 1 of 7
    with app.app_context(), db.read(then_keep=True):
        row = panel_rows(db.session.scalars(select(User)).all())[uid(app, p)]
    assert row["phq9"] == {"total": 18, "date": (TODAY - timedelta(days=3)).isoformat(),
                           "baseline": 18, "change_pct": None}
    assert row["peg"] == {"score": 7, "date": (TODAY - timedelta(days=3)).isoformat(),
                          "baseline": 7, "change_pct": None}
    assert (row["pain_avg7"], row["pain_days7"], row["mood_avg7"], row["mood_days7"]) == \
        (None, 1, None, 1)


def test_panel_peg_change_is_exact(app, patient, clock):
    """Issue 21, item 7: PEG (7,7,6) -> (5,5,4) is 20/3 -> 14/3, exactly -30.0 % (the
    shown 6.7 -> 4.7 gave -29.9 %)."""
    clock(hours=0)
    p = patient(timezone="UTC")
    put_response(p, "peg", TODAY - timedelta(days=5), 0, answers={"q1": 7, "q2": 7, "q3": 6})
    put_session(p, TODAY - timedelta(days=4))
    put_response(p, "peg", TODAY - timedelta(days=1), 0, answers={"q1": 5, "q2": 5, "q3": 4})
    with app.app_context(), db.read(then_keep=True):
        row = panel_rows(db.session.scalars(select(User)).all())[uid(app, p)]
    assert row["peg"] == {"score": 4.7, "date": (TODAY - timedelta(days=1)).isoformat(),
                          "baseline": 6.7, "change_pct": -30.0}


def test_panel_flags_say_how_serious(app, patient, clock):
    """Issue 21, item 3: the item-9 answer, and the readings with the threshold each
    reached, the very high one first."""
    clock(hours=0)
    p = patient(timezone="UTC")
    put_response(p, "phq9", TODAY - timedelta(days=2), 14, item9=2)
    put_session(p, TODAY - timedelta(days=1), vitals=[
        reading(TODAY - timedelta(days=1), 150),
        {**reading(TODAY - timedelta(days=1), 184), "diastolic": 112, "phase": "after"}])
    with app.app_context(), db.read(then_keep=True):
        row = panel_rows(db.session.scalars(select(User)).all())[uid(app, p)]
    assert row["safety_answer"] == 2
    assert row["bp_flags"] == [
        {"code": "bp_very_high", "systolic": 184, "diastolic": 112, "phase": "after",
         "threshold": {"systolic": 180, "diastolic": 110}},
        {"code": "bp_before_high", "systolic": 150, "diastolic": 95, "phase": "before",
         "threshold": {"systolic": 140, "diastolic": 90}}]


def test_panel_rows_of_nobody(app):
    with app.app_context(), db.read(then_keep=True):
        assert panel_rows([]) == {}


def test_kept_analysis_is_the_one_trends_reads(app, alice):
    put_entry(alice, TODAY - timedelta(days=1), 6, 4)
    put_session(alice, TODAY - timedelta(days=1))
    with app.app_context(), db.read(then_keep=True):
        user = db.session.get(User, uid(app, alice))
        kept = kept_analysis(user, today=TODAY)
    assert kept["current_last_session"] == TODAY - timedelta(days=1)
    assert kept["series"] == trends(alice, TODAY - timedelta(days=5), TODAY)["series"]
