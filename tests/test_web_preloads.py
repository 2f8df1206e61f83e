"""The pages name their module graph as modulepreload (api/web.py): the page's script and
everything it imports statically, and for a stranger at the app the screen it opens on (the
log-in screen, or the page's own if it is one for strangers), so the browser
fetches the graph in one round trip instead of one per level of imports (issue 21,
docs/benchmarks.md "Lighthouse"). tests/e2e/test_first_screens.py checks the same in a
browser: each preloaded module is fetched once, and is one the page runs."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from api.web import module_graph

PRELOAD = re.compile(r'<link rel="modulepreload" href="/([\w/.-]+)">')
LATER = re.compile(r'<link rel="modulepreload" href="(/[\w/.-]+)" fetchpriority="low">\n')


def preloads(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] in ("no-cache", "no-store")
    return PRELOAD.findall(response.get_data(as_text=True))


def logged_in(client: FlaskClient) -> None:
    created = client.post("/api/v1/auth/register", json={
        "email": "preloads@example.org", "password": "correct horse battery staple",
        "timezone": "Europe/Berlin"})
    assert created.status_code == 201, created.get_data(as_text=True)


def test_the_graph_follows_static_imports_only() -> None:
    graph = module_graph("js/screens/today.js")
    assert graph[0] == "js/screens/today.js"
    # Imported by today.js itself, by what it imports (entry-form.js -> controls.js ->
    # vocabulary.js), each once.
    assert {"js/entry-form.js", "js/store.js", "js/controls.js", "js/vocabulary.js",
            "js/db.js"} <= set(graph)
    assert len(graph) == len(set(graph))
    # Loaded with import() only when shown: not part of the first load.
    assert "js/week-card.js" not in graph and "js/bladder-card.js" not in graph


def test_a_stranger_gets_the_log_in_screen_s_modules(client: FlaskClient) -> None:
    for path in ("/login", "/", "/today", "/history/2026-03-01"):
        named = preloads(client, path)
        assert named == [m for m in module_graph("js/app.js", "js/screens/login.js")
                         if m != "js/app.js"], path
        assert "js/screens/today.js" not in named
        assert not LATER.search(client.get(path).get_data(as_text=True)), path
    # A page for strangers names its own screen.
    assert "js/screens/reset.js" in preloads(client, "/reset")


def test_someone_logged_in_gets_the_shell_s_modules_and_their_screen_s_at_low_priority(
        client: FlaskClient) -> None:
    """Their screen's modules are not named with the shell's (naming Today's 16 in the head
    moved the first paint later: docs/benchmarks.md, "Lighthouse") but at the end of the
    page, at low priority; none at the log-in screen, which sends them to their own."""
    logged_in(client)
    shell = module_graph("js/app.js")
    for path, screen in (("/today", "today"), ("/", "today"), ("/history/2026-03-01", "day"),
                         ("/login", None)):
        html = client.get(path).get_data(as_text=True)
        assert set(preloads(client, path)) == set(shell) - {"js/app.js"}, path
        later = LATER.findall(html)
        if screen is None:
            assert later == [], path
            continue
        assert later == [f"/{m}" for m in module_graph(f"js/screens/{screen}.js")
                         if m not in shell], path
        assert f"/js/screens/{screen}.js" in later and "/js/api.js" not in later
        assert html.index(later[0]) > html.index('<main id="main"'), "after the content"


def test_the_report_page_names_its_graph(client: FlaskClient) -> None:
    response = client.get("/share")
    assert response.headers["Cache-Control"] == "no-store"
    named = PRELOAD.findall(response.get_data(as_text=True))
    assert named == module_graph("js/share.js")[1:]
    assert "js/outbox.js" not in named and "js/session.js" not in named


def test_the_shell_revalidates_and_says_it_depends_on_the_cookie(client: FlaskClient) -> None:
    first = client.get("/today")
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/today", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    logged_in(client)
    changed = client.get("/today", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_each_page_names_its_script_before_the_modules_it_imports(client: FlaskClient) -> None:
    """The browser asks in the order it reads: the page's script (the largest module, and the
    one that starts the page's own requests) first, not behind nine small modules waiting for
    one of HTTP/1.1's six connections (docs/benchmarks.md, "Lighthouse")."""
    for path, script in (("/share", "/js/share.js"), ("/login", "/js/app.js"),
                         ("/today", "/js/app.js")):
        html = client.get(path).get_data(as_text=True)
        first = html.index('<link rel="modulepreload"')
        assert html.index(f'<script type="module" src="{script}">') < first, path
        assert html.index("</head>") > first, path


def test_the_report_page_asks_for_no_icon(client: FlaskClient) -> None:
    """A provider opens the report in a browser with nothing of ours: its tab icon is inline
    (the app's mark as SVG), not one more request beside the first screen's files."""
    html = client.get("/share").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and icon.group(1).startswith("data:image/svg+xml,")
    assert "M2 14c3 0 4-6 7-6s4 8 7 8 3-4 6-4" in icon.group(1)  # the header's mark
