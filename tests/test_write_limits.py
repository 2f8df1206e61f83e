"""Issue 20, item 6: writes are bounded per account. One patient stored 9,000 entries and
3,000 sessions in four minutes; now every write of the diary (entries, sessions, check-ins,
medications, bladder answers) counts against one per-account limit (WRITE_RATE_LIMIT),
answered 429 problem+json with Retry-After past it, whatever address the writes come
from; a month of offline writes replayed several times stays well inside the default."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from tests.conftest import other_app, register

PHQ9 = {f"q{n}": 0 for n in range(1, 10)}


def writes_of_every_kind(client, n: int = 0, address: str = "192.0.2.1") -> list[int]:
    """One write of each kind, from `address`: their status codes."""
    day = (date(2026, 3, 1) + timedelta(days=n)).isoformat()
    env = {"REMOTE_ADDR": address}
    return [
        client.put(f"/api/v1/entries/{day}", json={"pain": 3}, environ_base=env).status_code,
        client.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
            "started_at": f"{day}T10:00:00Z", "route": "iv_infusion"},
            environ_base=env).status_code,
        client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
            "instrument": "phq9", "answered_at": f"{day}T12:00:00Z", "answers": PHQ9},
            environ_base=env).status_code,
        client.put(f"/api/v1/medications/{uuid.uuid4()}", json={
            "name": "Sertraline", "class": "antidepressant", "started_on": day},
            environ_base=env).status_code,
        client.put(f"/api/v1/bladder-checks/{day}", json={"symptoms": []},
                   environ_base=env).status_code,
    ]


def test_writes_past_the_accounts_limit_are_429_with_retry_after(database_url, app):
    with other_app(database_url, WRITE_RATE_LIMIT="5 per minute") as strict:
        patient, other = strict.test_client(), strict.test_client()
        register(patient)
        register(other)
        # Every kind counts against the one limit, from whichever address.
        assert writes_of_every_kind(patient) == [201] * 5
        refused = patient.put("/api/v1/entries/2026-04-01", json={"pain": 9},
                              environ_base={"REMOTE_ADDR": "198.51.100.7"})
        assert refused.status_code == 429
        assert refused.mimetype == "application/problem+json"
        assert refused.get_json()["status"] == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        assert patient.delete("/api/v1/entries/2026-03-01").status_code == 429
        # Nothing refused was stored; reading goes on; another account writes as before.
        assert patient.get("/api/v1/entries/2026-04-01").status_code == 404
        assert patient.get("/api/v1/entries/2026-03-01").status_code == 200
        assert writes_of_every_kind(other) == [201] * 5


def test_a_month_offline_replayed_three_times_fits_the_default(app, alice):
    assert app.config["WRITE_RATE_LIMIT"] == "600 per minute;10000 per day"
    codes = []
    for _replay in range(3):
        for n in range(30):
            codes.append(alice.put(
                f"/api/v1/entries/{(date(2026, 3, 1) + timedelta(days=n)).isoformat()}",
                json={"pain": n % 11}).status_code)
            codes.append(alice.put(f"/api/v1/treatments/{uuid.UUID(int=n + 1)}", json={
                "started_at": f"{(date(2026, 3, 1) + timedelta(days=n)).isoformat()}T10:00:00Z",
                "route": "iv_infusion"}).status_code)
        for n in range(4):
            codes.append(alice.put(f"/api/v1/responses/{uuid.UUID(int=100 + n)}", json={
                "instrument": "phq9",
                "answered_at": f"{(date(2026, 3, 1) + timedelta(days=7 * n)).isoformat()}"
                               "T12:00:00Z", "answers": PHQ9}).status_code)
    assert len(codes) == 192 and set(codes) <= {200, 201}


def test_a_write_counts_each_limit_in_one_statement_and_its_headers_say_what_is_left(
        app, alice):
    """Each limit (the minute's and the day's) is counted by one UPDATE of its counter,
    which returns the count; the X-RateLimit-* headers come from that count, not from
    reading every counter again."""
    from sqlalchemy import event

    from api.db import db

    assert alice.put("/api/v1/entries/2026-03-01", json={"pain": 3}).status_code == 201
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "rate_limit_counters" in statement:
            statements.append(statement.lstrip().split()[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        second = alice.put("/api/v1/entries/2026-03-02", json={"pain": 4})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert second.status_code == 201
    assert statements == ["UPDATE", "UPDATE"], statements
    # The tightest of "600 per minute;10000 per day" after two writes this minute.
    assert second.headers["X-RateLimit-Limit"] == "600"
    assert second.headers["X-RateLimit-Remaining"] == "598"
