"""Browser-test fixtures: a live gunicorn server on a fresh migrated SQLite database, Debian
Chromium driven by Playwright, and a phone-sized browser context per test that records
console errors and Content-Security-Policy violations."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.live_server import ROOT, LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
PASSWORD = "a calm and long password"
ARTIFACTS = ROOT / "test-artifacts" / "screens"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
_emails = itertools.count(1)

# Added before any page script runs: collects CSP violations the page reports.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    path = tmp_path_factory.mktemp("e2e-db") / "relieflog-e2e.db"
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "e2e-migrate",
           "INSTANCE_PATH": str(path.parent)}
    subprocess.run([sys.executable, "-m", "flask", "--app", "api", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    with live_server(url) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Phone:
    """One patient on one phone: a browser context, its page, and what went wrong in it."""

    server: LiveServer
    context: Any
    page: Any
    email: str = ""
    console_errors: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)
        self.page.wait_for_selector("main .screen h1")

    def register(self, timezone: str = "UTC") -> str:
        """Create an account through the API; the context (and so the page) is logged in."""
        self.email = f"patient{next(_emails)}-{os.getpid()}@example.org"
        response = self.context.request.post(f"{self.url}/api/v1/auth/register", data={
            "email": self.email, "password": PASSWORD, "timezone": timezone,
        })
        assert response.status == 201, response.text()
        return self.email

    def log_in(self) -> None:
        """Log in through the Log in screen, as a patient opening the app would."""
        self.page.goto(f"{self.url}/login")
        self.page.get_by_label("Email").fill(self.email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.get_by_role("heading", name="Today").wait_for()

    def sign_up(self, timezone: str = "Europe/Berlin") -> str:
        """A new patient with an account made through the API, logged in on this phone."""
        self.register(timezone)
        self.log_in()
        return self.email

    def wait_for_service_worker(self) -> None:
        self.page.evaluate("""() => navigator.serviceWorker.ready.then(() => new Promise((done) => {
            if (navigator.serviceWorker.controller) done();
            else navigator.serviceWorker.addEventListener("controllerchange", () => done());
        }))""")

    def scale(self, name: str, value: int):  # noqa: ANN201 - a Playwright locator
        """The radio chip `value` of the 0–10 scale named `name`."""
        return self.page.get_by_role("radiogroup", name=name, exact=True).get_by_role(
            "radio", name=str(value), exact=True)

    def api(self) -> requests.Session:
        """A separate HTTP client logged in as the same patient, to check the server's view."""
        session = requests.Session()
        response = session.post(f"{self.url}/api/v1/auth/login",
                                json={"email": self.email, "password": PASSWORD}, timeout=10)
        assert response.status_code == 200, response.text
        return session

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))

    def assert_clean(self, expected: tuple[str, ...] = ()) -> None:
        """No console errors (besides failed requests a test provoked on purpose: "412",
        "ERR_INTERNET_DISCONNECTED") and no CSP violations."""
        errors = [e for e in self.console_errors
                  if not (e.startswith("Failed to load resource")
                          and any(f"status of {x}" in e or x in e for x in expected))]
        assert errors == [], errors
        assert self.csp_violations() == []

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe(self) -> list[dict[str, Any]]:
        """WCAG 2.x A and AA violations axe-core finds on the current page."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated over DevTools rather than as a <script> tag, which the page's CSP
            # (rightly) refuses; the page's own CSP stays fully in force.
            self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("""() => axe.run(document, {
            runOnly: {type: "tag",
                      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
            resultTypes: ["violations"],
        }).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary)})))""")
        return list(result)


def _phone(browser: Any, server: LiveServer, color_scheme: str = "light") -> Iterator[Phone]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=False,
                                  has_touch=True, color_scheme=color_scheme, locale="en-GB",
                                  timezone_id="Europe/Berlin", base_url=server.url)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    phone = Phone(server, context, page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            phone.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: phone.console_errors.append(f"pageerror: {error}"))
    try:
        yield phone
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server)


@pytest.fixture
def dark_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server, color_scheme="dark")
