"""Lighthouse mobile performance (issue 21: 100 on /login, /today and /share): a live gunicorn
with a patient who has 100 days of entries, 12 sessions and a PHQ-9 every two weeks, and a
share link of theirs; Lighthouse's default mobile emulation (simulated slow 4G and a 4x
slower CPU), each page RUNS times, printed as the median score and the median of each
metric, with every run's score beside it (docs/benchmarks.md, "Lighthouse").

/login and /share#<token> are opened in a fresh profile, as Lighthouse does by default.
/today needs someone this device remembers (IndexedDB) and a session cookie: a Chromium
profile is logged in once through the Log in screen, then stripped of its HTTP cache, code
cache and service worker, and each run starts Chromium on a fresh copy of it, so every run
of /today is a cold load of a logged-in patient.

Not in the test suite: scores move with the machine's load (the CPU time Lighthouse
observes is multiplied by its throttling), so read the breakdown, not one score.

    .venv/bin/python bench/lighthouse.py [RUNS]      # RUNS defaults to 3
    LIGHTHOUSE=/path/to/lighthouse                   # default /tmp/lh/node_modules/.bin/...
    LIGHTHOUSE_REPORTS=DIR                           # keep each run's JSON report there
    LIGHTHOUSE_PAGES=today,share                     # only these pages (default: all three)
    LIGHTHOUSE_HTTP2=1                               # through nginx with TLS and HTTP/2

LIGHTHOUSE_HTTP2=1 puts nginx (Debian's nginx-light, not installed by the project) in front
of gunicorn with a self-signed certificate, as a clinic's TLS-terminating proxy would be:
one connection carrying every request, where gunicorn alone speaks HTTP/1.1 and a browser
opens at most six connections to it (docs/benchmarks.md, "Lighthouse").
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSWORD, logged_in, migrated_app, seed_patient  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.live_server import free_port, live_server  # noqa: E402

LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "/tmp/lh/node_modules/.bin/lighthouse")
KEEP = os.environ.get("LIGHTHOUSE_REPORTS")
ONLY = [name for name in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if name]
HTTP2 = os.environ.get("LIGHTHOUSE_HTTP2") == "1"
FLAGS = ["--headless=new", *CHROMIUM_ARGS, *(["--ignore-certificate-errors"] if HTTP2 else [])]
# (audit id, label, unit): what the score is made of.
METRICS = [
    ("first-contentful-paint", "FCP", "s"),
    ("largest-contentful-paint", "LCP", "s"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("speed-index", "SI", "s"),
]


def lighthouse(url: str, *extra: str) -> dict[str, Any]:
    """One Lighthouse run of `url`: its JSON report (kept in LIGHTHOUSE_REPORTS if set)."""
    with tempfile.TemporaryDirectory(prefix="relieflog-lh-") as out:
        path = Path(out) / "report.json"
        if KEEP:
            Path(KEEP).mkdir(parents=True, exist_ok=True)
            name = urlsplit(url).path.strip("/").replace("/", "-") or "root"
            path = Path(KEEP) / f"{name}-{time.strftime('%H%M%S')}.json"
        command = [LIGHTHOUSE, url, "--only-categories=performance", "--output=json",
                   f"--output-path={path}", "--quiet", *extra]
        for attempt in (1, 2):  # on a loaded machine a run now and then times out: once more
            done = subprocess.run(command, check=attempt == 2,
                                  env={**os.environ, "CHROME_PATH": CHROMIUM},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode == 0:
                break
        return dict(json.loads(path.read_text()))


@contextlib.contextmanager
def http2_proxy(upstream: str, workdir: Path) -> Iterator[str]:
    """nginx on 127.0.0.1 with TLS (a self-signed certificate) and HTTP/2 in front of
    `upstream`, until the block ends: its URL."""
    folder = workdir / "nginx"
    folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    port = free_port()
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off; {temp}
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {folder}/cert.pem; ssl_certificate_key {folder}/key.pem;
    location / {{ proxy_pass {upstream}; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_set_header Host $http_host; }}
  }}
}}""")
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c",
                              str(folder / "nginx.conf")])
    try:
        wait_for_port(port)
        yield f"https://127.0.0.1:{port}"
    finally:
        nginx.terminate()
        nginx.wait()


def figures(report: dict[str, Any]) -> dict[str, float]:
    score = report["categories"]["performance"]["score"]
    found = {"score": round(float(score) * 100) if score is not None else 0.0}
    for audit, label, _unit in METRICS:
        found[label] = float(report["audits"][audit]["numericValue"])
    return found


def shown(label: str, unit: str, value: float) -> str:
    if unit == "s":
        return f"{label} {value / 1000:4.1f} s"
    if unit == "ms":
        return f"{label} {value:5.0f} ms"
    return f"{label} {value:5.3f}"


def logged_in_profile(url: str, email: str, profile: Path) -> None:
    """A Chromium profile where `email` logged in through the Log in screen, then without
    anything cached (HTTP cache, code cache, service worker and its caches)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_https_errors=HTTP2)
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="Today").wait_for()
        page.evaluate("""async () => {
            for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
            for (const name of await caches.keys()) await caches.delete(name);
        }""")
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        context.close()
    for folder in ("Cache", "Code Cache", "Service Worker"):
        shutil.rmtree(profile / "Default" / folder, ignore_errors=True)


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Chromium never listened on {port}")


def logged_in_run(url: str, profile: Path) -> dict[str, Any]:
    """Lighthouse on `url` in Chromium started on a fresh copy of `profile`."""
    # Chromium's helper processes may still be writing to the profile a moment after the
    # browser process has ended (more often over TLS): a copy left behind is not an error.
    with tempfile.TemporaryDirectory(prefix="relieflog-lh-profile-",
                                     ignore_cleanup_errors=True) as work:
        copy = Path(work) / "profile"
        shutil.copytree(profile, copy)
        port = free_port()
        chromium = subprocess.Popen(
            [CHROMIUM, *FLAGS, "--password-store=basic", "--use-mock-keychain",
             f"--user-data-dir={copy}", f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port)
            return lighthouse(url, f"--port={port}", "--disable-storage-reset")
        finally:
            chromium.terminate()
            chromium.wait()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        database_url = f"sqlite:///{workdir}/bench.db"
        app = migrated_app(database_url)
        seed_patient(app, "lighthouse@example.org", days=100, sessions=12, phq9_every=14)
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(live_server(database_url, workers=2))
            base = stack.enter_context(http2_proxy(server.url, Path(workdir))) if HTTP2 \
                else server.url
            http = logged_in(server.url, "lighthouse")
            link = http.post(f"{server.url}/api/v1/shares",
                             json={"label": "Dr", "include_notes": True}).json()["url"]
            token = link.split("#", 1)[1]
            profile = Path(workdir) / "profile"
            logged_in_profile(base, "lighthouse@example.org", profile)
            fresh = [f"--chrome-flags={' '.join(FLAGS)}"]
            pages = [
                ("/login", lambda: lighthouse(f"{base}/login", *fresh)),
                ("/today", lambda: logged_in_run(f"{base}/today", profile)),
                ("/share", lambda: lighthouse(f"{base}/share#{token}", *fresh)),
            ]
            print(f"Lighthouse mobile, performance: median of {runs} runs (load average "
                  f"{os.getloadavg()[0]:.1f} at the start)"
                  + (", through nginx with HTTP/2" if HTTP2 else ""))
            for name, run in pages:
                if ONLY and name.strip("/") not in ONLY:
                    continue
                results = [figures(run()) for _ in range(runs)]
                median = {key: statistics.median(r[key] for r in results) for key in results[0]}
                breakdown = "  ".join(shown(label, unit, median[label])
                                      for _a, label, unit in METRICS)
                every = ", ".join(f"{r['score']:.0f}" for r in results)
                print(f"  {name:7} {median['score']:5.1f}  ({every})  {breakdown}")


if __name__ == "__main__":
    main()
