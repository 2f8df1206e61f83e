"""The package installs like a package: a wheel built from this checkout, installed into a
fresh virtual environment elsewhere, migrates a database and serves the app and the PWA
from what it installed (issue 22)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from api.compact import compact_js
from api.config import ROOT
from tests.support.live_server import live_server

# What a source checkout holds that is not the project (and would make the build lie).
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                    "*.pyc", "instance", "test-artifacts", ".*_cache",
                                    ".hypothesis", "*.db")


def test_every_folder_of_the_package_is_a_package():
    """setup.py finds the packages by their __init__.py: a folder without one would be
    left out of the wheel."""
    folders = {path.parent for path in (ROOT / "api").rglob("*.py")}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists())
    assert missing == []


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: int = 600) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.live
def test_the_wheel_installs_migrates_and_serves_outside_the_checkout(tmp_path):
    # Build from a clean copy: stale files in a build/ folder must not hide a missing one.
    # With the locked setuptools this environment has, as `make install` builds the
    # checkout (--no-build-isolation), not a fresh one from the index for every run.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("relieflog-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"api/db/__init__.py", "api/entries/routes.py", "api/_web/index.html",
            "api/_web/i18n/es.json", "api/_migrations/env.py",
            "api/_migrations/versions/0001_initial_schema.py"} <= names
    assert not [name for name in names if name.endswith(".pyc")]

    # A fresh environment of its own (no --system-site-packages), the wheel and its
    # dependencies from the package index, as someone installing it would. This pip installs
    # into it (`pip --python`): a copy of pip of its own (ensurepip) cost 6 s of CPU and the
    # install with it 16 s, against 8 s in all. Nothing is compiled up front (a quarter of
    # the install's CPU): Python compiles what it imports anyway.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", "--no-compile", wheel, cwd=tmp_path)

    # Run where no checkout is: the app must come from site-packages.
    here = tmp_path / "srv"
    here.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "INSTANCE_PATH", "SECRET_KEY")}
    env["DATABASE_URL"] = f"sqlite:///{here / 'relieflog.db'}"
    where = json.loads(run(python, "-c", "import json, api.config as c; print(json.dumps("
                           "[c.__file__, str(c.WEB), str(c.MIGRATIONS), str(c.INSTANCE)]))",
                           cwd=here, env=env))
    site = Path(where[0]).parent
    assert site.is_relative_to(venv) and not site.is_relative_to(ROOT)
    assert where[1:3] == [str(site / "_web"), str(site / "_migrations")]

    run(venv / "bin" / "flask", "--app", "api", "db", "upgrade", cwd=here, env=env)
    assert (here / "relieflog.db").stat().st_size > 0
    # The generated secret key lives in the environment's var/, not inside the package.
    assert Path(where[3]) == venv / "var" / "relieflog-instance"
    assert (venv / "var" / "relieflog-instance" / "secret_key").is_file()
    assert not (site.parent / "instance").exists()

    # Mark the installed page, so the one served can only be the installed one.
    index = site / "_web" / "index.html"
    index.write_text(index.read_text(encoding="utf-8") + "<!-- from the wheel -->\n",
                     encoding="utf-8")
    with live_server(env["DATABASE_URL"], workers=1, threads=2, python=str(python),
                     cwd=here) as server:
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        page = requests.get(f"{server.url}/today", timeout=10)
        assert page.status_code == 200 and "<!-- from the wheel -->" in page.text
        script = requests.get(f"{server.url}/js/app.js", timeout=10)
        assert script.status_code == 200
        # Served as the checkout serves it: the same code without its comments.
        assert script.text == compact_js((ROOT / "web" / "js" / "app.js").read_text("utf-8"))
        catalog = requests.get(f"{server.url}/i18n/es.json", timeout=10)
        assert catalog.status_code == 200 and catalog.json()["app.name"] == "Relieflog"
        registered = requests.post(f"{server.url}/api/v1/auth/register", timeout=30, json={
            "email": "wheel@example.org", "password": "correct horse battery staple",
            "timezone": "UTC"})
        assert registered.status_code == 201, registered.text
