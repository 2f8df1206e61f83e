def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_register_and_log(alice):
    r = alice.put("/api/v1/entries/2026-01-01", json={"pain": 0, "mood": 10})
    assert r.status_code == 201
