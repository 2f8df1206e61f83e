"""Serves the PWA in web/ and sets the security headers every response carries."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, send_from_directory
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from api.auth.guard import cookie_name
from api.compact import compact_css, compact_js
from api.config import WEB

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()"
)

bp = Blueprint("web", __name__)

# Pages of the single-page app: each serves the same shell, which routes on the client
# (web/js/app.js, ROUTES), each with the screen it opens on: its module, web/js/screens/<name>.js.
APP_PAGES = {"/": "today", "/today": "today", "/history": "history", "/treatments": "treatments",
             "/trends": "trends", "/share-links": "sharing", "/settings": "settings",
             "/login": "login", "/register": "login", "/reset": "reset", "/forgot": "reset",
             "/medications": "medications", "/imports": "import", "/clinic": "clinic"}
# Pages one level deeper: one day of the history, one treatment session, one check-in.
APP_SUBPAGES = {"/history/<day>": "day", "/treatments/<treatment>": "treatment",
                "/checkin/<instrument>": "checkin", "/medications/<medication>": "medications"}
# The screens of someone who is not logged in; app.js sends them to the log-in screen from
# any other.
PUBLIC_SCREENS = frozenset({"login", "reset"})
# What the static route serves from web/; anything else there (the icon script, READMEs,
# licence files) is not part of the site.
ASSET_SUFFIXES = frozenset({".js", ".css", ".png", ".ico", ".svg", ".webmanifest"})


def _page(name: str) -> Response:
    response = send_from_directory(WEB, name)
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- Module preloads ----
# A page's HTML names its module graph as <link rel="modulepreload"> after its script: every
# module that script imports statically, at any depth, and for a stranger at the app the
# module graph of the screen it opens on (opening_screen); for someone logged in, their
# screen's graph at low priority at the end of the page. The browser then fetches them all
# beside the HTML, instead of one level of imports per round trip (docs/benchmarks.md,
# "Lighthouse"). A dynamic import(), loaded only when needed, is not followed; the graph is
# read from the files themselves, once per version of each file, so the HTML files carry no
# list to keep in step.
STATIC_IMPORT = re.compile(
    r"""^[ \t]*(?:import|export)\b[^"'`();]*?\bfrom\s*["'](\.{1,2}/[\w/.-]+\.js)["']"""
    r"""|^[ \t]*import\s*["'](\.{1,2}/[\w/.-]+\.js)["']""", re.M)
MODULE_SCRIPT = re.compile(r"""<script type="module" src="/([\w/.-]+\.js)"></script>""")


@functools.lru_cache(maxsize=512)
def _imports(name: str, _modified: int) -> tuple[str, ...]:
    """The modules `name` ("js/app.js", a path under web/) imports statically, as paths
    under web/, in the order it names them."""
    text = (WEB / name).read_text(encoding="utf-8")
    folder = posixpath.dirname(name)
    return tuple(posixpath.normpath(posixpath.join(folder, first or second))
                 for first, second in STATIC_IMPORT.findall(text))


def module_graph(*entries: str) -> list[str]:
    """`entries` (paths under web/) and every module they import statically, at any depth,
    each once, in the order found (breadth first: what the page needs soonest first)."""
    found: list[str] = []
    todo = list(entries)
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        todo.extend(_imports(name, (WEB / name).stat().st_mtime_ns))
    return found


@functools.lru_cache(maxsize=16)
def _html(name: str, _modified: int) -> tuple[str, str]:
    """The HTML page `name` (this version of it) and the module script it runs."""
    html = (WEB / name).read_text(encoding="utf-8")
    found = MODULE_SCRIPT.search(html)
    if found is None:
        raise ValueError(f"{name} has no module script")
    return html, found.group(1)


@functools.lru_cache(maxsize=64)
def _with_preloads(name: str, modified: int, graph: tuple[str, ...],
                   later: tuple[str, ...] = ()) -> tuple[bytes, bytes, str]:
    """The page with a modulepreload for each module of `graph` (but its own script) right
    after that script, and one at low priority for each module of `later` at the end of the
    body, gzipped, and its ETag."""
    html, script = _html(name, modified)
    # After the script, not before: the browser asks in the order it reads, and the script
    # is the largest module and the one that starts the page's own requests. Named first, it
    # no longer waits behind nine small modules for one of the six connections HTTP/1.1
    # gives a host (docs/benchmarks.md, "Lighthouse").
    at = html.index("\n", html.index(f'<script type="module" src="/{script}">')) + 1
    links = "".join(f'<link rel="modulepreload" href="/{module}">\n'
                    for module in graph if module != script)
    html = html[:at] + links + html[at:]
    end = html.rindex("</body>")
    low = "".join(f'<link rel="modulepreload" href="/{module}" fetchpriority="low">\n'
                  for module in later)
    return _compressed((html[:end] + low + html[end:]).encode("utf-8"))


def _preloading(name: str, screen: str | None = None, later: str | None = None) -> Response:
    """`name` served with its module preloads: its script's graph and, for the app, that of
    `screen`, the screen it opens on; and, at low priority, the modules of screen `later`
    not in that graph."""
    modified = (WEB / name).stat().st_mtime_ns
    script = _html(name, modified)[1]
    graph = module_graph(script, *([f"js/screens/{screen}.js"] if screen else []))
    rest = [m for m in module_graph(f"js/screens/{later}.js") if m not in graph] if later else []
    return _public(_with_preloads(name, modified, tuple(graph), tuple(rest)), "text/html")


def opening_screen(screen: str) -> str | None:
    """The screen whose modules the app's HTML names besides the shell's, at a page of
    `screen`: for a stranger (no login cookie), the page's own if it is one for strangers,
    else the log-in screen, where app.js sends them. None for someone logged in: naming their
    screen's graph as preloads too (Today's is 16 modules) moved the first paint after all of
    them and left Lighthouse's LCP where it was (docs/benchmarks.md, "Lighthouse"). Their
    screen's modules are named at the end of the page at low priority instead (_shell): the
    browser asks for the screen's whole graph beside the shell's, not one level of imports
    per round trip, and the shell's modules and the first paint come first."""
    if request.cookies.get(cookie_name()):
        return None
    return screen if screen in PUBLIC_SCREENS else "login"


def _shell(screen: str) -> Callable[..., Response]:
    def page(**_: str) -> Response:
        opening = opening_screen(screen)
        # Someone logged in at the log-in screen is sent on to their own: none named.
        later = None if opening or screen == "login" else screen
        response = _preloading("index.html", opening, later)
        response.vary.add("Cookie")  # what it preloads depends on whether someone is logged in
        return response
    return page


for _path, _screen in {**APP_PAGES, **APP_SUBPAGES}.items():
    bp.add_url_rule(_path, f"page{_path.replace('/', '_').replace('<', '').replace('>', '')}",
                    _shell(_screen))


@bp.get("/share")
def provider_page() -> Response:
    response = _preloading("share.html")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/clinic/patients/<patient_id>")
def clinic_patient_page(patient_id: str) -> Response:
    """The same report a share link opens, for one of a clinic's connected patients: the
    page reads /api/v1/clinic/patients/<id>/… with the provider's login cookie instead of a
    share's viewing cookie (web/js/share.js chooses which)."""
    return provider_page()


@bp.get("/sw.js")
def service_worker() -> Response:
    response = _page("sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/api/docs")
def api_docs() -> Response:
    return _page("api-docs.html")


# What the provider's report needs of a catalog: it fetches /i18n/<code>.json?scope=report
# and gets only these keys (still the one catalog file per language), so the report's first
# load carries no text of the patient's screens. tests/test_i18n_catalogs.py checks that
# every key the report's modules use is in scope.
REPORT_KEYS = ("app.name", "app.once.", "chart.", "controls.", "loading.", "report.", "share.",
               "vocab.", "insights.")
# Of those, the words of the report's questionnaire part (the item-9 flag, each
# questionnaire's chart and tables, the severity bands) come with that part, which loads only
# when the shared range has scores: ?scope=questionnaires. ?scope=report leaves them out, so a
# report without questionnaires does not carry them.
QUESTIONNAIRE_KEYS = ("chart.legend.score", "chart.scores_", "report.checkin.",
                      "report.explain.checkin_", "report.term.remission", "share.checkins.",
                      "share.flag.", "vocab.severity.")
# The words of the report's session-safety part (blood-pressure readings and flags, the
# medication list and its markers on the chart, the weekly bladder checks), which loads only
# when the shared range has any of them: ?scope=safety.
SAFETY_KEYS = ("chart.legend.medication", "chart.medication.", "report.safety.", "share.safety.",
               "vocab.bp_phase.", "vocab.med_class.")
# And the words of a clinic patient's report (/clinic/patients/<id>), which only that page
# fetches (web/js/clinic-report.js): ?scope=clinic; a share link's report never carries them.
CLINIC_REPORT_KEYS = ("share.clinic.",)
# "What goes with better days" and Today's "Your week" (web/js/insights.js, week-card.js):
# the app's Trends and Today and the report fetch ?scope=insights when they show them.
INSIGHTS_KEYS = ("insights.",)
# The app's own scopes (web/js/app.js): "app" for the shell and what every screen shares
# (the sync badge, errors, controls, the vocabulary), fetched at start; then each screen's,
# fetched when the screen is first shown (a screen's scope is its name in app.js's table), and
# "conflicts" with the sync dialog. A key is in every scope one of whose prefixes it starts
# with, so a new key lands in its screen's scope by its name alone ("today.…" on Today).
# The service worker keeps every one of them for the active language (web/sw.js,
# CATALOG_SCOPES); tests/test_i18n_dynamic_keys.py checks that every key a module uses is in
# a scope loaded before that module shows it.
# The vocabulary every screen shares (web/js/vocabulary.js: routes, phases, the scales' words,
# side effects, the severity bands) is the shell's; session safety's (web/js/safety-words.js:
# blood-pressure phases, medication classes) comes only with the screens that show it, so the
# first visit (log in, then Today) does not carry it (docs/benchmarks.md, "First visit").
SHELL_VOCABULARY = ("vocab.phase.", "vocab.route.", "vocab.scale.", "vocab.side_effect.",
                    "vocab.severity.")
SAFETY_VOCABULARY = ("vocab.bp_phase.", "vocab.med_class.")
# Likewise the shell's own words ("app."), but for the secret shown once (web/js/dialogs.js,
# "app.once."), which only the screens that show one load.
SHELL_WORDS = ("app.banner.", "app.description", "app.error.", "app.loading", "app.name",
               "app.offline", "app.skip", "app.sync.", "app.tab", "app.title")
SHOWN_ONCE = ("app.once.",)
APP_SCOPES: dict[str, tuple[str, ...]] = {
    "app": (*SHELL_WORDS, "controls.", "errors.", "push.", *SHELL_VOCABULARY),
    "login": ("login.",),
    # The reset page also logs an invited account in to accept, and asks for a lost password.
    "reset": ("reset.", "forgot.", "login.email", "login.password"),
    "today": ("today.", "entry."),
    "history": ("history.",),
    "day": ("day.", "entry.", *SHOWN_ONCE),
    "treatments": ("treatments.", "report.", *SAFETY_VOCABULARY, *SHOWN_ONCE),
    "trends": ("trends.", "chart.", "report.", *SAFETY_VOCABULARY),
    "settings": ("settings.", "reminders.", "twostep.", "login.password_missing",
                 "secondstep.code_missing", *SHOWN_ONCE),
    "sharing": ("sharing.", *SHOWN_ONCE),
    "checkin": ("checkin.",),
    "medications": ("medications.", *SAFETY_VOCABULARY, *SHOWN_ONCE),
    "imports": ("import.",),
    "panel": ("clinic.", "report.", "twostep.", "login.password_missing",
              "secondstep.code_missing", "share.flag.above_zero", *SHOWN_ONCE),
    "conflicts": ("conflicts.", *SAFETY_VOCABULARY, *SHOWN_ONCE),
    "secondstep": ("secondstep.",),
    "insights": INSIGHTS_KEYS,
}


def _starting_with(prefixes: tuple[str, ...]) -> Callable[[str], bool]:
    return lambda key: key.startswith(prefixes)


SCOPES = {
    **{name: _starting_with(prefixes) for name, prefixes in APP_SCOPES.items()},
    "report": lambda key: key.startswith(REPORT_KEYS)
    and not key.startswith(QUESTIONNAIRE_KEYS + SAFETY_KEYS + CLINIC_REPORT_KEYS + INSIGHTS_KEYS),
    "questionnaires": lambda key: key.startswith(QUESTIONNAIRE_KEYS),
    "safety": lambda key: key.startswith(SAFETY_KEYS),
    "clinic": lambda key: key.startswith(CLINIC_REPORT_KEYS),
}


@bp.get("/i18n/<language>.json")
def catalog(language: str) -> Response:
    path = WEB / "i18n" / f"{language}.json"
    if not re.fullmatch(r"[a-z]{2,3}", language) or not path.is_file():
        abort(404)
    scope = request.args.get("scope")
    if scope is None:
        return _page(f"i18n/{language}.json")
    wanted = SCOPES.get(scope)
    if wanted is None:
        abort(404)
    return _public(_scoped(language, path.stat().st_mtime_ns, scope), "application/json")


@functools.lru_cache(maxsize=128)
def _scoped(language: str, _modified: int, scope: str) -> tuple[bytes, bytes, str]:
    """One scope of a language's catalog, computed once per version of the catalog."""
    messages = json.loads((WEB / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
    wanted = SCOPES[scope]
    return _compressed(json.dumps({key: value for key, value in messages.items() if wanted(key)},
                                  ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":")).encode("utf-8"))


# The app's own scripts and stylesheets go out without their comments and indentation
# (api/compact.py: the same code, each line on its line); vendor files as they are. Every
# script and stylesheet, the pages' HTML and the catalogs' scopes go out gzipped to a
# browser that accepts it (about a third of the bytes, which a phone on a slow line waits
# for before the first screen: docs/benchmarks.md, "Lighthouse"); they are public, the same
# for everyone. The only other compressed responses are the providers' reports
# (api/formats/reports.py); SECURITY.md, "Compressed responses", says why no others are.
COMPACTED = {".js": ("text/javascript", compact_js), ".css": ("text/css", compact_css)}


def _compressed(body: bytes) -> tuple[bytes, bytes, str]:
    """`body`, `body` gzipped, and its ETag."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    return body, gzip.compress(body, compresslevel=9, mtime=0), etag


def _public(served: tuple[bytes, bytes, str], mimetype: str) -> Response:
    """A public file (what `_compressed` made of it), gzipped to a browser that accepts it,
    revalidated each time (a 304 when the browser has this version)."""
    body, packed, etag = served
    gzipped = request.accept_encodings.quality("gzip") > 0
    response = Response(packed if gzipped else body, mimetype=mimetype)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{etag}-gzip" if gzipped else etag)
    response.headers["Cache-Control"] = "no-cache"
    response.make_conditional(request)
    return response


@functools.lru_cache(maxsize=256)
def _served(path: str, _modified: int, compact: bool) -> tuple[bytes, bytes, str]:
    """A script's or stylesheet's body (compacted or as it is), gzipped and its ETag,
    computed once per version of the file."""
    file = Path(path)
    return _compressed(COMPACTED[file.suffix][1](file.read_text(encoding="utf-8")).encode("utf-8")
                       if compact else file.read_bytes())


@bp.get("/<asset:filename>")
def asset(filename: str) -> Response:
    suffix = Path(filename).suffix
    if filename.startswith("api/") or suffix not in ASSET_SUFFIXES:
        abort(404)
    path = safe_join(str(WEB), filename)
    if suffix in COMPACTED and path and Path(path).is_file():
        return _public(_served(path, Path(path).stat().st_mtime_ns,
                               filename.startswith(("js/", "css/"))), COMPACTED[suffix][0])
    return _page(filename)


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.path.startswith("/api/") and request.path != "/api/docs":
        # Health data: never kept by the browser, a proxy or the service worker.
        headers["Cache-Control"] = "no-store"
    return response


class AssetPath(PathConverter):
    """A path under web/ that never starts with api/: a GET to a POST-only API route must
    reach the router's 405, not this catch-all."""

    regex = r"(?!api/)[^/].*?"


def init_app(app: Flask) -> None:
    app.url_map.converters["asset"] = AssetPath
    app.register_blueprint(bp)
    app.after_request(security_headers)
