"""Issue 24, bring your history: files from Daylio (both headers), Bearable, Flaredown, any
CSV and another Relieflog become entries (and sessions, medications, check-ins, bladder
answers) through a preview and one commit; bad files are a 422 naming the line and
column, and nothing is stored."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from api.calendar import local_today
from api.db import db
from api.imports.models import ImportPreview
from api.models import utcnow
from tests.conftest import other_app, register

DATA = Path(__file__).parent / "data" / "imports"


def upload(client, body: bytes | str, *, format: str | None = None,
           content_type: str = "text/csv"):
    if isinstance(body, str):
        body = body.encode()
    query = f"?format={format}" if format else ""
    return client.post(f"/api/v1/imports{query}", data=body, content_type=content_type)


def preview_of(client, name: str, **kwargs) -> dict:
    response = upload(client, (DATA / name).read_bytes(), **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def commit(client, preview: dict, **body):
    return client.post(f"/api/v1/imports/{preview['id']}/commit", json=body)


def entries_of(client) -> dict[str, dict]:
    items = client.get("/api/v1/entries?from=2020-01-01&to=2026-12-31").get_json()["items"]
    return {item["date"]: {key: item[key] for key in ("pain", "mood", "notes", "tags")}
            for item in items}


def imported(client, name: str, **body) -> dict:
    response = commit(client, preview_of(client, name), **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---------------------------------------------------------------- each format


def test_daylio_moods_several_rows_a_day_and_activities(alice):
    preview = preview_of(alice, "daylio.csv")
    assert preview["format"] == "daylio"
    assert (preview["rows"], preview["days"], preview["new"]) == (5, 4, 4)
    assert (preview["from"], preview["to"]) == ("2026-02-28", "2026-03-03")
    assert preview["mapping"]["labels"] == {"rad": 9, "meh-ish": None, "good": 7, "awful": 1,
                                            "bad": 3}
    assert preview["unmapped"]["labels"] == ["meh-ish"]  # renamed: the patient decides
    assert preview["merged_count"] == 1
    assert preview["merged"][0]["date"] == "2026-03-02" and preview["merged"][0]["rows"] == 2

    result = commit(alice, preview, mapping={"labels": {"meh-ish": 4}}).get_json()
    assert result["created"] == 4
    assert entries_of(alice) == {
        "2026-02-28": {"pain": None, "mood": 3, "notes": "=SUM(A1:A9)", "tags": ["family"]},
        "2026-03-01": {"pain": None, "mood": 1, "notes": "", "tags": []},
        # (4 + 7) / 2 = 5.5, rounded half up; notes joined; "yoga|stretch" is one activity
        "2026-03-02": {"pain": None, "mood": 6, "notes": "A long day\n\nSlept badly,\nthen a walk",
                       "tags": ["work", "yoga|stretch", "coffee"]},
        "2026-03-03": {"pain": None, "mood": 9, "notes": "", "tags": ["walk", "friends"]},
    }


def test_daylio_older_header_with_a_bom(alice):
    imported(alice, "daylio_old.csv")
    assert entries_of(alice) == {
        "2025-12-30": {"pain": None, "mood": 7, "notes": "", "tags": ["gym"]},  # (5 + 9) / 2
        "2025-12-31": {"pain": None, "mood": 7, "notes": "Año nuevo",
                       "tags": ["party", "friends"]},
    }


def test_bearable_categories_feed_pain_and_mood(alice):
    preview = preview_of(alice, "bearable.csv")
    assert preview["format"] == "bearable"
    assert preview["mapping"]["pain"] == "Symptoms: Back pain"
    assert preview["mapping"]["mood"] == "Mood"
    assert preview["mapping"]["scales"] == {"Mood": 5, "Symptoms: Back pain": 4,
                                            "Symptoms: Nausea": 4}
    assert "Symptoms: Nausea" in preview["unmapped"]["sources"]
    commit(alice, preview, mapping={"scales": {"Mood": 10}})
    assert entries_of(alice) == {
        # back pain 3 of 4 -> 7.5 -> 8; mood (4 + 2) / 2 of 10 -> 3
        "2026-01-10": {"pain": 8, "mood": 3, "notes": "Flare after gardening",
                       "tags": ["Coffee"]},
        "2026-01-11": {"pain": 5, "mood": 5, "notes": "", "tags": ["Walk", "Stretch"]},
    }


def test_flaredown_pain_column_and_scale(alice):
    preview = preview_of(alice, "flaredown.csv")
    assert preview["format"] == "flaredown"
    assert preview["mapping"]["pain"] == "Chronic pain"
    assert preview["without_score"] == 1  # 2026-02-03 rates only fatigue
    result = commit(alice, preview).get_json()
    assert result["created"] == 2
    assert entries_of(alice) == {
        "2026-02-01": {"pain": 8, "mood": None, "notes": "", "tags": ["flare", "rain"]},  # 3×2.5
        "2026-02-02": {"pain": 3, "mood": None, "notes": "", "tags": []},  # 2.5 -> 3
    }


def test_any_csv_with_semicolons_in_windows_1252(alice):
    preview = preview_of(alice, "spreadsheet_semicolon.csv")
    assert (preview["format"], preview["encoding"]) == ("csv", "windows-1252")
    assert preview["mapping"]["pain"] == "Dolor" and preview["mapping"]["mood"] == "Ánimo"
    assert "Windows-1252" in preview["warnings"][0]
    commit(alice, preview)
    assert entries_of(alice) == {
        "2026-04-01": {"pain": 6, "mood": 4, "notes": "Día difícil; mañana mejor", "tags": []},
        "2026-04-02": {"pain": 6, "mood": 5, "notes": "", "tags": []},  # "5,5" -> 5.5 -> 6
    }


def test_utf16_with_a_bom_and_a_quoted_line_break(alice):
    imported(alice, "utf16.csv")
    assert entries_of(alice) == {
        "2026-05-01": {"pain": 4, "mood": 6, "notes": "dos\nlíneas", "tags": []}}


def test_any_csv_columns_mapped_by_hand(alice):
    preview = preview_of(alice, "spreadsheet_semicolon.csv")
    commit(alice, preview, mapping={"pain": None, "mood": "Dolor", "notes": []})
    assert entries_of(alice)["2026-04-01"] == {"pain": None, "mood": 6, "notes": "", "tags": []}


def test_a_source_the_file_lacks_is_refused_by_name(alice):
    preview = preview_of(alice, "flaredown.csv")
    response = commit(alice, preview, mapping={"pain": "Back pain"})
    assert response.status_code == 422
    assert response.get_json()["column"] == "Back pain"
    assert entries_of(alice) == {}


# ---------------------------------------------------------------- repeats and conflicts


def test_the_same_file_again_is_nothing_new(alice):
    first = imported(alice, "daylio.csv")
    assert first["nothing_new"] is False
    preview = preview_of(alice, "daylio.csv")
    assert (preview["new"], preview["identical"], preview["conflict_count"]) == (0, 4, 0)
    again = commit(alice, preview).get_json()
    assert again == {"created": 0, "replaced": 0, "kept": 0, "identical": 4, "days": 0,
                     "nothing_new": True}
    versions = alice.get("/api/v1/entries/2026-03-03").get_json()["version"]
    assert versions == 1


def test_conflicts_show_both_values_then_keep_or_replace(alice):
    alice.put("/api/v1/entries/2026-03-03", json={"mood": 2, "anxiety": 5, "notes": "mine"})
    preview = preview_of(alice, "daylio.csv")
    assert (preview["new"], preview["conflict_count"]) == (3, 1)
    assert preview["conflicts"] == [{
        "date": "2026-03-03",
        "current": {"pain": None, "mood": 2, "notes": "mine", "tags": []},
        "incoming": {"pain": None, "mood": 9, "notes": "mine", "tags": ["walk", "friends"]}}]
    kept = commit(alice, preview, on_conflict="keep").get_json()
    assert (kept["created"], kept["kept"], kept["replaced"]) == (3, 1, 0)
    assert entries_of(alice)["2026-03-03"]["mood"] == 2

    replaced = commit(alice, preview_of(alice, "daylio.csv"), on_conflict="replace").get_json()
    assert (replaced["created"], replaced["replaced"]) == (0, 1)
    entry = alice.get("/api/v1/entries/2026-03-03").get_json()
    assert (entry["mood"], entry["anxiety"], entry["tags"]) == (9, 5, ["walk", "friends"])
    history = alice.get("/api/v1/entries/2026-03-03/history").get_json()["items"]
    assert history[0]["mood"] == 2  # what was replaced is kept


def test_a_preview_can_be_shown_again_under_another_mapping(alice):
    preview = preview_of(alice, "daylio.csv")
    again = alice.post(f"/api/v1/imports/{preview['id']}",
                       json={"mapping": {"labels": {"meh-ish": 0}}}).get_json()
    assert again["unmapped"]["labels"] == []
    assert again["merged"][0]["incoming"]["mood"] == 4  # (0 + 7) / 2 = 3.5 -> 4


# ---------------------------------------------------------------- bad files


LATE = "2099-01-01"


def bad_files(today_plus_2: str) -> list[tuple[str, bytes, int, int | None, str | None]]:
    daylio_header = "full_date,date,weekday,time,mood,activities,note_title,note\n"
    return [
        ("after tomorrow", (daylio_header + "2026-01-01,x,x,x,good,,,\n"
                            f"{today_plus_2},x,x,x,good,,,\n").encode(), 422, 3, "full_date"),
        ("not a date", b"date,pain\n2026-01-01,3\n01/02/2026,4\n", 422, 3, "date"),
        ("missing column", b"date,weekday,time of day,category,detail,notes\n"
                           b"2026-01-01,x,x,Mood,,\n", 422, 1, None),
        ("above the scale", b"date,pain\n2026-01-01,3\n2026-01-02,12\n", 422, 3, "pain"),
        ("negative", b"date,pain\n2026-01-01,-2\n", 422, 2, "pain"),
        ("not a number in Bearable", b"date,weekday,time of day,category,rating/amount,detail,"
                                     b"notes\n2026-01-01,x,x,Mood,lots,,\n",
         422, 2, "rating/amount"),
        ("too many cells", b"date,pain\n2026-01-01,3,4\n", 422, 2, None),
        ("unclosed quote", b'date,pain,notes\n2026-01-01,3,"open\n', 422, 2, None),
        ("unknown shape", b"when,how\nyesterday,fine\n", 422, 1, None),
        ("UTF-16 without a BOM", "date,pain\n2026-01-01,3\n".encode("utf-16-le"), 422, None,
         None),
        ("neither UTF-8 nor Windows-1252", b"date,pain,notes\n2026-01-01,3,\x81\x8d\n", 422,
         None, None),
        ("bad UTF-8 after a BOM", b"\xef\xbb\xbfdate,pain\n2026-01-01,3\n\xff\n", 422, 3, None),
        ("nested 20,000 deep", b'{"format": "relieflog-export/1", "entries": '
                               + b"[" * 20_000 + b"]" * 20_000 + b"}", 422, 1, None),
        ("not a Relieflog export", b'{"entries": []}', 422, None, "format"),
        ("a bad entry in an export", json.dumps({
            "format": "relieflog-export/1",
            "entries": [{"date": "2026-01-01", "pain": 11}]}).encode(), 422, None,
         "entries[0].pain"),
    ]


@pytest.mark.parametrize("case", range(15))
def test_bad_files_are_422_naming_line_and_column_and_store_nothing(alice, case):
    soon = (local_today("UTC") + timedelta(days=2)).isoformat()
    name, body, status, line, column = bad_files(soon)[case]
    response = upload(alice, body, format="bearable" if name == "missing column" else None)
    problem = response.get_json()
    assert response.status_code == status, (name, problem)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert problem["line"] == line, (name, problem)
    assert problem["column"] == column, (name, problem)
    assert problem["errors"]["file"] == [problem["detail"].removeprefix("file: ")]
    if line is not None:
        assert f"Line {line}" in problem["detail"]
    if name == "after tomorrow":
        assert soon in problem["detail"] and "after tomorrow" in problem["detail"]
    assert entries_of(alice) == {}


def test_a_zip_is_refused(alice):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.csv", "0" * 50_000_000)  # a bomb: 50 MB in a few KB
    response = upload(alice, archive.getvalue(), content_type="application/zip")
    assert response.status_code == 422
    assert "ZIP" in response.get_json()["detail"]


def test_more_than_200000_rows_is_refused_by_line(alice):
    body = "date,pain\n" + "2026-01-01,3\n" * 200_001
    response = upload(alice, body)
    assert response.status_code == 422
    assert response.get_json()["line"] == 200_002
    assert entries_of(alice) == {}


def test_a_file_over_import_max_bytes_is_413(database_url, app):
    with other_app(database_url, IMPORT_MAX_BYTES=1000) as small:
        client = small.test_client()
        register(client)
        response = upload(client, b"date,pain\n" + b"2026-01-01,3\n" * 100)
        assert response.status_code == 413
        assert "1000 bytes" in response.get_json()["detail"]
        # and within it, a file larger than other bodies' 64 KiB limit is fine elsewhere
    body = ("date,pain\n" + "".join(f"2020-01-{d:02},3\n" for d in range(1, 29)) * 3000)
    assert len(body) > 64 * 1024
    client = app.test_client()
    register(client)
    assert upload(client, body).status_code == 201


# ---------------------------------------------------------------- whose preview


def test_another_patients_preview_is_not_found(alice, bob):
    preview = preview_of(alice, "daylio.csv")
    assert commit(bob, preview).status_code == 404
    assert bob.post(f"/api/v1/imports/{preview['id']}", json={}).status_code == 404
    assert bob.delete(f"/api/v1/imports/{preview['id']}").status_code == 404
    assert entries_of(bob) == {} and entries_of(alice) == {}
    assert commit(alice, preview).status_code == 200


def test_a_preview_expires_after_an_hour_and_can_be_dropped(app, alice):
    preview = preview_of(alice, "daylio.csv")
    with app.app_context():
        db.session.execute(update(ImportPreview).values(expires_at=utcnow()))
        db.session.commit()
    assert commit(alice, preview).status_code == 404
    dropped = preview_of(alice, "daylio.csv")
    assert alice.delete(f"/api/v1/imports/{dropped['id']}").status_code == 204
    assert commit(alice, dropped).status_code == 404
    assert entries_of(alice) == {}


def test_logged_out_is_401(client):
    assert upload(client, b"date,pain\n2026-01-01,3\n").status_code == 401


# ---------------------------------------------------------------- what else an import touches


def test_an_import_is_in_the_security_log(alice):
    imported(alice, "daylio.csv")
    events = alice.get("/api/v1/me/audit").get_json()["items"]
    assert (events[0]["event"], events[0]["detail"]) == ("imported", "4 days from Daylio")


def test_a_formula_cell_stays_text_and_is_defused_in_the_csv_export(alice):
    imported(alice, "daylio.csv")
    text = alice.get("/api/v1/export/entries.csv").get_data().decode("utf-8-sig")
    assert "\"'=SUM(A1:A9)\"" in text


def test_trends_include_imported_days_at_once(alice):
    before = alice.get("/api/v1/trends?from=2026-01-01&to=2026-01-31").get_json()
    imported(alice, "bearable.csv")
    after = alice.get("/api/v1/trends?from=2026-01-01&to=2026-01-31").get_json()
    assert after != before
    assert "2026-01-10" in json.dumps(after)


def test_an_import_counts_toward_the_accounts_write_limit(database_url, app):
    with other_app(database_url, WRITE_RATE_LIMIT="2 per minute") as strict:
        client = strict.test_client()
        register(client)
        preview = preview_of(client, "daylio.csv")
        assert commit(client, preview).status_code == 200
        assert upload(client, (DATA / "daylio.csv").read_bytes()).status_code == 429
