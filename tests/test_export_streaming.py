"""Issue 20, item 6: every download (the patient's CSV, FHIR and /me/export, a share's and a
clinic's) is streamed, a chunk of rows at a time, from one read that ends with the
response; the streamed text is the document the whole-in-memory writer would give."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import event, insert, select

from api.auth.models import User
from api.db import CHUNK, db
from api.entries.models import Entry
from api.formats.downloads import json_chunks, json_text
from api.treatments.models import Treatment
from tests.support.clinics import connect, create_clinic

SCHEMA = Path(__file__).parent / "data" / "fhir.schema.json"
FIRST_DAY = date(2023, 1, 1)
# More than two chunks of entries and more than one of sessions.
N_ENTRIES = 2 * CHUNK + 37
N_SESSIONS = CHUNK + 3


def account_id(app, client) -> int:
    with app.app_context(), db.read():
        return db.session.scalar(select(User.id).where(User.email == client.user["email"]))


def bulk_seed(app, client) -> None:
    """N_ENTRIES daily entries and N_SESSIONS sessions, inserted at once."""
    user_id = account_id(app, client)
    now = datetime.now(UTC)
    with app.app_context(), db.write():
        db.session.execute(insert(Entry), [
            {"user_id": user_id, "date": FIRST_DAY + timedelta(days=n), "pain": n % 11,
             "mood": (n * 3) % 11, "side_effects": [], "tags": [], "notes": f"day {n}",
             "version": 1, "created_at": now, "updated_at": now}
            for n in range(N_ENTRIES)])
        db.session.execute(insert(Treatment), [
            {"user_id": user_id, "id": uuid.UUID(int=n + 1),
             "started_at": datetime(2023, 1, 1, 9, tzinfo=UTC) + timedelta(days=n),
             "local_date": FIRST_DAY + timedelta(days=n), "route": "iv_infusion",
             "medication": "ketamine", "dose_mg": 35.0, "with_psychotherapy": False,
             "side_effects": [], "notes": "", "vitals": [], "concomitant": [],
             "version": 1, "created_at": now, "updated_at": now}
            for n in range(N_SESSIONS)])


class SelectCounter:
    """The SELECTs the app runs on a table while a download is read."""

    def __init__(self, app, table: str) -> None:
        self.app, self.table, self.count = app, table, 0

    def __enter__(self) -> SelectCounter:
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {self.table}" in statement:
            self.count += 1


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def streamed(response) -> str:
    """The body of a streamed download: no Content-Length is known before it is written."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    return response.get_data(as_text=True)


def share_browser(app, client, **body):
    created = client.post("/api/v1/shares", json={"label": "Dr", **body}).get_json()
    browser = app.test_client()
    browser.post("/api/v1/shared/session", json={"token": created["url"].split("#")[1]})
    return browser


def test_the_patients_csv_is_read_a_chunk_at_a_time(app, alice):
    bulk_seed(app, alice)
    with SelectCounter(app, "entries") as entries:
        text = streamed(alice.get("/api/v1/export/entries.csv"))
    rows = csv_rows(text)
    # Every row once, in order, across the chunks' seams.
    assert [r["date"] for r in rows] == [
        (FIRST_DAY + timedelta(days=n)).isoformat() for n in range(N_ENTRIES)]
    assert rows[CHUNK]["notes"] == f"day {CHUNK}"
    assert entries.count == N_ENTRIES // CHUNK + 1
    with SelectCounter(app, "treatments") as sessions:
        rows = csv_rows(streamed(alice.get("/api/v1/export/treatments.csv")))
    assert len({r["id"] for r in rows}) == N_SESSIONS
    assert sessions.count == 2


def test_the_fhir_bundle_is_streamed_in_chunks_and_valid(app, alice):
    bulk_seed(app, alice)
    with SelectCounter(app, "entries") as entries:
        text = streamed(alice.get("/api/v1/export/fhir"))
    assert entries.count == N_ENTRIES // CHUNK + 1
    bundle = json.loads(text)
    # The streamed text is exactly what writing the whole document at once gives.
    with app.app_context():
        assert text == json_text(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("MedicationAdministration") == N_SESSIONS
    assert kinds.count("Observation") == 3 * N_ENTRIES  # pain, mood and the note
    # Against HL7's R4 schema: the document, with one entry of each resource type and
    # those around the chunks' seams (the whole of it takes minutes to validate).
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    firsts = {kind: kinds.index(kind) for kind in kinds}
    seams = {i for n in range(1, N_ENTRIES // CHUNK + 1)
             for i in range(2 * n * CHUNK - 3, 2 * n * CHUNK + 4)}
    sample = {**bundle, "entry": [bundle["entry"][i]
                                  for i in sorted({*firsts.values(), *seams})]}
    assert not [e.message[:200] for e in validator.iter_errors(sample)]


def test_the_account_export_is_streamed_in_chunks(app, alice):
    bulk_seed(app, alice)
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 3})
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 4})  # one earlier version
    with SelectCounter(app, "entries") as entries:
        text = streamed(alice.get("/api/v1/me/export"))
    assert entries.count == (N_ENTRIES + 1) // CHUNK + 1
    everything = json.loads(text)
    with app.app_context():
        assert text == json_text(everything)
    assert len(everything["entries"]) == N_ENTRIES + 1
    assert len(everything["treatments"]) == N_SESSIONS
    assert [v["content"]["pain"] for v in everything["entry_versions"]] == [3]
    assert everything["questionnaire_responses"] == []


def test_shared_and_clinic_downloads_are_streamed(app, alice):
    bulk_seed(app, alice)
    browser = share_browser(app, alice, include_notes=True)
    clinic = create_clinic(app)
    patient_id = connect(alice, clinic)
    for kind in ("entries.csv", "treatments.csv", "questionnaires.csv", "medications.csv",
                 "fhir"):
        with SelectCounter(app, "entries") as entries:
            shared = streamed(browser.get(f"/api/v1/shared/{kind}"))
            seen = streamed(clinic.admin.get(f"/api/v1/clinic/patients/{patient_id}/{kind}"))
        if kind in ("entries.csv", "fhir"):
            assert entries.count == 2 * (N_ENTRIES // CHUNK + 1)
            assert len(shared) > len(seen) > 0  # the clinic has no notes, the share has
    # Both were written to the patient's access logs before streaming.
    [listed] = alice.get("/api/v1/shares").get_json()["items"]
    [line] = alice.get(f"/api/v1/shares/{listed['id']}/views").get_json()["items"]
    assert line["opened"][-1] == "fhir"


def test_a_download_closed_early_holds_no_connection(app, alice):
    bulk_seed(app, alice)
    with app.app_context():
        pool = db.engine.pool
    before = pool.checkedout()
    unread = alice.get("/api/v1/export/fhir", buffered=False)
    assert next(iter(unread.response))
    assert pool.checkedout() == before + 1  # the read is open while the body is sent
    unread.close()  # the client went away
    assert pool.checkedout() == before
    # And the next request on this thread has its own, fresh transaction.
    assert alice.put("/api/v1/entries/2026-03-01", json={"pain": 3}).status_code == 201


@pytest.mark.parametrize("lists", [
    {"entry": []},
    {"entry": [{"a": [1, {"b": "é\n\"x\""}]}, {"c": None}]},
    {"entry": [1], "more": []},
])
def test_json_chunks_writes_what_json_text_writes(app, lists):
    document = {"resourceType": "Bundle", "entry": None, "nested": {"k": [1, 2]},
                "more": None, "last": "\u2028"}
    whole = {**document, **{k: v for k, v in lists.items()}}
    with app.app_context():
        assert "".join(json_chunks(document, **{k: iter(v) for k, v in lists.items()})) \
            == json_text(whole)
