"""`make demo` seeds a patient whose Trends tell a clear story."""

from __future__ import annotations

from api.demo import DEMO_EMAIL, DEMO_PASSWORD


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


def test_demo_refuses_a_database_with_accounts(app, alice):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refusing" in result.output
