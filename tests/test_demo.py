"""`make demo` seeds a patient whose Trends tell a clear story."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.calendar import local_today
from api.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TIMEZONE


def test_demo_patient_tells_the_story(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert client.post("/api/v1/auth/login", json={"email": DEMO_EMAIL,
                                                   "password": DEMO_PASSWORD}).status_code == 200
    body = client.get("/api/v1/trends?from=2000-01-01&to=2100-01-01")
    assert body.status_code == 422  # more than 3,700 days
    entries = client.get("/api/v1/entries?from=2020-01-01").get_json()["items"]
    assert 100 <= len(entries) < 120  # 120 days with a few missed
    # The demo is dated relative to today; ask for its whole span.
    first = entries[0]["date"]
    data = client.get(f"/api/v1/trends?from={first}").get_json()
    assert [len(s["treatment_ids"]) for s in data["series"]] == [6, 1, 1]
    assert all(s["pain"]["response"] for s in data["series"])
    phq9 = data["questionnaires"]["phq9"]
    assert len(phq9["points"]) >= 8 and [p["safety_answer"] for p in phq9["points"]][0] == 1
    assert phq9["series"][0]["response"] is True  # induction: PHQ-9 at least halved
    assert len(data["questionnaires"]["peg"]["points"]) >= 15
    hint = data["booster_hint"]
    assert hint is not None and hint["metric"] == "pain" and hint["day"] < 30

    # Session safety: a reading before and after every session, normal but before the last
    # booster, which is flagged; clonazepam on the sessions until it was stopped.
    sessions = client.get("/api/v1/treatments").get_json()["items"]
    assert len(sessions) == 8
    assert all([r["phase"] for r in s["vitals"]] == ["before", "after"] for s in sessions)
    assert all(s["observation_minutes"] == 60 for s in sessions)
    assert [s["flags"] for s in sessions[:-1]] == [[]] * 7
    assert all(r["systolic"] < 140 and r["diastolic"] < 90
               for s in sessions[:-1] for r in s["vitals"])
    [flag] = sessions[-1]["flags"]
    assert (flag["code"], flag["systolic"], flag["diastolic"], flag["threshold"]) == (
        "bp_before_high", 148, 92, {"systolic": 140, "diastolic": 90})
    assert [s["concomitant"] for s in sessions] == [["benzodiazepine"]] * 7 + [[]]

    today = local_today(DEMO_TIMEZONE)
    medications = client.get("/api/v1/medications").get_json()["items"]
    assert [(m["name"], m["dose"], m["class"], m["stopped_on"]) for m in medications] == [
        ("Sertraline", "100 mg", "antidepressant", None),
        ("Clonazepam", "0.5 mg", "benzodiazepine", str(today - timedelta(days=30)))]
    assert [c["dose"] for c in medications[0]["changes"]] == ["100 mg"]
    # Both started before the diary: their change and stop are the markers on Trends.
    assert [(m["kind"], m["name"], m["dose"]) for m in data["medications"]] == [
        ("changed", "Sertraline", "100 mg"), ("stopped", "Clonazepam", "0.5 mg")]
    assert [c["symptoms"] for c in data["bladder_checks"]] == [["urinary_frequency"], []]
    due = client.get("/api/v1/bladder-checks/due").get_json()
    assert due["due"] is False  # one session in the last 30 days


def test_demo_refuses_a_database_with_accounts(app, alice):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refusing" in result.output


@pytest.mark.slow
def test_make_demo_deletes_its_database_when_the_server_stops(tmp_path):
    """`make demo` says its database is deleted when the server stops: true once the server
    is stopped (SIGTERM, as Ctrl-C's SIGINT), and it tells the admin how to run commands
    against that database, with a link to the port it serves."""
    import os
    import signal
    import subprocess
    import time as clock
    import urllib.request

    from api.config import ROOT
    from tests.support.live_server import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "INSTANCE_PATH", "PUBLIC_URL")}
    env.update(TMPDIR=str(tmp_path), PORT=str(port), HOST="127.0.0.1")
    demo = subprocess.Popen([str(ROOT / "scripts" / "demo.sh")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = clock.monotonic() + 90
        while True:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert clock.monotonic() < deadline, "the demo server did not start"
                clock.sleep(0.5)
        [made] = list(tmp_path.iterdir())
        assert (made / "demo.db").exists()
        demo.send_signal(signal.SIGTERM)
        output, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    assert list(tmp_path.iterdir()) == [], output
    assert f"PUBLIC_URL=http://127.0.0.1:{port}" in output
    assert ".venv/bin/flask --app api clinics create" in output
    assert f"DATABASE_URL=sqlite:///{made}/demo.db" in output
