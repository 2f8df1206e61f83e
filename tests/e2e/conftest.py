"""Browser-test fixtures: a live gunicorn server on a fresh migrated SQLite database, Debian
Chromium driven by Playwright, and a phone-sized (or, for the provider, desktop-sized)
browser context per test that records console errors and Content-Security-Policy
violations; `check` screenshots a screen and holds it to the shared bar (axe, 44 px, no
third-party request)."""

from __future__ import annotations

import functools
import itertools
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from api.web import APP_PAGES, APP_SUBPAGES
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
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "a calm and long password"
ARTIFACTS = ROOT / "test-artifacts" / "screens"
# What the phone's outbox holds; and putting items back into it `times` times, flushing
# after each (a replayed write must change nothing on the server).
OUTBOX = "import('/js/db.js').then((db) => db.getAll('outbox'))"
REPLAY = """async ([items, times]) => {
  const db = await import('/js/db.js');
  const outbox = await import('/js/outbox.js');
  for (let i = 0; i < times; i += 1) {
    await db.put('outbox', ...items);
    await outbox.flush();
  }
  return (await db.getAll('outbox')).length;
}"""
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
_emails = itertools.count(1)
# The Log in screen's labels and the Today heading after it, by the language shown.
LOG_IN_WORDS = {"en": ("Email", "Password", "Log in", "Today"),
                "es": ("Correo electrónico", "Contraseña", "Iniciar sesión", "Hoy")}

# Every control a thumb has to hit, at least 44 px tall (links inside running text aside).
SMALL_TARGETS = """() => [...document.querySelectorAll("button, a, select, textarea, summary, "
    + ".chip, .check, input:not([type=radio]):not([type=checkbox])")]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter((el) => !el.closest("p:not(.back), dd, .skip-link, .dialog[open] ~ *"))
  .filter((el) => !el.closest(".chart"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([el, r]) => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" `
    + `${Math.round(r.width)}x${Math.round(r.height)}`)
"""

# The app's own screens (api/web.py), which its router can open; not /reset, whose link
# carries its token after a #, read as the page opens.
_IN_APP = re.compile("|".join(
    [re.escape(page) for page in APP_PAGES if page != "/reset"]
    + [re.sub(r"<\w+>", "[^/]+", re.escape(page)) for page in APP_SUBPAGES]))
# Opens `path` in the running app as its link handler does (history.pushState, then the
# router, here through the popstate it listens to); false when the app is not running on
# another screen. The screen being left is marked, so the wait is for the next one.
MOVE_IN_APP = """(path) => {
  const shown = document.querySelector("main .screen");
  if (!shown || !document.getElementById("tabbar") || location.pathname === path.split("?")[0])
    return false;
  shown.setAttribute("data-left", "");
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
  return true;
}"""

# Added before any page script runs: collects CSP violations the page reports.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


# Every test makes links and tokens from 127.0.0.1; the per-IP limits are tested elsewhere.
SERVER_LIMITS = {"SHARE_RATE_LIMIT": "1000 per hour", "SHARE_SESSION_RATE_LIMIT": "1000 per minute",
                 "SHARE_READ_RATE_LIMIT": "1000 per minute", "TOKEN_RATE_LIMIT": "1000 per hour",
                 "CLINIC_READ_RATE_LIMIT": "1000 per minute", "INVITE_RATE_LIMIT": "1000 per hour"}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The e2e server's SQLite database, migrated; the admin CLI can reach it too."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    path = tmp_path_factory.mktemp("e2e-db") / "relieflog-e2e.db"
    url = f"sqlite:///{path}"
    flask_cli(url, "db", "upgrade")
    return url


def flask_cli(database_url: str, *args: str, **env: str) -> str:
    """Run `flask --app api ARGS` against the e2e database, as an admin would; its output."""
    full_env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "e2e-cli",
                "INSTANCE_PATH": str(Path(database_url.removeprefix("sqlite:///")).parent), **env}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "api", *args],
                          cwd=ROOT, env=full_env, check=True, capture_output=True, text=True)
    return done.stdout


@functools.cache
def _admin_app(database_url: str, public_url: str) -> Any:
    """The app on the e2e database as `flask` commands build it, in this process: one per
    worker, where each `flask_cli` run imports and builds the app again (2.4 s of CPU)."""
    from api.config import trusted_hosts
    from tests.conftest import make_app

    return make_app(database_url, PUBLIC_URL=public_url, TRUSTED_HOSTS=trusted_hosts(public_url))


def admin_command(database_url: str, public_url: str, *args: str) -> str:
    """An admin command (`flask ARGS`) run in this process, for tests that only need what it
    makes; `flask_cli` runs the real command line, as the tests of the admin's steps do."""
    result = _admin_app(database_url, public_url).test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return str(result.output)


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[LiveServer]:
    with live_server(database_url, env=SERVER_LIMITS) as running:
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
    # The page's requests not yet answered (or failed): `settle` waits for none.
    in_flight: set[Any] = field(default_factory=set)
    _tracked: Any = field(init=False, repr=False)  # the page whose requests those are

    def __post_init__(self) -> None:
        self._tracked = self.page  # the phone's first page: a test may open another

    @property
    def url(self) -> str:
        return self.server.url

    def goto(self, path: str) -> None:
        """Open the screen at `path`. When the app is already running on another of its
        screens, as a tap on a link would: through the app's own router, which draws the
        new screen (and fetches its data) in the same page. Otherwise, or for a path with a
        hash, or the screen already shown, a page load. A load starts the app again from
        nothing (about 0.5 s of CPU, against 0.13 s a move inside the app)."""
        page = self.page
        target = path.split("?")[0]
        if ("#" not in path and _IN_APP.fullmatch(target) and page.url.startswith(self.url)
                and page.evaluate(MOVE_IN_APP, path)):
            page.wait_for_selector("main .screen:not([data-left]) h1")
        else:
            self.load(path)

    def load(self, path: str) -> None:
        """Open the app at `path` from nothing, as typing its address or reopening it does:
        it reads again what the device remembers (the patient, the language)."""
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

    def log_in(self, language: str | None = "en") -> None:
        """Log in through the Log in screen, as a patient opening the app would, in the
        language the phone shows it in: its labels and the Today heading checked by name,
        or, with `language=None` (a test of some other language, or of what a language
        shows), whatever language it is: the inputs by their types, until Today is drawn."""
        page = self.page
        page.goto(f"{self.url}/login")
        if language is None:
            page.locator("main form input[type=email]").fill(self.email)
            page.locator("main form input[type=password]").fill(PASSWORD)
            page.locator("main form button[type=submit]").first.click()
            page.locator("main .screen-today form").wait_for()
            return
        email, password, button, today = LOG_IN_WORDS[language]
        page.get_by_label(email).fill(self.email)
        page.get_by_label(password).fill(PASSWORD)
        page.get_by_role("button", name=button).click()
        page.get_by_role("heading", name=today).wait_for()

    def sign_up(self, timezone: str = "Europe/Berlin", language: str | None = "en") -> str:
        """A new patient with an account made through the API, logged in on this phone
        through the Log in screen in `language` (None: whichever it shows)."""
        self.register(timezone)
        self.log_in(language)
        return self.email

    def wait_for_service_worker(self) -> None:
        """Until the app is installed as a person going offline next would need it: the
        worker controls the page and keeps every scope of the language's catalog, which the
        app asks it for once a logged-in screen is shown (app.js). Going offline before that
        ends would leave a real phone without some screen's words."""
        assert _workers["allow"], "a test that needs the service worker is marked `worker`"
        self.page.evaluate("""() => navigator.serviceWorker.ready.then(() => new Promise((done) => {
            if (navigator.serviceWorker.controller) done();
            else navigator.serviceWorker.addEventListener("controllerchange", () => done());
        }))""")
        from api.web import APP_SCOPES

        # Every scope of the language's catalog (api/web.py APP_SCOPES), which the worker
        # keeps once the app asks it to (app.js), each screen's words offline.
        kept = r"""async (scopes) => {
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                const kept = new Set((await cache.keys()).map((request) => new URL(request.url))
                    .filter((url) => /^\/i18n\/[a-z]{2,3}\.json$/.test(url.pathname))
                    .map((url) => url.searchParams.get("scope")));
                if (scopes.every((scope) => kept.has(scope))) return true;
            }
            return false;
        }"""
        # page.evaluate awaits the promise (wait_for_function would not).
        deadline = time.monotonic() + 15
        while not self.page.evaluate(kept, list(APP_SCOPES)):
            assert time.monotonic() < deadline, "the worker never kept the language's catalog"
            self.page.wait_for_timeout(100)

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

    def settle(self, quiet: float = 0.15) -> None:
        """Until none of the page's requests has been open for `quiet` seconds: the screen
        has fetched what it shows and drawn it. Playwright's `networkidle` waits for 500 ms
        of quiet after a page load (123 screenshots a run) and not at all after a move
        inside the app, where this waits for the screen's requests too."""
        if self.page is not self._tracked:  # a page the test opened itself: not counted
            self.page.wait_for_load_state("networkidle")
            return
        deadline = time.monotonic() + 10
        quiet_since = time.monotonic()
        while True:
            now = time.monotonic()
            if self.in_flight:
                quiet_since = now
                assert now < deadline, f"requests still open: {self.in_flight}"
            elif now - quiet_since >= quiet:
                return
            self.page.wait_for_timeout(25)

    def check(self, name: str, *, also: str | None = None, full_page: bool = False) -> None:
        """Screenshot the screen as it shows (and, with `also`, scrolled to that element),
        then hold it to the bar: no third-party request, every control at least 44 px, no
        axe WCAG A/AA violation."""
        self.settle()
        self.screenshot(name, full_page=full_page)
        if also:
            self.page.locator(also).first.scroll_into_view_if_needed()
            self.screenshot(f"{name}-2")
            self.page.evaluate("window.scrollTo(0, 0)")
        resources = self.page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
        assert [r for r in resources if not r.startswith(self.url)] == [], "third-party request"
        small = self.page.evaluate(SMALL_TARGETS)
        assert small == [], f"{name}: touch targets under 44 px: {small}"
        violations = self.axe()
        assert violations == [], f"{name}: {violations}"

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


# Whether this test's browser contexts run the app's service worker: only a test marked
# `worker` (offline use, reminders, installing) does. Installing it keeps every file of the
# app and every scope of the catalog (sw.js), about a second of CPU a test; the others use the
# app as a browser without a worker would, which the app must also serve.
_workers = {"allow": False}


@pytest.fixture(autouse=True)
def _service_workers(request: pytest.FixtureRequest) -> Iterator[None]:
    _workers["allow"] = request.node.get_closest_marker("worker") is not None
    yield


class _Context:
    """A browser context as a test sees it (`phone.context`): every call goes to the real
    one; a call that leaves behind what _reuse cannot undo (an init script, a binding, a
    context route, a CDP session such as a virtual authenticator, a listener, extra headers)
    marks it spent, and it is closed after the test rather than kept. (A test moving the
    clock uses `phone.context.clock`; `page.clock` is the same clock, caught by _reuse.)"""

    SPENDING = frozenset({"add_init_script", "expose_binding", "expose_function", "route",
                          "route_from_har", "new_cdp_session", "on", "once", "clock",
                          "set_extra_http_headers", "set_geolocation", "set_http_credentials"})

    def __init__(self, real: Any) -> None:
        self.real = real
        self.spent = False

    def __getattr__(self, name: str) -> Any:
        if name in self.SPENDING:
            self.spent = True
        return getattr(self.real, name)


# This worker's used phones, by their settings, each a context and its one page. A new
# context's first page starts a renderer process and runs the app's scripts from nothing;
# a kept page's renderer goes on. Kept phones took the browser pass from 733 to 606 s of
# CPU (430 to 378 s on 2 cores). _reuse leaves a kept phone as a new one is: no cookies,
# storage, HTTP cache, permissions or routes, online, on about:blank, at its size and media.
# Tests marked `worker` get a new context, as does a test after one that spent its context
# or closed its page. Listeners a test added to its page stay (they only fill that test's
# lists): a test that handles dialogs, or anything a next test would feel, uses its own
# context (`phone.context.on`, which spends it).
_kept: dict[tuple[Any, ...], list[tuple[Any, Any]]] = {}


def _reuse(context: Any, page: Any, viewport: dict[str, int], color_scheme: str,
           origin: str) -> None:
    page.unroute_all(behavior="ignoreErrors")
    page.goto("about:blank")  # the app's scripts end; its IndexedDB connections close
    # A clock a test moved through `page.clock` cannot be put back: that phone is not kept.
    assert abs(page.evaluate("Date.now()") / 1000 - time.time()) < 60, "the clock was moved"
    page.set_viewport_size(viewport)
    page.emulate_media(media="null", color_scheme=color_scheme)  # print, or a switched theme
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    cdp.send("Network.clearBrowserCache")
    cdp.detach()
    context.clear_cookies()
    context.clear_permissions()
    context.set_offline(False)


def _phone(browser: Any, server: LiveServer, color_scheme: str = "light",
           viewport: dict[str, int] = PHONE, locale: str = "en-GB",
           language: str | None = None, timezone: str = "Europe/Berlin") -> Iterator[Phone]:
    """`locale`: the browser's language (navigator.languages, Intl); `language`: the one
    chosen in Settings, stored before any page script runs ("qps": the pseudo-language).
    A missing catalog key (i18n.js warns "i18n: no message …") counts as a console error."""
    key = (color_scheme, tuple(viewport.items()), locale, language, timezone)
    keep = not _workers["allow"]
    if keep and _kept.get(key):
        real, page = _kept[key].pop()
    else:
        real = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=False,
                                   has_touch=True, color_scheme=color_scheme, locale=locale,
                                   timezone_id=timezone, base_url=server.url,
                                   service_workers="block" if keep else "allow")
        real.add_init_script(CSP_LISTENER)
        if language:
            real.add_init_script(f"localStorage.setItem({LANGUAGE_KEY!r}, {language!r});")
        page = real.new_page()
    page.set_default_timeout(10_000)
    context = _Context(real)
    phone = Phone(server, context, page)

    def on_console(message: Any) -> None:
        if message.type == "error" or message.text.startswith("i18n:"):
            where = (message.location or {}).get("url", "")
            phone.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def on_error(error: Any) -> None:
        phone.console_errors.append(f"pageerror: {error}")

    def on_request(request: Any) -> None:
        phone.in_flight.add(request)

    def on_request_done(request: Any) -> None:
        phone.in_flight.discard(request)

    listeners = {"console": on_console, "pageerror": on_error, "request": on_request,
                 "requestfinished": on_request_done, "requestfailed": on_request_done}
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        yield phone
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
        if keep and not context.spent and phone.page is page and real.pages == [page]:
            try:
                _reuse(real, page, viewport, color_scheme, server.url)
            except Exception:  # a phone left unable to start over (a failed test's) is closed
                real.close()
            else:
                _kept.setdefault(key, []).append((real, page))
        else:
            real.close()


@pytest.fixture
def phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server)


@pytest.fixture
def dark_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server, color_scheme="dark")


@pytest.fixture
def desktop(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A provider at a desktop: a fresh browser context of its own, no cookies, 1280×800."""
    yield from _phone(browser, server, viewport=DESKTOP)


@pytest.fixture
def spanish_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A phone whose browser speaks Spanish (es-ES), nothing chosen in Settings."""
    yield from _phone(browser, server, locale="es-ES")


@pytest.fixture
def es_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A phone in Spain: Spanish browser, Madrid's time zone."""
    yield from _phone(browser, server, locale="es-ES", timezone="Europe/Madrid")


@pytest.fixture
def mx_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A phone whose browser speaks Mexican Spanish (decimal points, its own date forms)."""
    yield from _phone(browser, server, locale="es-MX", timezone="Europe/Madrid")


@pytest.fixture
def pseudo_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A phone in the pseudo-language "qps": every catalog string shows as ⟦…⟧, so
    assert_all_text_translated() can find text that does not come from the catalog."""
    yield from _phone(browser, server, language="qps")


@pytest.fixture
def provider_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A provider on a phone: a second, fresh browser context beside the patient's."""
    yield from _phone(browser, server)


def shown(value: object) -> str:
    """A number as the page prints it (JavaScript's String(n): 2.0 is "2")."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---- Translations (issue 12) ----

LANGUAGE_KEY = "relieflog.language"  # where web/js/i18n.js keeps the language Settings chose

# Text a screen may show outside the catalog without a translation: dates and times Intl
# formats ("24 Nov 2026", "24 Nov 09:12", "Nov 24, 2026", "Sunday 29 November",
# "November 2026").
INTL_DATE = re.compile(r"[A-Z][a-z]{2,8} \d{4}|[A-Z][a-z]{0,6}day|\d{1,2}:\d{2}|"
                       r"([A-Z][a-z]{2,8},? )?"
                       r"(\d{1,2} [A-Z][a-z]{2,8}\.?|[A-Z][a-z]{2,8}\.? \d{1,2},?)"
                       r"( \d{4})?,?( \d{1,2}:\d{2})?")

# Every visible text node (and every placeholder, aria-label, alt and title of a visible
# element) that is not all ⟦…⟧ once the wrapped parts are taken out. Text inside <time>,
# <textarea>, <input> and .user-text is the patient's or the clock's; text without a letter
# (numbers, " — ", "·") needs no translation.
_UNTRANSLATED = r"""(root) => {
  const shown = (el) => el && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden"
    && !el.closest("[hidden], dialog:not([open]), [aria-hidden=true]");
  const rest = (text) => {
    let before;
    do { before = text; text = text.replace(/⟦[^⟦⟧]*⟧/g, ""); } while (text !== before);
    return text.trim();
  };
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el) continue;
    if (el.closest("script, style, time, textarea, option, .user-text")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!range.getClientRects().length || !shown(el)) continue;
    const left = rest(node.data);
    if (/\p{L}/u.test(left)) found.push(`${el.tagName.toLowerCase()}: ${node.data.trim()}`);
  }
  for (const el of root.querySelectorAll("[placeholder], [aria-label], [alt], [title], select")) {
    if (!shown(el)) continue;
    const texts = ["placeholder", "aria-label", "alt", "title"].filter((a) => el.hasAttribute(a))
      .map((a) => [a, el.getAttribute(a)]);
    if (el.tagName === "SELECT" && el.selectedOptions.length) {
      texts.push(["option", el.selectedOptions[0].text]);
    }
    for (const [name, value] of texts) {
      if (/\p{L}/u.test(rest(value))) found.push(`${el.tagName.toLowerCase()}[${name}]: ${value}`);
    }
  }
  return found;
}"""


def untranslated_text(page: Any, allow: Iterable[str | re.Pattern[str]] = (),
                      root: str = "body") -> list[str]:
    """What the page shows in the pseudo-language that did not come through t(): a list of
    "tag: text" (or "tag[attribute]: value"). `allow`: user data the screen shows as it is
    (an email, a label the patient typed), as exact strings or patterns matching the
    whole text; Intl dates and times (INTL_DATE) are allowed anyway."""
    patterns = [re.compile(re.escape(a)) if isinstance(a, str) else a for a in allow]
    patterns.append(INTL_DATE)
    found = page.locator(root).first.evaluate(_UNTRANSLATED)

    def user_data(line: str) -> bool:
        text = line.split(": ", 1)[1]
        # A message split around an element ("⟦Latest entry: " <strong>date</strong> "⟧")
        # opens in one text node and closes in another.
        text = re.sub(r"⟦[^⟧]*$|^[^⟦]*⟧", "", text)
        pieces = [p.strip() for p in re.split(r"⟦[^⟦⟧]*⟧| — | · |, ", text) if p.strip()]
        return all(any(p.fullmatch(piece) for p in patterns) for piece in pieces)

    return [line for line in found if not user_data(line)]


def assert_all_text_translated(page: Any, allow: Iterable[str | re.Pattern[str]] = (),
                               root: str = "body") -> None:
    """Fails with every visible string under `root` the catalog did not provide; use it on
    a page in the pseudo-language (the `pseudo_phone` fixture), once the screen has loaded.
    For example: assert_all_text_translated(page, allow=[phone.email])."""
    missing = untranslated_text(page, allow, root)
    assert missing == [], f"not from the message catalog: {missing}"


def point_at_first_session(page: Any) -> None:
    """Move the pointer onto the chart at the first session marker, as a finger would."""
    page.locator(".chart").scroll_into_view_if_needed()
    box = page.locator(".chart .u-over").bounding_box()
    marker = page.locator(".chart .marker").first.bounding_box()
    assert box is not None and marker is not None
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(marker["x"] + 1, box["y"] + box["height"] / 2, steps=3)
