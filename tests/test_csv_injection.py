"""No cell of a CSV download starts a formula, whether the spreadsheet splits it at "," or
at ";" (the list separator of German, French and Dutch Excel). Security review, issue 11,
finding 4."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.formats.csv import ENTRY_COLUMNS, TREATMENT_COLUMNS, rows_to_csv

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NASTY = [
    "=1+1", "hi;=1+1", "=HYPERLINK(\"http://evil.example\";\"click\")", "+SUM(A1:A9)",
    "a; =1+1", "  -1", "x;  @y", "-2+3", "@SUM(1)", "\t=1", "\r=1", "a\n=1+1", "a\r\n-1",
    "a\r@x", 'x;"=1+1', '"=1+1"',
    'x;""=1', "a;b;+c", ";=1", "=cmd|' /C calc'!A0", "a,=1", 'a","=1', "a;\t=1", "ok",
]
# Any storable text, with the characters that matter here drawn often.
TEXT = st.text(alphabet=st.one_of(
    st.sampled_from(';,"\'\r\n\t=+-@ '),
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
))


def defused(text: str) -> str:
    """What a text cell must read as: an apostrophe before a formula trigger (or a quote)
    that begins the text or follows a ";" or a line break."""
    out, boundary = [], True
    for char in text:
        if boundary and (char in TRIGGERS or char == '"'):
            out.append("'")
        out.append(char)
        # Spaces keep a cell start open: a spreadsheet may trim them on import.
        boundary = char in ";\r\n" or (boundary and char == " ")
    return "".join(out)


def cells(document: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(document, newline=""), delimiter=delimiter))


def assert_no_formula(document: str) -> None:
    for delimiter in (",", ";"):
        for row in cells(document, delimiter):
            for value in row:
                for seen in (value, value.lstrip(" ")):  # as typed, and trimmed
                    assert not seen.startswith(TRIGGERS), (delimiter, value, row)


def download(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    return response.get_data().decode("utf-8-sig")


def write_nasty_data(client) -> None:
    for i, note in enumerate(NASTY):
        response = client.put(f"/api/v1/entries/2026-02-{i + 1:02d}", json={
            "pain": 0, "sleep_hours": 7.5, "notes": note, "side_effects": ["nausea", "headache"],
            "tags": [note.strip()[:32] or "t", "=HYPERLINK(\"http://evil\")", "+1", "ok;-1"]})
        assert response.status_code == 201, response.get_json()
        response = client.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
            "started_at": f"2026-02-{i + 1:02d}T10:00:00Z", "route": "oral", "notes": note,
            "clinic": note[:120], "medication": note.strip()[:64] or "x", "dose_mg": 1.5,
            "pain_before": 0})
        assert response.status_code == 201, response.get_json()


def test_patient_csvs_have_no_formula_in_either_reading(alice):
    write_nasty_data(alice)
    for kind, columns in (("entries", ENTRY_COLUMNS), ("treatments", TREATMENT_COLUMNS)):
        document = download(alice, f"/api/v1/export/{kind}.csv")
        assert_no_formula(document)
        rows = cells(document, ",")
        assert rows[0] == list(columns)  # the header row
        assert all(len(row) == len(columns) for row in rows)
        assert len(rows) == len(NASTY) + 1
    entries = list(csv.DictReader(io.StringIO(download(alice, "/api/v1/export/entries.csv"),
                                              newline="")))
    by_note = {row["notes"]: row for row in entries}
    assert set(by_note) == {defused(note) for note in NASTY}
    row = by_note[defused("hi;=1+1")]
    assert row["notes"] == "hi;'=1+1"
    assert row["tags"] == "hi;'=1+1;'=HYPERLINK(\"http://evil\");'+1;ok;'-1"
    assert row["side_effects"] == "nausea;headache"  # lists joined with ";"
    assert (row["pain"], row["mood"], row["sleep_hours"]) == ("0", "", "7.5")  # 0, missing
    assert by_note["ok"]["notes"] == "ok"


def test_text_cells_are_quoted_and_numbers_are_not(alice):
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 0, "tags": ["a"], "notes": "n"})
    document = download(alice, "/api/v1/export/entries.csv")
    line = document.split("\r\n")[1]
    assert line.startswith('2026-03-01,0,,,,,,,"a","n",1,')  # empty list: empty


def test_provider_csvs_have_no_formula_in_either_reading(alice, client):
    write_nasty_data(alice)
    created = alice.post("/api/v1/shares", json={"label": "Dr. R", "include_notes": True})
    token = created.get_json()["token"]
    assert client.post("/api/v1/shared/session", json={"token": token}).status_code == 200
    for kind in ("entries", "treatments"):
        document = download(client, f"/api/v1/shared/{kind}.csv")
        assert_no_formula(document)
        assert "'=1+1" in document


@given(notes=TEXT, tags=st.lists(TEXT, max_size=4), clinic=TEXT)
def test_no_text_makes_a_formula(notes, tags, clinic):
    entry = {column: None for column in ENTRY_COLUMNS}
    entry.update(date="2026-03-01", pain=0, notes=notes, tags=tags, side_effects=["nausea"])
    treatment = {column: None for column in TREATMENT_COLUMNS}
    treatment.update(id=uuid.uuid4(), notes=notes, clinic=clinic, medication=notes,
                     side_effects=tags)
    for columns, row in ((ENTRY_COLUMNS, entry), (TREATMENT_COLUMNS, treatment)):
        document = "".join(rows_to_csv(columns, [row, row])).removeprefix("\ufeff")
        assert_no_formula(document)
        header, first, second = cells(document, ",")  # RFC 4180: three records, all columns
        assert header == list(columns) and first == second
        assert first[columns.index("notes")] == defused(notes)
        assert first[columns.index("side_effects")] == defused(";".join(
            row["side_effects"]))
    assert cells("".join(rows_to_csv(ENTRY_COLUMNS, [entry]))[1:], ",")[1][
        ENTRY_COLUMNS.index("tags")] == defused(";".join(tags))


@pytest.mark.parametrize("note", NASTY)
def test_each_nasty_note_is_defused(note):
    document = "".join(rows_to_csv(("notes",), [{"notes": note}])).removeprefix("\ufeff")
    assert_no_formula(document)
    assert cells(document, ",")[1] == [defused(note)]


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(notes="hi;=1+1\n@x", tags=["a;-1", "\"=1"])
@given(notes=TEXT.filter(lambda t: len(t) <= 2000),
       # A tag with space around it is refused (422), not trimmed: only tags the API keeps.
       tags=st.lists(TEXT.filter(lambda t: 0 < len(t) <= 32 and t.strip() == t), max_size=3))
def test_any_text_through_the_api_makes_no_formula(alice, notes, tags):
    saved = alice.put("/api/v1/entries/2026-03-01",
                      json={"pain": 1, "notes": notes, "tags": tags})
    assert saved.status_code in (200, 201), saved.get_json()
    document = download(alice, "/api/v1/export/entries.csv")
    assert_no_formula(document)
    row = list(csv.DictReader(io.StringIO(document, newline="")))[0]
    assert row["notes"] == defused(notes)
