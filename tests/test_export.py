"""CSV downloads parse back to exactly what is stored, and cannot run formulas."""

from __future__ import annotations

import csv
import io
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.db.records import declared
from api.formats.csv import ENTRY_COLUMNS, TREATMENT_COLUMNS, cell
from tests.test_csv_injection import defused


def parse(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    text = response.get_data().decode("utf-8-sig")  # a BOM so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_downloads_list_links_every_declared_kind_then_fhir(alice, bob):
    """Issue 22: Settings shows a link for each item of GET /export, so a kind declared later
    is downloadable there without a change to the app; each link is the patient's own file."""
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 3, "notes": "alice's own"})
    items = alice.get("/api/v1/export").get_json()["items"]
    assert [item["kind"] for item in items] == [kind.name for kind in declared()] + ["fhir"]
    for item in items:
        for client in (alice, bob):
            response = client.get(item["href"])
            assert response.status_code == 200, item
            assert response.headers["Content-Disposition"].startswith("attachment;"), item
            assert ("alice's own" in response.get_data(as_text=True)) == (
                client is alice and item["kind"] in ("entries", "fhir")), item
    assert bob.get("/api/v1/export").get_json()["items"] == items


def test_entries_csv_matches_the_api(alice):
    alice.put("/api/v1/entries/2026-03-01", json={
        "pain": 0, "mood": 10, "sleep_hours": 7.5, "tags": ["a", "b, c"],
        "side_effects": ["nausea", "headache"], "notes": 'said "ok"\nnext line'})
    alice.put("/api/v1/entries/2026-03-02", json={"mood": 4})
    response = alice.get("/api/v1/export/entries.csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="relieflog-entries-')
    assert disposition.endswith('.csv"')
    rows = parse(response)
    assert list(rows[0]) == list(ENTRY_COLUMNS)
    api_items = alice.get("/api/v1/entries?from=2026-03-01&to=2026-03-02").get_json()["items"]
    assert len(rows) == len(api_items) == 2
    first, second = rows
    assert (first["pain"], first["mood"], first["sleep_hours"]) == ("0", "10", "7.5")
    assert first["tags"] == "a;b, c" and first["side_effects"] == "nausea;headache"
    assert first["notes"] == 'said "ok"\nnext line'
    assert second["pain"] == "" and second["mood"] == "4" and second["notes"] == ""
    for row, item in zip(rows, api_items, strict=True):
        assert row["date"] == item["date"] and row["version"] == str(item["version"])


def test_entries_csv_respects_range(alice):
    for day in ("2026-03-01", "2026-03-05"):
        alice.put(f"/api/v1/entries/{day}", json={"pain": 1})
    rows = parse(alice.get("/api/v1/export/entries.csv?from=2026-03-04&to=2026-03-06"))
    assert [r["date"] for r in rows] == ["2026-03-05"]


def test_treatments_csv(alice):
    tid = uuid.uuid4()
    alice.put(f"/api/v1/treatments/{tid}", json={
        "started_at": "2026-03-01T10:00:00+01:00", "route": "intramuscular", "dose_mg": 50,
        "with_psychotherapy": True, "pain_before": 0, "side_effects": ["sedation"],
        "clinic": "=HYPERLINK(\"http://evil\")"})
    rows = parse(alice.get("/api/v1/export/treatments.csv"))
    assert list(rows[0]) == list(TREATMENT_COLUMNS)
    row = rows[0]
    assert row["id"] == str(tid) and row["started_at"] == "2026-03-01T09:00:00+00:00"
    assert row["dose_mg"] == "50.0" and row["with_psychotherapy"] == "true"
    assert row["pain_before"] == "0" and row["pain_after"] == ""
    assert row["clinic"] == "'=HYPERLINK(\"http://evil\")"


def test_formula_injection_is_neutralised(alice):
    for i, note in enumerate(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]):
        alice.put(f"/api/v1/entries/2026-03-{i + 1:02d}", json={"pain": 1, "notes": note,
                                                                "tags": [note.strip() or "t"]})
    for row in parse(alice.get("/api/v1/export/entries.csv")):
        assert row["notes"].startswith("'"), row["notes"]


@given(st.one_of(st.none(), st.integers(-10, 10), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(), st.lists(st.text(alphabet="abc;", max_size=3), max_size=3)))
def test_cells_round_trip_through_csv(value):
    text = cell(value)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([text])
    parsed = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))[0]
    assert parsed == text
    if value is None:
        assert parsed == ""
    elif isinstance(value, str):
        assert parsed == defused(value)  # as typed, but for an apostrophe before a formula
    assert not parsed.startswith(("=", "+", "@", "\t", "\r")) or isinstance(value, float)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.text(alphabet=st.characters(blacklist_categories=["Cs"],
                                            blacklist_characters="\x00"), max_size=200))
def test_any_note_survives_the_csv(alice, notes):
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 1, "notes": notes})
    row = parse(alice.get("/api/v1/export/entries.csv"))[0]
    assert row["notes"] == defused(notes)
