def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_register_and_log(alice):
    r = alice.put("/api/v1/entries/2026-01-01", json={"pain": 0, "mood": 10})
    assert r.status_code == 201


def test_building_the_app_opens_no_connection_and_starts_no_thread(database_url):
    """gunicorn runs with --preload (Makefile, docs/operations.md): the master builds the app
    and every worker is a fork of it. A database connection or a thread made while building
    it would be shared by every worker (or missing from them): there must be none."""
    import threading

    from api.db import db
    from tests.conftest import other_app

    before = set(threading.enumerate())
    with other_app(database_url) as application, application.app_context():
        assert set(threading.enumerate()) == before
        pool = db.engine.pool
        assert pool.checkedout() == 0 and pool.checkedin() == 0, pool.status()
