"""`flask backup` under write load, then `flask restore` into an empty database: the
restored rows equal the backup's, row for row."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import create_engine, text

from api.config import ROOT
from api.db import db
from tests.conftest import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.live

TABLES = ("users", "entries", "entry_versions", "treatments")


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "backup-test"}
    # The usual umask, which alone would leave a new file readable by every local user.
    return subprocess.run([sys.executable, "-m", "flask", "--app", "api", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o022))


def fingerprint(database_url: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row's content, per table."""
    engine = create_engine(database_url)
    result = {}
    with engine.connect() as connection:
        for table in TABLES:
            rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            digest = hashlib.sha256(repr([tuple(map(str, row)) for row in rows]).encode())
            result[table] = (len(rows), digest.hexdigest())
    engine.dispose()
    return result


@pytest.mark.slow
def test_backup_under_load_and_restore(app, database_url, empty_database_url, tmp_path):
    email = f"{uuid.uuid4().hex}@example.org"
    stop = threading.Event()
    written = []

    def load(url: str) -> None:
        http = requests.Session()
        http.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        n = 0
        while not stop.is_set():
            day = date(2021, 1, 1) + timedelta(days=n % 400)
            response = http.put(f"{url}/api/v1/entries/{day}",
                                json={"pain": n % 11, "notes": f"n={n}"}, timeout=10)
            written.append(response.status_code)
            n += 1

    target = tmp_path / "relieflog.backup"
    with live_server(database_url, workers=2) as server:
        requests.post(f"{server.url}/api/v1/auth/register",
                      json={"email": email, "password": PASSWORD})
        threads = [threading.Thread(target=load, args=(server.url,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        while len(written) < 60:
            time.sleep(0.05)
        result = flask(database_url, "backup", str(target))
        assert result.returncode == 0, result.stderr
        stop.set()
        for thread in threads:
            thread.join()
    assert set(written) <= {200, 201}

    # What the backup holds is a snapshot: restore it into an empty database.
    assert flask(empty_database_url, "db", "upgrade").returncode == 0
    restored = flask(empty_database_url, "restore", "--yes", str(target))
    assert restored.returncode == 0, restored.stderr

    restored_prints = fingerprint(empty_database_url)
    assert restored_prints["users"][0] == 1
    assert 0 < restored_prints["entries"][0] <= 400
    # A consistent snapshot: every entry has exactly version - 1 earlier versions (the load
    # only ever replaces), so no table was copied at a different moment from another.
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        mismatched = connection.execute(text(
            "SELECT count(*) FROM entries e WHERE e.version - 1 != (SELECT count(*) FROM "
            "entry_versions v WHERE v.user_id = e.user_id AND v.date = e.date)")).scalar()
    engine.dispose()
    assert mismatched == 0
    # Restoring the same backup again gives the very same rows.
    again = flask(empty_database_url, "restore", "--yes", str(target))
    assert again.returncode == 0, again.stderr
    assert fingerprint(empty_database_url) == restored_prints
    # The live database moved on after the backup; the snapshot is a prefix of it.
    live = fingerprint(database_url)
    assert live["entries"][0] >= restored_prints["entries"][0]
    assert live["entry_versions"][0] >= restored_prints["entry_versions"][0]
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            check = subprocess.run(["python3", "-c", (
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1])"
                ".execute('PRAGMA integrity_check').fetchone()[0])"), str(target)],
                capture_output=True, text=True)
            assert check.stdout.strip() == "ok"


def test_backup_refuses_to_overwrite(database_url, app, tmp_path):
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    result = flask(database_url, "backup", str(target))
    assert result.returncode != 0 and "refusing" in result.stderr
    assert target.read_text() == "keep me"


def test_the_backup_file_is_readable_by_its_owner_only(database_url, app, tmp_path):
    """A backup holds every patient's health data: 0600 from the moment it exists,
    whatever the umask (SQLite's backup API and pg_dump alike)."""
    target = tmp_path / "private.backup"
    result = flask(database_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.stat().st_size > 0
