"""Issue 22: every declared record kind × every audience × every format, through its scope.

The kinds come from the registry (api/db/records.py `declared`), so a kind declared later is
swept without editing this test: each kind's own test file, tests/test_<kind>.py, says how
to write one of its rows (`write_one`, tests/support/kinds.py), and the test fails naming
that file until it does. The audiences are the patient's own downloads of a date range, a
share link with that range, and a clinic connection (which has no dates); the formats are
each kind's CSV, the FHIR Bundle, and the JSON the audience has (the account export for the
patient, the report for a share link and a clinic).

Each check compares what an audience reads before and after a write, so it needs to know
nothing of a format: another patient's row changes nothing; the patient's own rows dated
outside the range change nothing where the scope has dates; a row inside it changes every
output of its kind (it is really read); and free text is absent wherever the scope
excludes notes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.db.records import Kind, declared
from tests.support.clinics import connect, create_clinic
from tests.support.fhir_schema import r4_validator
from tests.support.kinds import write_one_of

RANGE = {"from": "2026-07-29", "to": "2026-08-28"}
BEFORE, INSIDE, AFTER = "2026-07-10", "2026-08-05", "2026-09-15"
# In every free-text field a seed writes: absent from what a scope without notes reads.
NOTE = "PRIVATE-NOTE"


def declared_kinds() -> list[Kind]:
    """Every declared kind (creating an app imports every domain, which declares its own)."""
    from api import create_app
    from api.config import TestConfig

    create_app(TestConfig("sqlite://"))
    return declared()


KINDS = declared_kinds()


def test_every_declared_kind_is_swept():
    for kind in KINDS:
        assert callable(write_one_of(kind)), kind.name
    shown = {"entries", "treatments", "questionnaires", "medications", "bladder"}
    assert shown <= {kind.name for kind in KINDS}
    # Each of these has its section of the report, where the sweep looks for its rows.
    assert all(kind.analysis for kind in KINDS if kind.name in shown)
    for kind in KINDS:
        assert kind.columns and kind.exported_as, kind.name


class Audience:
    """Who reads, and each output they have for one kind: (format, path) pairs."""

    def __init__(self, name: str, client: FlaskClient, base: str, query: str, *,
                 dated: tuple[str, ...], notes: bool, json_path: str) -> None:
        self.name, self.client, self.base, self.query = name, client, base, query
        # The outputs whose scope has RANGE (a clinic connection has no dates, nor has
        # the account export), and whether the scope includes notes.
        self.dated, self.notes, self.json_path = dated, notes, json_path

    def outputs(self, kind: Kind) -> dict[str, str]:
        found = {"csv": f"{self.base}/{kind.name}.csv{self.query}",
                 "fhir": f"{self.base}/fhir{self.query}"}
        if self.name == "own" or kind.analysis:  # the report shows the kinds it analyses
            found["json"] = self.json_path
        return found

    def read(self, kind: Kind, check: Callable[[dict], None] | None = None
             ) -> dict[str, object]:
        """What each output shows; `check`: hold each FHIR Bundle to the R4 schema."""
        found: dict[str, object] = {}
        for output, path in self.outputs(kind).items():
            response = self.client.get(path)
            assert response.status_code == 200, (self.name, path, response.get_data()[:300])
            if output == "fhir" and check is not None:
                check(response.get_json())
            found[output] = comparable(kind, output, response.get_data(as_text=True))
        return found


def comparable(kind: Kind, output: str, text: str) -> object:
    """An output as it can be compared between two reads: the Bundle without its own id
    and time (new at each download), the account export as this kind's lists."""
    if output == "csv":
        return text
    document = json.loads(text)
    if output == "fhir":
        return document["entry"]
    if "format" in document:  # the account export
        return {name: document.get(name) for name in (kind.exported_as,
                                                      kind.history_exported_as) if name}
    return document


def ok(response) -> None:
    assert response.status_code in (200, 201), response.get_json()


def audiences(app: Flask, alice: FlaskClient, *, notes: bool) -> list[Audience]:
    created = alice.post("/api/v1/shares", json={
        "label": "Dr", "include_notes": notes, **RANGE}).get_json()
    provider = app.test_client()
    ok(provider.post("/api/v1/shared/session", json={"token": created["url"].split("#")[1]}))
    clinic = create_clinic(app)
    patient_id = connect(alice, clinic, include_notes=notes)
    clinic_base = f"/api/v1/clinic/patients/{patient_id}"
    return [
        Audience("own", alice, "/api/v1/export", f"?from={RANGE['from']}&to={RANGE['to']}",
                 dated=("csv", "fhir"), notes=True, json_path="/api/v1/me/export"),
        Audience("share", provider, "/api/v1/shared", "", dated=("csv", "fhir", "json"),
                 notes=notes, json_path="/api/v1/shared/trends"),
        Audience("clinic", clinic.admin, clinic_base, "", dated=(), notes=notes,
                 json_path=f"{clinic_base}/trends"),
    ]


@pytest.mark.parametrize("notes", [True, False], ids=["notes", "no-notes"])
@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_every_audience_reads_a_kind_only_through_its_scope(app, alice, bob, kind, notes):
    seed = write_one_of(kind)
    readers = audiences(app, alice, notes=notes)
    empty = {reader.name: reader.read(kind) for reader in readers}

    # Another patient's row, on a date inside the range: nobody reading Alice sees it.
    seed(bob, INSIDE, f"{NOTE} bob")
    for reader in readers:
        assert reader.read(kind) == empty[reader.name], (kind.name, reader.name, "bob")

    # Alice's rows before and after the range: a scope with dates shows neither.
    seed(alice, BEFORE, f"{NOTE} before")
    seed(alice, AFTER, f"{NOTE} after")
    outside = {reader.name: reader.read(kind) for reader in readers}
    for reader in readers:
        for output in set(reader.dated) & set(outside[reader.name]):
            assert outside[reader.name][output] == empty[reader.name][output], (
                kind.name, reader.name, output)
    # Where there are no dates, they are read: those outputs are no blind spot.
    assert outside["clinic"]["csv"] != empty["clinic"]["csv"], kind.name
    assert outside["own"]["json"] != empty["own"]["json"], kind.name

    # Alice's row inside the range: every output of every audience shows it, and none
    # whose scope excludes notes shows her free text.
    seed(alice, INSIDE, f"{NOTE} inside")
    for reader in readers:
        inside = reader.read(kind, r4_validator())  # every kind's resources: valid FHIR R4
        for output, shown in inside.items():
            assert shown != outside[reader.name][output], (kind.name, reader.name, output)
            if not reader.notes:
                assert NOTE not in json.dumps(shown), (kind.name, reader.name, output)
        if reader.name != "own" and kind.analysis:  # in the kind's own section of the report
            report, before = inside["json"], outside[reader.name]["json"]
            assert isinstance(report, dict) and isinstance(before, dict)
            assert report[kind.analysis] != before[kind.analysis], (kind.name, reader.name)


def test_a_name_no_kind_has_is_404_for_every_audience_and_logs_nothing(app, alice):
    readers = audiences(app, alice, notes=False)
    for reader in readers:
        response = reader.client.get(f"{reader.base}/nope.csv")
        assert response.status_code == 404, reader.name
        assert response.content_type == "application/problem+json"
    shares = alice.get("/api/v1/shares").get_json()["items"]
    assert [share["view_count"] for share in shares] == [1]  # the session's exchange only
    views = alice.get(f"/api/v1/shares/{shares[0]['id']}/views").get_json()["items"]
    assert [view["opened"] for view in views] == [["page"]]
    connection_id = readers[2].base.rsplit("/", 1)[1]
    assert alice.get(f"/api/v1/clinic-connections/{connection_id}/views").get_json()[
        "items"] == []
    assert not any(event["detail"] == "nope.csv"
                   for event in alice.get("/api/v1/me/audit").get_json()["items"])
